// What the service worker reads from a Web Push message and shows for it (CONTRACT v2: the
// decrypted payload is `{ type: "message", conversationId, messageId, seq, title, body }`).
// Pure, so the web unit tests cover it; sw.ts is the thin layer over the browser's events.
// zod/mini: the same checks at a fraction of the size, since this module is the worker's whole bundle.
import { z } from "zod/mini";
import type { PushPayload as WirePushPayload } from "../../shared/schemas";

export const PushPayload = z.object({
	type: z.literal("message"),
	conversationId: z.string().check(z.minLength(1)),
	messageId: z.string().check(z.minLength(1)),
	seq: z.int(),
	title: z.string(),
	body: z.string(),
});
export type PushPayload = z.infer<typeof PushPayload>;

// The wire shape lives in src/shared/schemas.ts (full zod, too big for the worker); this copy
// must read exactly that shape, or the type check fails here.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
export type PayloadMatchesWire = Assert<Same<PushPayload, WirePushPayload>>;

/** The payload, or null when it is not one we understand (then a generic notification is shown). */
export function parsePushPayload(text: string | null | undefined): PushPayload | null {
	if (!text) return null;
	try {
		const parsed = PushPayload.safeParse(JSON.parse(text));
		return parsed.success ? parsed.data : null;
	} catch {
		return null;
	}
}

/** The app routes a chat by the URL hash (src/web/components/ChatApp.tsx). */
export function conversationPath(conversationId: string): string {
	return `/#/c/${encodeURIComponent(conversationId)}`;
}

/** A window at this URL shows this conversation (a focused one needs no notification for it). */
export function showsConversation(url: string, conversationId: string): boolean {
	try {
		return new URL(url).hash === conversationPath(conversationId).slice(1);
	} catch {
		return false;
	}
}

/** Kept on the notification, so a click knows where to go. */
export const NotificationData = z.object({ conversationId: z.string().check(z.minLength(1)) });

export interface NotificationSpec {
	title: string;
	options: NotificationOptions & { data: { conversationId?: string }; renotify?: boolean; timestamp?: number };
}

/**
 * One notification per conversation (tag): a newer message replaces the older one and alerts
 * again. Without a payload we can read, a plain "New message" (Chrome shows its own otherwise).
 */
export function notificationFor(payload: PushPayload | null): NotificationSpec {
	const common = { icon: "/icons/icon-192.png", badge: "/icons/badge-96.png" };
	if (!payload) return { title: "Campus Chat", options: { ...common, body: "New message", data: {} } };
	return {
		title: payload.title || "New message",
		options: {
			...common,
			body: payload.body,
			tag: `conversation:${payload.conversationId}`,
			renotify: true,
			timestamp: Date.now(),
			data: { conversationId: payload.conversationId },
		},
	};
}

/** A message from the service worker to a page: open this conversation. */
export const OpenConversationMessage = z.object({
	type: z.literal("open-conversation"),
	conversationId: z.string().check(z.minLength(1)),
});
export type OpenConversationMessage = z.infer<typeof OpenConversationMessage>;

/** How the service worker answers a same-origin GET. */
export type FetchPlan = "pass" | "shell" | "precached";

/**
 * API calls, sockets and media always go to the network untouched (they carry their own auth
 * and no-store); page loads try the network and fall back to the cached shell; the built assets
 * and icons come from the precache.
 */
export function fetchPlan(url: URL, mode: string, origin: string, precached: ReadonlySet<string>): FetchPlan {
	if (url.origin !== origin) return "pass";
	if (url.pathname.startsWith("/api/")) return "pass";
	if (mode === "navigate") return "shell";
	return precached.has(url.pathname) ? "precached" : "pass";
}
