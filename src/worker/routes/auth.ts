// POST /auth/register, POST /auth/login, POST /auth/logout, POST /auth/logout-all, GET /me,
// PUT /me/password, GET /users?q=, POST /realtime/ticket.
import { Hono } from "hono";
import type { AppEnv } from "../../server/config";
import { revokeAllSessions, revokeSession } from "../../server/db/sessions";
import {
	changePassword,
	findUser,
	findUserByEmail,
	insertUser,
	passwordHashOf,
	searchUsers,
} from "../../server/db/users";
import { log } from "../../server/log";
import { toUser, type UserRecord } from "../../server/views";
import {
	ChangePasswordBody,
	LoginBody,
	MAX_USER_SEARCH_RESULTS,
	RegisterBody,
	type User,
	UserSearchQuery,
} from "../../shared/schemas";
import { type AuthVariables, dummyPasswordHash, hashPassword, issueTicket, requireUser, verifyPassword } from "../auth";
import { ApiError, conflict } from "../errors";
import { readJson, readQuery } from "../http";
import {
	clientIp,
	ipBucket,
	PASSWORD_FAILURES_PER_USER,
	REGISTRATIONS_PER_IP,
	refundHits,
	reserveLoginAttempt,
	takeFromLimit,
} from "../rateLimit";
import { endSocketsOfSessions, startSession } from "../sessions";

/** A search result: who someone is, never their presence (contract v2: contacts and shared conversations only). */
const toSearchResult = (row: UserRecord): User => ({
	id: row.id,
	email: row.email,
	displayName: row.display_name,
	avatarUrl: row.avatar_url,
});

export const authRoutes = new Hono<{ Bindings: AppEnv; Variables: AuthVariables }>()
	.post("/auth/register", async (c) => {
		const body = await readJson(c, RegisterBody);
		// Counted before the account is written (and kept for a taken email), so parallel
		// registrations from one address cannot all pass the limit.
		await takeFromLimit(c.env, ipBucket(c.env, c.req.raw, "register"), REGISTRATIONS_PER_IP);
		const id = crypto.randomUUID();
		const passwordHash = await hashPassword(body.password);
		const row = await insertUser(c.env, {
			id,
			email: body.email,
			displayName: body.displayName,
			passwordHash,
			createdAt: new Date().toISOString(),
		});
		if (!row) throw conflict("an account with this email already exists");
		log.info("user_registered", { userId: id });
		return c.json({ user: toUser(row), token: await startSession(c.env, id) }, 201);
	})
	.post("/auth/login", async (c) => {
		const body = await readJson(c, LoginBody);
		const reserved = await reserveLoginAttempt(c.env, body.email, c.req.raw);
		const row = await findUserByEmail(c.env, body.email);
		// Unknown emails cost the same PBKDF2 work, so timing does not reveal which accounts exist.
		const valid = await verifyPassword(body.password, row?.password_hash ?? (await dummyPasswordHash()));
		if (!row || !valid) {
			log.warn("login_failed", { ip: clientIp(c.req.raw) });
			throw new ApiError(401, "wrong email or password");
		}
		// Only failures count against the limits.
		await refundHits(c.env, reserved);
		// Told only to someone who knows the password.
		if (row.suspended_at !== null) throw new ApiError(401, "account suspended");
		return c.json({ user: toUser(row), token: await startSession(c.env, row.id) }, 200);
	})
	.post("/auth/logout", requireUser, async (c) => {
		const userId = c.get("userId");
		const sessionId = c.get("sessionId");
		await revokeSession(c.env, userId, sessionId, new Date().toISOString());
		await endSocketsOfSessions(c.env, userId, [sessionId]);
		return c.body(null, 204);
	})
	.post("/auth/logout-all", requireUser, async (c) => {
		const userId = c.get("userId");
		await revokeAllSessions(c.env, userId, new Date().toISOString());
		await endSocketsOfSessions(c.env, userId, null);
		return c.body(null, 204);
	})
	.get("/me", requireUser, async (c) => {
		const row = await findUser(c.env, c.get("userId"));
		if (!row) throw new ApiError(401, "account no longer exists");
		return c.json({ user: toUser(row) });
	})
	.put("/me/password", requireUser, async (c) => {
		const body = await readJson(c, ChangePasswordBody);
		const userId = c.get("userId");
		const sessionId = c.get("sessionId");
		const bucket = `password:${userId}`;
		await takeFromLimit(c.env, bucket, PASSWORD_FAILURES_PER_USER);
		const passwordHash = await passwordHashOf(c.env, userId);
		if (passwordHash === null) throw new ApiError(401, "account no longer exists");
		if (!(await verifyPassword(body.currentPassword, passwordHash))) {
			throw new ApiError(401, "the current password is wrong", { fields: [{ path: "currentPassword" }] });
		}
		const revoked = await changePassword(
			c.env,
			userId,
			await hashPassword(body.newPassword),
			sessionId,
			new Date().toISOString(),
		);
		await refundHits(c.env, [bucket]);
		await endSocketsOfSessions(c.env, userId, revoked);
		log.info("password_changed", { userId });
		return c.body(null, 204);
	})
	.get("/users", requireUser, async (c) => {
		const { q } = readQuery(c, UserSearchQuery);
		const results = await searchUsers(c.env, c.get("userId"), q, MAX_USER_SEARCH_RESULTS);
		return c.json({ users: results.map(toSearchResult) });
	})
	.post("/realtime/ticket", requireUser, async (c) => {
		const principal = {
			userId: c.get("userId"),
			sessionId: c.get("sessionId"),
			expiresAt: c.get("sessionExpiresAt"),
		};
		return c.json(await issueTicket(c.env, principal), 200);
	});
