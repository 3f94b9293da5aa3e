// Signed, expiring media URLs: an <img> cannot send a bearer header, so the URL itself carries
// an HMAC over the key and expiry. Only members ever receive one (it rides inside messages).

import { type AppEnv, hmacKey } from "./config";
import { base64url, fromBase64url, timingSafeEqual } from "./encoding";

const HOUR_MS = 3600_000;
const encoder = new TextEncoder();

async function hmac(env: AppEnv, purpose: string, payload: string): Promise<Uint8Array> {
	const key = await hmacKey(env, purpose);
	return new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(payload)));
}

export async function signPayload(env: AppEnv, purpose: string, payload: string): Promise<string> {
	return base64url(await hmac(env, purpose, payload));
}

export async function verifyPayload(env: AppEnv, purpose: string, payload: string, sig: string): Promise<boolean> {
	const given = fromBase64url(sig);
	return given !== null && timingSafeEqual(await hmac(env, purpose, payload), given);
}

/**
 * Expiry rounded up to the hour plus 12 h: between 12 and 13 h from now, well within the
 * contract's 24 h, and stable for an hour so browsers can cache the image.
 */
export function mediaExpiry(now = Date.now()): number {
	return Math.ceil(now / HOUR_MS) * HOUR_MS + 12 * HOUR_MS;
}

/**
 * Avatars are stored with their URL (a User is built without awaits everywhere), so theirs is
 * signed for a year; it stops working as soon as the key is no longer the user's avatar.
 */
export const AVATAR_URL_LIFETIME_MS = 365 * 24 * HOUR_MS;

/** What a media URL signs: the key and expiry, and a file's download name (issue 23) when it has one. */
function mediaPayload(key: string, exp: number, name: string | undefined): string {
	return name === undefined ? `${key}\n${exp}` : `${key}\n${exp}\n${name}`;
}

export async function signMediaUrl(
	env: AppEnv,
	origin: string,
	key: string,
	expiresAt = mediaExpiry(),
	name?: string,
): Promise<string> {
	const exp = Math.floor(expiresAt / 1000);
	const sig = await signPayload(env, "media", mediaPayload(key, exp, name));
	const path = key.split("/").map(encodeURIComponent).join("/");
	const named = name === undefined ? "" : `&name=${encodeURIComponent(name)}`;
	return `${origin}/api/v1/media/${path}?exp=${exp}&sig=${sig}${named}`;
}

export async function verifyMediaUrl(
	env: AppEnv,
	key: string,
	exp: string | undefined,
	sig: string | undefined,
	name?: string,
) {
	const expSeconds = Number(exp);
	if (!sig || !Number.isInteger(expSeconds) || expSeconds * 1000 < Date.now()) return false;
	return verifyPayload(env, "media", mediaPayload(key, expSeconds, name), sig);
}
