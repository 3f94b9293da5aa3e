// Delivering one Web Push message (RFC 8030): the encrypted body, VAPID authorization, a TTL and
// a Topic per conversation (a phone then shows one notification per chat, the latest). Only
// endpoints accepted at subscribe time are ever fetched (`isAllowedPushEndpoint`).
import type { PushPayload } from "../../shared/schemas";
import type { AppEnv } from "../config";
import { fromBase64url, sha256 } from "../encoding";
import { log } from "../log";
import { encryptPushPayload } from "./encrypt";
import { type VapidKeys, vapidAuthorization } from "./vapid";

/** How long a push service keeps an undelivered message (seconds): a chat message is stale after a day. */
export const PUSH_TTL_SECONDS = 24 * 3600;
/** A push service that does not answer within this long is given up on (the message is in history anyway). */
const PUSH_TIMEOUT_MS = 5_000;

/** Push services browsers use: only `https` endpoints on these hosts are accepted outside development. */
const PUSH_SERVICE_HOSTS = [
	"fcm.googleapis.com",
	"android.googleapis.com",
	"updates.push.services.mozilla.com",
	".push.services.mozilla.com",
	".notify.windows.com",
	"web.push.apple.com",
	".push.apple.com",
];

/**
 * Whether the server may send to this endpoint: `https` on a known push service; development
 * and tests also accept `http(s)` anywhere (a local stand-in push service). The server never
 * fetches an arbitrary URL a client names.
 */
export function isAllowedPushEndpoint(env: AppEnv, endpoint: string): boolean {
	let url: URL;
	try {
		url = new URL(endpoint);
	} catch {
		return false;
	}
	if (url.username || url.password) return false;
	if (env.APP_ENV === "development" || env.APP_ENV === "test") {
		return url.protocol === "https:" || url.protocol === "http:";
	}
	if (url.protocol !== "https:" || (url.port !== "" && url.port !== "443")) return false;
	const host = url.hostname.toLowerCase();
	return PUSH_SERVICE_HOSTS.some((known) => (known.startsWith(".") ? host.endsWith(known) : host === known));
}

/** `Topic`: at most 32 characters of the URL-safe base64 alphabet, the same for every message of a conversation. */
export async function pushTopic(conversationId: string): Promise<string> {
	return (await sha256(`conversation:${conversationId}`)).slice(0, 32);
}

export interface PushTarget {
	id: string;
	endpoint: string;
	p256dh: string;
	auth: string;
}

export type PushOutcome = "sent" | "gone" | "failed";

/** Sends one push; "gone" (404/410) means the subscription should be deleted. */
export async function sendPush(
	env: AppEnv,
	keys: VapidKeys,
	target: PushTarget,
	payload: PushPayload,
	topic: string,
): Promise<PushOutcome> {
	if (!isAllowedPushEndpoint(env, target.endpoint)) return "gone";
	const uaPublic = fromBase64url(target.p256dh);
	const auth = fromBase64url(target.auth);
	if (!uaPublic || !auth) return "gone";
	try {
		const body = await encryptPushPayload(new TextEncoder().encode(JSON.stringify(payload)), uaPublic, auth);
		const res = await fetch(target.endpoint, {
			method: "POST",
			headers: {
				Authorization: await vapidAuthorization(keys, target.endpoint),
				"Content-Encoding": "aes128gcm",
				"Content-Type": "application/octet-stream",
				TTL: String(PUSH_TTL_SECONDS),
				Topic: topic,
				Urgency: "high",
			},
			body,
			signal: AbortSignal.timeout(PUSH_TIMEOUT_MS),
			// A push service answers; it never redirects. Following one would post to wherever the
			// Location points, past the endpoint allowlist, so a 3xx is a failed push.
			redirect: "manual",
		});
		await res.body?.cancel();
		if (res.status === 404 || res.status === 410) return "gone";
		if (!res.ok) {
			log.warn("push_rejected", { subscriptionId: target.id, status: res.status });
			return "failed";
		}
		return "sent";
	} catch (err) {
		log.warn("push_failed", { subscriptionId: target.id, error: String(err) });
		return "failed";
	}
}
