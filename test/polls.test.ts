// Polls (issue 23.3): a `poll` message, PUT /messages/:id/votes and POST /messages/:id/poll/close.
// Votes are the room's single writes (room/polls.ts): idempotent, none lost when many members vote
// at once, live for everyone through one shared `message:updated`; bad input changes nothing.
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ConversationRoom } from "../src/durable/ConversationRoom";
import { roomStub } from "../src/durable/rpc";
import { pushBody } from "../src/server/push/notify";
import type { Message } from "../src/shared/schemas";
import {
	api,
	BASE,
	directChat,
	env,
	expectError,
	groupChat,
	registerUser,
	seedUsers,
	sendText,
	type TestUser,
} from "./helpers";
import { closeSocketsAfterEach, roomSocket } from "./sockets";

const track = closeSocketsAfterEach();

async function sendPoll(from: TestUser, conversationId: string, poll: unknown) {
	return api<{ message: Message }>("POST", `/conversations/${conversationId}/messages`, {
		token: from.token,
		body: { clientId: crypto.randomUUID(), kind: "poll", poll },
	});
}

async function newPoll(from: TestUser, conversationId: string, multiple = false) {
	const res = await sendPoll(from, conversationId, {
		question: "Meeting time?",
		options: ["Mon 10:00", "Tue 14:00", "Fri 09:00"],
		multiple,
	});
	if (res.status !== 201) throw new Error(`poll failed: ${res.status} ${JSON.stringify(res.body)}`);
	return res.body.message;
}

const vote = (user: TestUser, messageId: string, optionIds: unknown) =>
	api("PUT", `/messages/${messageId}/votes`, { token: user.token, body: { optionIds } });
const close = (user: TestUser, messageId: string) =>
	api("POST", `/messages/${messageId}/poll/close`, { token: user.token });

async function pollInHistory(user: TestUser, conversationId: string, messageId: string) {
	const res = await api("GET", `/conversations/${conversationId}/messages`, { token: user.token });
	return (res.body.messages as Message[]).find((m) => m.id === messageId)?.poll;
}

const counts = (poll: { options: { count: number }[] }) => poll.options.map((o) => o.count);

describe("polls", () => {
	it("sends a poll with a plain fallback text, and members vote, change and withdraw their vote", async () => {
		const [a, b, c] = await Promise.all([registerUser("Ann"), registerUser("Ben"), registerUser("Cy")]);
		const group = await groupChat(a, [b, c]);
		const sent = await newPoll(a, group.id);
		expect(sent).toMatchObject({ kind: "poll", text: "📊 Poll: Meeting time?", image: null });
		expect(sent.poll).toEqual({
			question: "Meeting time?",
			multiple: false,
			options: [
				{ id: "o1", text: "Mon 10:00", count: 0, voterIds: [] },
				{ id: "o2", text: "Tue 14:00", count: 0, voterIds: [] },
				{ id: "o3", text: "Fri 09:00", count: 0, voterIds: [] },
			],
			voterCount: 0,
			closedAt: null,
			closedBy: null,
		});
		// A push names it: "📊 Poll: <question>".
		expect(pushBody(sent)).toBe("📊 Poll: Meeting time?");

		const first = await vote(b, sent.id, ["o2"]);
		expect(first.status).toBe(200);
		expect(first.body.myOptionIds).toEqual(["o2"]);
		expect(first.body.message.poll.options[1]).toEqual({
			id: "o2",
			text: "Tue 14:00",
			count: 1,
			voterIds: [b.user.id],
		});
		await vote(c, sent.id, ["o2"]);
		// The same vote again: the same answer.
		const again = await vote(c, sent.id, ["o2"]);
		expect(counts(again.body.message.poll)).toEqual([0, 2, 0]);
		expect(again.body.message.poll.options[1].voterIds).toEqual([b.user.id, c.user.id]);
		expect(again.body.message.poll.voterCount).toBe(2);

		// Ben changes his mind, then Cy withdraws.
		expect(counts((await vote(b, sent.id, ["o1"])).body.message.poll)).toEqual([1, 1, 0]);
		const withdrawn = await vote(c, sent.id, []);
		expect(withdrawn.body.myOptionIds).toEqual([]);
		expect(counts(withdrawn.body.message.poll)).toEqual([1, 0, 0]);
		expect(withdrawn.body.message.poll.voterCount).toBe(1);

		// Everyone reads the same results in history and in the conversation list.
		expect(counts((await pollInHistory(c, group.id, sent.id)) ?? { options: [] })).toEqual([1, 0, 0]);
		const list = await api("GET", "/conversations", { token: c.token });
		const listed = list.body.conversations.find((x: { id: string }) => x.id === group.id);
		expect(listed.lastMessage).toMatchObject({ id: sent.id, kind: "poll", text: "📊 Poll: Meeting time?" });
		expect(counts(listed.lastMessage.poll)).toEqual([1, 0, 0]);
	});

	it("takes several options on a multiple-choice poll and counts each voter once", async () => {
		const [a, b] = await Promise.all([registerUser("Ann"), registerUser("Ben")]);
		const chat = await directChat(a, b);
		const sent = await newPoll(a, chat.id, true);
		const res = await vote(b, sent.id, ["o1", "o3"]);
		expect(res.status).toBe(200);
		expect(res.body.myOptionIds.sort()).toEqual(["o1", "o3"]);
		await vote(a, sent.id, ["o3"]);
		const poll = (await pollInHistory(a, chat.id, sent.id)) as NonNullable<Message["poll"]>;
		expect(counts(poll)).toEqual([1, 0, 2]);
		expect(poll.voterCount).toBe(2);
	});

	it("refuses bad polls and bad votes with the envelope, and nothing changes", async () => {
		const [a, b, c] = await Promise.all([registerUser("Ann"), registerUser("Ben"), registerUser("Cy")]);
		const group = await groupChat(a, [b, c]);
		const options = (n: number) => Array.from({ length: n }, (_, i) => `Option ${i + 1}`);
		for (const poll of [
			{ question: "Too many?", options: options(13) },
			{ question: "Too few?", options: options(1) },
			{ question: "Twice?", options: ["Yes", "yes ", "No"] },
			{ question: "   ", options: options(2) },
			{ question: "x".repeat(301), options: options(2) },
			{ question: "Long option?", options: ["y".repeat(101), "n"] },
			{ question: "Empty option?", options: ["", "n"] },
		]) {
			const res = await sendPoll(a, group.id, poll);
			expectError(res, 400, "invalid_request");
		}
		// 12 options and 300 characters are fine.
		expect((await sendPoll(a, group.id, { question: "q".repeat(300), options: options(12) })).status).toBe(201);

		const sent = await newPoll(a, group.id);
		await vote(b, sent.id, ["o1"]);
		const before = await pollInHistory(a, group.id, sent.id);
		expectError(await vote(b, sent.id, ["o9"]), 400, "invalid_request");
		expectError(await vote(b, sent.id, ["o1", "o2"]), 400, "invalid_request");
		expectError(await vote(b, sent.id, ["o1", "o1"]), 400, "invalid_request");
		expectError(await vote(b, sent.id, "o1"), 400, "invalid_request");
		const text = await sendText(a, group.id, "not a poll");
		expectError(await vote(b, text.id, ["o1"]), 409, "conflict");
		expectError(await close(a, text.id), 409, "conflict");
		// A poll cannot be edited (its text is the question's fallback).
		expectError(
			await api("PATCH", `/messages/${sent.id}`, { token: a.token, body: { text: "Other?" } }),
			409,
			"conflict",
		);
		// Someone outside the conversation: not found.
		const stranger = await registerUser("Stranger");
		expectError(await vote(stranger, sent.id, ["o1"]), 404, "not_found");
		expectError(await close(stranger, sent.id), 404, "not_found");
		expect(await pollInHistory(a, group.id, sent.id)).toEqual(before);
	});

	it("is closed by its creator or a group admin only; later votes get 409", async () => {
		const [a, b, c] = await Promise.all([registerUser("Ann"), registerUser("Ben"), registerUser("Cy")]);
		const group = await groupChat(a, [b, c]);
		const byBen = await newPoll(b, group.id);
		const byCy = await newPoll(c, group.id);
		await vote(c, byBen.id, ["o3"]);

		expectError(await close(c, byBen.id), 403, "forbidden");
		const closed = await close(b, byBen.id);
		expect(closed.status).toBe(200);
		expect(closed.body.message.poll).toMatchObject({ closedBy: b.user.id });
		expect(Date.parse(closed.body.message.poll.closedAt)).toBeGreaterThan(0);
		expect(closed.body.myOptionIds).toEqual([]);
		// Closing again answers it as it is.
		expect((await close(b, byBen.id)).body.message.poll.closedAt).toBe(closed.body.message.poll.closedAt);
		expectError(await vote(c, byBen.id, ["o1"]), 409, "conflict");
		expectError(await vote(c, byBen.id, []), 409, "conflict");
		expect(counts((await pollInHistory(a, group.id, byBen.id)) ?? { options: [] })).toEqual([0, 0, 1]);

		// Ann is the group's admin: she closes Cy's poll.
		expect((await close(a, byCy.id)).body.message.poll.closedBy).toBe(a.user.id);

		// Deleted for everyone: the poll is gone, and takes no votes.
		const gone = await newPoll(a, group.id);
		await api("DELETE", `/messages/${gone.id}?scope=everyone`, { token: a.token });
		expect(await pollInHistory(b, group.id, gone.id)).toBeNull();
		expectError(await vote(b, gone.id, ["o1"]), 409, "conflict");
	});

	it("broadcasts each change as one shared message:updated, nothing for the same vote again", async () => {
		const [a, b, c] = await Promise.all([registerUser("Ann"), registerUser("Ben"), registerUser("Cy")]);
		const group = await groupChat(a, [b, c]);
		const sent = await newPoll(a, group.id);
		const sa = await track(roomSocket(a, group.id));
		const sc = await track(roomSocket(c, group.id));
		const isPollUpdate = (f: { type: string; data?: { message?: Message } }) =>
			f.type === "message:updated" && f.data?.message?.id === sent.id;

		await vote(b, sent.id, ["o1"]);
		await vote(b, sent.id, ["o1"]);
		await vote(c, sent.id, ["o2"]);
		const seen = await sa.waitForCount(isPollUpdate, 2);
		expect(counts(seen[0]?.data.message.poll)).toEqual([1, 0, 0]);
		expect(counts(seen[1]?.data.message.poll)).toEqual([1, 1, 0]);
		// Cy's socket got the same frame, with the voters to find her own choice in.
		const cySaw = await sc.waitForCount(isPollUpdate, 2);
		expect(cySaw[1]?.data.message.poll.options[1].voterIds).toEqual([c.user.id]);
		await close(a, sent.id);
		const closedFrame = (await sa.waitForCount(isPollUpdate, 3))[2];
		expect(closedFrame?.data.message.poll.closedBy).toBe(a.user.id);
		expect(sa.frames.filter(isPollUpdate)).toHaveLength(3);
	});

	it("loses no vote when 200 members vote and change their vote at the same time", async () => {
		const admin = await registerUser("Big");
		const ids = await seedUsers(200);
		const created = await api("POST", "/conversations", {
			token: admin.token,
			body: { type: "group", title: "Lecture hall", memberIds: ids },
		});
		expect(created.status).toBe(201);
		const conversationId = created.body.conversation.id;
		const sent = await newPoll(admin, conversationId, true);
		const stub = roomStub(env, conversationId);
		const choice = (i: number) => [`o${(i % 3) + 1}`];
		const first = await Promise.all(ids.map((id, i) => stub.vote(id, sent.id, choice(i), BASE)));
		expect(first.every((r) => r.ok)).toBe(true);
		// Each changes to the next option, and every fourth adds a second one, all at once again.
		const next = (i: number) => (i % 4 === 0 ? [`o${((i + 1) % 3) + 1}`, "o1"] : [`o${((i + 1) % 3) + 1}`]);
		const second = await Promise.all(ids.map((id, i) => stub.vote(id, sent.id, [...new Set(next(i))], BASE)));
		expect(second.every((r) => r.ok)).toBe(true);

		const expected = [0, 0, 0];
		for (let i = 0; i < ids.length; i++) {
			for (const o of new Set(next(i))) {
				const at = Number(o.slice(1)) - 1;
				expected[at] = (expected[at] ?? 0) + 1;
			}
		}
		const poll = (await pollInHistory(admin, conversationId, sent.id)) as NonNullable<Message["poll"]>;
		expect(counts(poll)).toEqual(expected);
		expect(poll.voterCount).toBe(200);
		for (const [i, id] of ids.entries()) {
			for (const o of poll.options) expect(o.voterIds.includes(id)).toBe(new Set(next(i)).has(o.id));
		}
	});

	it("works in a room whose log was written before polls existed (its table gains the column)", async () => {
		const [a, b] = await Promise.all([registerUser("Ann"), registerUser("Ben")]);
		const chat = await directChat(a, b);
		await sendText(a, chat.id, "from the old days");
		const stub = roomStub(env, chat.id) as unknown as DurableObjectStub<ConversationRoom>;
		await runInDurableObject(stub, (_room, state) => {
			state.storage.sql.exec("ALTER TABLE messages DROP COLUMN poll");
			state.storage.sql.exec("DROP TABLE poll_votes");
		});
		await evictDurableObject(stub);
		const sent = await newPoll(a, chat.id);
		expect(counts((await vote(b, sent.id, ["o1"])).body.message.poll)).toEqual([1, 0, 0]);
	});
});
