// Reactions (contract v2): PUT/DELETE /messages/:id/reactions/:emoji and the socket's
// reaction:add / reaction:remove. Idempotent both ways, `message:reactions` to the room only
// when something changed, in order of each emoji's first use, at most 20 distinct emoji.
import { describe, expect, it } from "vitest";
import { isOneEmoji, reactionEmoji } from "../src/shared/schemas";
import { api, directChat, expectError, groupChat, registerUser, sendText } from "./helpers";
import { closeSocketsAfterEach, roomSocket } from "./sockets";

const track = closeSocketsAfterEach();

const react = (method: "PUT" | "DELETE", token: string, id: string, emoji: string) =>
	api(method, `/messages/${id}/reactions/${encodeURIComponent(emoji)}`, { token });

describe("reactions", () => {
	it("adds and removes reactions, in order of each emoji's first use, idempotently", async () => {
		const [a, b, c] = await Promise.all([registerUser("Ann"), registerUser("Ben"), registerUser("Cy")]);
		const group = await groupChat(a, [b, c]);
		const sent = await sendText(a, group.id, "exam moved to Friday");

		expect((await react("PUT", b.token, sent.id, "👍")).body.reactions).toEqual([
			{ emoji: "👍", userIds: [b.user.id] },
		]);
		await react("PUT", c.token, sent.id, "🎉");
		const again = await react("PUT", c.token, sent.id, "👍");
		expect(again.status).toBe(200);
		expect(again.body.reactions).toEqual([
			{ emoji: "👍", userIds: [b.user.id, c.user.id] },
			{ emoji: "🎉", userIds: [c.user.id] },
		]);
		// PUT twice: the same answer.
		expect((await react("PUT", c.token, sent.id, "👍")).body.reactions).toEqual(again.body.reactions);

		const removed = await react("DELETE", b.token, sent.id, "👍");
		expect(removed.status).toBe(200);
		expect(removed.body.reactions).toEqual([
			{ emoji: "👍", userIds: [c.user.id] },
			{ emoji: "🎉", userIds: [c.user.id] },
		]);
		expect((await react("DELETE", b.token, sent.id, "👍")).body.reactions).toEqual(removed.body.reactions);
		// The last user leaving an emoji removes it.
		expect((await react("DELETE", c.token, sent.id, "🎉")).body.reactions).toEqual([
			{ emoji: "👍", userIds: [c.user.id] },
		]);

		const history = await api("GET", `/conversations/${group.id}/messages`, { token: a.token });
		expect(history.body.messages[0].reactions).toEqual([{ emoji: "👍", userIds: [c.user.id] }]);
		const list = await api("GET", "/conversations", { token: a.token });
		expect(list.body.conversations[0].lastMessage.reactions).toEqual([{ emoji: "👍", userIds: [c.user.id] }]);
	});

	it("broadcasts message:reactions to the room only when something changed", async () => {
		const [a, b] = await Promise.all([registerUser("Ann"), registerUser("Ben")]);
		const chat = await directChat(a, b);
		const sent = await sendText(a, chat.id, "pizza?");
		const room = await track(roomSocket(a, chat.id));
		const isReactions = (f: { type: string }) => f.type === "message:reactions";

		await react("PUT", b.token, sent.id, "🍕");
		await react("PUT", b.token, sent.id, "🍕");
		await react("DELETE", b.token, sent.id, "🙈");
		await react("DELETE", b.token, sent.id, "🍕");
		const frames = await room.waitForCount(isReactions, 2);
		expect(frames[0]?.data).toEqual({
			conversationId: chat.id,
			messageId: sent.id,
			seq: sent.seq,
			reactions: [{ emoji: "🍕", userIds: [b.user.id] }],
		});
		expect(frames[1]?.data.reactions).toEqual([]);
		// A marker after them: nothing else was broadcast in between.
		await react("PUT", a.token, sent.id, "✅");
		await room.waitForCount(isReactions, 3);
		expect(room.frames.filter(isReactions)).toHaveLength(3);
	});

	it("reacts over the room socket: ack { reactions }", async () => {
		const [a, b] = await Promise.all([registerUser("Ann"), registerUser("Ben")]);
		const chat = await directChat(a, b);
		const sent = await sendText(a, chat.id, "done!");
		const sb = await track(roomSocket(b, chat.id));
		const added = await sb.request("reaction:add", { messageId: sent.id, emoji: "🔥" });
		expect(added).toMatchObject({ type: "ack", data: { reactions: [{ emoji: "🔥", userIds: [b.user.id] }] } });
		const removed = await sb.request("reaction:remove", { messageId: sent.id, emoji: "🔥" });
		expect(removed).toMatchObject({ type: "ack", data: { reactions: [] } });
		const bad = await sb.request("reaction:add", { messageId: sent.id, emoji: "ok" });
		expect(bad).toMatchObject({ type: "error", error: { code: "invalid_request" } });
	});

	it("allows at most 20 distinct emoji on a message (409)", async () => {
		const [a, b] = await Promise.all([registerUser("Ann"), registerUser("Ben")]);
		const chat = await directChat(a, b);
		const sent = await sendText(a, chat.id, "vote");
		const emoji = [..."😀😁😂🤣😃😄😅😆😉😊😋😎😍😘🥰😗😙🥲😚🙂"];
		expect(emoji).toHaveLength(20);
		for (const e of emoji) expect((await react("PUT", a.token, sent.id, e)).status).toBe(200);
		expectError(await react("PUT", b.token, sent.id, "🤗"), 409, "conflict");
		// Joining an existing emoji is still fine.
		expect((await react("PUT", b.token, sent.id, "😀")).status).toBe(200);
	});

	it("counts invisible lookalikes (tag and presentation characters) as the same emoji, so they cannot fill a message", async () => {
		const [a, b] = await Promise.all([registerUser("Ann"), registerUser("Ben")]);
		const chat = await directChat(a, b);
		const sent = await sendText(a, chat.id, "lookalikes");
		// 👍 followed by each of 20 different tag characters (U+E0041…), and with U+FE0F / U+FE0E.
		const lookalikes = Array.from({ length: 20 }, (_, i) => `👍${String.fromCodePoint(0xe0041 + i)}`);
		for (const e of [...lookalikes, "👍\uFE0F", "👍\uFE0E"]) {
			const res = await react("PUT", a.token, sent.id, e);
			expect(res.status).toBe(200);
			expect(res.body.reactions).toEqual([{ emoji: "👍", userIds: [a.user.id] }]);
		}
		const socket = await track(roomSocket(b, chat.id));
		const ack = await socket.request("reaction:add", { messageId: sent.id, emoji: "👍\u{E0042}" });
		expect(ack.data.reactions).toEqual([{ emoji: "👍", userIds: [a.user.id, b.user.id] }]);
		// Removing a lookalike removes the reaction; a text-style heart and its emoji form are one.
		expect((await react("DELETE", a.token, sent.id, "👍\u{E0043}")).body.reactions).toEqual([
			{ emoji: "👍", userIds: [b.user.id] },
		]);
		await react("PUT", a.token, sent.id, "\u2764");
		expect((await react("PUT", b.token, sent.id, "\u2764\uFE0F")).body.reactions).toEqual([
			{ emoji: "👍", userIds: [b.user.id] },
			{ emoji: "\u2764\uFE0F", userIds: [a.user.id, b.user.id] },
		]);
		// A combining mark on an emoji is not an emoji spelling at all.
		expectError(await react("PUT", a.token, sent.id, "👍\u0301"), 400, "invalid_request");
		// A subdivision flag keeps its tags: it is a different emoji from the black flag.
		expect(reactionEmoji("🏴\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}")).not.toBe("🏴");
		expect(reactionEmoji("1\u20E3")).toBe("1\uFE0F\u20E3");
	});

	it("refuses what is not one emoji (400), outsiders (404), system and deleted messages (409)", async () => {
		const [a, b, c] = await Promise.all([registerUser("Ann"), registerUser("Ben"), registerUser("Cy")]);
		const group = await groupChat(a, [b]);
		const sent = await sendText(a, group.id, "hello");
		for (const bad of ["a", "👍👍", "👍 ", ":)", "1", "x".repeat(40)]) {
			const res = await react("PUT", b.token, sent.id, bad);
			expectError(res, 400, "invalid_request");
			expect(JSON.stringify(res.body.error.details)).toContain("emoji");
		}
		for (const good of ["👍🏽", "🇫🇷", "1️⃣", "👩‍💻", "❤️"]) {
			expect((await react("PUT", b.token, sent.id, good)).status).toBe(200);
		}
		expectError(await react("PUT", c.token, sent.id, "👍"), 404, "not_found");
		expectError(await react("DELETE", c.token, sent.id, "👍"), 404, "not_found");

		const history = await api("GET", `/conversations/${group.id}/messages?afterSeq=0`, { token: a.token });
		const created = history.body.messages.find((m: { kind: string }) => m.kind === "system");
		expectError(await react("PUT", a.token, created.id, "👍"), 409, "conflict");
		await api("DELETE", `/messages/${sent.id}?scope=everyone`, { token: a.token });
		expectError(await react("PUT", b.token, sent.id, "👍"), 409, "conflict");
		const after = await api("GET", `/conversations/${group.id}/messages`, { token: a.token });
		expect(after.body.messages[0]).toMatchObject({ id: sent.id, reactions: [] });
	});

	it("recognises one emoji: pictographs with modifiers, flags, keycaps; at most 32 bytes", () => {
		expect(isOneEmoji("👨‍👩‍👧‍👦")).toBe(true);
		expect(isOneEmoji("🏳️‍🌈")).toBe(true);
		expect(isOneEmoji("#️⃣")).toBe(true);
		expect(isOneEmoji("🇺")).toBe(false);
		expect(isOneEmoji("")).toBe(false);
		expect(isOneEmoji("é")).toBe(false);
		expect(isOneEmoji("👨‍👩‍👧‍👦‍👨‍👩‍👧")).toBe(false);
	});
});
