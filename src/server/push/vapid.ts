// VAPID (RFC 8292): each push request carries `Authorization: vapid t=<JWT>, k=<public key>`,
// an ES256 JWT for the push service's origin signed with the application server's key pair
// (VAPID_PRIVATE_KEY / VAPID_PUBLIC_KEY). A token is reused for an origin for a few hours.
import type { AppEnv } from "../config";
import { base64url, fromBase64url } from "../encoding";

const TOKEN_TTL_SECONDS = 12 * 3600;
const REUSE_FOR_MS = 6 * 3600 * 1000;
const DEFAULT_SUBJECT = "mailto:admin@campus-chat.invalid";

export interface VapidKeys {
	publicKey: string;
	privateKey: CryptoKey;
	subject: string;
}

let cached: { material: string; keys: Promise<VapidKeys> } | undefined;
const tokens = new Map<string, { header: string; until: number }>();

/** The configured key pair, or null when Web Push is not set up (no pushes, the key route 404s). */
export function vapidKeys(env: AppEnv): Promise<VapidKeys> | null {
	const pub = env.VAPID_PUBLIC_KEY?.trim();
	const priv = env.VAPID_PRIVATE_KEY?.trim();
	if (!pub || !priv) return null;
	const material = `${pub}.${priv}.${env.VAPID_SUBJECT ?? ""}`;
	if (cached?.material !== material) {
		tokens.clear();
		cached = { material, keys: importKeys(pub, priv, env.VAPID_SUBJECT?.trim() || DEFAULT_SUBJECT) };
	}
	return cached.keys;
}

async function importKeys(publicKey: string, privateKey: string, subject: string): Promise<VapidKeys> {
	const point = fromBase64url(publicKey);
	const d = fromBase64url(privateKey);
	if (point?.length !== 65 || point[0] !== 0x04 || d?.length !== 32) {
		throw new Error("VAPID_PUBLIC_KEY / VAPID_PRIVATE_KEY are not a base64url P-256 key pair (65 and 32 bytes)");
	}
	const key = await crypto.subtle.importKey(
		"jwk",
		{
			kty: "EC",
			crv: "P-256",
			x: base64url(point.slice(1, 33)),
			y: base64url(point.slice(33, 65)),
			d: base64url(d),
		},
		{ name: "ECDSA", namedCurve: "P-256" },
		false,
		["sign"],
	);
	return { publicKey, privateKey: key, subject };
}

/** The `Authorization` header value for a push to `endpoint`. */
export async function vapidAuthorization(keys: VapidKeys, endpoint: string, now = Date.now()): Promise<string> {
	const audience = new URL(endpoint).origin;
	const hit = tokens.get(audience);
	if (hit && hit.until > now) return hit.header;
	const encode = (value: object) => base64url(new TextEncoder().encode(JSON.stringify(value)));
	const unsigned = `${encode({ typ: "JWT", alg: "ES256" })}.${encode({
		aud: audience,
		exp: Math.floor(now / 1000) + TOKEN_TTL_SECONDS,
		sub: keys.subject,
	})}`;
	// Web Crypto's ECDSA signature is r|s (IEEE P1363), exactly what JWS ES256 wants.
	const signature = await crypto.subtle.sign(
		{ name: "ECDSA", hash: "SHA-256" },
		keys.privateKey,
		new TextEncoder().encode(unsigned),
	);
	const header = `vapid t=${unsigned}.${base64url(new Uint8Array(signature))}, k=${keys.publicKey}`;
	tokens.set(audience, { header, until: now + REUSE_FOR_MS });
	return header;
}
