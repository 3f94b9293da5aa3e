// Replies, mentions and jumping into history (contract v2): `replyTo` shows the quoted message
// as it is now, `mentions` are current members, `unreadMentionCount` counts unread mentions of
// the caller, and `beforeSeq` pages newest first below a seq.
import { describe, expect, it } from "vitest";
import type { Message } from "../src/shared/schemas";
import { api, directChat, expectError, groupChat, registerUser, sendText, type TestUser } from "./helpers";
import { closeSocketsAfterEach, type Frame, realtimeSocket, roomSocket } from "./sockets";

const track = closeSocketsAfterEach();

function send(from: TestUser, conversationId: string, body: Record<string, unknown>) {
	return api("POST", `/conversations/${conversationId}/messages`, {
		token: from.token,
		body: { clientId: crypto.randomUUID(), kind: "text", ...body },
	});
}

async function conversationOf(user: TestUser, id: string) {
	return (await api("GET", `/conversations/${id}`, { token: user.token })).body.conversation;
}

describe("replies", () => {
	it("quotes the original as it is now: edits show, a deletion shows deletedAt and no text", async () => {
		const [a, b] = await Promise.all([registerUser("Ann"), registerUser("Ben")]);
		const chat = await directChat(a, b);
		const original = await sendText(a, chat.id, `long ${"x".repeat(300)}`);
		const reply = await send(b, chat.id, { text: "agreed", replyToId: original.id });
		expect(reply.status).toBe(201);
		expect(reply.body.message.replyTo).toEqual({
			id: original.id,
			seq: original.seq,
			senderId: a.user.id,
			kind: "text",
			text: `long ${"x".repeat(195)}`,
			deletedAt: null,
		});

		await api("PATCH", `/messages/${original.id}`, { token: a.token, body: { text: "short now" } });
		let history = await api("GET", `/conversations/${chat.id}/messages`, { token: a.token });
		expect(history.body.messages[0].replyTo).toMatchObject({ id: original.id, text: "short now" });

		await api("DELETE", `/messages/${original.id}?scope=everyone`, { token: a.token });
		history = await api("GET", `/conversations/${chat.id}/messages`, { token: b.token });
		expect(history.body.messages[0].replyTo).toMatchObject({ id: original.id, text: null });
		expect(typeof history.body.messages[0].replyTo.deletedAt).toBe("string");
		const list = await api("GET", "/conversations", { token: b.token });
		expect(list.body.conversations[0].lastMessage.replyTo).toMatchObject({ id: original.id, text: null });
	});

	it("a reader who deleted the original for themselves sees no text in its quotes: history, list and search", async () => {
		const [a, b] = await Promise.all([registerUser("Ann"), registerUser("Ben")]);
		const chat = await directChat(a, b);
		const original = await sendText(a, chat.id, "the text Ben chose not to see");
		expect((await api("DELETE", `/messages/${original.id}?scope=me`, { token: b.token })).status).toBe(204);
		const word = `hq${crypto.randomUUID().slice(0, 8)}`;
		const reply = await send(a, chat.id, { text: `${word} about that`, replyToId: original.id });
		expect(reply.status).toBe(201);
		const hiddenQuote = {
			id: original.id,
			senderId: a.user.id,
			kind: "text",
			text: null,
			deletedAt: null,
			hidden: true,
		};
		const history = await api("GET", `/conversations/${chat.id}/messages`, { token: b.token });
		expect(history.body.messages[0]).toMatchObject({ id: reply.body.message.id, replyTo: hiddenQuote });
		const list = await api("GET", "/conversations", { token: b.token });
		expect(list.body.conversations[0].lastMessage.replyTo).toEqual({ ...hiddenQuote, seq: original.seq });
		expect((await conversationOf(b, chat.id)).lastMessage.replyTo).toMatchObject(hiddenQuote);
		const found = await api("GET", `/search/messages?q=${word}`, { token: b.token });
		expect(found.body.results[0].message.replyTo).toMatchObject(hiddenQuote);
		// The sender, who did not hide it, still sees the quote's text.
		const theirs = await api("GET", `/conversations/${chat.id}/messages`, { token: a.token });
		expect(theirs.body.messages[0].replyTo).toMatchObject({ text: "the text Ben chose not to see" });
		expect(theirs.body.messages[0].replyTo).not.toHaveProperty("hidden");
	});

	it("live, a reply reaches the reader who hid its original with the quote hidden, and everyone else with its text", async () => {
		const [a, b, c] = await Promise.all([registerUser("Ann"), registerUser("Ben"), registerUser("Cy")]);
		const group = await groupChat(a, [b, c], "Quotes live");
		const original = await sendText(a, group.id, "the text Ben chose not to see");
		expect((await api("DELETE", `/messages/${original.id}?scope=me`, { token: b.token })).status).toBe(204);
		const [benRoom, benLive, cyRoom, annRoom] = await Promise.all([
			track(roomSocket(b, group.id)),
			track(realtimeSocket(b)),
			track(roomSocket(c, group.id)),
			track(roomSocket(a, group.id)),
		]);
		const reply = await send(a, group.id, { text: "about that", replyToId: original.id });
		expect(reply.status).toBe(201);
		const id = reply.body.message.id;
		const isReply = (f: Frame) =>
			(f.type === "message:new" || f.type === "message:updated") && f.data.message.id === id;
		const hidden = { id: original.id, text: null, hidden: true };
		expect((await benRoom.waitFor(isReply)).data.message.replyTo).toMatchObject(hidden);
		expect((await benLive.waitFor(isReply)).data.message.replyTo).toMatchObject(hidden);
		for (const socket of [cyRoom, annRoom]) {
			const quote = (await socket.waitFor(isReply)).data.message.replyTo;
			expect(quote).toMatchObject({ id: original.id, text: "the text Ben chose not to see" });
			expect(quote).not.toHaveProperty("hidden");
		}
		// An edit of the reply goes out the same way.
		expect(
			(await api("PATCH", `/messages/${id}`, { token: a.token, body: { text: "about that, edited" } })).status,
		).toBe(200);
		const edited = (f: Frame) => f.type === "message:updated" && f.data.message.id === id;
		expect((await benRoom.waitFor(edited)).data.message.replyTo).toMatchObject(hidden);
		expect((await cyRoom.waitFor(edited)).data.message.replyTo).toMatchObject({
			text: "the text Ben chose not to see",
		});
		// Nobody's socket got the other copy.
		expect(JSON.stringify(benRoom.frames)).not.toContain("the text Ben chose not to see");
		expect(JSON.stringify(benLive.frames)).not.toContain("the text Ben chose not to see");
	});

	it("refuses a replyToId that is not a message of this conversation (400)", async () => {
		const [a, b, c] = await Promise.all([registerUser("Ann"), registerUser("Ben"), registerUser("Cy")]);
		const chat = await directChat(a, b);
		const other = await directChat(a, c);
		const elsewhere = await sendText(a, other.id, "elsewhere");
		const res = await send(a, chat.id, { text: "hm", replyToId: elsewhere.id });
		expectError(res, 400, "invalid_request");
		expect(JSON.stringify(res.body.error.details)).toContain("replyToId");
		expectError(await send(a, chat.id, { text: "hm", replyToId: "made-up" }), 400, "invalid_request");
	});

	it("sends replies and mentions over the room socket too", async () => {
		const [a, b] = await Promise.all([registerUser("Ann"), registerUser("Ben")]);
		const chat = await directChat(a, b);
		const original = await sendText(a, chat.id, "question?");
		const sb = await track(roomSocket(b, chat.id));
		const ack = await sb.request("message:send", {
			clientId: crypto.randomUUID(),
			kind: "text",
			text: "answer",
			replyToId: original.id,
			mentions: [a.user.id],
		});
		expect(ack.type).toBe("ack");
		expect(ack.data.message).toMatchObject({ replyTo: { id: original.id }, mentions: [a.user.id] });
	});
});

describe("mentions", () => {
	it("counts unread mentions of the caller; reading clears them; deletions drop them", async () => {
		const [a, b, c] = await Promise.all([registerUser("Ann"), registerUser("Ben"), registerUser("Cy")]);
		const group = await groupChat(a, [b, c]);
		await api("PUT", `/conversations/${group.id}/mute`, { token: b.token, body: { muted: true } });
		const first = await send(a, group.id, { text: "@Ben see this", mentions: [b.user.id, b.user.id] });
		expect(first.body.message.mentions).toEqual([b.user.id]);
		await send(a, group.id, { text: "@Cy and @Ben", mentions: [c.user.id, b.user.id] });
		await send(a, group.id, { text: "no mention" });
		// The sender's own mention of themselves does not count for them.
		await send(b, group.id, { text: "me, myself", mentions: [b.user.id] });

		const forBen = await conversationOf(b, group.id);
		expect(forBen).toMatchObject({ muted: true, unreadMentionCount: 2 });
		expect((await conversationOf(c, group.id)).unreadMentionCount).toBe(1);
		expect((await conversationOf(a, group.id)).unreadMentionCount).toBe(0);
		const list = await api("GET", "/conversations", { token: b.token });
		expect(list.body.conversations[0]).toMatchObject({ id: group.id, unreadMentionCount: 2 });

		await api("DELETE", `/messages/${first.body.message.id}?scope=everyone`, { token: a.token });
		expect((await conversationOf(b, group.id)).unreadMentionCount).toBe(1);
		await api("POST", `/conversations/${group.id}/read`, { token: b.token, body: {} });
		expect((await conversationOf(b, group.id)).unreadMentionCount).toBe(0);
	});

	it("sends unreadMentionCount in conversation:updated on members' realtime sockets", async () => {
		const [a, b] = await Promise.all([registerUser("Ann"), registerUser("Ben")]);
		const group = await groupChat(a, [b]);
		const inbox = await track(realtimeSocket(b));
		await send(a, group.id, { text: "@Ben", mentions: [b.user.id] });
		const view = await inbox.waitFor(
			(f) => f.type === "conversation:updated" && f.data.conversation.unreadMentionCount === 1,
		);
		expect(view.data.conversation.id).toBe(group.id);
	});

	it("refuses mentions of non-members and more than 50 (400)", async () => {
		const [a, b, c] = await Promise.all([registerUser("Ann"), registerUser("Ben"), registerUser("Cy")]);
		const chat = await directChat(a, b);
		const stranger = await send(a, chat.id, { text: "hi", mentions: [c.user.id] });
		expectError(stranger, 400, "invalid_request");
		expect(JSON.stringify(stranger.body.error.details)).toContain("mentions");
		const many = Array.from({ length: 51 }, () => b.user.id);
		expectError(await send(a, chat.id, { text: "hi", mentions: many }), 400, "invalid_request");
		expectError(await send(a, chat.id, { text: "hi", mentions: "everyone" }), 400, "invalid_request");
	});
});

describe("GET /conversations/:id/messages?beforeSeq=", () => {
	it("pages newest first below a seq, and afterSeq continues from there", async () => {
		const [a, b] = await Promise.all([registerUser("Ann"), registerUser("Ben")]);
		const chat = await directChat(a, b);
		for (let i = 1; i <= 8; i++) await sendText(a, chat.id, `m${i}`);
		const page = await api("GET", `/conversations/${chat.id}/messages?beforeSeq=6&limit=3`, { token: b.token });
		expect(page.status).toBe(200);
		expect(page.body.messages.map((m: Message) => m.text)).toEqual(["m5", "m4", "m3"]);
		expect(page.body.nextCursor).not.toBeNull();
		const older = await api(
			"GET",
			`/conversations/${chat.id}/messages?limit=3&cursor=${encodeURIComponent(page.body.nextCursor)}`,
			{ token: b.token },
		);
		expect(older.body.messages.map((m: Message) => m.text)).toEqual(["m2", "m1"]);
		const newer = await api("GET", `/conversations/${chat.id}/messages?afterSeq=5&limit=10`, { token: b.token });
		expect(newer.body.messages.map((m: Message) => m.text)).toEqual(["m6", "m7", "m8"]);

		expectError(
			await api("GET", `/conversations/${chat.id}/messages?beforeSeq=x`, { token: b.token }),
			400,
			"invalid_request",
		);
		expectError(
			await api("GET", `/conversations/${chat.id}/messages?beforeSeq=3&afterSeq=1`, { token: b.token }),
			400,
			"invalid_request",
		);
	});
});
