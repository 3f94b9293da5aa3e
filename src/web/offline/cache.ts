// What the app keeps on the device to open offline: the conversation list (with the people in
// it) and the last messages of the chats opened most recently. Saved from the state a moment
// after it changes, read back when a signed-in session starts, before the network answers.
import { z } from "zod";
import { Conversation, Message, Participant, User } from "../../shared/schemas";
import type { ChatState, Thread } from "../store/state";
import { EMPTY_THREAD } from "../store/threads";

export const RECENT_CHATS = 10;
export const MESSAGES_PER_CHAT = 50;
const LIST_LIMIT = 100;
/** Participants are kept for direct chats and small groups (titles, avatars); big groups reload them. */
const PARTICIPANTS_LIMIT = 32;

const Snapshot = z.object({
	v: z.literal(1),
	conversations: z.array(Conversation),
	participants: z.record(z.string(), z.array(Participant)),
	users: z.array(User),
	threads: z.record(z.string(), z.array(Message)),
	recent: z.array(z.string()),
});
export type Snapshot = z.infer<typeof Snapshot>;

/** The chat just opened goes first; at most RECENT_CHATS are remembered. */
export function touchRecent(recent: readonly string[], id: string): string[] {
	return [id, ...recent.filter((r) => r !== id)].slice(0, RECENT_CHATS);
}

/** Presence is live information: a saved copy would say "online" about someone who left hours ago. */
function withoutPresence(user: User): User {
	const { online: _, ...rest } = user;
	return rest;
}

export function snapshotOf(state: ChatState, recent: readonly string[]): Snapshot {
	const conversations = state.conversations.slice(0, LIST_LIMIT).map(({ participants: _, ...c }) => c);
	const kept = new Set(conversations.map((c) => c.id));
	const participants: Record<string, Participant[]> = {};
	const userIds = new Set<string>([state.me.id]);
	for (const c of conversations) {
		const list = state.participants[c.id];
		if (!list || list.length > PARTICIPANTS_LIMIT) continue;
		participants[c.id] = list.map((p) => ({ ...p, user: withoutPresence(p.user) }));
		for (const p of list) userIds.add(p.user.id);
	}
	const threads: Record<string, Message[]> = {};
	const recentKept = recent.filter((id) => kept.has(id));
	for (const id of recentKept) {
		const messages = state.threads[id]?.messages;
		if (!messages || messages.length === 0) continue;
		threads[id] = messages.slice(-MESSAGES_PER_CHAT);
		for (const m of threads[id]) userIds.add(m.senderId);
	}
	const users = [...userIds].flatMap((id) => {
		const u = state.users[id];
		return u ? [withoutPresence(u)] : [];
	});
	return { v: 1, conversations, participants, users, threads, recent: recentKept };
}

/** Reads a saved snapshot back; anything that does not parse counts as nothing saved. */
export function parseSnapshot(raw: unknown): Snapshot | null {
	const parsed = Snapshot.safeParse(raw);
	return parsed.success ? parsed.data : null;
}

/**
 * The starting state with the saved list and chats in it. Restored threads are marked: their
 * first page from the server replaces them (see threads.ts), and until then, or while offline,
 * they show as they were.
 */
export function hydrate(state: ChatState, snapshot: Snapshot | null): ChatState {
	if (!snapshot) return state;
	const users = { ...state.users };
	for (const u of snapshot.users) users[u.id] = { ...u, ...users[u.id] };
	const threads: Record<string, Thread> = { ...state.threads };
	for (const [id, messages] of Object.entries(snapshot.threads))
		threads[id] = { ...EMPTY_THREAD, messages, restored: true };
	return {
		...state,
		conversations: snapshot.conversations,
		participants: { ...snapshot.participants, ...state.participants },
		users,
		threads,
		listLoaded: true,
	};
}

const key = (userId: string) => `campus-chat.offline.${userId}`;

export function loadSnapshot(userId: string): Snapshot | null {
	try {
		const raw = localStorage.getItem(key(userId));
		return raw ? parseSnapshot(JSON.parse(raw)) : null;
	} catch {
		return null;
	}
}

/** Saves the snapshot; when storage is full, fewer chats' messages, then none. */
export function saveSnapshot(userId: string, snapshot: Snapshot): void {
	let current = snapshot;
	for (;;) {
		try {
			localStorage.setItem(key(userId), JSON.stringify(current));
			return;
		} catch {
			const ids = Object.keys(current.threads);
			if (ids.length === 0) return;
			const drop = current.recent.findLast((id) => id in current.threads) ?? ids[0];
			const { [drop as string]: _, ...threads } = current.threads;
			current = { ...current, threads };
		}
	}
}

export function clearSnapshot(userId: string): void {
	try {
		localStorage.removeItem(key(userId));
	} catch {}
}
