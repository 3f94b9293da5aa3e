import { describe, expect, it } from "vitest";
import type { Message } from "../src/shared/schemas";
import { api, directChat, expectError, groupChat, registerUser, sendText, type TestUser } from "./helpers";

interface Page {
	messages: Message[];
	nextCursor: string | null;
}

async function history(user: TestUser, conversationId: string, query = "") {
	return api<Page>("GET", `/conversations/${conversationId}/messages${query}`, { token: user.token });
}

/** Every message the user can see, following cursors. */
async function allMessages(user: TestUser, conversationId: string): Promise<Message[]> {
	const out: Message[] = [];
	let cursor: string | null = null;
	do {
		const page = await history(
			user,
			conversationId,
			`?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
		);
		expect(page.status).toBe(200);
		out.push(...page.body.messages);
		cursor = page.body.nextCursor;
	} while (cursor);
	return out;
}

function send(user: TestUser, conversationId: string, body: unknown) {
	return api<{ message: Message; error?: any }>("POST", `/conversations/${conversationId}/messages`, {
		token: user.token,
		body,
	});
}

async function pair() {
	const [a, b] = [await registerUser("Ama"), await registerUser("Ben")];
	return { a, b, chat: await directChat(a, b) };
}

describe("sending messages", () => {
	it("stores a text message with 201 and seqs that start at 1 and increase", async () => {
		const { a, b, chat } = await pair();
		const first = await send(a, chat.id, { clientId: "c-1", kind: "text", text: "  hello  " });
		expect(first.status).toBe(201);
		expect(first.body.message).toEqual({
			id: expect.any(String),
			conversationId: chat.id,
			seq: 1,
			senderId: a.user.id,
			clientId: "c-1",
			kind: "text",
			text: "hello",
			image: null,
			createdAt: expect.any(String),
			deletedAt: null,
			system: null,
			// Contract v2: always present.
			editedAt: null,
			replyTo: null,
			mentions: [],
			reactions: [],
			// Issue 23.3: always present, null but on a poll.
			poll: null,
			// Issue 23: always present, null except on file and voice messages; `forwarded` only on forwarded copies.
			attachment: null,
		});
		const second = await send(b, chat.id, { clientId: "c-1", kind: "text", text: "hi back" });
		expect(second.status).toBe(201);
		expect(second.body.message.seq).toBe(2);
		expect((await send(a, chat.id, { clientId: "c-2", kind: "text", text: "third" })).body.message.seq).toBe(3);
	});

	it("answers a repeated clientId with 200 and the same message, storing nothing new", async () => {
		const { a, chat } = await pair();
		const first = await send(a, chat.id, { clientId: "retry-me", kind: "text", text: "once" });
		expect(first.status).toBe(201);
		const again = await send(a, chat.id, { clientId: "retry-me", kind: "text", text: "once" });
		expect(again.status).toBe(200);
		expect(again.body.message).toEqual(first.body.message);
		const changed = await send(a, chat.id, { clientId: "retry-me", kind: "text", text: "different text" });
		expect(changed.status).toBe(200);
		expect(changed.body.message).toEqual(first.body.message);
		expect(await allMessages(a, chat.id)).toHaveLength(1);
		const next = await send(a, chat.id, { clientId: "new-one", kind: "text", text: "twice" });
		expect(next.body.message.seq).toBe(2);
	});

	it("refuses empty, whitespace-only and 4001-character text with 400 naming the field; 4000 is fine", async () => {
		const { a, chat } = await pair();
		for (const text of ["", "   \n\t ", "x".repeat(4001)]) {
			const res = await send(a, chat.id, { clientId: crypto.randomUUID(), kind: "text", text });
			expectError(res, 400, "invalid_request");
			expect(res.body.error.details.fields.map((f: { path: string }) => f.path)).toContain("text");
		}
		const max = await send(a, chat.id, { clientId: crypto.randomUUID(), kind: "text", text: "y".repeat(4000) });
		expect(max.status).toBe(201);
		expect(max.body.message.text).toHaveLength(4000);
		expect(max.body.message.seq).toBe(1);
		const padded = await send(a, chat.id, {
			clientId: crypto.randomUUID(),
			kind: "text",
			text: ` ${"z".repeat(4000)} `,
		});
		expect(padded.status).toBe(201);
	});

	it("refuses a bad kind, a client-written system message, a missing clientId or text with 400", async () => {
		const { a, chat } = await pair();
		for (const body of [
			{ clientId: "k1", kind: "video", text: "hi" },
			{ clientId: "k2", kind: "system", text: "I am the server" },
			{ kind: "text", text: "no client id" },
			{ clientId: "k3", kind: "text" },
			{ clientId: "", kind: "text", text: "empty client id" },
			{ clientId: "k4", kind: "text", text: 42 },
		]) {
			const res = await send(a, chat.id, body);
			expectError(res, 400, "invalid_request");
			expect(Array.isArray(res.body.error.details.fields)).toBe(true);
		}
		expectError(
			await api("POST", `/conversations/${chat.id}/messages`, {
				token: a.token,
				rawBody: "not json",
				headers: { "Content-Type": "application/json" },
			}),
			400,
			"invalid_request",
		);
		expect(await allMessages(a, chat.id)).toHaveLength(0);
	});

	it("refuses a JSON body over 64 KiB with 413", async () => {
		const { a, chat } = await pair();
		const res = await send(a, chat.id, { clientId: "big", kind: "text", text: "x".repeat(70_000) });
		expectError(res, 413, "payload_too_large");
		expect(await allMessages(a, chat.id)).toHaveLength(0);
	});

	it("answers 404 to a non-member sending, and stores nothing", async () => {
		const { a, chat } = await pair();
		const outsider = await registerUser("Eve");
		expectError(await send(outsider, chat.id, { clientId: "x", kind: "text", text: "let me in" }), 404, "not_found");
		expectError(
			await send(outsider, "no-such-conversation", { clientId: "x", kind: "text", text: "hello?" }),
			404,
			"not_found",
		);
		expect(await allMessages(a, chat.id)).toHaveLength(0);
		const next = await sendText(a, chat.id, "first real message");
		expect(next.seq).toBe(1);
	});
});

describe("concurrent sends", () => {
	it("stores 50 parallel sends from 5 users with seqs exactly 2..51 (after the created line) and no duplicates", async () => {
		const users = await Promise.all([0, 1, 2, 3, 4].map((i) => registerUser(`Par${i}`)));
		const [admin, ...rest] = users as [TestUser, ...TestUser[]];
		const group = await groupChat(admin, rest);
		const results = await Promise.all(
			users.flatMap((u, ui) =>
				Array.from({ length: 10 }, (_, i) =>
					send(u, group.id, { clientId: `p-${ui}-${i}`, kind: "text", text: `from ${ui} #${i}` }),
				),
			),
		);
		expect(results.map((r) => r.status)).toEqual(Array(50).fill(201));
		// Seq 1 is the group's "created the group" line; the sends take 2..51.
		const seqs = results.map((r) => r.body.message.seq).sort((x, y) => x - y);
		expect(seqs).toEqual(Array.from({ length: 50 }, (_, i) => i + 2));
		expect(new Set(results.map((r) => r.body.message.id)).size).toBe(50);

		const stored = await allMessages(admin, group.id);
		expect(stored).toHaveLength(51);
		expect(stored.map((m) => m.seq)).toEqual(Array.from({ length: 51 }, (_, i) => 51 - i));
		expect(stored.at(-1)).toMatchObject({ seq: 1, kind: "system", system: { event: "created" } });
		// Every answer names the message that was stored for it.
		const byText = new Map(stored.map((m) => [m.text, m]));
		for (const r of results) expect(byText.get(r.body.message.text)?.id).toBe(r.body.message.id);
		const list = await api("GET", "/conversations", { token: admin.token });
		expect(list.body.conversations[0].lastMessage.seq).toBe(51);
	});

	it("turns parallel retries of one clientId into exactly one message", async () => {
		const { a, chat } = await pair();
		const results = await Promise.all(
			Array.from({ length: 10 }, () => send(a, chat.id, { clientId: "same", kind: "text", text: "only once" })),
		);
		expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
		expect(new Set(results.map((r) => r.body.message.id)).size).toBe(1);
		expect(results[0]?.body.message.seq).toBe(1);
		expect(await allMessages(a, chat.id)).toHaveLength(1);
	});
});

describe("history", () => {
	async function chatWithFive() {
		const { a, b, chat } = await pair();
		const sent: Message[] = [];
		for (let i = 1; i <= 5; i++) sent.push(await sendText(i % 2 ? a : b, chat.id, `m${i}`));
		return { a, b, chat, sent };
	}

	it("pages newest first with cursors until nextCursor is null", async () => {
		const { a, chat } = await chatWithFive();
		const p1 = await history(a, chat.id, "?limit=2");
		expect(p1.status).toBe(200);
		expect(p1.body.messages.map((m) => m.seq)).toEqual([5, 4]);
		const p2 = await history(a, chat.id, `?limit=2&cursor=${encodeURIComponent(p1.body.nextCursor ?? "")}`);
		expect(p2.body.messages.map((m) => m.seq)).toEqual([3, 2]);
		const p3 = await history(a, chat.id, `?limit=2&cursor=${encodeURIComponent(p2.body.nextCursor ?? "")}`);
		expect(p3.body.messages.map((m) => m.seq)).toEqual([1]);
		expect(p3.body.nextCursor).toBeNull();
		const all = await history(a, chat.id);
		expect(all.body.messages.map((m) => m.text)).toEqual(["m5", "m4", "m3", "m2", "m1"]);
		expect(all.body.nextCursor).toBeNull();
	});

	it("catches up oldest first after a seq, in pages, with no duplicates", async () => {
		const { b, chat } = await chatWithFive();
		const all = await history(b, chat.id, "?afterSeq=2");
		expect(all.body.messages.map((m) => m.seq)).toEqual([3, 4, 5]);
		expect(all.body.nextCursor).toBeNull();
		const p1 = await history(b, chat.id, "?afterSeq=0&limit=3");
		expect(p1.body.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
		const p2 = await history(b, chat.id, `?limit=3&cursor=${encodeURIComponent(p1.body.nextCursor ?? "")}`);
		expect(p2.body.messages.map((m) => m.seq)).toEqual([4, 5]);
		expect(p2.body.nextCursor).toBeNull();
		expect((await history(b, chat.id, "?afterSeq=5")).body).toEqual({ messages: [], nextCursor: null });
	});

	it("refuses a bad limit, afterSeq or cursor with 400", async () => {
		const { a, chat } = await chatWithFive();
		for (const q of ["?limit=0", "?limit=101", "?limit=abc", "?afterSeq=-1", "?afterSeq=x", "?cursor=forged"]) {
			expectError(await history(a, chat.id, q), 400, "invalid_request");
		}
	});

	it("hides a message deleted for me from my history only", async () => {
		const { a, b, chat, sent } = await chatWithFive();
		const third = sent[2] as Message;
		expect((await api("DELETE", `/messages/${third.id}?scope=me`, { token: a.token })).status).toBe(204);
		expect((await history(a, chat.id)).body.messages.map((m) => m.seq)).toEqual([5, 4, 2, 1]);
		expect((await history(a, chat.id, "?afterSeq=0")).body.messages.map((m) => m.seq)).toEqual([1, 2, 4, 5]);
		expect((await history(b, chat.id)).body.messages.map((m) => m.seq)).toEqual([5, 4, 3, 2, 1]);
		// Deleting for me again is harmless.
		expect((await api("DELETE", `/messages/${third.id}`, { token: a.token })).status).toBe(204);
	});

	it("keeps a message deleted for everyone as a tombstone with its id and seq, text null and deletedAt set", async () => {
		const { a, b, chat, sent } = await chatWithFive();
		const fourth = sent[3] as Message;
		expect(fourth.senderId).toBe(b.user.id);
		expect((await api("DELETE", `/messages/${fourth.id}?scope=everyone`, { token: b.token })).status).toBe(204);
		for (const viewer of [a, b]) {
			const tombstone = (await history(viewer, chat.id)).body.messages.find((m) => m.seq === 4);
			expect(tombstone).toMatchObject({ id: fourth.id, seq: 4, text: null, image: null, senderId: b.user.id });
			expect(Date.parse(tombstone?.deletedAt ?? "")).not.toBeNaN();
		}
		// Deleting again for everyone is idempotent.
		expect((await api("DELETE", `/messages/${fourth.id}?scope=everyone`, { token: b.token })).status).toBe(204);
	});
});

describe("deleting messages", () => {
	it("lets the sender delete for everyone but not the other side of a direct chat (403)", async () => {
		const { a, b, chat } = await pair();
		const mine = await sendText(a, chat.id, "oops");
		expectError(await api("DELETE", `/messages/${mine.id}?scope=everyone`, { token: b.token }), 403, "forbidden");
		expect((await history(b, chat.id)).body.messages[0]?.text).toBe("oops");
		expect((await api("DELETE", `/messages/${mine.id}?scope=everyone`, { token: a.token })).status).toBe(204);
		expect((await history(b, chat.id)).body.messages[0]?.text).toBeNull();
		// The other side may still hide it for themselves.
		expect((await api("DELETE", `/messages/${mine.id}?scope=me`, { token: b.token })).status).toBe(204);
		expect((await history(b, chat.id)).body.messages).toEqual([]);
	});

	it("lets a group admin delete anyone's message for everyone, but not a plain member (403)", async () => {
		const [admin, m1, m2] = [await registerUser("Adm"), await registerUser("Mem1"), await registerUser("Mem2")];
		const group = await groupChat(admin, [m1, m2]);
		const spam = await sendText(m1, group.id, "spam");
		expectError(await api("DELETE", `/messages/${spam.id}?scope=everyone`, { token: m2.token }), 403, "forbidden");
		expect((await api("DELETE", `/messages/${spam.id}?scope=everyone`, { token: admin.token })).status).toBe(204);
		const seen = (await history(m2, group.id)).body.messages[0];
		expect(seen).toMatchObject({ id: spam.id, text: null, deletedAt: expect.any(String) });
	});

	it("refuses a bad scope with 400, and answers 404 to outsiders and for unknown messages", async () => {
		const { a, chat } = await pair();
		const msg = await sendText(a, chat.id, "hello");
		const outsider = await registerUser("Nosy");
		expectError(await api("DELETE", `/messages/${msg.id}?scope=all`, { token: a.token }), 400, "invalid_request");
		expectError(await api("DELETE", `/messages/${msg.id}`, { token: outsider.token }), 404, "not_found");
		expectError(await api("DELETE", `/messages/${msg.id}?scope=everyone`, { token: outsider.token }), 404, "not_found");
		expectError(await api("DELETE", "/messages/no-such-message", { token: a.token }), 404, "not_found");
		expectError(await api("DELETE", "/messages/no-such-message?scope=everyone", { token: a.token }), 404, "not_found");
		expect((await history(a, chat.id)).body.messages[0]?.text).toBe("hello");
	});
});

describe("read receipts", () => {
	it("moves lastReadSeq forward only, defaults to the latest and clamps beyond it", async () => {
		const { a, b, chat } = await pair();
		for (const text of ["one", "two", "three"]) await sendText(b, chat.id, text);
		const read = (body?: unknown) => api("POST", `/conversations/${chat.id}/read`, { token: a.token, body });
		const unread = async () =>
			(await api("GET", `/conversations/${chat.id}`, { token: a.token })).body.conversation.unreadCount;

		expect(await read({ seq: 2 })).toMatchObject({ status: 200, body: { lastReadSeq: 2 } });
		expect(await unread()).toBe(1);
		expect((await read({ seq: 1 })).body).toEqual({ lastReadSeq: 2 });
		expect((await read({ seq: 0 })).body).toEqual({ lastReadSeq: 2 });
		expect(await unread()).toBe(1);
		expect((await read()).body).toEqual({ lastReadSeq: 3 });
		expect(await unread()).toBe(0);

		await sendText(b, chat.id, "four");
		expect(await unread()).toBe(1);
		expect((await read({ seq: 999 })).body).toEqual({ lastReadSeq: 4 });
		expect(await unread()).toBe(0);
		const me = (await api("GET", `/conversations/${chat.id}`, { token: b.token })).body.conversation.participants.find(
			(p: { user: { id: string } }) => p.user.id === a.user.id,
		);
		expect(me.lastReadSeq).toBe(4);
		expect(me.lastDeliveredSeq).toBeGreaterThanOrEqual(4);
	});

	it("reads with an empty object and reports 0 in an empty conversation", async () => {
		const { a, chat } = await pair();
		expect((await api("POST", `/conversations/${chat.id}/read`, { token: a.token, body: {} })).body).toEqual({
			lastReadSeq: 0,
		});
	});

	it("refuses a negative or non-integer seq with 400 and answers 404 to an outsider", async () => {
		const { a, chat } = await pair();
		const outsider = await registerUser("Peek");
		for (const seq of [-1, 1.5, "2"]) {
			expectError(
				await api("POST", `/conversations/${chat.id}/read`, { token: a.token, body: { seq } }),
				400,
				"invalid_request",
			);
		}
		expectError(await api("POST", `/conversations/${chat.id}/read`, { token: outsider.token }), 404, "not_found");
		expectError(
			await api("POST", `/conversations/${chat.id}/read`, { token: outsider.token, body: { seq: 1 } }),
			404,
			"not_found",
		);
	});
});
