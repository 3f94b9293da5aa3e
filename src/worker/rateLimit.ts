// Fixed-window counters in D1 for the auth and upload endpoints (a few writes per login, none per
// message). The Durable Objects' in-memory token buckets are in src/server/tokenBucket.ts.
import { type AppEnv, isDevelopment, rateLimitsOn } from "../server/config";
import { countEvents, uncountEvents } from "../server/db/rateLimits";
import { ApiError } from "./errors";

export interface Window {
	limit: number;
	seconds: number;
}

/**
 * Failed logins are counted three ways (see "Security" in the README). Per (email, address): the
 * guesser's own bucket. Per address: one machine trying many accounts. Per email: a much slower
 * ceiling across all addresses; once it is reached, only an address with no recent failures for
 * that email may still try, a couple of times. So an attacker's failures never lock the owner out
 * outright: the owner's own phone or laptop still has its own bucket.
 */
export const LOGIN_FAILURES_PER_EMAIL_AND_IP: Window = { limit: 10, seconds: 15 * 60 };
export const LOGIN_FAILURES_PER_IP: Window = { limit: 50, seconds: 15 * 60 };
export const LOGIN_FAILURES_PER_EMAIL: Window = { limit: 100, seconds: 60 * 60 };
/** Tries left to an address once the email's ceiling is reached: enough for the owner to type it right. */
export const LOGIN_TRIES_PAST_EMAIL_CEILING = 2;
export const REGISTRATIONS_PER_IP: Window = { limit: 20, seconds: 60 * 60 };
/** Upload URLs a user may ask for: far above a student's photos, far below filling a bucket. */
export const UPLOADS_PER_USER: Window = { limit: 100, seconds: 10 * 60 };
/** Wrong current passwords on PUT /me/password, per user: a stolen token must not become a password oracle. */
export const PASSWORD_FAILURES_PER_USER: Window = { limit: 10, seconds: 15 * 60 };

/**
 * Searches (GET /search/messages) per user and per client address. D1 answers one query at a
 * time, so one account's parallel searches would queue everyone's list reads and sends behind
 * them: a user typing (the UI searches 250 ms after the last key) stays far below 15 in 10 s,
 * and a campus NAT far below 150. Each search's work is bounded too (src/server/search.ts).
 */
export const SEARCHES_PER_USER: Window = { limit: 15, seconds: 10 };
export const SEARCHES_PER_IP: Window = { limit: 150, seconds: 10 };
/**
 * Rooms one user's searches may ask in 10 s. A search asks rooms in waves and stops once no
 * older room can make the page (a common word: 16-32 rooms), so a student typing never comes
 * near it, while a member of 300 conversations can still look twice for a word found nowhere.
 * What it bounds is the work: 15 searches of 300 rooms each would be 4,500 room calls.
 */
export const SEARCH_ROOMS_PER_USER: Window = { limit: 600, seconds: 10 };
/** Users refused a search lately, until when (ms), in this isolate: a refused retry costs no D1 statement. */
const searchRefusedUntil = new Map<string, number>();
const SEARCH_REFUSALS_KEPT = 10_000;

// A window opens at a bucket's first event and lasts `seconds`: no burst of twice the limit
// across a clock-aligned boundary, and Retry-After says when that bucket's window closes.
const cutoff = (window: Window, now: number) => new Date(now - window.seconds * 1000).toISOString();

/** A bucket's count after one more event, and the seconds until its window closes. */
export interface Hit {
	bucket: string;
	count: number;
	retryAfter: number;
}

function toHit(bucket: string, window: Window, now: number, row: { count: number; window_start: string }): Hit {
	const closes = Date.parse(row.window_start) + window.seconds * 1000;
	return { bucket, count: row.count, retryAfter: Math.max(1, Math.ceil((closes - now) / 1000)) };
}

/**
 * Counts one event in each bucket (one D1 batch, each counter atomic, see countEvents) and
 * returns the new counts.
 */
export async function countHits(
	env: AppEnv,
	hits: { bucket: string; window: Window; amount?: number }[],
): Promise<Hit[]> {
	const now = Date.now();
	const at = new Date(now).toISOString();
	const rows = await countEvents(
		env,
		hits.map(({ bucket, window, amount }) => ({ bucket, at, cutoff: cutoff(window, now), amount })),
	);
	return hits.map(({ bucket, window }, i) => {
		const row = rows[i];
		if (!row) throw new Error(`rate limit counter ${bucket} returned no row`);
		return toHit(bucket, window, now, row);
	});
}

export function tooMany(retryAfter: number, message = "too many attempts, try again later"): ApiError {
	return new ApiError(429, message, undefined, retryAfter);
}

/**
 * Counts one event in `bucket` and answers 429 if that made it go over the window's limit.
 * The refused event stays counted; the window does not move, so Retry-After stays true.
 */
export async function takeFromLimit(env: AppEnv, bucket: string | null, window: Window): Promise<void> {
	if (!rateLimitsOn(env) || bucket === null) return;
	const [hit] = await countHits(env, [{ bucket, window }]);
	if (hit && hit.count > window.limit) throw tooMany(hit.retryAfter);
}

/**
 * Gives back events counted in advance that turned out not to count (a correct password, an
 * attempt refused by another bucket). Never below zero; a window that closed meanwhile is left alone.
 */
export async function refundHits(env: AppEnv, buckets: string[]): Promise<void> {
	if (buckets.length === 0) return;
	await uncountEvents(env, buckets);
}

export function clientIp(req: Request): string {
	return req.headers.get("CF-Connecting-IP") ?? "local";
}

const LOOPBACK = new Set(["local", "127.0.0.1", "::1"]);

/**
 * The per-IP bucket for `prefix`, or null when there is no meaningful IP: on a development
 * machine every client is loopback, and one shared bucket would lock out a whole test suite.
 * In production Cloudflare always sets CF-Connecting-IP.
 */
export function ipBucket(env: AppEnv, req: Request, prefix: string): string | null {
	const ip = clientIp(req);
	if (isDevelopment(env) && LOOPBACK.has(ip)) return null;
	return `${prefix}:${ip}`;
}

/**
 * Counts a login attempt in advance, before the password is checked, so parallel guesses cannot
 * all slip under the limit; returns the buckets to give back if the password turns out right.
 * 429 (and nothing counted) if the attempt is over a limit: the (email, address) bucket, the
 * address bucket, or the email's ceiling unless this address has barely tried this email.
 */
export async function reserveLoginAttempt(env: AppEnv, email: string, req: Request): Promise<string[]> {
	if (!rateLimitsOn(env)) return [];
	const hits = [
		{ bucket: `login:${email}:${clientIp(req)}`, window: LOGIN_FAILURES_PER_EMAIL_AND_IP },
		{ bucket: `login-email:${email}`, window: LOGIN_FAILURES_PER_EMAIL },
	];
	const perIp = ipBucket(env, req, "login-ip");
	if (perIp) hits.push({ bucket: perIp, window: LOGIN_FAILURES_PER_IP });
	const [pair, ceiling, address] = await countHits(env, hits);
	if (!pair || !ceiling) throw new Error("login counters returned nothing");
	let retryAfter: number | null = null;
	if (pair.count > LOGIN_FAILURES_PER_EMAIL_AND_IP.limit) retryAfter = pair.retryAfter;
	else if (address && address.count > LOGIN_FAILURES_PER_IP.limit) retryAfter = address.retryAfter;
	else if (ceiling.count > LOGIN_FAILURES_PER_EMAIL.limit && pair.count > LOGIN_TRIES_PAST_EMAIL_CEILING)
		retryAfter = Math.min(pair.retryAfter, ceiling.retryAfter);
	const buckets = hits.map((h) => h.bucket);
	if (retryAfter !== null) {
		// A refused attempt checks no password, so it is not a failure: it must not push the
		// email's ceiling up for everyone else.
		await refundHits(env, buckets);
		throw tooMany(retryAfter);
	}
	return buckets;
}

/**
 * Counts one search for the user and the address, and reads the rooms the user's searches asked
 * in this window (one D1 batch); 429 when a count is over or the rooms are used up. A user
 * refused lately is refused again from memory until their Retry-After, without D1.
 */
export async function takeSearch(env: AppEnv, req: Request, userId: string): Promise<void> {
	if (!rateLimitsOn(env)) return;
	const now = Date.now();
	const until = searchRefusedUntil.get(userId);
	if (until !== undefined && until > now) throw searchRefused(Math.ceil((until - now) / 1000));
	searchRefusedUntil.delete(userId);
	const hits = [
		{ bucket: `search:${userId}`, window: SEARCHES_PER_USER, limit: SEARCHES_PER_USER.limit },
		// Read only (amount 0): the rooms are counted once the search knows how many it asked.
		{
			bucket: `search-rooms:${userId}`,
			window: SEARCH_ROOMS_PER_USER,
			amount: 0,
			limit: SEARCH_ROOMS_PER_USER.limit - 1,
		},
	];
	const perIp = ipBucket(env, req, "search-ip");
	if (perIp) hits.push({ bucket: perIp, window: SEARCHES_PER_IP, limit: SEARCHES_PER_IP.limit });
	const counted = await countHits(env, hits);
	const over = counted.filter((hit, i) => hit.count > (hits[i]?.limit ?? 0));
	if (over.length === 0) return;
	const retryAfter = Math.max(...over.map((h) => h.retryAfter));
	if (searchRefusedUntil.size >= SEARCH_REFUSALS_KEPT) searchRefusedUntil.clear();
	searchRefusedUntil.set(userId, now + retryAfter * 1000);
	throw searchRefused(retryAfter);
}

function searchRefused(retryAfter: number): ApiError {
	return tooMany(retryAfter, "searching too often, try again shortly");
}

/** Adds the rooms a search asked to its user's window (see SEARCH_ROOMS_PER_USER). */
export async function chargeSearchRooms(env: AppEnv, userId: string, rooms: number): Promise<void> {
	if (!rateLimitsOn(env) || rooms === 0) return;
	await countHits(env, [{ bucket: `search-rooms:${userId}`, window: SEARCH_ROOMS_PER_USER, amount: rooms }]);
}
