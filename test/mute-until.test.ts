// Issue 22.20: mute for a while (`mutedUntil`, added after v2). A timed mute shows in the list,
// the details and the room's conversation:updated, keeps push quiet while it lasts, and reads
// as not muted once it has ended, with no write; bad times are 400 and change nothing.
import { describe, expect, it } from "vitest";
import { pushContext } from "../src/server/db/pushSubscriptions";
import { api, directChat, env, expectError, registerUser, sendText, type TestUser } from "./helpers";
import { closeSocketsAfterEach, realtimeSocket } from "./sockets";

const track = closeSocketsAfterEach();
const HOUR = 60 * 60 * 1000;
const inHours = (h: number) => new Date(Date.now() + h * HOUR).toISOString();

async function listed(user: TestUser, id: string) {
	const res = await api("GET", "/conversations", { token: user.token });
	return res.body.conversations.find((c: { id: string }) => c.id === id);
}
const detail = async (user: TestUser, id: string) =>
	(await api("GET", `/conversations/${id}`, { token: user.token })).body.conversation;
const mute = (user: TestUser, id: string, body?: unknown) =>
	api("PUT", `/conversations/${id}/mute`, { token: user.token, body });

describe("mute until", () => {
	it("mutes for 8 hours: the answer, the list, the details and the room's update say until when", async () => {
		const [a, b] = await Promise.all([registerUser("Ann"), registerUser("Ben")]);
		const chat = await directChat(a, b);
		// A message, so the chat is in b's list too (a direct chat is listed for the other person once it has one).
		await sendText(a, chat.id, "hi");
		const inbox = await track(realtimeSocket(a));
		await inbox.request("ping");
		const until = inHours(8);
		const res = await mute(a, chat.id, { mutedUntil: until });
		expect(res.status).toBe(200);
		expect(res.body).toEqual({ muted: true, mutedUntil: until });
		expect(await listed(a, chat.id)).toMatchObject({ muted: true, mutedUntil: until });
		expect(await detail(a, chat.id)).toMatchObject({ muted: true, mutedUntil: until });
		// The send's own update may still reach the new socket: wait for the one the mute made.
		const update = await inbox.waitFor(
			(f) => f.type === "conversation:updated" && f.data.conversation.id === chat.id && f.data.conversation.muted,
		);
		expect(update.data.conversation).toMatchObject({ muted: true, mutedUntil: until });
		// Only the caller's mute: the other member is not muted.
		expect(await listed(b, chat.id)).toMatchObject({ muted: false, mutedUntil: null });
		// Muting until undone, then unmuting, clear the time.
		expect((await mute(a, chat.id, { muted: true })).body).toEqual({ muted: true, mutedUntil: null });
		expect((await mute(a, chat.id, { muted: false })).body).toEqual({ muted: false, mutedUntil: null });
		expect(await listed(a, chat.id)).toMatchObject({ muted: false, mutedUntil: null });
	});

	it("keeps push quiet while it lasts, and reads as not muted once it has ended", async () => {
		const [a, b] = await Promise.all([registerUser("Ann"), registerUser("Ben")]);
		const chat = await directChat(a, b);
		await mute(a, chat.id, { mutedUntil: inHours(1) });
		expect((await pushContext(env, a.user.id, chat.id, b.user.id)).conversation?.muted).toBe(true);
		// The hour passes (written straight into D1): nothing else is written, and it is over everywhere.
		await env.DB.prepare("UPDATE participants SET muted_until = ? WHERE conversation_id = ? AND user_id = ?")
			.bind(new Date(Date.now() - 1000).toISOString(), chat.id, a.user.id)
			.run();
		expect((await pushContext(env, a.user.id, chat.id, b.user.id)).conversation?.muted).toBe(false);
		expect(await listed(a, chat.id)).toMatchObject({ muted: false, mutedUntil: null });
		expect(await detail(a, chat.id)).toMatchObject({ muted: false, mutedUntil: null });
		// A toggle of an ended mute mutes again, until undone.
		expect((await mute(a, chat.id)).body).toEqual({ muted: true, mutedUntil: null });
	});

	it("refuses a time in the past, over a year ahead, not a time, or with muted: false (400), changing nothing", async () => {
		const [a, b] = await Promise.all([registerUser("Ann"), registerUser("Ben")]);
		const chat = await directChat(a, b);
		for (const body of [
			{ mutedUntil: inHours(-1) },
			{ mutedUntil: inHours(24 * 400) },
			{ mutedUntil: "tomorrow" },
			{ mutedUntil: 5 },
			{ muted: false, mutedUntil: inHours(2) },
		]) {
			const res = await mute(a, chat.id, body);
			expectError(res, 400, "invalid_request");
			expect(JSON.stringify(res.body.error.details)).toContain("mutedUntil");
		}
		expect(await listed(a, chat.id)).toMatchObject({ muted: false, mutedUntil: null });
		// A non-member gets 404 as before.
		const c = await registerUser("Cy");
		expectError(await mute(c, chat.id, { mutedUntil: inHours(2) }), 404, "not_found");
	});
});
