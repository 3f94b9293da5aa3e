// The room as the conversation's log with a D1 outbox (issue 10): acked messages survive an
// eviction before the flush and a D1 outage, seqs stay gap-free across restarts, history has
// every acked message at once, receipts reach only the senders concerned, and a room for a
// conversation that does not exist never gets storage.
import { evictDurableObject, listDurableObjectIds, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ConversationRoom } from "../src/durable/ConversationRoom";
import { roomStub } from "../src/durable/rpc";
import type { Message } from "../src/shared/schemas";
import { api, directChat, env, groupChat, registerUser, sendText, type TestUser } from "./helpers";
import { closeSocketsAfterEach, isNew, realtimeSocket, roomSocket, type TestSocket } from "./sockets";

const track = closeSocketsAfterEach();

/** A D1 whose writes fail: reads still work, every batch is refused, like an outage would. */
function failingD1(): D1Database {
	return new Proxy(env.DB, {
		get(target, prop) {
			if (prop === "batch") return async () => Promise.reject(new Error("D1 unavailable (test)"));
			const value = Reflect.get(target, prop);
			return typeof value === "function" ? value.bind(target) : value;
		},
	});
}

const setD1 = (id: string, db: "failing" | "real") =>
	runInDurableObject(roomStub(env, id) as unknown as DurableObjectStub<ConversationRoom>, (room) => {
		room.d1 = db === "failing" ? failingD1 : () => env.DB;
	});

/**
 * What D1 has of the conversation as `user` sees it in their list (messages live only in the
 * room since issue 21; D1 keeps the list's last message and badges): the last seq and unread count.
 */
async function listed(user: TestUser, conversationId: string): Promise<{ seq: number; unread: number }> {
	const list = await api("GET", "/conversations", { token: user.token });
	const entry = list.body.conversations.find((c: { id: string }) => c.id === conversationId);
	return { seq: entry?.lastMessage?.seq ?? 0, unread: entry?.unreadCount ?? 0 };
}

async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, ms = 10_000): Promise<T> {
	const deadline = Date.now() + ms;
	for (;;) {
		const value = await probe();
		if (done(value) || Date.now() > deadline) return value;
		await new Promise((r) => setTimeout(r, 50));
	}
}

async function sendOver(socket: TestSocket, clientId: string, text: string): Promise<Message> {
	const ack = await socket.request("message:send", { clientId, kind: "text", text });
	expect(ack.type).toBe("ack");
	return ack.data.message;
}

async function history(user: TestUser, id: string): Promise<Message[]> {
	const res = await api("GET", `/conversations/${id}/messages?afterSeq=0&limit=100`, { token: user.token });
	expect(res.status).toBe(200);
	return res.body.messages;
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe("the log and the D1 outbox", () => {
	it("keeps acknowledging sends while D1 fails, serves them in history, and fills D1 once it is back", async () => {
		const a = await registerUser("Asha");
		const b = await registerUser("Ben");
		const { id } = await directChat(a, b);
		const sa = await track(roomSocket(a, id));
		await sendOver(sa, "before", "before the outage");
		await until(
			() => listed(b, id),
			(s) => s.seq === 1,
		);
		await setD1(id, "failing");
		for (let i = 0; i < 10; i++) await sendOver(sa, `down-${i}`, `during the outage ${i}`);
		expect(await listed(b, id)).toEqual({ seq: 1, unread: 1 });
		expect((await history(b, id)).map((m) => m.seq)).toEqual(range(1, 11));
		await setD1(id, "real");
		await runDurableObjectAlarm(roomStub(env, id));
		const seqs = await until(
			() => listed(b, id),
			(s) => s.seq === 11,
		);
		expect(seqs).toEqual({ seq: 11, unread: 11 });
		// The list caught up too: the last message and the unread count come from D1.
		const list = await api("GET", "/conversations", { token: b.token });
		const entry = list.body.conversations.find((c: { id: string }) => c.id === id);
		expect(entry.lastMessage.text).toBe("during the outage 9");
		expect(entry.unreadCount).toBe(11);
	});

	it("writes every acked message to D1 exactly once when the room is evicted before its flush", async () => {
		const a = await registerUser("Asha");
		const b = await registerUser("Ben");
		const { id } = await directChat(a, b);
		const sa = await track(roomSocket(a, id));
		await setD1(id, "failing");
		const sent = [];
		for (let i = 0; i < 5; i++) sent.push(await sendOver(sa, `evict-${i}`, `acked ${i}`));
		expect(await listed(b, id)).toEqual({ seq: 0, unread: 0 });
		await evictDurableObject(roomStub(env, id), { webSockets: "close" });
		// The alarm the room set at its first write brings it back and it flushes (D1 is real again).
		await runDurableObjectAlarm(roomStub(env, id));
		const seqs = await until(
			() => listed(b, id),
			(s) => s.seq === 5,
		);
		// Each acked message counted once in the badge, and the list's last message is the last acked.
		expect(seqs).toEqual({ seq: 5, unread: 5 });
		const list = await api("GET", "/conversations", { token: b.token });
		expect(list.body.conversations.find((c: { id: string }) => c.id === id).lastMessage.id).toBe(sent.at(-1)?.id);
		expect((await history(b, id)).map((m) => m.id)).toEqual(sent.map((m) => m.id));
	});

	it("keeps a member's badge in the list right across restarts (a fresh room writes the figures D1 has again)", async () => {
		const a = await registerUser("Asha");
		const b = await registerUser("Ben");
		const { id } = await directChat(a, b);
		const sa = await track(roomSocket(a, id));
		for (let i = 0; i < 2; i++) await sendOver(sa, `badge-${i}`, `badge ${i}`);
		expect(
			await until(
				() => listed(b, id),
				(s) => s.unread === 2,
			),
		).toEqual({ seq: 2, unread: 2 });
		await evictDurableObject(roomStub(env, id), { webSockets: "close" });
		// Read over REST after the restart: the room no longer remembers what D1 had, and writes it.
		expect((await api("POST", `/conversations/${id}/read`, { token: b.token, body: { seq: 2 } })).status).toBe(200);
		expect(await listed(b, id)).toEqual({ seq: 2, unread: 0 });
		await evictDurableObject(roomStub(env, id));
		await sendText(a, id, "after two restarts");
		expect(await listed(b, id)).toEqual({ seq: 3, unread: 1 });
		expect(await listed(a, id)).toEqual({ seq: 3, unread: 0 });
	});

	it("keeps a read that D1 took when the room is evicted before it noted so, and sends it again harmlessly", async () => {
		const a = await registerUser("Asha");
		const b = await registerUser("Ben");
		const { id } = await directChat(a, b);
		const sa = await track(roomSocket(a, id));
		const sb = await track(roomSocket(b, id));
		for (let i = 0; i < 3; i++) await sendOver(sa, `took-${i}`, `took ${i}`);
		sb.send({ type: "message:read", data: { seq: 2 } });
		expect(
			await until(
				() => listed(b, id),
				(s) => s.seq === 3 && s.unread === 1,
			),
		).toEqual({ seq: 3, unread: 1 });
		// The room notes the version D1 took with its next watermark write; evicted first, it
		// sees the read as unflushed, and its alarm sends it to D1 again.
		await evictDurableObject(roomStub(env, id), { webSockets: "close" });
		await runDurableObjectAlarm(roomStub(env, id));
		const detail = await api("GET", `/conversations/${id}`, { token: a.token });
		const ben = detail.body.conversation.participants.find((p: { user: { id: string } }) => p.user.id === b.user.id);
		expect(ben).toMatchObject({ lastReadSeq: 2, lastDeliveredSeq: 2 });
		expect(await listed(b, id)).toEqual({ seq: 3, unread: 1 });
	});

	it("after a restart keeps seqs gap-free and answers a retried clientId with the stored message", async () => {
		const a = await registerUser("Asha");
		const b = await registerUser("Ben");
		const { id } = await directChat(a, b);
		const first = await sendText(a, id, "one", "retry-me");
		await sendText(a, id, "two");
		await evictDurableObject(roomStub(env, id));
		const retried = await api("POST", `/conversations/${id}/messages`, {
			token: a.token,
			body: { clientId: "retry-me", kind: "text", text: "one" },
		});
		expect(retried.status).toBe(200);
		expect(retried.body.message).toEqual(first);
		const third = await sendText(a, id, "three");
		expect(third.seq).toBe(3);
		expect(await listed(b, id)).toEqual({ seq: 3, unread: 3 });
	});

	it("answers a REST send only once D1 has it, so the list shows it at once", async () => {
		const a = await registerUser("Asha");
		const b = await registerUser("Ben");
		const { id } = await directChat(a, b);
		const msg = await sendText(a, id, "visible everywhere");
		const list = await api("GET", "/conversations", { token: b.token });
		expect(list.body.conversations[0]).toMatchObject({ id, unreadCount: 1, lastMessage: { id: msg.id } });
	});

	it("has every socket-acked message in history as soon as the ack arrives", async () => {
		const a = await registerUser("Asha");
		const b = await registerUser("Ben");
		const { id } = await directChat(a, b);
		const sa = await track(roomSocket(a, id));
		for (let i = 0; i < 20; i++) {
			const message = await sendOver(sa, `h-${i}`, `history ${i}`);
			const page = await history(b, id);
			expect(page.at(-1)?.id).toBe(message.id);
		}
	});

	it("imports a conversation that exists only in D1 (an older deployment) before serving it", async () => {
		const a = await registerUser("Asha");
		const b = await registerUser("Ben");
		const id = crypto.randomUUID();
		const now = new Date().toISOString();
		const insertMessage = env.DB.prepare(
			`INSERT INTO messages (id, conversation_id, seq, sender_id, client_id, kind, text, created_at)
			 VALUES (?, ?, ?, ?, ?, 'text', ?, ?)`,
		);
		await env.DB.batch([
			env.DB.prepare(
				`INSERT INTO conversations (id, type, title, direct_key, created_by, created_at, last_activity_at, last_seq)
				 VALUES (?, 'direct', NULL, ?, ?, ?, ?, 3)`,
			).bind(id, [a.user.id, b.user.id].sort().join(":"), a.user.id, now, now),
			env.DB.prepare(
				`INSERT INTO participants (conversation_id, user_id, role, joined_at, last_read_seq) VALUES (?, ?, 'member', ?, 3), (?, ?, 'member', ?, 1)`,
			).bind(id, a.user.id, now, id, b.user.id, now),
			...[1, 2, 3].map((seq) =>
				insertMessage.bind(crypto.randomUUID(), id, seq, a.user.id, `old-${seq}`, `old message ${seq}`, now),
			),
		]);
		expect((await history(b, id)).map((m) => m.text)).toEqual(["old message 1", "old message 2", "old message 3"]);
		const retried = await api("POST", `/conversations/${id}/messages`, {
			token: a.token,
			body: { clientId: "old-2", kind: "text", text: "old message 2" },
		});
		expect(retried.status).toBe(200);
		expect(retried.body.message.seq).toBe(2);
		expect((await sendText(b, id, "a reply")).seq).toBe(4);
		const detail = await api("GET", `/conversations/${id}`, { token: a.token });
		const ben = detail.body.conversation.participants.find((p: { user: { id: string } }) => p.user.id === b.user.id);
		expect(ben.lastReadSeq).toBe(1);
		// The list has it from the room: Ben's reply is the last message, and Asha has it unread.
		expect(await listed(a, id)).toEqual({ seq: 4, unread: 1 });
	});

	it("deletes a message for everyone the moment it was acked over a socket, before D1 saw it", async () => {
		const a = await registerUser("Asha");
		const b = await registerUser("Ben");
		const { id } = await directChat(a, b);
		const sa = await track(roomSocket(a, id));
		await setD1(id, "failing");
		const message = await sendOver(sa, "gone", "regret");
		await setD1(id, "real");
		const res = await api("DELETE", `/messages/${message.id}?scope=everyone`, { token: a.token });
		expect(res.status).toBe(204);
		const [stored] = await history(b, id);
		expect(stored).toMatchObject({ id: message.id, text: null });
		expect(stored?.deletedAt).not.toBeNull();
		// The list (D1) shows the tombstone too, and the badge no longer counts it.
		const list = await api("GET", "/conversations", { token: b.token });
		const entry = list.body.conversations.find((c: { id: string }) => c.id === id);
		expect(entry).toMatchObject({ unreadCount: 0, lastMessage: { id: message.id, text: null } });
	});
});

describe("receipts go to the senders concerned", () => {
	it("tells the sender and the reader's other sockets, and not a member who sent nothing in the range", async () => {
		const a = await registerUser("Asha");
		const b = await registerUser("Ben");
		const c = await registerUser("Chloe");
		const group = await groupChat(a, [b, c], "Receipts");
		const [sa, sb, sb2, sc] = await Promise.all([
			track(roomSocket(a, group.id)),
			track(roomSocket(b, group.id)),
			track(roomSocket(b, group.id)),
			track(roomSocket(c, group.id)),
		]);
		const inboxA = await track(realtimeSocket(a));
		const inboxC = await track(realtimeSocket(c));
		await inboxA.request("ping");
		await inboxC.request("ping");
		const message = await sendOver(sa, "r1", "read me");
		await sb.waitFor(isNew);
		expect((await sb.request("message:read", { seq: message.seq })).data).toEqual({ lastReadSeq: message.seq });
		const expected = { conversationId: group.id, userId: b.user.id, seq: message.seq };
		expect((await sa.waitFor((f) => f.type === "message:read")).data).toEqual(expected);
		expect((await inboxA.waitFor((f) => f.type === "message:read")).data).toEqual(expected);
		expect((await sb2.waitFor((f) => f.type === "message:read")).data).toEqual(expected);
		// Chloe sent nothing in (0, seq]: no receipts for her, on either socket.
		await sc.request("ping");
		await inboxC.request("ping");
		await new Promise((r) => setTimeout(r, 400));
		expect(sc.frames.filter((f) => f.type === "message:read" || f.type === "message:delivered")).toEqual([]);
		expect(inboxC.frames.filter((f) => f.type === "message:read" || f.type === "message:delivered")).toEqual([]);
	});

	it("coalesces a burst of reads into few frames that end at the latest seq", async () => {
		const a = await registerUser("Asha");
		const b = await registerUser("Ben");
		const { id } = await directChat(a, b);
		const sa = await track(roomSocket(a, id));
		const sb = await track(roomSocket(b, id));
		for (let i = 0; i < 10; i++) await sendOver(sa, `burst-${i}`, `burst ${i}`);
		for (let seq = 1; seq <= 10; seq++) sb.send({ type: "message:read", data: { seq } });
		const last = await sa.waitFor((f) => f.type === "message:read" && f.data.seq === 10);
		expect(last.data).toEqual({ conversationId: id, userId: b.user.id, seq: 10 });
		const reads = sa.frames.filter((f) => f.type === "message:read");
		// Ten reads sent at once: the leading edge plus a window or two, never a frame per read.
		expect(reads.length).toBeLessThanOrEqual(5);
		// The watermark itself moved at once: the REST view shows it.
		const detail = await api("GET", `/conversations/${id}`, { token: a.token });
		const ben = detail.body.conversation.participants.find((p: { user: { id: string } }) => p.user.id === b.user.id);
		expect(ben).toMatchObject({ lastReadSeq: 10, lastDeliveredSeq: 10 });
	});
});

describe("receipts that move nothing, and bad receipts", () => {
	it("drops a read that is not ahead of the watermark (no frame to anyone), acks it with the watermark, and refuses malformed receipts with 400", async () => {
		const a = await registerUser("Asha");
		const b = await registerUser("Ben");
		const { id } = await directChat(a, b);
		const sa = await track(roomSocket(a, id));
		const sb = await track(roomSocket(b, id));
		for (let i = 0; i < 3; i++) await sendOver(sa, `m-${i}`, `message ${i}`);
		expect((await sb.request("message:read", { seq: 3 })).data).toEqual({ lastReadSeq: 3 });
		await sa.waitFor((f) => f.type === "message:read" && f.data.seq === 3);
		const readsBefore = sa.frames.filter((f) => f.type === "message:read").length;
		// Behind or at the watermark: the ack says where it is, and nobody hears of it.
		expect((await sb.request("message:read", { seq: 1 })).data).toEqual({ lastReadSeq: 3 });
		expect((await sb.request("message:delivered", { seq: 2 })).data).toEqual({ lastDeliveredSeq: 3 });
		sb.send({ type: "message:read", data: { seq: 3 } });
		await sa.request("ping");
		await new Promise((r) => setTimeout(r, 400));
		expect(sa.frames.filter((f) => f.type === "message:read").length).toBe(readsBefore);
		// Malformed receipts get the schema's 400 and move nothing.
		for (const data of [{ seq: -1 }, { seq: 1.5 }, { seq: "2" }, {}]) {
			const bad = await sb.request("message:read", data);
			expect(bad).toMatchObject({ type: "error", error: { code: "invalid_request" } });
		}
		const detail = await api("GET", `/conversations/${id}`, { token: a.token });
		const ben = detail.body.conversation.participants.find((p: { user: { id: string } }) => p.user.id === b.user.id);
		expect(ben).toMatchObject({ lastReadSeq: 3, lastDeliveredSeq: 3 });
	});
});

describe("typing costs a frame per window, not per key", () => {
	it("turns a typist toggling typing:start / typing:stop 60 times into a few frames for others that end in the last state", async () => {
		const a = await registerUser("Asha");
		const b = await registerUser("Ben");
		const { id } = await directChat(a, b);
		const sa = await track(roomSocket(a, id));
		const sb = await track(roomSocket(b, id));
		for (let i = 0; i < 60; i++) sa.send({ type: i % 2 === 0 ? "typing:start" : "typing:stop" });
		sa.send({ type: "typing:start" });
		await sb.waitFor((f) => f.type === "user:typing" && f.data.typing === true);
		await sa.request("ping");
		await new Promise((r) => setTimeout(r, 600));
		const seen = sb.frames.filter((f) => f.type === "user:typing");
		// 61 changes in a few milliseconds: the first window's and the next one's, never one per frame.
		expect(seen.length).toBeLessThanOrEqual(4);
		expect(seen.at(-1)?.data).toEqual({ conversationId: id, userId: a.user.id, typing: true });
		expect(sa.frames.filter((f) => f.type === "user:typing")).toEqual([]);
	});
});

describe("rooms only for real conversations", () => {
	it("never gives storage to a room for a made-up conversation id, from either socket or REST", async () => {
		const a = await registerUser("Asha");
		const inbox = await track(realtimeSocket(a));
		const made = Array.from({ length: 5 }, () => crypto.randomUUID());
		for (const conversationId of made) {
			const res = await inbox.request("message:read", { conversationId, seq: 1 });
			expect(res).toMatchObject({ type: "error", error: { code: "not_found" } });
			expect((await api("POST", `/conversations/${conversationId}/read`, { token: a.token, body: {} })).status).toBe(
				404,
			);
			expect((await api("GET", `/conversations/${conversationId}/messages`, { token: a.token })).status).toBe(404);
		}
		const withStorage = new Set((await listDurableObjectIds(env.ROOMS)).map((id) => id.toString()));
		for (const conversationId of made) {
			expect(withStorage.has(env.ROOMS.idFromName(`conversation:${conversationId}`).toString())).toBe(false);
		}
	});
});

describe("flooding sockets", () => {
	it("closes a flooder with 1008 at its first frame over the budget, drops the rest unread, and others keep sending", async () => {
		const a = await registerUser("Asha");
		const b = await registerUser("Ben");
		const { id } = await directChat(a, b);
		const flooder = await track(roomSocket(a, id));
		const sb = await track(roomSocket(b, id));
		// 400 frames at once: 200 over the burst of 200, fewer than a socket that was only told to
		// slow down would need to be cut off; this one is closed at the first frame over.
		for (let i = 0; i < 400; i++) flooder.send({ type: "typing:stop", ref: `f${i}`, data: {} });
		const closed = await flooder.waitClosed(10_000);
		expect(closed?.code).toBe(1008);
		const limited = flooder.frames.filter((f) => f.type === "error" && f.error?.code === "rate_limited");
		expect(limited).toHaveLength(1);
		// The budget's worth (a burst of 200, plus what refills meanwhile) was answered; nothing after
		// the first frame over it was.
		const answered = flooder.frames.filter((f) => f.type === "ack").length;
		expect(answered).toBeGreaterThanOrEqual(200);
		expect(answered).toBeLessThan(400);
		const lastAck = flooder.frames.findLastIndex((f) => f.type === "ack");
		expect(lastAck).toBeLessThan(flooder.frames.indexOf(limited[0] as (typeof flooder.frames)[number]));
		expect((await sendOver(sb, "after-flood", "still fine")).seq).toBe(1);
	});

	it("counts bytes too: a few huge frames close the socket although they are few", async () => {
		const a = await registerUser("Asha");
		const b = await registerUser("Ben");
		const { id } = await directChat(a, b);
		const flooder = await track(roomSocket(a, id));
		// 30 frames of 60 KiB: far under the frame budget, over the 1 MiB byte budget.
		const padding = "x".repeat(60 * 1024);
		for (let i = 0; i < 30; i++) flooder.send({ type: "typing:stop", ref: `big${i}`, data: {}, padding });
		const closed = await flooder.waitClosed(10_000);
		expect(closed?.code).toBe(1008);
		expect(flooder.frames.filter((f) => f.type === "error" && f.error?.code === "rate_limited")).toHaveLength(1);
		expect(flooder.frames.filter((f) => f.type === "ack").length).toBeLessThan(30);
	});

	it("closes a realtime socket that floods with 1008 after one rate_limited error", async () => {
		const a = await registerUser("Asha");
		const inbox = await track(realtimeSocket(a));
		for (let i = 0; i < 1000; i++) inbox.send({ type: "ping", ref: `p${i}` });
		const closed = await inbox.waitClosed(10_000);
		expect(closed?.code).toBe(1008);
		expect(inbox.frames.filter((f) => f.type === "error" && f.error?.code === "rate_limited")).toHaveLength(1);
	});

	it("keeps a socket that stays within its budget open", async () => {
		const a = await registerUser("Asha");
		const b = await registerUser("Ben");
		const { id } = await directChat(a, b);
		const sa = await track(roomSocket(a, id));
		// 150 frames at once: within the burst of 200, however fast they arrive.
		for (let i = 0; i < 150; i++) sa.send({ type: "typing:stop", ref: `t${i}`, data: {} });
		await sa.waitFor((f) => f.type === "ack" && f.ref === "t149");
		expect((await sa.request("ping")).type).toBe("ack");
		expect(sa.closed).toBeNull();
		expect(sa.frames.some((f) => f.type === "error")).toBe(false);
	});
});
