// Settings read from wrangler vars and secrets, with the checks that make a misconfigured
// deployment fail loudly instead of running with a weak or missing key.
import { log } from "./log";

export interface Secrets {
	/** HMAC key for JWTs, cursors and signed media/upload URLs (`wrangler secret put JWT_SECRET`). */
	JWT_SECRET?: string;
	/** R2 S3 API credentials for presigned uploads straight to R2 (optional). */
	R2_ACCESS_KEY_ID?: string;
	R2_SECRET_ACCESS_KEY?: string;
	/** Web Push VAPID key pair, base64url: the raw private scalar and the uncompressed public point. */
	VAPID_PRIVATE_KEY?: string;
	VAPID_PUBLIC_KEY?: string;
	/** Bearer token of the admin routes (`wrangler secret put ADMIN_TOKEN`, 32+ characters): report review and the messages-to-rooms command; unset: no admin routes. */
	ADMIN_TOKEN?: string;
}

/** Vars that may be absent from an older wrangler.toml (and from `Env` until `npm run types`). */
export interface OptionalVars {
	/**
	 * The origin clients reach the Worker on (`https://chat.example.edu`): media and upload URLs
	 * are built on it. Required in production; development uses the request's own origin.
	 */
	PUBLIC_ORIGIN?: string;
	RATE_LIMITS?: string;
	/** The VAPID `sub` claim: a `mailto:` or `https:` contact for push services. */
	VAPID_SUBJECT?: string;
}

export type AppEnv = Env & Secrets & OptionalVars;

const DEV_FALLBACK_SECRET = "campus-chat-development-secret-do-not-use-in-production";
let warnedFallback = false;

export function isDevelopment(env: AppEnv): boolean {
	return env.APP_ENV !== "production";
}

export function rateLimitsOn(env: AppEnv): boolean {
	return env.RATE_LIMITS !== "off";
}

export function jwtSecret(env: AppEnv): string {
	const secret = env.JWT_SECRET;
	if (secret && secret.length >= 32) return secret;
	if (!isDevelopment(env)) {
		throw new Error(
			"JWT_SECRET is missing or shorter than 32 characters: set it with `wrangler secret put JWT_SECRET`",
		);
	}
	if (!warnedFallback) {
		warnedFallback = true;
		log.warn("jwt_secret_fallback", { message: "JWT_SECRET not set; using the development fallback" });
	}
	return DEV_FALLBACK_SECRET;
}

/**
 * PUBLIC_ORIGIN normalised to an origin, or null when unset. A value that is not an http(s)
 * origin is a configuration error and fails loudly.
 */
export function configuredPublicOrigin(env: AppEnv): string | null {
	const value = env.PUBLIC_ORIGIN?.trim();
	if (!value) return null;
	let url: URL;
	try {
		url = new URL(value);
	} catch {
		throw new Error(`PUBLIC_ORIGIN is not a URL: ${JSON.stringify(value)}`);
	}
	if (url.protocol !== "https:" && url.protocol !== "http:") throw new Error("PUBLIC_ORIGIN must be http(s)");
	return url.origin;
}

/**
 * The origin absolute URLs (media, uploads) are built on. Never the request's Host header in
 * production, where a forwarded or forged Host would end up in URLs handed to other members.
 */
export function publicOriginFor(env: AppEnv, requestUrl: string): string {
	const configured = configuredPublicOrigin(env);
	if (configured) return configured;
	if (!isDevelopment(env)) {
		throw new Error("PUBLIC_ORIGIN is not set: set it in wrangler.toml [vars] to the Worker's public origin");
	}
	return new URL(requestUrl).origin;
}

export function allowedOrigins(env: AppEnv): string[] {
	return env.ALLOWED_ORIGINS.split(",")
		.map((o) => o.trim())
		.filter(Boolean);
}

/** Same origin, the configured allowlist, and any localhost origin in development. */
export function isOriginAllowed(env: AppEnv, origin: string | undefined, requestUrl: string): boolean {
	if (!origin) return true; // not a browser (curl, native apps, tests): nothing to protect against
	if (origin === new URL(requestUrl).origin) return true;
	if (origin === configuredPublicOrigin(env)) return true;
	if (allowedOrigins(env).includes(origin)) return true;
	if (isDevelopment(env)) {
		try {
			const { hostname } = new URL(origin);
			return hostname === "localhost" || hostname === "127.0.0.1" || hostname === "[::1]";
		} catch {
			return false;
		}
	}
	return false;
}

const hmacKeys = new Map<string, Promise<CryptoKey>>();

/**
 * An HMAC-SHA-256 key derived from JWT_SECRET for one purpose ("jwt", "media", "cursor", …),
 * imported once per isolate instead of on every request.
 */
export function hmacKey(env: AppEnv, purpose: string): Promise<CryptoKey> {
	const material = purpose === "jwt" ? jwtSecret(env) : `${purpose}:${jwtSecret(env)}`;
	let key = hmacKeys.get(material);
	if (!key) {
		key = crypto.subtle.importKey("raw", new TextEncoder().encode(material), { name: "HMAC", hash: "SHA-256" }, false, [
			"sign",
			"verify",
		]);
		hmacKeys.set(material, key);
	}
	return key;
}
