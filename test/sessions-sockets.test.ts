// Sockets end with their session (contract v2): logout, logout-all and a password change close
// the sockets opened in the ended sessions with code 4401 within a second, and a socket closes
// with 4401 when its token expires. Relies on UserHub and ConversationRoom implementing
// `endSessions(userId, sessionIds | null)` and honouring X-Session-Id / X-Session-Expires.
import { exports } from "cloudflare:workers";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { api, BASE, directChat, env, registerUser, type TestUser } from "./helpers";
import { realtimeSocket, roomSocket, TestSocket } from "./sockets";

const CLOSE_WITHIN_MS = 1000;

async function secondDevice(user: TestUser): Promise<TestUser> {
	const res = await api("POST", "/auth/login", { body: { email: user.user.email, password: user.password } });
	expect(res.status).toBe(200);
	return { ...user, token: res.body.token };
}

async function expectClosed4401(socket: TestSocket) {
	const closed = await socket.waitClosed(CLOSE_WITHIN_MS);
	expect(closed?.code).toBe(4401);
}

/** A room socket that still answers a frame. */
async function expectRoomOpen(socket: TestSocket) {
	expect(socket.closed).toBeNull();
	expect((await socket.request("message:read", { seq: 0 })).type).toBe("ack");
}

describe("sockets end with their session", () => {
	it("logout closes the realtime and room sockets opened with that token (4401), not the other device's", async () => {
		const a = await registerUser("SockLogout");
		const b = await registerUser("SockPeer");
		const chat = await directChat(a, b);
		const phone = await secondDevice(a);
		const inbox = await realtimeSocket(a);
		const room = await roomSocket(a, chat.id);
		const phoneInbox = await realtimeSocket(phone);
		expect((await api("POST", "/auth/logout", { token: a.token })).status).toBe(204);
		await expectClosed4401(inbox);
		await expectClosed4401(room);
		await new Promise((r) => setTimeout(r, 200));
		expect(phoneInbox.closed).toBeNull();
		phoneInbox.close();
	});

	it("says why before it closes: socket:closing { code: 4401 } is the last frame on both sockets", async () => {
		const a = await registerUser("SockNotice");
		const b = await registerUser("SockNoticePeer");
		const chat = await directChat(a, b);
		const inbox = await realtimeSocket(a);
		const room = await roomSocket(a, chat.id);
		await inbox.request("ping");
		await room.request("ping");
		expect((await api("POST", "/auth/logout", { token: a.token })).status).toBe(204);
		for (const socket of [inbox, room]) {
			// A client can act on it before the connection is torn down (wrangler dev leaves it half-open).
			const notice = await socket.waitFor((f) => f.type === "socket:closing", CLOSE_WITHIN_MS);
			expect(notice.data).toEqual({ code: 4401, reason: "session ended" });
			await expectClosed4401(socket);
			expect(socket.frames.at(-1)?.type).toBe("socket:closing");
		}
	});

	it("logout-all closes every socket of the caller", async () => {
		const a = await registerUser("SockAll");
		const b = await registerUser("SockAllPeer");
		const chat = await directChat(a, b);
		const phone = await secondDevice(a);
		const sockets = [
			await realtimeSocket(a),
			await roomSocket(a, chat.id),
			await realtimeSocket(phone),
			await roomSocket(phone, chat.id),
		];
		const peer = await roomSocket(b, chat.id);
		expect((await api("POST", "/auth/logout-all", { token: a.token })).status).toBe(204);
		for (const s of sockets) await expectClosed4401(s);
		expect(peer.closed).toBeNull();
		peer.close();
	});

	it("a password change closes the other sessions' sockets and keeps this one's", async () => {
		const a = await registerUser("SockPw");
		const b = await registerUser("SockPwPeer");
		const chat = await directChat(a, b);
		const laptop = await secondDevice(a);
		const mine = await roomSocket(a, chat.id);
		const theirs = await roomSocket(laptop, chat.id);
		const theirInbox = await realtimeSocket(laptop);
		const res = await api("PUT", "/me/password", {
			token: a.token,
			body: { currentPassword: a.password, newPassword: "a brand new passphrase" },
		});
		expect(res.status).toBe(204);
		await expectClosed4401(theirs);
		await expectClosed4401(theirInbox);
		await expectRoomOpen(mine);
		mine.close();
	});

	it("closes a socket with 4401 when its token expires", async () => {
		const a = await registerUser("SockExp");
		const payload = JSON.parse(atob((a.token.split(".")[1] ?? "").replaceAll("-", "+").replaceAll("_", "/")));
		const shortLived = await new SignJWT({ sid: payload.sid })
			.setProtectedHeader({ alg: "HS256" })
			.setSubject(a.user.id)
			.setIssuer(env.JWT_ISSUER)
			.setAudience(env.JWT_AUDIENCE)
			.setIssuedAt()
			.setExpirationTime(Math.floor(Date.now() / 1000) + 2)
			.sign(new TextEncoder().encode(env.JWT_SECRET));
		const res = await exports.default.fetch(
			new Request(`${BASE}/api/v1/realtime`, {
				headers: { Upgrade: "websocket", Authorization: `Bearer ${shortLived}` },
			}),
		);
		expect(res.status).toBe(101);
		res.webSocket?.accept();
		const socket = new TestSocket(res.webSocket as WebSocket);
		const closed = await socket.waitClosed(3000 + CLOSE_WITHIN_MS);
		expect(closed?.code).toBe(4401);
	});
});
