// The service worker (built by vite.config.ts into dist/web/sw.js as one classic script, with
// the precache list and version injected): the app shell offline, Web Push notifications, and
// a notification click that opens its conversation.
import {
	conversationPath,
	fetchPlan,
	NotificationData,
	notificationFor,
	type OpenConversationMessage,
	parsePushPayload,
	showsConversation,
} from "./payload";

declare const self: ServiceWorkerGlobalScope;
/** Every built file's URL ("/" for index.html), injected at build time. */
declare const __PRECACHE__: string[];
/** A hash of the built files: a new build is a new cache (and a new worker). */
declare const __SW_VERSION__: string;

const CACHE_PREFIX = "campus-chat-shell-";
const CACHE = `${CACHE_PREFIX}${__SW_VERSION__}`;
const PRECACHED = new Set(__PRECACHE__);
/** A page load waits this long for the network before the cached shell is shown (a bad signal). */
const NAVIGATION_TIMEOUT_MS = 4000;

self.addEventListener("install", (event) => {
	event.waitUntil(
		caches
			.open(CACHE)
			.then((cache) => cache.addAll(__PRECACHE__))
			.then(() => self.skipWaiting()),
	);
});

self.addEventListener("activate", (event) => {
	event.waitUntil(
		(async () => {
			for (const name of await caches.keys())
				if (name.startsWith(CACHE_PREFIX) && name !== CACHE) await caches.delete(name);
			// The first visit's page is controlled at once, so it works offline from its next load.
			await self.clients.claim();
		})(),
	);
});

self.addEventListener("fetch", (event) => {
	const { request } = event;
	if (request.method !== "GET") return;
	const plan = fetchPlan(new URL(request.url), request.mode, self.location.origin, PRECACHED);
	if (plan === "shell") event.respondWith(shell(request));
	else if (plan === "precached") event.respondWith(precached(request));
});

/** Network first, so a deploy shows at once; the cached index.html when the network fails or stalls. */
async function shell(request: Request): Promise<Response> {
	const network = fetch(request);
	// Lost to the timeout, it may still fail later: nobody is waiting for it then.
	network.catch(() => undefined);
	const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), NAVIGATION_TIMEOUT_MS));
	try {
		const response = await Promise.race([network, timeout]);
		if (response) return response;
	} catch {
		// Offline: the shell below.
	}
	const cached = await caches.match("/", { cacheName: CACHE });
	return cached ?? network;
}

async function precached(request: Request): Promise<Response> {
	return (await caches.match(request, { cacheName: CACHE, ignoreSearch: true })) ?? fetch(request);
}

self.addEventListener("push", (event) => {
	const payload = parsePushPayload(event.data?.text());
	event.waitUntil(
		(async () => {
			// Someone reading that very chat in a focused window needs no notification (the push
			// raced the socket); a visible page is exempt from Chrome's "always show one" rule.
			if (payload) {
				const windows = await self.clients.matchAll({ type: "window" });
				if (windows.some((c) => c.focused && showsConversation(c.url, payload.conversationId))) return;
			}
			const { title, options } = notificationFor(payload);
			await self.registration.showNotification(title, options);
		})(),
	);
});

self.addEventListener("notificationclick", (event) => {
	event.notification.close();
	const data = NotificationData.safeParse(event.notification.data);
	const work = openConversation(data.success ? data.data.conversationId : null);
	try {
		event.waitUntil(work);
	} catch {
		// A synthetic click (the browser tests dispatch one) cannot extend the event; the work runs anyway.
	}
});

/**
 * An open window of the app is told to open the chat (no reload, its state and sockets stay)
 * and brought to the front; with none, a new window opens at the chat's URL.
 */
async function openConversation(conversationId: string | null): Promise<void> {
	const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
	const client = windows.find((c) => c.focused) ?? windows.find((c) => c.visibilityState === "visible") ?? windows[0];
	if (client) {
		if (conversationId) {
			const message: OpenConversationMessage = { type: "open-conversation", conversationId };
			client.postMessage(message);
		}
		// Focusing needs the click's user activation; without it (a synthetic click) the page still navigates.
		await client.focus().catch(() => undefined);
		return;
	}
	await self.clients.openWindow(conversationId ? conversationPath(conversationId) : "/");
}
