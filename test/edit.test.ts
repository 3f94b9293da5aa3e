// Editing a message (contract v2): the sender only, within 15 minutes, not system or deleted
// messages; `editedAt` set, `message:updated` to the room (and to members' realtime sockets when
// it is the last message); the same text again answers 200 and broadcasts nothing.
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ConversationRoom } from "../src/durable/ConversationRoom";
import { roomStub } from "../src/durable/rpc";
import { api, directChat, env, expectError, groupChat, registerUser, sendText } from "./helpers";
import { closeSocketsAfterEach, realtimeSocket, roomSocket } from "./sockets";

const track = closeSocketsAfterEach();

const edit = (token: string, id: string, body: unknown) => api("PATCH", `/messages/${id}`, { token, body });

describe("PATCH /messages/:id", () => {
	it("lets the sender change the text: editedAt set, history and the list show the new text", async () => {
		const [a, b] = await Promise.all([registerUser("Ann"), registerUser("Ben")]);
		const chat = await directChat(a, b);
		const sent = await sendText(a, chat.id, "see you at 5");
		expect(sent.editedAt).toBeNull();

		const res = await edit(a.token, sent.id, { text: "  see you at 6  " });
		expect(res.status).toBe(200);
		expect(res.body.message).toMatchObject({ id: sent.id, seq: sent.seq, text: "see you at 6" });
		expect(typeof res.body.message.editedAt).toBe("string");

		const history = await api("GET", `/conversations/${chat.id}/messages`, { token: b.token });
		expect(history.body.messages[0]).toMatchObject({ id: sent.id, text: "see you at 6" });
		expect(history.body.messages[0].editedAt).toBe(res.body.message.editedAt);
		const list = await api("GET", "/conversations", { token: b.token });
		expect(list.body.conversations[0].lastMessage).toMatchObject({ id: sent.id, text: "see you at 6" });
	});

	it("broadcasts message:updated to the room and, for the last message, to members' realtime sockets", async () => {
		const [a, b] = await Promise.all([registerUser("Ann"), registerUser("Ben")]);
		const chat = await directChat(a, b);
		const first = await sendText(a, chat.id, "first");
		const last = await sendText(a, chat.id, "last");
		const room = await track(roomSocket(b, chat.id));
		const inbox = await track(realtimeSocket(b));

		await edit(a.token, first.id, { text: "first, edited" });
		const updated = await room.waitFor((f) => f.type === "message:updated");
		expect(updated.data.message).toMatchObject({ id: first.id, text: "first, edited" });

		await edit(a.token, last.id, { text: "last, edited" });
		const live = await inbox.waitFor((f) => f.type === "message:updated" && f.data.message.id === last.id);
		expect(live.data.message.text).toBe("last, edited");
		const view = await inbox.waitFor(
			(f) => f.type === "conversation:updated" && f.data.conversation.lastMessage?.text === "last, edited",
		);
		expect(view.data.conversation.id).toBe(chat.id);
		expect(inbox.frames.some((f) => f.type === "message:updated" && f.data.message.id === first.id)).toBe(false);
	});

	it("sends nothing to members' realtime sockets for a reaction or edit of an older message; a delete still updates the list", async () => {
		const [a, b] = await Promise.all([registerUser("Ann"), registerUser("Ben")]);
		const chat = await directChat(a, b);
		const first = await sendText(a, chat.id, "first");
		const last = await sendText(a, chat.id, "last");
		const inbox = await track(realtimeSocket(b));
		const about = (f: { type: string; data?: any }) =>
			["conversation:updated", "message:updated", "message:reactions", "message:new"].includes(f.type);
		const react = (token: string, id: string, emoji: string) =>
			api("PUT", `/messages/${id}/reactions/${encodeURIComponent(emoji)}`, { token });

		// Each REST call answers after its flush, whose inbox fan-out (if any) reaches b's hub
		// before the next one's: the marker below arrives after anything these would have sent.
		expect((await react(b.token, first.id, "👍")).status).toBe(200);
		expect((await react(a.token, first.id, "🎉")).status).toBe(200);
		expect((await edit(a.token, first.id, { text: "first, edited" })).status).toBe(200);
		expect(
			(await api("DELETE", `/messages/${first.id}/reactions/${encodeURIComponent("🎉")}`, { token: a.token })).status,
		).toBe(200);

		await edit(a.token, last.id, { text: "last, edited" });
		await inbox.waitFor((f) => f.type === "message:updated" && f.data.message.id === last.id);
		await inbox.waitFor(
			(f) => f.type === "conversation:updated" && f.data.conversation.lastMessage?.text === "last, edited",
		);
		const marker = inbox.frames.findIndex((f) => f.type === "message:updated" && f.data.message.id === last.id);
		expect(inbox.frames.slice(0, marker).filter(about)).toEqual([]);

		// Deleting the older message for everyone changes b's unread count: the list hears of it.
		expect((await api("DELETE", `/messages/${first.id}?scope=everyone`, { token: a.token })).status).toBe(204);
		const view = await inbox.waitFor(
			(f) => f.type === "conversation:updated" && f.data.conversation.unreadCount === 1,
			5000,
			marker + 1,
		);
		expect(view.data.conversation.lastMessage.id).toBe(last.id);
	});

	it("answers the same text again with 200 and broadcasts nothing", async () => {
		const [a, b] = await Promise.all([registerUser("Ann"), registerUser("Ben")]);
		const chat = await directChat(a, b);
		const sent = await sendText(a, chat.id, "unchanged");
		const room = await track(roomSocket(b, chat.id));
		const res = await edit(a.token, sent.id, { text: "unchanged" });
		expect(res.status).toBe(200);
		expect(res.body.message).toMatchObject({ id: sent.id, text: "unchanged", editedAt: null });
		// A later change is the first frame the room hears.
		await edit(a.token, sent.id, { text: "changed" });
		const first = await room.waitFor((f) => f.type === "message:updated");
		expect(first.data.message.text).toBe("changed");
		expect(room.frames.filter((f) => f.type === "message:updated")).toHaveLength(1);
	});

	it("edits an image's caption", async () => {
		const { uploadImage, sendImage } = await import("./image-helpers");
		const [a, b] = await Promise.all([registerUser("Ann"), registerUser("Ben")]);
		const chat = await directChat(a, b);
		const key = await uploadImage(a);
		const sent = (await sendImage(a, chat.id, key)).body.message;
		const res = await edit(a.token, sent.id, { text: "the whiteboard" });
		expect(res.status).toBe(200);
		expect(res.body.message).toMatchObject({ kind: "image", text: "the whiteboard" });
		expect(res.body.message.image.key).toBe(key);
	});

	it("refuses others (403), outsiders (404), system and deleted messages (409) and bad bodies (400)", async () => {
		const [a, b, c] = await Promise.all([registerUser("Ann"), registerUser("Ben"), registerUser("Cy")]);
		const group = await groupChat(a, [b]);
		const sent = await sendText(a, group.id, "mine");
		expectError(await edit(b.token, sent.id, { text: "hijack" }), 403, "forbidden");
		expectError(await edit(c.token, sent.id, { text: "outsider" }), 404, "not_found");
		expectError(await edit(a.token, "nope", { text: "x" }), 404, "not_found");

		const history = await api("GET", `/conversations/${group.id}/messages?afterSeq=0`, { token: a.token });
		const created = history.body.messages.find((m: { kind: string }) => m.kind === "system");
		expectError(await edit(a.token, created.id, { text: "rewrite history" }), 409, "conflict");

		const empty = await edit(a.token, sent.id, { text: "   " });
		expectError(empty, 400, "invalid_request");
		expect(JSON.stringify(empty.body.error.details)).toContain("text");
		expectError(await edit(a.token, sent.id, { text: "x".repeat(4001) }), 400, "invalid_request");
		expectError(await edit(a.token, sent.id, {}), 400, "invalid_request");

		await api("DELETE", `/messages/${sent.id}?scope=everyone`, { token: a.token });
		expectError(await edit(a.token, sent.id, { text: "undelete" }), 409, "conflict");
	});

	it("refuses an edit more than 15 minutes after sending (403)", async () => {
		const [a, b] = await Promise.all([registerUser("Ann"), registerUser("Ben")]);
		const chat = await directChat(a, b);
		const sent = await sendText(a, chat.id, "old news");
		const longAgo = new Date(Date.now() - 16 * 60_000).toISOString();
		await runInDurableObject(
			roomStub(env, chat.id) as unknown as DurableObjectStub<ConversationRoom>,
			(_room, state) => {
				state.storage.sql.exec("UPDATE messages SET created_at = ? WHERE id = ?", longAgo, sent.id);
			},
		);
		expectError(await edit(a.token, sent.id, { text: "too late" }), 403, "forbidden");
	});

	it("works in a room whose log was written before edits existed (its table gains the columns)", async () => {
		const [a, b] = await Promise.all([registerUser("Ann"), registerUser("Ben")]);
		const chat = await directChat(a, b);
		const sent = await sendText(a, chat.id, "from the old days");
		const stub = roomStub(env, chat.id) as unknown as DurableObjectStub<ConversationRoom>;
		await runInDurableObject(stub, (_room, state) => {
			for (const column of ["edited_at", "reply_to_id", "mentions", "reactions"]) {
				state.storage.sql.exec(`ALTER TABLE messages DROP COLUMN ${column}`);
			}
		});
		await evictDurableObject(stub);
		const res = await edit(a.token, sent.id, { text: "from the new days" });
		expect(res.status).toBe(200);
		expect(res.body.message).toMatchObject({ text: "from the new days", replyTo: null, mentions: [], reactions: [] });
		const reacted = await api("PUT", `/messages/${sent.id}/reactions/${encodeURIComponent("👍")}`, { token: b.token });
		expect(reacted.body.reactions).toEqual([{ emoji: "👍", userIds: [b.user.id] }]);
	});

	it("edits over the room socket: ack { message }, errors for others", async () => {
		const [a, b] = await Promise.all([registerUser("Ann"), registerUser("Ben")]);
		const chat = await directChat(a, b);
		const sent = await sendText(a, chat.id, "typo hree");
		const sa = await track(roomSocket(a, chat.id));
		const sb = await track(roomSocket(b, chat.id));
		const ack = await sa.request("message:edit", { messageId: sent.id, text: "typo here" });
		expect(ack.type).toBe("ack");
		expect(ack.data.message).toMatchObject({ id: sent.id, text: "typo here" });
		await sb.waitFor((f) => f.type === "message:updated" && f.data.message.text === "typo here");
		const refused = await sb.request("message:edit", { messageId: sent.id, text: "mine now" });
		expect(refused).toMatchObject({ type: "error", error: { code: "forbidden" } });
		const malformed = await sa.request("message:edit", { messageId: sent.id });
		expect(malformed).toMatchObject({ type: "error", error: { code: "invalid_request" } });
	});
});
