// Fixed-window counters in D1 for the auth endpoints (a few writes per login, none per message).
import { type AppEnv, isDevelopment, rateLimitsOn } from "./config";
import { ApiError } from "./errors";

export interface Window {
	limit: number;
	seconds: number;
}

export const LOGIN_FAILURES_PER_EMAIL: Window = { limit: 10, seconds: 15 * 60 };
export const LOGIN_FAILURES_PER_IP: Window = { limit: 50, seconds: 15 * 60 };
export const REGISTRATIONS_PER_IP: Window = { limit: 20, seconds: 60 * 60 };
/** Upload URLs a user may ask for: far above a student's photos, far below filling a bucket. */
export const UPLOADS_PER_USER: Window = { limit: 100, seconds: 10 * 60 };

// A window opens at a bucket's first event and lasts `seconds`: no burst of twice the limit
// across a clock-aligned boundary, and Retry-After says when that bucket's window closes.
const cutoff = (window: Window, now: number) => new Date(now - window.seconds * 1000).toISOString();

/** 429 if the bucket already reached its limit in its current window. */
export async function assertUnderLimit(env: AppEnv, bucket: string | null, window: Window): Promise<void> {
	if (!rateLimitsOn(env) || bucket === null) return;
	const now = Date.now();
	const row = await env.DB.prepare(
		"SELECT count, window_start FROM auth_rate_limits WHERE bucket = ? AND window_start > ?",
	)
		.bind(bucket, cutoff(window, now))
		.first<{ count: number; window_start: string }>();
	if (row && row.count >= window.limit) {
		const retryAfter = Math.max(1, Math.ceil((Date.parse(row.window_start) + window.seconds * 1000 - now) / 1000));
		throw new ApiError(429, "too many attempts, try again later", undefined, retryAfter);
	}
}

/** Counts one event in the bucket's window, opening a new window if the last one closed. */
export async function countHit(env: AppEnv, bucket: string | null, window: Window): Promise<void> {
	if (!rateLimitsOn(env) || bucket === null) return;
	const now = Date.now();
	await env.DB.prepare(
		`INSERT INTO auth_rate_limits (bucket, window_start, count) VALUES (?1, ?2, 1)
		 ON CONFLICT (bucket) DO UPDATE SET
		   count = CASE WHEN window_start > ?3 THEN count + 1 ELSE 1 END,
		   window_start = CASE WHEN window_start > ?3 THEN window_start ELSE ?2 END`,
	)
		.bind(bucket, new Date(now).toISOString(), cutoff(window, now))
		.run();
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

/** In-memory token bucket, for per-socket and per-user send rates inside a Durable Object. */
export class TokenBucket {
	private tokens: number;
	private updated = Date.now();
	constructor(
		private readonly ratePerSecond: number,
		private readonly burst: number,
	) {
		this.tokens = burst;
	}
	take(): boolean {
		const now = Date.now();
		this.tokens = Math.min(this.burst, this.tokens + ((now - this.updated) / 1000) * this.ratePerSecond);
		this.updated = now;
		if (this.tokens < 1) return false;
		this.tokens -= 1;
		return true;
	}
}

/** Takes a token from the key's bucket, creating it full on first use. */
export function takeToken<K extends WeakKey | string>(
	buckets: { get(key: K): TokenBucket | undefined; set(key: K, value: TokenBucket): unknown },
	key: K,
	ratePerSecond: number,
	burst: number,
): boolean {
	let bucket = buckets.get(key);
	if (!bucket) {
		bucket = new TokenBucket(ratePerSecond, burst);
		buckets.set(key, bucket);
	}
	return bucket.take();
}
