// Issue 21: messages live only in their room. D1 keeps what grows with people and
// conversations: the list's last message and badges come from figures the room writes to the
// conversation and participants rows, not from a D1 row per message. Issue 22's two list rules
// live here too: the last message shown is the last one visible to the caller (after "delete for
// me"), and an empty direct chat is listed only for the person who opened it.
import { afterAll, describe, expect, it } from "vitest";
import type { Conversation } from "../src/shared/schemas";
import { api, directChat, env, groupChat, registerUser, sendText, type TestUser } from "./helpers";
import { closeSocketsAfterEach, realtimeSocket } from "./sockets";

const track = closeSocketsAfterEach();
// Closed sockets and flushes finish in the objects' background work (and log): let it end
// before the file's runtime is torn down.
afterAll(() => new Promise((resolve) => setTimeout(resolve, 1500)));

async function list(user: TestUser): Promise<Conversation[]> {
	const res = await api("GET", "/conversations", { token: user.token });
	expect(res.status).toBe(200);
	return res.body.conversations;
}

async function entry(user: TestUser, id: string): Promise<Conversation | undefined> {
	return (await list(user)).find((c) => c.id === id);
}

describe("D1 without a row per message", () => {
	it("writes no message to D1 while the list still shows the last message and the counts", async () => {
		const [a, b, c] = await Promise.all([registerUser("Asha"), registerUser("Ben"), registerUser("Chloe")]);
		const group = await groupChat(a, [b, c], "No rows");
		for (let i = 1; i <= 10; i++) await sendText(a, group.id, `message ${i}`);
		await api("POST", `/conversations/${group.id}/messages`, {
			token: b.token,
			body: { clientId: "mention", kind: "text", text: "@Chloe look", mentions: [c.user.id] },
		});
		const count = await env.DB.prepare("SELECT COUNT(*) AS n FROM messages WHERE conversation_id = ?")
			.bind(group.id)
			.first<{ n: number }>();
		expect(count?.n).toBe(0);
		// Chloe: the group's "created" line, 10 from Asha and Ben's mention; Asha: only Ben's.
		expect(await entry(c, group.id)).toMatchObject({
			unreadCount: 12,
			unreadMentionCount: 1,
			lastMessage: { text: "@Chloe look" },
		});
		expect(await entry(a, group.id)).toMatchObject({ unreadCount: 1, unreadMentionCount: 0 });
		await api("POST", `/conversations/${group.id}/read`, { token: c.token, body: {} });
		expect(await entry(c, group.id)).toMatchObject({ unreadCount: 0, unreadMentionCount: 0 });
		// GET /conversations/:id agrees with the list.
		const detail = await api("GET", `/conversations/${group.id}`, { token: a.token });
		expect(detail.body.conversation).toMatchObject({ unreadCount: 1, lastMessage: { text: "@Chloe look" } });
	});

	it("counts a message deleted for everyone out of the badge, and shows its tombstone as the last message", async () => {
		const [a, b] = await Promise.all([registerUser("Asha"), registerUser("Ben")]);
		const chat = await directChat(a, b);
		await sendText(a, chat.id, "first");
		const second = await sendText(a, chat.id, "second");
		expect(await entry(b, chat.id)).toMatchObject({ unreadCount: 2 });
		expect((await api("DELETE", `/messages/${second.id}?scope=everyone`, { token: a.token })).status).toBe(204);
		expect(await entry(b, chat.id)).toMatchObject({ unreadCount: 1, lastMessage: { id: second.id, text: null } });
	});

	it("shows a reply's quote in the list's last message, following an edit of the original", async () => {
		const [a, b] = await Promise.all([registerUser("Asha"), registerUser("Ben")]);
		const chat = await directChat(a, b);
		const original = await sendText(a, chat.id, "the original");
		const reply = await api("POST", `/conversations/${chat.id}/messages`, {
			token: b.token,
			body: { clientId: "reply", kind: "text", text: "a reply", replyToId: original.id },
		});
		expect(reply.status).toBe(201);
		expect((await entry(a, chat.id))?.lastMessage).toMatchObject({
			replyTo: { id: original.id, text: "the original" },
		});
		await api("PATCH", `/messages/${original.id}`, { token: a.token, body: { text: "the original, edited" } });
		expect((await entry(a, chat.id))?.lastMessage).toMatchObject({
			id: reply.body.message.id,
			replyTo: { id: original.id, text: "the original, edited" },
		});
	});
});

describe("the list shows the last message visible to the caller (issue 22)", () => {
	it("after 'delete for me' of my own last message, on every read, while the other still sees it", async () => {
		const [a, b] = await Promise.all([registerUser("Asha"), registerUser("Ben")]);
		const chat = await directChat(a, b);
		const earlier = await sendText(b, chat.id, "earlier, from Ben");
		const mine = await sendText(a, chat.id, "my last message");
		expect((await api("DELETE", `/messages/${mine.id}?scope=me`, { token: a.token })).status).toBe(204);
		expect((await entry(a, chat.id))?.lastMessage).toMatchObject({ id: earlier.id, text: "earlier, from Ben" });
		// A reload reads D1 again: still the earlier message.
		expect((await entry(a, chat.id))?.lastMessage?.id).toBe(earlier.id);
		expect((await api("GET", `/conversations/${chat.id}`, { token: a.token })).body.conversation.lastMessage.id).toBe(
			earlier.id,
		);
		expect((await entry(b, chat.id))?.lastMessage?.id).toBe(mine.id);
		// A new message is everyone's last message again.
		const next = await sendText(b, chat.id, "newer");
		expect((await entry(a, chat.id))?.lastMessage?.id).toBe(next.id);
	});

	it("shows no last message to someone who hid every message", async () => {
		const [a, b] = await Promise.all([registerUser("Asha"), registerUser("Ben")]);
		const chat = await directChat(a, b);
		const only = await sendText(b, chat.id, "the only message");
		await api("DELETE", `/messages/${only.id}?scope=me`, { token: a.token });
		expect(await entry(a, chat.id)).toMatchObject({ lastMessage: null, unreadCount: 0 });
		expect((await entry(b, chat.id))?.lastMessage?.id).toBe(only.id);
	});

	it("sends the caller's own last visible message in conversation:updated", async () => {
		const [a, b] = await Promise.all([registerUser("Asha"), registerUser("Ben")]);
		const chat = await directChat(a, b);
		const earlier = await sendText(b, chat.id, "earlier");
		const mine = await sendText(a, chat.id, "mine");
		const socket = await track(realtimeSocket(a));
		await api("DELETE", `/messages/${mine.id}?scope=me`, { token: a.token });
		await sendText(a, chat.id, "and another, hidden too").then((m) =>
			api("DELETE", `/messages/${m.id}?scope=me`, { token: a.token }),
		);
		const updated = await socket.waitFor(
			(f) => f.type === "conversation:updated" && f.data.conversation.lastMessage?.id === earlier.id,
		);
		expect(updated.data.conversation.id).toBe(chat.id);
	});
});

describe("an empty direct chat (issue 22)", () => {
	it("is listed for the person who opened it, and for the other person only once it has a message", async () => {
		const [a, b] = await Promise.all([registerUser("Asha"), registerUser("Ben")]);
		const chat = await directChat(a, b);
		expect((await list(a)).map((c) => c.id)).toEqual([chat.id]);
		expect(await list(b)).toEqual([]);
		// Ben can still open it (the conversation exists for both).
		expect((await api("GET", `/conversations/${chat.id}`, { token: b.token })).status).toBe(200);
		await sendText(a, chat.id, "hello Ben");
		expect((await list(b)).map((c) => c.id)).toEqual([chat.id]);
	});

	it("is listed for the other person once they open it themselves, before any message", async () => {
		const [a, b] = await Promise.all([registerUser("Asha"), registerUser("Ben")]);
		const chat = await directChat(a, b);
		expect(await list(b)).toEqual([]);
		const opened = await api("POST", "/conversations", { token: b.token, body: { type: "direct", userId: a.user.id } });
		expect(opened.status).toBe(200);
		expect(opened.body.conversation.id).toBe(chat.id);
		expect((await list(b)).map((c) => c.id)).toEqual([chat.id]);
	});

	it("does not reach the other person's realtime socket when opened, only with its first message", async () => {
		const [a, b] = await Promise.all([registerUser("Asha"), registerUser("Ben")]);
		const socketB = await track(realtimeSocket(b));
		const socketA = await track(realtimeSocket(a));
		const chat = await directChat(a, b);
		await socketA.waitFor((f) => f.type === "conversation:updated" && f.data.conversation.id === chat.id);
		const sent = await sendText(a, chat.id, "first");
		const first = await socketB.waitFor((f) => f.type === "conversation:updated" && f.data.conversation.id === chat.id);
		expect(first.data.conversation.lastMessage.id).toBe(sent.id);
	});
});
