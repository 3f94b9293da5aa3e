// Suspension (README "Moderation"): an admin sets users.suspended_at in the D1 console, so no app
// call happens; the user's requests answer 401 at once and their open sockets close with 4401
// (the Moderation object notices within about a second). Tickets issued before are refused.
import { describe, expect, it } from "vitest";
import { api, directChat, env, registerUser, type TestUser } from "./helpers";
import { closeSocketsAfterEach, handshake, realtimeSocket, roomSocket, ticketFor } from "./sockets";

const track = closeSocketsAfterEach();

const suspend = (user: TestUser) =>
	env.DB.prepare("UPDATE users SET suspended_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?")
		.bind(user.user.id)
		.run();

describe("a suspended user", () => {
	it("has every realtime and room socket closed with 4401; others' sockets stay open", async () => {
		const user = await registerUser("Suspended");
		const peer = await registerUser("Peer");
		const chat = await directChat(user, peer);
		const inbox = await track(realtimeSocket(user));
		const room = await track(roomSocket(user, chat.id));
		const peerRoom = await track(roomSocket(peer, chat.id));
		await inbox.request("ping");
		await suspend(user);
		expect((await inbox.waitClosed(15_000))?.code).toBe(4401);
		expect((await room.waitClosed(15_000))?.code).toBe(4401);
		expect(peerRoom.closed).toBeNull();
		expect((await peerRoom.request("message:read", { seq: 0 })).type).toBe("ack");
	});

	it("gets 401 on requests, and a ticket taken before the suspension opens nothing", async () => {
		const user = await registerUser("SuspendedRest");
		const ticket = await ticketFor(user);
		await suspend(user);
		const me = await api("GET", "/me", { token: user.token });
		expect(me.status).toBe(401);
		expect(me.body.error.code).toBe("unauthorized");
		const res = await handshake("/realtime", `ticket=${encodeURIComponent(ticket)}`);
		expect(res.status).toBe(401);
		expect(res.webSocket).toBeNull();
	});
});
