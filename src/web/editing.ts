// Which message the composer is editing, per conversation (issue 22.8): editing happens in the
// composer bar, not in the bubble. The menu's Edit and ↑ in an empty composer start it; Save,
// Escape and Cancel end it. Page-local and short-lived, so it is a small store of its own rather
// than chat state that is saved or synced. `lastEditable` is pure and unit-tested.
import { useSyncExternalStore } from "react";
import type { Message } from "../shared/schemas";
import { canEdit } from "./store/messages";

const editing = new Map<string, string>();
const listeners = new Set<() => void>();

function changed() {
	for (const listener of listeners) listener();
}

export function startEditing(conversationId: string, messageId: string): void {
	editing.set(conversationId, messageId);
	changed();
}

export function stopEditing(conversationId: string): void {
	if (editing.delete(conversationId)) changed();
}

export function editingIn(conversationId: string): string | undefined {
	return editing.get(conversationId);
}

export function useEditing(conversationId: string): string | undefined {
	return useSyncExternalStore(
		(listener) => {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		() => editing.get(conversationId),
	);
}

/** ↑ in an empty composer: my latest message that can still be edited (text or a caption), if any. */
export function lastEditable(messages: readonly Message[], meId: string, now = Date.now()): Message | undefined {
	for (let i = messages.length - 1; i >= 0; i--) {
		const m = messages[i];
		if (!m || m.senderId !== meId || m.kind === "system" || m.deletedAt !== null) continue;
		return canEdit(m, meId, now) ? m : undefined;
	}
	return undefined;
}
