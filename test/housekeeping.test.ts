// The hourly cron's housekeeping: ended sessions, spent tickets and old rate-limit windows go;
// live sessions (and the tokens that name them) stay.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../src/worker/index";
import { api, env, registerUser } from "./helpers";

const count = async (sql: string, ...args: unknown[]) =>
	(
		await env.DB.prepare(sql)
			.bind(...args)
			.first<{ n: number }>()
	)?.n ?? 0;

describe("hourly housekeeping", () => {
	it("drops expired and revoked sessions, spent tickets and old limit windows, and keeps live sessions working", async () => {
		const live = await registerUser("Live");
		const leaving = await registerUser("Leaving");
		expect((await api("POST", "/auth/logout", { token: leaving.token })).status).toBe(204);
		const past = new Date(Date.now() - 3600_000).toISOString();
		const old = new Date(Date.now() - 3 * 24 * 3600_000).toISOString();
		await env.DB.batch([
			env.DB.prepare("INSERT INTO sessions (id, user_id, created_at, expires_at) VALUES ('expired-s', ?, ?, ?)").bind(
				live.user.id,
				old,
				past,
			),
			env.DB.prepare(
				"INSERT INTO realtime_tickets (ticket_hash, user_id, expires_at, session_id) VALUES ('spent-t', ?, ?, 'expired-s')",
			).bind(live.user.id, past),
			env.DB.prepare("INSERT INTO auth_rate_limits (bucket, window_start, count) VALUES ('login:old', ?, 3)").bind(old),
		]);
		expect((await api("POST", "/realtime/ticket", { token: live.token })).status).toBe(200);

		const ctx = createExecutionContext();
		await worker.scheduled(createScheduledController({ cron: "17 * * * *" }), env, ctx);
		await waitOnExecutionContext(ctx);

		expect(await count("SELECT COUNT(*) AS n FROM sessions WHERE id = 'expired-s'")).toBe(0);
		expect(await count("SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?", leaving.user.id)).toBe(0);
		expect(await count("SELECT COUNT(*) AS n FROM realtime_tickets WHERE ticket_hash = 'spent-t'")).toBe(0);
		expect(await count("SELECT COUNT(*) AS n FROM auth_rate_limits WHERE bucket = 'login:old'")).toBe(0);
		// The live session and its fresh ticket are untouched: the token still works.
		expect(await count("SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?", live.user.id)).toBe(1);
		expect((await api("GET", "/me", { token: live.token })).status).toBe(200);
		expect((await api("GET", "/me", { token: leaving.token })).status).toBe(401);
	});
});
