// Notifications on and off (Settings): the browser's permission is asked only when the person
// turns them on, then the service worker's push subscription is made with the server's VAPID key
// and handed to the server; turning off deletes it there and unsubscribes. The choice is kept
// per user, and the in-page notifications (effects/notifications.ts) follow it too.
import { type PushSubscriptionBody, safetyApi } from "../api";

const prefKey = (userId: string) => `campus-chat.notifications.${userId}`;

export type NotificationStatus =
	| { state: "unsupported" }
	| { state: "denied" }
	| { state: "off" }
	/** `push`: a push subscription exists, so notifications come even with the app closed. */
	| { state: "on"; push: boolean };

export interface TurnOnResult {
	status: NotificationStatus;
	/** Something to tell the person, e.g. why only in-app notifications work. */
	note?: string;
}

/** base64url (the VAPID key as the server sends it) to bytes for `applicationServerKey`. */
export function base64UrlToBytes(value: string): Uint8Array<ArrayBuffer> {
	const base64 = value
		.replace(/-/g, "+")
		.replace(/_/g, "/")
		.padEnd(Math.ceil(value.length / 4) * 4, "=");
	const binary = atob(base64);
	const bytes = new Uint8Array(binary.length);
	for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
	return bytes;
}

/** The subscription as the contract's body, or null if the browser left out a key. */
export function subscriptionBody(json: PushSubscriptionJSON): PushSubscriptionBody | null {
	const p256dh = json.keys?.p256dh;
	const auth = json.keys?.auth;
	if (!json.endpoint || !p256dh || !auth) return null;
	return { endpoint: json.endpoint, keys: { p256dh, auth } };
}

function readPref(userId: string): "on" | "off" | null {
	try {
		const value = localStorage.getItem(prefKey(userId));
		return value === "on" || value === "off" ? value : null;
	} catch {
		return null;
	}
}

function writePref(userId: string, value: "on" | "off" | null): void {
	try {
		if (value) localStorage.setItem(prefKey(userId), value);
		else localStorage.removeItem(prefKey(userId));
	} catch {
		// Storage unavailable: the choice lasts for this page only.
	}
}

function notificationsSupported(): boolean {
	return typeof Notification !== "undefined";
}

/** Without a choice made, a permission given earlier counts as on (as before Settings existed). */
export function notificationsWanted(userId: string): boolean {
	return readPref(userId) !== "off";
}

async function registration(): Promise<ServiceWorkerRegistration | undefined> {
	if (!("serviceWorker" in navigator) || typeof PushManager === "undefined") return undefined;
	return navigator.serviceWorker.getRegistration("/").catch(() => undefined);
}

export async function notificationStatus(userId: string): Promise<NotificationStatus> {
	if (!notificationsSupported()) return { state: "unsupported" };
	if (Notification.permission === "denied") return { state: "denied" };
	if (Notification.permission !== "granted" || !notificationsWanted(userId)) return { state: "off" };
	const reg = await registration();
	const subscription = await reg?.pushManager.getSubscription().catch(() => null);
	return { state: "on", push: Boolean(subscription) };
}

/** Call from the click on the switch: that is when the browser may ask for permission. */
export async function turnOnNotifications(userId: string): Promise<TurnOnResult> {
	if (!notificationsSupported()) return { status: { state: "unsupported" } };
	const permission = await Notification.requestPermission();
	if (permission === "denied") return { status: { state: "denied" } };
	if (permission !== "granted") return { status: { state: "off" } };
	writePref(userId, "on");
	try {
		const pushed = await subscribeToPush();
		if (pushed) return { status: { state: "on", push: true } };
		return {
			status: { state: "on", push: false },
			note: "This browser can't receive notifications while Campus Chat is closed; you'll get them while it's open.",
		};
	} catch (error) {
		return { status: { state: "on", push: false }, note: pushFailureNote(error) };
	}
}

/** What to tell someone whose notifications work only while the app is open: what to do, in plain words (issue 22.18). */
export const OPEN_ONLY_NOTE =
	"You'll get notifications while Campus Chat is open, but not when it's closed. To get them then too, allow notifications for this site in your browser's settings, then turn this switch off and on.";

/**
 * A failed push subscription in plain words, never the browser's own message ("Registration
 * failed - permission denied" is a browser or its push service refusing, not something a student can read).
 */
export function pushFailureNote(error: unknown): string {
	const name = error instanceof Error || error instanceof DOMException ? error.name : "";
	const message = error instanceof Error || error instanceof DOMException ? error.message : "";
	if (name === "NotAllowedError" || /permission|denied/iu.test(message)) return OPEN_ONLY_NOTE;
	return "You'll get notifications while Campus Chat is open, but not when it's closed: this browser couldn't set that up. Check that you're online and that notifications are allowed for this site in your browser's settings, then turn this switch off and on.";
}

/** Subscribes (or reuses the subscription) and tells the server; false if this browser has no push. */
async function subscribeToPush(): Promise<boolean> {
	const reg = await registration();
	if (!reg) return false;
	const { publicKey } = await safetyApi.vapidPublicKey();
	const applicationServerKey = base64UrlToBytes(publicKey);
	let subscription = await reg.pushManager.getSubscription();
	// A subscription made with another key (the server's key changed) must be replaced.
	if (subscription && !sameKey(subscription.options.applicationServerKey, applicationServerKey)) {
		await subscription.unsubscribe().catch(() => false);
		subscription = null;
	}
	subscription ??= await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey });
	const body = subscriptionBody(subscription.toJSON());
	if (!body) throw new Error("the browser gave an incomplete subscription");
	await safetyApi.savePushSubscription(body);
	return true;
}

function sameKey(a: ArrayBuffer | null, b: Uint8Array): boolean {
	if (!a) return true;
	const bytes = new Uint8Array(a);
	return bytes.length === b.length && bytes.every((v, i) => v === b[i]);
}

/** Turning off: the server forgets the subscription, then the browser drops it. */
export async function turnOffNotifications(userId: string): Promise<void> {
	writePref(userId, "off");
	await dropPushSubscription(true);
}

/**
 * Signing out: this browser stops receiving this person's messages. `tellServer` is false once
 * the token is no longer valid; an unsubscribed endpoint answers the server's next push with 410,
 * and the server deletes it then.
 */
export async function dropPushSubscription(tellServer: boolean): Promise<void> {
	const reg = await registration();
	const subscription = await reg?.pushManager.getSubscription().catch(() => null);
	if (!subscription) return;
	if (tellServer) await safetyApi.deletePushSubscription(subscription.endpoint).catch(() => undefined);
	await subscription.unsubscribe().catch(() => false);
}

/**
 * On each start while on (permission given and not turned off): the server gets the subscription
 * again (idempotent), in case it dropped it, and a permission given before there was a switch
 * gets its subscription. Never asks: without permission it does nothing.
 */
export async function refreshPushSubscription(userId: string): Promise<void> {
	if (!notificationsSupported() || Notification.permission !== "granted" || !notificationsWanted(userId)) return;
	await subscribeToPush().catch(() => undefined);
}

/** Push is possible here (a service worker and a push manager), whether or not it is subscribed. */
export async function pushAvailable(): Promise<boolean> {
	return (await registration()) !== undefined;
}

export function forgetNotificationChoice(userId: string): void {
	writePref(userId, null);
}
