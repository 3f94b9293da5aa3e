// Contract v2 sessions: every token names a session; logout, logout-all and a password change
// end sessions, and an ended session's token answers 401 everywhere (REST and handshakes).
import { describe, expect, it } from "vitest";
import { authenticate, redeemTicket } from "../src/worker/auth";
import { upgradeRequest } from "../src/worker/routes/realtime";
import { api, env, expectError, registerUser, type TestUser } from "./helpers";
import { handshake, ticketFor } from "./sockets";

const login = (user: TestUser, password = user.password) =>
	api("POST", "/auth/login", { body: { email: user.user.email, password } });

async function secondDevice(user: TestUser): Promise<string> {
	const res = await login(user);
	expect(res.status).toBe(200);
	return res.body.token;
}

/** Every kind of request a token is good for answers 401. */
async function expectDead(token: string) {
	expectError(await api("GET", "/me", { token }), 401, "unauthorized");
	expectError(await api("GET", "/conversations", { token }), 401, "unauthorized");
	expectError(await api("POST", "/realtime/ticket", { token }), 401, "unauthorized");
	expectError(
		await api("POST", "/uploads", { token, body: { contentType: "image/png", size: 10 } }),
		401,
		"unauthorized",
	);
	const socket = await handshake("/realtime", "", { Authorization: `Bearer ${token}` });
	expect(socket.status).toBe(401);
}

describe("sessions", () => {
	it("stores one session per login, with the token's expiry", async () => {
		const me = await registerUser("Sessions");
		await secondDevice(me);
		const { results } = await env.DB.prepare(
			"SELECT id, expires_at, revoked_at FROM sessions WHERE user_id = ? ORDER BY created_at",
		)
			.bind(me.user.id)
			.all<{ id: string; expires_at: string; revoked_at: string | null }>();
		expect(results).toHaveLength(2);
		const payload = JSON.parse(atob((me.token.split(".")[1] ?? "").replaceAll("-", "+").replaceAll("_", "/")));
		expect(results.map((r) => r.id)).toContain(payload.sid);
		const mine = results.find((r) => r.id === payload.sid);
		expect(Date.parse(mine?.expires_at ?? "")).toBe(payload.exp * 1000);
		expect(mine?.revoked_at).toBeNull();
	});

	it("logout answers 204 and ends only this token; the other device keeps working", async () => {
		const me = await registerUser("Logout");
		const other = await secondDevice(me);
		const res = await api("POST", "/auth/logout", { token: me.token });
		expect(res.status).toBe(204);
		expect(res.body).toBeNull();
		await expectDead(me.token);
		expect((await api("GET", "/me", { token: other })).status).toBe(200);
		// Logging out twice is a 401: the token is already dead.
		expectError(await api("POST", "/auth/logout", { token: me.token }), 401, "unauthorized");
	});

	it("logout-all answers 204 and ends every token of the caller, not other people's", async () => {
		const me = await registerUser("LogoutAll");
		const someoneElse = await registerUser("Bystander");
		const other = await secondDevice(me);
		const res = await api("POST", "/auth/logout-all", { token: me.token });
		expect(res.status).toBe(204);
		await expectDead(me.token);
		await expectDead(other);
		expect((await api("GET", "/me", { token: someoneElse.token })).status).toBe(200);
		// A fresh login starts a new, working session.
		expect((await api("GET", "/me", { token: await secondDevice(me) })).status).toBe(200);
	});

	it("a ticket taken before logout no longer opens a socket", async () => {
		const me = await registerUser("TicketLogout");
		const ticket = await ticketFor(me);
		expect((await api("POST", "/auth/logout", { token: me.token })).status).toBe(204);
		const res = await handshake("/realtime", `ticket=${encodeURIComponent(ticket)}`);
		expect(res.status).toBe(401);
	});

	it("logout needs a token", async () => {
		expectError(await api("POST", "/auth/logout"), 401, "unauthorized");
		expectError(await api("POST", "/auth/logout-all"), 401, "unauthorized");
	});
});

describe("what a socket handshake hands the Durable Object", () => {
	const claims = (token: string) =>
		JSON.parse(atob((token.split(".")[1] ?? "").replaceAll("-", "+").replaceAll("_", "/")));

	it("knows the session and the token's expiry (epoch ms) from a ticket or a bearer token", async () => {
		const me = await registerUser("Handshake");
		const { sid, exp } = claims(me.token);
		const expected = { userId: me.user.id, sessionId: sid, expiresAt: exp * 1000 };
		expect(await redeemTicket(env, await ticketFor(me))).toEqual(expected);
		expect(await authenticate(env, me.token)).toEqual(expected);
	});

	it("forwards X-Session-Id and X-Session-Expires with the upgrade", () => {
		const req = upgradeRequest(
			"https://chat.test/api/v1/realtime",
			{ userId: "u1", sessionId: "s1", expiresAt: 1_800_000_000_000 },
			"https://chat.test",
		);
		expect(req.headers.get("X-Session-Id")).toBe("s1");
		expect(req.headers.get("X-Session-Expires")).toBe("1800000000000");
		expect(req.headers.get("X-User-Id")).toBe("u1");
		expect(req.headers.get("Upgrade")).toBe("websocket");
	});
});

describe("PUT /me/password", () => {
	it("changes the password, keeps this session and ends every other one", async () => {
		const me = await registerUser("Changer");
		const other = await secondDevice(me);
		const res = await api("PUT", "/me/password", {
			token: me.token,
			body: { currentPassword: me.password, newPassword: "a brand new passphrase" },
		});
		expect(res.status).toBe(204);
		expect((await api("GET", "/me", { token: me.token })).status).toBe(200);
		await expectDead(other);
		expectError(await login(me), 401, "unauthorized");
		expect((await login(me, "a brand new passphrase")).status).toBe(200);
	});

	it("answers 401 to a wrong current password and changes nothing", async () => {
		const me = await registerUser("WrongCurrent");
		const other = await secondDevice(me);
		const res = await api("PUT", "/me/password", {
			token: me.token,
			body: { currentPassword: "not my password", newPassword: "a brand new passphrase" },
		});
		expectError(res, 401, "unauthorized");
		expect((await api("GET", "/me", { token: other })).status).toBe(200);
		expect((await login(me)).status).toBe(200);
	});

	it("applies the registration rules to the new password and names the bad fields", async () => {
		const me = await registerUser("Rules");
		const short = await api("PUT", "/me/password", {
			token: me.token,
			body: { currentPassword: me.password, newPassword: "short" },
		});
		expectError(short, 400, "invalid_request");
		expect(short.body.error.details.fields.map((f: { path: string }) => f.path)).toEqual(["newPassword"]);
		expectError(await api("PUT", "/me/password", { token: me.token, body: {} }), 400, "invalid_request");
		expectError(
			await api("PUT", "/me/password", { body: { currentPassword: "x", newPassword: "long enough" } }),
			401,
			"unauthorized",
		);
	});

	it("stops guessing the current password with a stolen token after 10 wrong tries", async () => {
		const me = await registerUser("Oracle");
		for (let i = 0; i < 10; i++) {
			const res = await api("PUT", "/me/password", {
				token: me.token,
				body: { currentPassword: `guess-${i}`, newPassword: "a brand new passphrase" },
			});
			expect(res.status).toBe(401);
		}
		const blocked = await api("PUT", "/me/password", {
			token: me.token,
			body: { currentPassword: me.password, newPassword: "a brand new passphrase" },
		});
		expectError(blocked, 429, "rate_limited");
	});
});
