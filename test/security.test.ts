// Hardening (issue 11): limits that hold under concurrency, no lockout of an account's owner,
// people search that shows no presence and cannot list everyone, deleted accounts, private
// answers never cached, URLs on the configured origin, and the UI's security headers.
import { createExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { publicOriginFor } from "../src/server/config";
import uiHeaders from "../src/web/public/_headers?raw";
import { app } from "../src/worker/app";
import { api, env, expectError, registerUser } from "./helpers";

const at = (ip: string) => ({ "CF-Connecting-IP": ip });
const statuses = (results: { status: number }[]) =>
	results.reduce<Record<number, number>>((acc, r) => {
		acc[r.status] = (acc[r.status] ?? 0) + 1;
		return acc;
	}, {});

describe("rate limits count atomically", () => {
	it("lets only 10 of 40 parallel wrong passwords for one account be checked; the rest get 429", async () => {
		const owner = await registerUser("Parallel");
		const results = await Promise.all(
			Array.from({ length: 40 }, (_, i) =>
				api("POST", "/auth/login", {
					body: { email: owner.user.email, password: `guess-${i}` },
					headers: at("198.51.100.40"),
				}),
			),
		);
		expect(statuses(results)).toEqual({ 401: 10, 429: 30 });
		for (const r of results.filter((r) => r.status === 429)) {
			expectError(r, 429, "rate_limited");
			expect(Number(r.headers.get("Retry-After"))).toBeGreaterThan(0);
		}
	});

	it("lets only 20 of 30 parallel registrations from one address through", async () => {
		const stamp = Date.now().toString(36);
		const results = await Promise.all(
			Array.from({ length: 30 }, (_, i) =>
				api("POST", "/auth/register", {
					body: { email: `para${i}.${stamp}@campus.test`, password: "long enough pw", displayName: `Para ${i}` },
					headers: at("198.51.100.30"),
				}),
			),
		);
		expect(statuses(results)).toEqual({ 201: 20, 429: 10 });
	});

	it("hands out only 100 of 110 parallel upload URLs to one user", async () => {
		const me = await registerUser("ParaUpload");
		const results = await Promise.all(
			Array.from({ length: 110 }, () =>
				api("POST", "/uploads", { token: me.token, body: { contentType: "image/png", size: 100 } }),
			),
		);
		expect(statuses(results)).toEqual({ 201: 100, 429: 10 });
	});
});

describe("failed logins cannot lock the owner out", () => {
	it("still lets the owner in from their own address after an attacker's failures from another", async () => {
		const owner = await registerUser("Owner");
		for (let i = 0; i < 12; i++) {
			await api("POST", "/auth/login", {
				body: { email: owner.user.email, password: `guess-${i}` },
				headers: at("203.0.113.66"),
			});
		}
		const attacker = await api("POST", "/auth/login", {
			body: { email: owner.user.email, password: owner.password },
			headers: at("203.0.113.66"),
		});
		expectError(attacker, 429, "rate_limited");
		const mine = await api("POST", "/auth/login", {
			body: { email: owner.user.email, password: owner.password },
			headers: at("192.0.2.10"),
		});
		expect(mine.status).toBe(200);
	});

	it("past the per-email ceiling, gives a fresh address a couple of tries and refuses addresses that failed", async () => {
		const owner = await registerUser("Ceiling");
		// 100 failures spread over ten addresses: the email's hourly ceiling.
		for (let a = 0; a < 10; a++) {
			await Promise.all(
				Array.from({ length: 10 }, (_, i) =>
					api("POST", "/auth/login", {
						body: { email: owner.user.email, password: `spray-${a}-${i}` },
						headers: at(`198.18.0.${a}`),
					}),
				),
			);
		}
		// A new attacking address gets two guesses, then 429.
		const fresh = (password: string) =>
			api("POST", "/auth/login", { body: { email: owner.user.email, password }, headers: at("198.18.1.1") });
		expect((await fresh("next-1")).status).toBe(401);
		expect((await fresh("next-2")).status).toBe(401);
		expectError(await fresh("next-3"), 429, "rate_limited");
		// The owner, from an address that has not failed, gets in.
		const mine = await api("POST", "/auth/login", {
			body: { email: owner.user.email, password: owner.password },
			headers: at("192.0.2.77"),
		});
		expect(mine.status).toBe(200);
	});

	it("does not count a correct password against the limits", async () => {
		const owner = await registerUser("Often");
		for (let i = 0; i < 15; i++) {
			const res = await api("POST", "/auth/login", {
				body: { email: owner.user.email, password: owner.password },
				headers: at("192.0.2.15"),
			});
			expect(res.status).toBe(200);
		}
	});
});

describe("people search", () => {
	it("needs at least 2 characters and shows no presence, online or not", async () => {
		const me = await registerUser("Prober");
		const target = await registerUser("Quorra");
		await env.DB.prepare("UPDATE users SET online = 1, last_seen_at = ? WHERE id = ?")
			.bind(new Date().toISOString(), target.user.id)
			.run();
		expectError(await api("GET", "/users?q=q", { token: me.token }), 400, "invalid_request");
		expectError(await api("GET", "/users?q=%20q%20", { token: me.token }), 400, "invalid_request");
		const res = await api("GET", "/users?q=quorra", { token: me.token });
		expect(res.status).toBe(200);
		const found = res.body.users.find((u: { id: string }) => u.id === target.user.id);
		expect(found).toEqual({
			id: target.user.id,
			email: target.user.email,
			displayName: target.user.displayName,
			avatarUrl: null,
		});
	});

	it("answers at most 20 people", async () => {
		const me = await registerUser("Counter");
		const stamp = Date.now().toString(36);
		const now = new Date().toISOString();
		const insert = env.DB.prepare(
			"INSERT INTO users (id, email, display_name, password_hash, created_at) VALUES (?, ?, ?, 'seeded', ?)",
		);
		await env.DB.batch(
			Array.from({ length: 30 }, (_, i) =>
				insert.bind(crypto.randomUUID(), `xylo${i}.${stamp}@seed.test`, `Xylophone ${stamp} ${i}`, now),
			),
		);
		const res = await api("GET", `/users?q=xylo`, { token: me.token });
		expect(res.status).toBe(200);
		expect(res.body.users).toHaveLength(20);
	});
});

describe("a deleted account", () => {
	it("gets 401, never 500, with a token that is still well signed", async () => {
		const gone = await registerUser("Gone");
		await env.DB.prepare("DELETE FROM users WHERE id = ?").bind(gone.user.id).run();
		expectError(await api("POST", "/realtime/ticket", { token: gone.token }), 401, "unauthorized");
		expectError(
			await api("POST", "/uploads", { token: gone.token, body: { contentType: "image/png", size: 100 } }),
			401,
			"unauthorized",
		);
		expectError(await api("GET", "/me", { token: gone.token }), 401, "unauthorized");
		expectError(await api("GET", "/conversations", { token: gone.token }), 401, "unauthorized");
	});
});

describe("private answers", () => {
	it("are never stored by a cache, and never sniffed", async () => {
		const me = await registerUser("Cache");
		for (const res of [
			await api("GET", "/me", { token: me.token }),
			await api("GET", "/conversations", { token: me.token }),
			await api("GET", "/me"),
		]) {
			expect(res.headers.get("Cache-Control")).toBe("no-store");
			expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
		}
	});
});

describe("absolute URLs", () => {
	const production = { ...env, APP_ENV: "production", PUBLIC_ORIGIN: "https://chat.example.edu" };

	it("are built on PUBLIC_ORIGIN, not on the Host the request came with", async () => {
		const me = await registerUser("Origin");
		const res = await app.fetch(
			new Request("https://attacker.example/api/v1/uploads", {
				method: "POST",
				headers: { Authorization: `Bearer ${me.token}`, "Content-Type": "application/json" },
				body: JSON.stringify({ contentType: "image/png", size: 100 }),
			}),
			production,
			createExecutionContext(),
		);
		expect(res.status).toBe(201);
		const body = (await res.json()) as { uploadUrl: string };
		expect(body.uploadUrl).toMatch(/^https:\/\/chat\.example\.edu\/api\/v1\/uploads\/local\//);
	});

	it("use the request's origin in development, and production refuses to guess", () => {
		expect(publicOriginFor(env, "http://localhost:8787/api/v1/x")).toBe("http://localhost:8787");
		expect(publicOriginFor({ ...env, PUBLIC_ORIGIN: "https://chat.example.edu/" }, "http://x.test/")).toBe(
			"https://chat.example.edu",
		);
		expect(() => publicOriginFor({ ...env, APP_ENV: "production", PUBLIC_ORIGIN: "" }, "https://x.test/")).toThrow(
			/PUBLIC_ORIGIN/,
		);
		expect(() => publicOriginFor({ ...env, PUBLIC_ORIGIN: "javascript:alert(1)" }, "https://x.test/")).toThrow(
			/PUBLIC_ORIGIN/,
		);
	});
});

describe("the UI's security headers (src/web/public/_headers)", () => {
	const rules = uiHeaders.split("\n").filter((line) => /^\s+\S+:/.test(line));
	const header = (name: string) =>
		rules
			.map((line) => line.trim())
			.find((line) => line.toLowerCase().startsWith(`${name.toLowerCase()}:`))
			?.slice(name.length + 1)
			.trim();

	it("apply to every path", () => {
		expect(uiHeaders.split("\n").filter((line) => line.startsWith("/"))).toEqual(["/*"]);
	});

	it("allow no inline or foreign script and no framing", () => {
		const csp = header("Content-Security-Policy") ?? "";
		const directives = new Map(
			csp.split(";").map((d) => {
				const [name = "", ...values] = d.trim().split(/\s+/);
				return [name, values];
			}),
		);
		expect(directives.get("script-src")).toEqual(["'self'"]);
		expect(directives.get("default-src")).toEqual(["'self'"]);
		expect(directives.get("object-src")).toEqual(["'none'"]);
		expect(directives.get("base-uri")).toEqual(["'none'"]);
		expect(directives.get("frame-ancestors")).toEqual(["'none'"]);
		expect(csp).not.toContain("unsafe-inline");
		expect(csp).not.toContain("unsafe-eval");
		expect(header("X-Frame-Options")).toBe("DENY");
		expect(header("X-Content-Type-Options")).toBe("nosniff");
		expect(header("Referrer-Policy")).toBe("no-referrer");
	});
});
