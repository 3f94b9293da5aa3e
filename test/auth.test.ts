import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { jwtSecret } from "../src/server/config";
import { api, env, expectError, registerUser } from "./helpers";

const secret = new TextEncoder().encode(env.JWT_SECRET);

/** The session id inside a token the server issued. */
function sessionOf(token: string): string {
	const payload = token.split(".")[1] ?? "";
	return JSON.parse(atob(payload.replaceAll("-", "+").replaceAll("_", "/"))).sid;
}

async function forge(
	claims: { sub?: string; sid?: string; iss?: string; aud?: string; exp?: number | string; alg?: string },
	key = secret,
) {
	const jwt = new SignJWT(claims.sid ? { sid: claims.sid } : {})
		.setProtectedHeader({ alg: claims.alg ?? "HS256" })
		.setIssuedAt();
	if (claims.sub) jwt.setSubject(claims.sub);
	if (claims.iss) jwt.setIssuer(claims.iss);
	if (claims.aud) jwt.setAudience(claims.aud);
	if (claims.exp !== undefined) jwt.setExpirationTime(claims.exp);
	return jwt.sign(key);
}

describe("register and login", () => {
	it("registers a student and returns the user with a token that works on /me", async () => {
		const res = await api("POST", "/auth/register", {
			body: { email: "Asha.Patel@Campus.test", password: "long enough pw", displayName: "Asha Patel" },
		});
		expect(res.status).toBe(201);
		expect(res.body.user).toEqual({
			id: expect.any(String),
			email: "asha.patel@campus.test",
			displayName: "Asha Patel",
			avatarUrl: null,
			online: false,
			lastSeenAt: null,
		});
		const me = await api("GET", "/me", { token: res.body.token });
		expect(me.status).toBe(200);
		expect(me.body.user.id).toBe(res.body.user.id);
	});

	it("refuses a second account with the same email, whatever its case, with 409", async () => {
		const first = await registerUser("Dup");
		const res = await api("POST", "/auth/register", {
			body: { email: first.user.email.toUpperCase(), password: "another password", displayName: "Someone" },
		});
		expectError(res, 409, "conflict");
	});

	it("names the bad fields when registration input is invalid, and stores nothing", async () => {
		const res = await api("POST", "/auth/register", {
			body: { email: "not-an-email", password: "short", displayName: "" },
		});
		expectError(res, 400, "invalid_request");
		const paths = res.body.error.details.fields.map((f: { path: string }) => f.path).sort();
		expect(paths).toEqual(["displayName", "email", "password"]);
		const login = await api("POST", "/auth/login", { body: { email: "not-an-email", password: "short" } });
		expect(login.status).toBe(400);
	});

	it("logs in with the right password and refuses a wrong one or an unknown email with 401", async () => {
		const student = await registerUser("Login");
		const ok = await api("POST", "/auth/login", { body: { email: student.user.email, password: student.password } });
		expect(ok.status).toBe(200);
		expect(ok.body.user.id).toBe(student.user.id);
		expect(typeof ok.body.token).toBe("string");
		expectError(
			await api("POST", "/auth/login", { body: { email: student.user.email, password: "wrong password" } }),
			401,
			"unauthorized",
		);
		expectError(
			await api("POST", "/auth/login", { body: { email: "nobody@campus.test", password: "whatever1" } }),
			401,
			"unauthorized",
		);
	});

	it("stores passwords as salted PBKDF2 hashes, never in clear", async () => {
		const student = await registerUser("Hash");
		const row = await env.DB.prepare("SELECT password_hash FROM users WHERE id = ?")
			.bind(student.user.id)
			.first<{ password_hash: string }>();
		expect(row?.password_hash).toMatch(/^pbkdf2-sha256\$100000\$[\w-]{22}\$[\w-]{43}$/);
		expect(row?.password_hash).not.toContain(student.password);
	});

	it("rate-limits registrations from one IP address after 20 an hour", async () => {
		const headers = { "CF-Connecting-IP": "203.0.113.7" };
		const register = (i: number) =>
			api("POST", "/auth/register", {
				body: { email: `burst${i}.${Date.now()}@campus.test`, password: "long enough pw", displayName: `Burst ${i}` },
				headers,
			});
		for (let i = 0; i < 20; i++) expect((await register(i)).status).toBe(201);
		const blocked = await register(20);
		expectError(blocked, 429, "rate_limited");
		expect(Number(blocked.headers.get("Retry-After"))).toBeGreaterThan(0);
		// another address is not affected
		expect((await registerUser("Elsewhere")).user.id).toBeTruthy();
	});

	it("rate-limits repeated failed logins for one account with 429 and Retry-After", async () => {
		const student = await registerUser("Brute");
		for (let i = 0; i < 10; i++) {
			const res = await api("POST", "/auth/login", { body: { email: student.user.email, password: `guess-${i}` } });
			expect(res.status).toBe(401);
		}
		const blocked = await api("POST", "/auth/login", {
			body: { email: student.user.email, password: student.password },
		});
		expectError(blocked, 429, "rate_limited");
		expect(Number(blocked.headers.get("Retry-After"))).toBeGreaterThan(0);
	});
});

describe("tokens", () => {
	it("refuses a request without a token, with a malformed header, or with garbage", async () => {
		expectError(await api("GET", "/me"), 401, "unauthorized");
		expectError(await api("GET", "/me", { headers: { Authorization: "Basic abc" } }), 401, "unauthorized");
		expectError(await api("GET", "/me", { token: "not.a.jwt" }), 401, "unauthorized");
	});

	it("refuses a token whose payload was tampered with", async () => {
		const a = await registerUser("Tamper");
		const b = await registerUser("Victim");
		const [header, , sig] = a.token.split(".");
		const payload = btoa(
			JSON.stringify({ sub: b.user.id, iss: "campus-chat", aud: "campus-chat-api", exp: 9999999999 }),
		)
			.replaceAll("=", "")
			.replaceAll("+", "-")
			.replaceAll("/", "_");
		expectError(await api("GET", "/me", { token: `${header}.${payload}.${sig}` }), 401, "unauthorized");
	});

	it("refuses alg none, another algorithm, or another key", async () => {
		const student = await registerUser("Alg");
		const enc = (o: object) => btoa(JSON.stringify(o)).replaceAll("=", "").replaceAll("+", "-").replaceAll("/", "_");
		const unsigned = `${enc({ alg: "none", typ: "JWT" })}.${enc({ sub: student.user.id, iss: "campus-chat", aud: "campus-chat-api", exp: 9999999999 })}.`;
		expectError(await api("GET", "/me", { token: unsigned }), 401, "unauthorized");
		const sid = sessionOf(student.token);
		const hs512 = await forge({
			sub: student.user.id,
			sid,
			iss: "campus-chat",
			aud: "campus-chat-api",
			exp: "1h",
			alg: "HS512",
		});
		expectError(await api("GET", "/me", { token: hs512 }), 401, "unauthorized");
		const otherKey = await forge(
			{ sub: student.user.id, sid, iss: "campus-chat", aud: "campus-chat-api", exp: "1h" },
			new TextEncoder().encode("some-other-secret-that-is-32-chars-long!"),
		);
		expectError(await api("GET", "/me", { token: otherKey }), 401, "unauthorized");
	});

	it("refuses an expired token, a wrong audience, a wrong issuer and a token without expiry", async () => {
		const student = await registerUser("Claims");
		const sub = student.user.id;
		const sid = sessionOf(student.token);
		const good = await forge({ sub, sid, iss: "campus-chat", aud: "campus-chat-api", exp: "1h" });
		expect((await api("GET", "/me", { token: good })).status).toBe(200);
		const expired = await forge({
			sub,
			sid,
			iss: "campus-chat",
			aud: "campus-chat-api",
			exp: Math.floor(Date.now() / 1000) - 60,
		});
		const res = await api("GET", "/me", { token: expired });
		expectError(res, 401, "unauthorized");
		expect(res.body.error.message).toMatch(/expired/);
		expectError(
			await api("GET", "/me", { token: await forge({ sub, sid, iss: "campus-chat", aud: "another-app", exp: "1h" }) }),
			401,
			"unauthorized",
		);
		expectError(
			await api("GET", "/me", { token: await forge({ sub, sid, iss: "evil", aud: "campus-chat-api", exp: "1h" }) }),
			401,
			"unauthorized",
		);
		expectError(
			await api("GET", "/me", { token: await forge({ sub, sid, iss: "campus-chat", aud: "campus-chat-api" }) }),
			401,
			"unauthorized",
		);
	});

	it("refuses a well-signed token without a session id, or with another user's or a made-up one", async () => {
		const student = await registerUser("Sid");
		const other = await registerUser("OtherSid");
		const claims = { sub: student.user.id, iss: "campus-chat", aud: "campus-chat-api", exp: "1h" };
		const noSid = await api("GET", "/me", { token: await forge(claims) });
		expectError(noSid, 401, "unauthorized");
		expect(noSid.body.error.message).toMatch(/sid|session/);
		for (const sid of [sessionOf(other.token), "made-up-session-id"]) {
			expectError(await api("GET", "/me", { token: await forge({ ...claims, sid }) }), 401, "unauthorized");
		}
	});
});

describe("users and tickets", () => {
	it("finds people by name or email prefix, not the caller, and needs a token", async () => {
		const me = await registerUser("Searcher");
		const other = await registerUser("Zanele");
		const byName = await api("GET", `/users?q=${encodeURIComponent("zanele")}`, { token: me.token });
		expect(byName.status).toBe(200);
		expect(byName.body.users.map((u: { id: string }) => u.id)).toContain(other.user.id);
		// Who they are, never their presence.
		expect(byName.body.users.find((u: { id: string }) => u.id === other.user.id)).toEqual({
			id: other.user.id,
			email: other.user.email,
			displayName: other.user.displayName,
			avatarUrl: null,
		});
		const byEmail = await api("GET", `/users?q=${encodeURIComponent(other.user.email.slice(0, 12))}`, {
			token: me.token,
		});
		expect(byEmail.body.users.map((u: { id: string }) => u.id)).toContain(other.user.id);
		const self = await api("GET", `/users?q=searcher`, { token: me.token });
		expect(self.body.users.map((u: { id: string }) => u.id)).not.toContain(me.user.id);
		expectError(await api("GET", "/users?q=", { token: me.token }), 400, "invalid_request");
		expectError(await api("GET", "/users?q=z", { token: me.token }), 400, "invalid_request");
		expectError(await api("GET", "/users?q=xy"), 401, "unauthorized");
	});

	it("issues a socket ticket that expires within 60 s", async () => {
		const me = await registerUser("Ticket");
		const res = await api("POST", "/realtime/ticket", { token: me.token });
		expect(res.status).toBe(200);
		expect(typeof res.body.ticket).toBe("string");
		const ttl = Date.parse(res.body.expiresAt) - Date.now();
		expect(ttl).toBeGreaterThan(0);
		expect(ttl).toBeLessThanOrEqual(60_000);
		expectError(await api("POST", "/realtime/ticket"), 401, "unauthorized");
	});
});

describe("errors", () => {
	it("answers unknown routes, bad JSON and oversized bodies in the error envelope", async () => {
		expectError(await api("GET", "/nope"), 404, "not_found");
		expectError(
			await api("POST", "/auth/login", { rawBody: "{not json", headers: { "Content-Type": "application/json" } }),
			400,
			"invalid_request",
		);
		const big = await api("POST", "/auth/register", {
			body: { email: "big@campus.test", password: "x".repeat(70_000), displayName: "Big" },
		});
		expectError(big, 413, "payload_too_large");
	});

	it("serves health without auth", async () => {
		const res = await api("GET", "/health");
		expect(res).toMatchObject({ status: 200, body: { ok: true } });
	});
});

describe("configuration", () => {
	it("refuses to sign anything in production without a JWT_SECRET of at least 32 characters", () => {
		const production = { ...env, APP_ENV: "production" };
		expect(() => jwtSecret({ ...production, JWT_SECRET: undefined } as never)).toThrow(/JWT_SECRET/);
		expect(() => jwtSecret({ ...production, JWT_SECRET: "too-short" } as never)).toThrow(/JWT_SECRET/);
		expect(jwtSecret({ ...production, JWT_SECRET: "x".repeat(32) } as never)).toBe("x".repeat(32));
	});
});
