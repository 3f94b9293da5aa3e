// Issue 22.5: a block hides presence at once, on both sides, live (not at the next reload), and
// an unblock brings it back live; each with no lastSeenAt given while hidden.
import { describe, expect, it } from "vitest";
import { api, directChat, registerUser, sendText } from "./helpers";
import { closeSocketsAfterEach, type Frame, realtimeSocket } from "./sockets";

const track = closeSocketsAfterEach();
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const about = (userId: string, type: string) => (f: Frame) => f.type === type && f.data.userId === userId;

describe("presence follows a block live", () => {
	it("a block sends each of the pair the other's user:offline with no lastSeenAt; an unblock sends user:online", async () => {
		const [asha, ben] = await Promise.all([registerUser("Asha"), registerUser("Ben")]);
		// A message, so the chat is in Ben's list too (a direct chat is listed for the other person once it has one).
		await sendText(asha, (await directChat(asha, ben)).id, "hi");
		const inboxAsha = await track(realtimeSocket(asha));
		const inboxBen = await track(realtimeSocket(ben));
		await inboxAsha.request("ping");
		await inboxBen.request("ping");
		await inboxAsha.waitFor(about(ben.user.id, "user:online"));
		await pause(1100);
		const fromAsha = inboxAsha.frames.length;
		const fromBen = inboxBen.frames.length;

		expect((await api("PUT", `/users/${ben.user.id}/block`, { token: asha.token })).status).toBe(200);
		const toBen = await inboxBen.waitFor(about(asha.user.id, "user:offline"), 5000, fromBen);
		expect(toBen.data).toEqual({ userId: asha.user.id });
		const toAsha = await inboxAsha.waitFor(about(ben.user.id, "user:offline"), 5000, fromAsha);
		expect(toAsha.data).toEqual({ userId: ben.user.id });
		// And the snapshot agrees: no presence either way.
		const seen = await api("GET", "/conversations", { token: ben.token });
		const ashaThere = seen.body.conversations[0].participants.find(
			(p: { user: { id: string } }) => p.user.id === asha.user.id,
		);
		expect(ashaThere.user.online).toBeUndefined();

		await pause(1100);
		const again = inboxBen.frames.length;
		expect((await api("DELETE", `/users/${ben.user.id}/block`, { token: asha.token })).status).toBe(200);
		await inboxBen.waitFor(about(asha.user.id, "user:online"), 5000, again);
		await inboxAsha.waitFor(about(ben.user.id, "user:online"), 5000, fromAsha);
	});

	it("an unblock while the other still blocks sends nothing", async () => {
		const [asha, ben] = await Promise.all([registerUser("Asha"), registerUser("Ben")]);
		await directChat(asha, ben);
		await api("PUT", `/users/${asha.user.id}/block`, { token: ben.token });
		await api("PUT", `/users/${ben.user.id}/block`, { token: asha.token });
		const inboxBen = await track(realtimeSocket(ben));
		await inboxBen.request("ping");
		await pause(1100);
		const from = inboxBen.frames.length;
		await api("DELETE", `/users/${ben.user.id}/block`, { token: asha.token });
		await pause(1300);
		expect(inboxBen.frames.slice(from).filter((f) => f.type === "user:online" || f.type === "user:offline")).toEqual(
			[],
		);
	});
});
