import { describe, expect, it } from "vitest";
import { conversation, message, participant, user } from "../store/fixtures";
import { initialState } from "../store/state";
import { EMPTY_THREAD } from "../store/threads";
import { hydrate, MESSAGES_PER_CHAT, parseSnapshot, RECENT_CHATS, snapshotOf, touchRecent } from "./cache";

const me = user("me");

function stateWith(ids: string[], messagesEach = 3) {
	const state = initialState(me);
	return {
		...state,
		conversations: ids.map((id) => conversation(id, { type: "direct", title: null })),
		participants: Object.fromEntries(ids.map((id) => [id, [participant("me", 0), participant(`u-${id}`, 0)]])),
		users: {
			...state.users,
			...Object.fromEntries(ids.map((id) => [`u-${id}`, user(`u-${id}`, { online: true, lastSeenAt: null })])),
		},
		threads: Object.fromEntries(
			ids.map((id) => [
				id,
				{
					...EMPTY_THREAD,
					loaded: true,
					messages: Array.from({ length: messagesEach }, (_, i) => message(i + 1, `u-${id}`, id)),
				},
			]),
		),
	};
}

describe("recent chats", () => {
	it("the chat just opened goes first, each once, at most ten", () => {
		let recent: string[] = [];
		for (let i = 0; i < 12; i++) recent = touchRecent(recent, `c${i}`);
		recent = touchRecent(recent, "c5");
		expect(recent[0]).toBe("c5");
		expect(recent).toHaveLength(RECENT_CHATS);
		expect(new Set(recent).size).toBe(recent.length);
	});
});

describe("what is saved for offline", () => {
	it("the list with its people, and the last messages of the recently opened chats only", () => {
		const snapshot = snapshotOf(stateWith(["c1", "c2", "c3"], MESSAGES_PER_CHAT + 20), ["c2"]);
		expect(snapshot.conversations.map((c) => c.id)).toEqual(["c1", "c2", "c3"]);
		expect(Object.keys(snapshot.participants).sort()).toEqual(["c1", "c2", "c3"]);
		expect(Object.keys(snapshot.threads)).toEqual(["c2"]);
		expect(snapshot.threads.c2).toHaveLength(MESSAGES_PER_CHAT);
		expect(snapshot.threads.c2?.at(-1)?.seq).toBe(MESSAGES_PER_CHAT + 20);
	});

	it("never presence: a saved 'online' would be a lie by the time it is read", () => {
		const snapshot = snapshotOf(stateWith(["c1"]), ["c1"]);
		expect(snapshot.users.find((u) => u.id === "u-c1")).not.toHaveProperty("online");
		expect(snapshot.participants.c1?.every((p) => !("online" in p.user))).toBe(true);
	});

	it("a chat that left the list is not kept, even if it was opened recently", () => {
		const snapshot = snapshotOf(stateWith(["c1"]), ["gone", "c1"]);
		expect(snapshot.recent).toEqual(["c1"]);
		expect(Object.keys(snapshot.threads)).toEqual(["c1"]);
	});
});

describe("opening with what was saved", () => {
	it("the list shows at once and the saved chats are marked restored, not loaded", () => {
		const saved = parseSnapshot(JSON.parse(JSON.stringify(snapshotOf(stateWith(["c1", "c2"]), ["c1"]))));
		const state = hydrate(initialState(me), saved);
		expect(state.listLoaded).toBe(true);
		expect(state.conversations.map((c) => c.id)).toEqual(["c1", "c2"]);
		expect(state.threads.c1).toMatchObject({ restored: true, loaded: false });
		expect(state.threads.c1?.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
		expect(state.threads.c2).toBeUndefined();
		expect(state.users["u-c1"]?.displayName).toBe("u-c1");
		expect(state.users.me).toEqual(me);
	});

	it("nothing saved, or a damaged copy, starts empty", () => {
		expect(hydrate(initialState(me), null)).toEqual(initialState(me));
		expect(parseSnapshot({ v: 2 })).toBeNull();
		expect(parseSnapshot("x")).toBeNull();
	});
});
