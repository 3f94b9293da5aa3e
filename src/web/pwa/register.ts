// Registers the service worker (sw/sw.ts, built to /sw.js) in production builds, and follows its
// "open this conversation" messages from notification clicks. The Vite dev server has no
// service worker: it would cache modules that change on every edit.
import { OpenConversationMessage } from "../sw/payload";

export function registerServiceWorker(): void {
	if (!import.meta.env.PROD || !("serviceWorker" in navigator)) return;
	navigator.serviceWorker.addEventListener("message", (event: MessageEvent) => {
		const message = OpenConversationMessage.safeParse(event.data);
		if (message.success) window.location.hash = `#/c/${encodeURIComponent(message.data.conversationId)}`;
	});
	const register = () =>
		navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch((error: unknown) => {
			console.warn("Service worker registration failed; the app works, but not offline", error);
		});
	// After the page has loaded, so installing (which downloads the whole app again) never competes with it.
	if (document.readyState === "complete") void register();
	else window.addEventListener("load", () => void register(), { once: true });
}
