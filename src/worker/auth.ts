// Accounts and tokens: PBKDF2 password hashes, HS256 JWTs with a fixed algorithm, issuer and
// audience and a session id, single-use socket tickets, and the middleware that turns a token into
// a user and session (checking the session is live).

import { createMiddleware } from "hono/factory";
import { errors as joseErrors, jwtVerify, SignJWT } from "jose";
import { type AppEnv, hmacKey } from "../server/config";
import { insertTicket, sessionState, spendTicket } from "../server/db/sessions";
import { base64url, fromBase64url, randomToken, sha256, timingSafeEqual } from "../server/encoding";
import { ApiError } from "./errors";

// Workers cap PBKDF2 at 100,000 iterations; the count is stored with each hash so it can rise later.
const PBKDF2_ITERATIONS = 100_000;
export const TOKEN_TTL_SECONDS = 7 * 24 * 3600;
export const TICKET_TTL_SECONDS = 60;

const encoder = new TextEncoder();

async function pbkdf2(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
	const key = await crypto.subtle.importKey("raw", encoder.encode(password), "PBKDF2", false, ["deriveBits"]);
	const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, 256);
	return new Uint8Array(bits);
}

/** `pbkdf2-sha256$<iterations>$<salt>$<hash>`, salt and hash base64url. */
export async function hashPassword(password: string): Promise<string> {
	const salt = crypto.getRandomValues(new Uint8Array(16));
	const hash = await pbkdf2(password, salt, PBKDF2_ITERATIONS);
	return `pbkdf2-sha256$${PBKDF2_ITERATIONS}$${base64url(salt)}$${base64url(hash)}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
	const [scheme, iterText, saltText, hashText] = stored.split("$");
	const iterations = Number(iterText);
	const salt = fromBase64url(saltText ?? "");
	const expected = fromBase64url(hashText ?? "");
	if (scheme !== "pbkdf2-sha256" || !Number.isInteger(iterations) || !salt || !expected) return false;
	return timingSafeEqual(await pbkdf2(password, salt, iterations), expected);
}

/** A hash to compare against when the email is unknown, so timing does not reveal accounts. */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
	dummyHash ??= hashPassword("not-a-real-password");
	return dummyHash;
}

function signingKey(env: AppEnv): Promise<CryptoKey> {
	return hmacKey(env, "jwt");
}

export const newSessionId = () => randomToken(18);

/** A JWT for one session: `sub` the user, `sid` the session row, `exp` the session's expiry. */
export async function issueToken(env: AppEnv, userId: string, sessionId: string, expiresAtMs: number): Promise<string> {
	return new SignJWT({ sid: sessionId })
		.setProtectedHeader({ alg: "HS256", typ: "JWT" })
		.setSubject(userId)
		.setIssuer(env.JWT_ISSUER)
		.setAudience(env.JWT_AUDIENCE)
		.setIssuedAt()
		.setExpirationTime(Math.floor(expiresAtMs / 1000))
		.sign(await signingKey(env));
}

/** Who a request or socket acts as: the user, the session its token belongs to, and when that ends. */
export interface Principal {
	userId: string;
	sessionId: string;
	/** The token's `exp`, in epoch milliseconds. */
	expiresAt: number;
}

/** The claims of a well-signed, unexpired token; otherwise a 401 that says what was wrong. */
export async function verifyToken(env: AppEnv, token: string): Promise<Principal> {
	try {
		const { payload } = await jwtVerify(token, await signingKey(env), {
			algorithms: ["HS256"],
			issuer: env.JWT_ISSUER,
			audience: env.JWT_AUDIENCE,
			requiredClaims: ["exp", "sub", "sid"],
		});
		if (typeof payload.sub !== "string" || payload.sub === "") throw new ApiError(401, "token has no subject");
		const sid = payload.sid;
		if (typeof sid !== "string" || sid === "" || sid.length > 64) throw new ApiError(401, "token has no session");
		return { userId: payload.sub, sessionId: sid, expiresAt: (payload.exp ?? 0) * 1000 };
	} catch (err) {
		if (err instanceof ApiError) throw err;
		if (err instanceof joseErrors.JWTExpired) throw new ApiError(401, "token expired");
		if (err instanceof joseErrors.JWTClaimValidationFailed)
			throw new ApiError(401, `token ${err.claim} is not accepted`);
		throw new ApiError(401, "invalid token");
	}
}

/**
 * A token is good only while its session is live: not revoked (logout, logout-all, password
 * change), not expired, its user still exists and is not suspended. One D1 read per request.
 */
export async function authenticate(env: AppEnv, token: string): Promise<Principal> {
	const principal = await verifyToken(env, token);
	const state = await sessionState(env, principal.sessionId, principal.userId, new Date().toISOString());
	if (state === "ended") throw new ApiError(401, "session ended; log in again");
	if (state === "suspended") throw new ApiError(401, "account suspended");
	return principal;
}

export type AuthVariables = { userId: string; sessionId: string; sessionExpiresAt: number };

export const requireUser = createMiddleware<{ Bindings: AppEnv; Variables: AuthVariables }>(async (c, next) => {
	const header = c.req.header("Authorization");
	const match = header?.match(/^Bearer\s+(\S+)$/i);
	if (!match?.[1]) throw new ApiError(401, "missing bearer token");
	const principal = await authenticate(c.env, match[1]);
	c.set("userId", principal.userId);
	c.set("sessionId", principal.sessionId);
	c.set("sessionExpiresAt", principal.expiresAt);
	await next();
});

/** Issues a single-use ticket for opening one socket in this session; only its hash is stored. */
export async function issueTicket(env: AppEnv, principal: Principal) {
	const ticket = randomToken();
	const expiresAt = new Date(Date.now() + TICKET_TTL_SECONDS * 1000).toISOString();
	await insertTicket(env, {
		ticketHash: await sha256(ticket),
		userId: principal.userId,
		expiresAt,
		sessionId: principal.sessionId,
	});
	return { ticket, expiresAt };
}

/**
 * Marks the ticket used and returns whom it opens a socket for, or null if it is unknown,
 * expired, already used, or its session ended since it was issued.
 */
export async function redeemTicket(env: AppEnv, ticket: string): Promise<Principal | null> {
	if (ticket.length < 16 || ticket.length > 128) return null;
	const now = new Date().toISOString();
	const row = await spendTicket(env, await sha256(ticket), now);
	if (!row) return null;
	return { userId: row.user_id, sessionId: row.session_id, expiresAt: Date.parse(row.session_expires_at) };
}
