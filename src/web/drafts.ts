// What was typed but not sent stays per conversation, across switching chats and reloads
// (localStorage, per signed-in user; signing out clears them). Storage is injectable for tests.

const PREFIX = "campus-chat.draft.";
const MAX_DRAFT = 8000;

type Store = Pick<Storage, "getItem" | "setItem" | "removeItem" | "key" | "length">;

function storage(): Store | null {
	try {
		return typeof localStorage === "undefined" ? null : localStorage;
	} catch {
		return null; // storage disabled (private mode, policy)
	}
}

const keyFor = (userId: string, conversationId: string) => `${PREFIX}${userId}.${conversationId}`;

export function loadDraft(userId: string, conversationId: string, store = storage()): string {
	return store?.getItem(keyFor(userId, conversationId)) ?? "";
}

export function saveDraft(userId: string, conversationId: string, text: string, store = storage()): void {
	if (!store) return;
	try {
		if (text.trim()) store.setItem(keyFor(userId, conversationId), text.slice(0, MAX_DRAFT));
		else store.removeItem(keyFor(userId, conversationId));
	} catch {
		// Quota full: the draft is only a convenience.
	}
}

export function clearDrafts(userId: string, store = storage()): void {
	if (!store) return;
	const mine: string[] = [];
	for (let i = 0; i < store.length; i++) {
		const key = store.key(i);
		if (key?.startsWith(`${PREFIX}${userId}.`)) mine.push(key);
	}
	for (const key of mine) store.removeItem(key);
}
