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

function windowStart(window: Window, now = Date.now()): string {
	return new Date(Math.floor(now / (window.seconds * 1000)) * window.seconds * 1000).toISOString();
}

function retryAfter(window: Window, now = Date.now()): number {
	const ms = window.seconds * 1000;
	return Math.max(1, Math.ceil((Math.floor(now / ms) * ms + ms - now) / 1000));
}

/** 429 if the bucket already reached its limit in the current window. */
export async function assertUnderLimit(env: AppEnv, bucket: string | null, window: Window): Promise<void> {
	if (!rateLimitsOn(env) || bucket === null) return;
	const row = await env.DB.prepare("SELECT count FROM auth_rate_limits WHERE bucket = ? AND window_start = ?")
		.bind(bucket, windowStart(window))
		.first<{ count: number }>();
	if (row && row.count >= window.limit) {
		throw new ApiError(429, "too many attempts, try again later", undefined, retryAfter(window));
	}
}

/** Counts one event in the bucket's current window. */
export async function countHit(env: AppEnv, bucket: string | null, window: Window): Promise<void> {
	if (!rateLimitsOn(env) || bucket === null) return;
	await env.DB.prepare(
		`INSERT INTO auth_rate_limits (bucket, window_start, count) VALUES (?1, ?2, 1)
		 ON CONFLICT (bucket) DO UPDATE SET
		   count = CASE WHEN window_start = ?2 THEN count + 1 ELSE 1 END,
		   window_start = ?2`,
	)
		.bind(bucket, windowStart(window))
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
