// The outbox: my messages that are not on the server yet, in the order I wrote them. They are
// kept in localStorage (text, and images already uploaded), so a message written offline
// survives a reload and is sent, with its clientId, once the network is back. The server dedupes
// by clientId, so a send repeated after a lost answer, or by a second tab, is stored once.
import { z } from "zod";
import type { PendingMessage } from "../store/state";

const StoredEntry = z.object({
	clientId: z.string().min(1),
	conversationId: z.string().min(1),
	kind: z.enum(["text", "image"]),
	text: z.string(),
	createdAt: z.string(),
	failed: z.boolean(),
	imageKey: z.string().optional(),
	error: z.string().optional(),
	replyToId: z.string().optional(),
	mentions: z.array(z.string()).optional(),
});
type StoredEntry = z.infer<typeof StoredEntry>;
const StoredOutbox = z.array(StoredEntry);

/** Everything that can be sent again after a reload, in order; an image whose bytes were never uploaded cannot. */
export function outboxEntries(pending: Record<string, PendingMessage[]>): StoredEntry[] {
	const entries: StoredEntry[] = [];
	for (const list of Object.values(pending))
		for (const p of list) {
			if (p.kind === "image" && !p.imageKey) continue;
			// Files and voice notes (issue 23) wait while the page is open, not across a reload.
			if (p.kind === "file" || p.kind === "voice") continue;
			entries.push({
				clientId: p.clientId,
				conversationId: p.conversationId,
				kind: p.kind,
				text: p.text,
				createdAt: p.createdAt,
				failed: p.status === "failed",
				...(p.imageKey ? { imageKey: p.imageKey } : {}),
				...(p.error ? { error: p.error } : {}),
				...(p.replyToId ? { replyToId: p.replyToId } : {}),
				...(p.mentions?.length ? { mentions: p.mentions } : {}),
			});
		}
	// Each conversation's list is already in the order written (a clock that jumps cannot reorder it).
	return entries;
}

/** The stored outbox as pending sends: a send cut off mid-flight waits again (its clientId keeps it single). */
export function restoreOutbox(raw: unknown): Record<string, PendingMessage[]> {
	const parsed = StoredOutbox.safeParse(raw);
	if (!parsed.success) return {};
	const pending: Record<string, PendingMessage[]> = {};
	for (const e of parsed.data) {
		const list = pending[e.conversationId] ?? [];
		if (list.some((p) => p.clientId === e.clientId)) continue;
		list.push({
			clientId: e.clientId,
			conversationId: e.conversationId,
			kind: e.kind,
			text: e.text,
			createdAt: e.createdAt,
			status: e.failed ? "failed" : "waiting",
			...(e.imageKey ? { imageKey: e.imageKey } : {}),
			...(e.error ? { error: e.error } : {}),
			...(e.replyToId ? { replyToId: e.replyToId } : {}),
			...(e.mentions ? { mentions: e.mentions } : {}),
		});
		pending[e.conversationId] = list;
	}
	return pending;
}

/**
 * The next message of one conversation to send, or none: one at a time and in order, so the
 * server's seqs follow the order I wrote them. A send in flight holds the ones behind it; a
 * failed one (Retry or Discard) does not.
 */
export function nextToSend(list: readonly PendingMessage[] | undefined): PendingMessage | undefined {
	for (const p of list ?? []) {
		if (p.status === "sending" || p.status === "uploading") return undefined;
		if (p.status === "waiting") return p;
	}
	return undefined;
}

/**
 * What a failed try means. `wait`: it never reached the server or the server could not take it
 * now (offline, timeouts, 429, 5xx, an expired session): it stays in the outbox. `refused`: 403,
 * I may not write here (blocked). `fail`: the server said no for good; Retry or Discard.
 */
export function failureKind(status: number): "wait" | "refused" | "fail" {
	if (status === 0 || status === 401 || status === 408 || status === 429 || status >= 500) return "wait";
	if (status === 403) return "refused";
	return "fail";
}

/** Backoff before trying a waiting message again while the browser says it is online. */
export function retryDelayMs(attempt: number): number {
	return Math.min(30_000, 1000 * 2 ** Math.max(0, attempt));
}

const key = (userId: string) => `campus-chat.outbox.${userId}`;

export function loadOutbox(userId: string): Record<string, PendingMessage[]> {
	try {
		const raw = localStorage.getItem(key(userId));
		return raw ? restoreOutbox(JSON.parse(raw)) : {};
	} catch {
		return {};
	}
}

export function saveOutbox(userId: string, pending: Record<string, PendingMessage[]>): void {
	try {
		const entries = outboxEntries(pending);
		if (entries.length === 0) localStorage.removeItem(key(userId));
		else localStorage.setItem(key(userId), JSON.stringify(entries));
	} catch {
		// Storage full or unavailable: the outbox then lives as long as the page.
	}
}

export function clearOutbox(userId: string): void {
	try {
		localStorage.removeItem(key(userId));
	} catch {}
}
