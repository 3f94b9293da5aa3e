// POST /auth/register, POST /auth/login, POST /auth/logout, POST /auth/logout-all, GET /me,
// PUT /me/password, GET /users?q=, POST /realtime/ticket.
//
// Adding a route (the pattern every file in routes/ follows; see src/worker/openapi.ts):
//   const things = createRoute({
//     method: "get", path: "/things/{id}", tags: ["things"], summary: "One thing", ...authed,
//     request: { params: IdParams, query: ThingQuery, body: jsonBody(ThingBody) },  // from src/shared/schemas.ts
//     responses: { 200: json(ThingResult), ...errors(400, 401, 404) },
//   });
//   export const thingRoutes = openApiRouter<Vars>().openapi(things, async (c) => {
//     const { id } = c.req.valid("param");   // validated: bad input never reaches the handler
//     return c.json({ thing }, 200);          // status and shape checked against `responses`
//   });
// then mount it in app.ts with `.route("/", thingRoutes)`. Throw ApiError for failures.
import { createRoute } from "@hono/zod-openapi";
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
	AuthResult,
	ChangePasswordBody,
	LoginBody,
	MAX_USER_SEARCH_RESULTS,
	RegisterBody,
	Ticket,
	type User,
	UserList,
	UserResult,
	UserSearchQuery,
} from "../../shared/schemas";
import { type AuthVariables, dummyPasswordHash, hashPassword, issueTicket, verifyPassword } from "../auth";
import { ApiError, conflict } from "../errors";
import { authed, errors, json, jsonBody, open, openApiRouter } from "../openapi";
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

const register = createRoute({
	method: "post",
	path: "/auth/register",
	tags: ["auth"],
	summary: "Create an account",
	...open,
	request: { body: jsonBody(RegisterBody) },
	responses: { 201: json(AuthResult, "Created"), ...errors(400, 409, 413, 429) },
});
const login = createRoute({
	method: "post",
	path: "/auth/login",
	tags: ["auth"],
	summary: "Log in",
	...open,
	request: { body: jsonBody(LoginBody) },
	responses: { 200: json(AuthResult), ...errors(400, 401, 413, 429) },
});
const logout = createRoute({
	method: "post",
	path: "/auth/logout",
	tags: ["auth"],
	summary: "End this token's session (its sockets close with 4401)",
	...authed,
	responses: { 204: { description: "No Content" }, ...errors(401) },
});
const logoutAll = createRoute({
	method: "post",
	path: "/auth/logout-all",
	tags: ["auth"],
	summary: "End every session of the caller (every socket closes with 4401)",
	...authed,
	responses: { 204: { description: "No Content" }, ...errors(401) },
});
const me = createRoute({
	method: "get",
	path: "/me",
	tags: ["auth"],
	summary: "The caller",
	...authed,
	responses: { 200: json(UserResult), ...errors(401) },
});
const changeMyPassword = createRoute({
	method: "put",
	path: "/me/password",
	tags: ["auth"],
	summary: "Change the password; every other session of the caller ends (401 if currentPassword is wrong)",
	...authed,
	request: { body: jsonBody(ChangePasswordBody) },
	responses: { 204: { description: "No Content" }, ...errors(400, 401, 413, 429) },
});
const users = createRoute({
	method: "get",
	path: "/users",
	tags: ["auth"],
	summary: "Search people by name or email prefix (at least 2 characters, at most 20 people, no presence)",
	...authed,
	request: { query: UserSearchQuery },
	responses: { 200: json(UserList), ...errors(400, 401) },
});
const ticket = createRoute({
	method: "post",
	path: "/realtime/ticket",
	tags: ["realtime"],
	summary: "A single-use ticket (≤ 60 s) for opening one socket",
	...authed,
	responses: { 200: json(Ticket), ...errors(401) },
});

/** A search result: who someone is, never their presence (contract v2: contacts and shared conversations only). */
const toSearchResult = (row: UserRecord): User => toUser({ ...row, presence_hidden: 1 });

export const authRoutes = openApiRouter<{ Bindings: AppEnv; Variables: AuthVariables }>()
	.openapi(register, async (c) => {
		const body = c.req.valid("json");
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
	.openapi(login, async (c) => {
		const body = c.req.valid("json");
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
	.openapi(logout, async (c) => {
		const userId = c.get("userId");
		const sessionId = c.get("sessionId");
		await revokeSession(c.env, userId, sessionId, new Date().toISOString());
		await endSocketsOfSessions(c.env, userId, [sessionId]);
		return c.body(null, 204);
	})
	.openapi(logoutAll, async (c) => {
		const userId = c.get("userId");
		await revokeAllSessions(c.env, userId, new Date().toISOString());
		await endSocketsOfSessions(c.env, userId, null);
		return c.body(null, 204);
	})
	.openapi(me, async (c) => {
		const row = await findUser(c.env, c.get("userId"));
		if (!row) throw new ApiError(401, "account no longer exists");
		return c.json({ user: toUser(row) }, 200);
	})
	.openapi(changeMyPassword, async (c) => {
		const body = c.req.valid("json");
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
	.openapi(users, async (c) => {
		const { q } = c.req.valid("query");
		const results = await searchUsers(c.env, c.get("userId"), q, MAX_USER_SEARCH_RESULTS);
		return c.json({ users: results.map(toSearchResult) }, 200);
	})
	.openapi(ticket, async (c) => {
		const principal = {
			userId: c.get("userId"),
			sessionId: c.get("sessionId"),
			expiresAt: c.get("sessionExpiresAt"),
		};
		return c.json(await issueTicket(c.env, principal), 200);
	});
