// Where the signed-in app is: the open chat lives in the URL hash (#/c/<id>), so back navigation
// and reloads work on any host. Components navigate through these functions, never by setting
// the hash themselves, so open layers (menus, dialogs) close first (layers.ts).
import { layers } from "./layers";

export const CHAT_HASH = /^#\/c\/([^/?#]+)/;

/**
 * A chat opened from the list marks its history entry, so the in-app Back goes back to that
 * list entry instead of pushing a new one (X, back, Y, back, then the system Back
 * leaves the chats instead of reopening Y).
 */
export function markChatsOpenedFromList(event: HashChangeEvent) {
	const from = new URL(event.oldURL).hash;
	if (CHAT_HASH.test(window.location.hash) && !CHAT_HASH.test(from))
		window.history.replaceState({ ...(window.history.state ?? {}), campusChatFromList: true }, "");
}

export function backToList(): void {
	layers.navigate(() => {
		if (window.history.state?.campusChatFromList) window.history.back();
		// Opened from a link or a reload: replace the entry, so the system Back does not return to the chat.
		else window.location.replace("#/");
	});
}

/** After the open layers' history entries are gone, so their going cannot undo the navigation (layers.ts). */
export function navigateToConversation(id: string | null): void {
	layers.navigate(() => {
		window.location.hash = id ? `#/c/${encodeURIComponent(id)}` : "#/";
	});
}

/** Hash changes, for `useSyncExternalStore`. */
export function subscribeHash(callback: () => void) {
	window.addEventListener("hashchange", callback);
	return () => window.removeEventListener("hashchange", callback);
}
