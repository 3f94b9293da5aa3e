// POST /auth/register, POST /auth/login, GET /me, GET /users?q=, POST /realtime/ticket.
import { Hono } from "hono";
import { z } from "zod";
import { LoginBody, RegisterBody } from "../../shared/schemas";
import {
	type AuthVariables,
	dummyPasswordHash,
	hashPassword,
	issueTicket,
	issueToken,
	requireUser,
	verifyPassword,
} from "../auth";
import type { AppEnv } from "../config";
import { ApiError, conflict } from "../errors";
import { readJson, readQuery } from "../http";
import { log } from "../log";
import {
	assertUnderLimit,
	clientIp,
	countHit,
	ipBucket,
	LOGIN_FAILURES_PER_EMAIL,
	LOGIN_FAILURES_PER_IP,
	REGISTRATIONS_PER_IP,
} from "../rateLimit";
import { toUser, USER_COLUMNS, type UserRecord } from "../views";

const SearchQuery = z.object({ q: z.string().trim().min(1).max(100) });

export const authRoutes = new Hono<{ Bindings: AppEnv; Variables: AuthVariables }>()
	.post("/auth/register", async (c) => {
		const body = await readJson(c, RegisterBody);
		const registerBucket = ipBucket(c.env, c.req.raw, "register");
		await assertUnderLimit(c.env, registerBucket, REGISTRATIONS_PER_IP);
		const id = crypto.randomUUID();
		const passwordHash = await hashPassword(body.password);
		const row = await c.env.DB.prepare(
			`INSERT INTO users (id, email, display_name, password_hash, created_at) VALUES (?, ?, ?, ?, ?)
			 ON CONFLICT (email) DO NOTHING RETURNING ${USER_COLUMNS}`,
		)
			.bind(id, body.email, body.displayName, passwordHash, new Date().toISOString())
			.first<UserRecord>();
		if (!row) throw conflict("an account with this email already exists");
		await countHit(c.env, registerBucket, REGISTRATIONS_PER_IP);
		log.info("user_registered", { userId: id });
		return c.json({ user: toUser(row), token: await issueToken(c.env, id) }, 201);
	})
	.post("/auth/login", async (c) => {
		const body = await readJson(c, LoginBody);
		const emailBucket = `login:${body.email}`;
		const loginIpBucket = ipBucket(c.env, c.req.raw, "login-ip");
		await assertUnderLimit(c.env, emailBucket, LOGIN_FAILURES_PER_EMAIL);
		await assertUnderLimit(c.env, loginIpBucket, LOGIN_FAILURES_PER_IP);
		const row = await c.env.DB.prepare(`SELECT ${USER_COLUMNS}, password_hash FROM users WHERE email = ?`)
			.bind(body.email)
			.first<UserRecord & { password_hash: string }>();
		// Unknown emails cost the same PBKDF2 work, so timing does not reveal which accounts exist.
		const valid = await verifyPassword(body.password, row?.password_hash ?? (await dummyPasswordHash()));
		if (!row || !valid) {
			await countHit(c.env, emailBucket, LOGIN_FAILURES_PER_EMAIL);
			await countHit(c.env, loginIpBucket, LOGIN_FAILURES_PER_IP);
			log.warn("login_failed", { ip: clientIp(c.req.raw) });
			throw new ApiError(401, "wrong email or password");
		}
		return c.json({ user: toUser(row), token: await issueToken(c.env, row.id) }, 200);
	})
	.get("/me", requireUser, async (c) => {
		const row = await c.env.DB.prepare(`SELECT ${USER_COLUMNS} FROM users WHERE id = ?`)
			.bind(c.get("userId"))
			.first<UserRecord>();
		if (!row) throw new ApiError(401, "account no longer exists");
		return c.json({ user: toUser(row) });
	})
	.get("/users", requireUser, async (c) => {
		const { q } = readQuery(c, SearchQuery);
		const prefix = `${q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
		const { results } = await c.env.DB.prepare(
			`SELECT ${USER_COLUMNS} FROM users
			 WHERE id != ?1 AND (email LIKE ?2 ESCAPE '\\' OR display_name LIKE ?2 ESCAPE '\\' OR display_name LIKE '% ' || ?2 ESCAPE '\\')
			 ORDER BY display_name COLLATE NOCASE, id LIMIT 20`,
		)
			.bind(c.get("userId"), prefix)
			.all<UserRecord>();
		return c.json({ users: results.map(toUser) });
	})
	.post("/realtime/ticket", requireUser, async (c) => {
		return c.json(await issueTicket(c.env, c.get("userId")), 200);
	});
