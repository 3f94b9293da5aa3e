// Accounts and tokens: PBKDF2 password hashes, HS256 JWTs with a fixed algorithm, issuer and
// audience, single-use socket tickets, and the middleware that turns a token into a user id.

import { createMiddleware } from "hono/factory";
import { errors as joseErrors, jwtVerify, SignJWT } from "jose";
import { type AppEnv, hmacKey } from "./config";
import { ApiError } from "./errors";

// Workers cap PBKDF2 at 100,000 iterations; the count is stored with each hash so it can rise later.
const PBKDF2_ITERATIONS = 100_000;
const TOKEN_TTL_SECONDS = 7 * 24 * 3600;
export const TICKET_TTL_SECONDS = 60;

const encoder = new TextEncoder();

export function base64url(bytes: Uint8Array): string {
	let s = "";
	for (const b of bytes) s += String.fromCharCode(b);
	return btoa(s).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

export function fromBase64url(text: string): Uint8Array | null {
	if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
	try {
		const bin = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
		return Uint8Array.from(bin, (ch) => ch.charCodeAt(0));
	} catch {
		return null;
	}
}

export function randomToken(bytes = 32): string {
	return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

export async function sha256(text: string): Promise<string> {
	return base64url(new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text))));
}

/** Constant-time comparison of two byte strings of any length. */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
	let diff = a.length ^ b.length;
	for (let i = 0; i < Math.max(a.length, b.length); i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
	return diff === 0;
}

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

export async function issueToken(env: AppEnv, userId: string): Promise<string> {
	return new SignJWT({})
		.setProtectedHeader({ alg: "HS256", typ: "JWT" })
		.setSubject(userId)
		.setIssuer(env.JWT_ISSUER)
		.setAudience(env.JWT_AUDIENCE)
		.setIssuedAt()
		.setExpirationTime(`${TOKEN_TTL_SECONDS}s`)
		.sign(await signingKey(env));
}

/** The user id in a valid token; otherwise a 401 that says what was wrong. */
export async function verifyToken(env: AppEnv, token: string): Promise<string> {
	try {
		const { payload } = await jwtVerify(token, await signingKey(env), {
			algorithms: ["HS256"],
			issuer: env.JWT_ISSUER,
			audience: env.JWT_AUDIENCE,
			requiredClaims: ["exp", "sub"],
		});
		if (typeof payload.sub !== "string" || payload.sub === "") throw new ApiError(401, "token has no subject");
		return payload.sub;
	} catch (err) {
		if (err instanceof ApiError) throw err;
		if (err instanceof joseErrors.JWTExpired) throw new ApiError(401, "token expired");
		if (err instanceof joseErrors.JWTClaimValidationFailed)
			throw new ApiError(401, `token ${err.claim} is not accepted`);
		throw new ApiError(401, "invalid token");
	}
}

export type AuthVariables = { userId: string };

export const requireUser = createMiddleware<{ Bindings: AppEnv; Variables: AuthVariables }>(async (c, next) => {
	const header = c.req.header("Authorization");
	const match = header?.match(/^Bearer\s+(\S+)$/i);
	if (!match?.[1]) throw new ApiError(401, "missing bearer token");
	c.set("userId", await verifyToken(c.env, match[1]));
	await next();
});

/** Issues a single-use ticket for opening one socket; only its hash is stored. */
export async function issueTicket(env: AppEnv, userId: string) {
	const ticket = randomToken();
	const expiresAt = new Date(Date.now() + TICKET_TTL_SECONDS * 1000).toISOString();
	await env.DB.prepare("INSERT INTO realtime_tickets (ticket_hash, user_id, expires_at) VALUES (?, ?, ?)")
		.bind(await sha256(ticket), userId, expiresAt)
		.run();
	return { ticket, expiresAt };
}

/** Marks the ticket used and returns its user, or null if unknown, expired or already used. */
export async function redeemTicket(env: AppEnv, ticket: string): Promise<string | null> {
	if (ticket.length < 16 || ticket.length > 128) return null;
	const now = new Date().toISOString();
	const row = await env.DB.prepare(
		"UPDATE realtime_tickets SET used_at = ?1 WHERE ticket_hash = ?2 AND used_at IS NULL AND expires_at > ?1 RETURNING user_id",
	)
		.bind(now, await sha256(ticket))
		.first<{ user_id: string }>();
	return row?.user_id ?? null;
}
