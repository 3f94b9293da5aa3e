// Client state for one signed-in session: conversations, message threads, pending sends,
// presence and typing. It owns the sockets, so React (StrictMode included) never opens
// two: components only read snapshots and call methods.
//
// Sending goes through REST POST /conversations/:id/messages rather than the room socket:
// it is idempotent on clientId, works whether or not the socket is up, and a failed try can
// be retried with the same clientId without ever doubling the message.
import type { Conversation, Message, Participant, Role, User } from "../../shared/schemas";
import { IMAGE_CONTENT_TYPES, MAX_IMAGE_BYTES, MAX_TEXT_LENGTH } from "../../shared/schemas";
import { ApiError, api, uploadFile } from "../api";
import { ChatSocket, type RealtimeEvent } from "../realtime";
import { ReceiptThrottle } from "../receipts";
import { countsAsUnread, mergeMessages, mergeParticipants } from "./messages";

export type ConnectionState = "connecting" | "online" | "offline";

export interface PendingMessage {
	clientId: string;
	conversationId: string;
	kind: "text" | "image";
	text: string;
	createdAt: string;
	status: "uploading" | "sending" | "failed";
	file?: File;
	previewUrl?: string;
	imageKey?: string;
	progress?: number;
	error?: string;
}

export interface Thread {
	messages: Message[];
	loaded: boolean;
	olderCursor: string | null;
	hasOlder: boolean;
	loadingOlder: boolean;
	error?: string;
}

export interface ChatState {
	me: User;
	conversations: Conversation[];
	listLoaded: boolean;
	listError: string | null;
	participants: Record<string, Participant[]>;
	threads: Record<string, Thread>;
	pending: Record<string, PendingMessage[]>;
	users: Record<string, User>;
	/** conversationId → userId → expiry (ms since epoch) */
	typing: Record<string, Record<string, number>>;
	connection: ConnectionState;
	openId: string | null;
	/** Whether the open chat's room socket is connected (typing and live receipts need it). */
	roomOpen: boolean;
	/**
	 * For the open chat, what was unread at the moment it was opened: my lastReadSeq then (when
	 * known) and the unread count. The "New messages" divider comes from this alone, so messages
	 * that arrive while the chat is open never get one (issue 15.6).
	 */
	readMarker: ReadMarker | null;
	/** A short confirmation or error after an action, shown as a toast (issue 15.3). */
	notice: Notice | null;
}

export interface ReadMarker {
	conversationId: string;
	seq: number | null;
	unread: number;
}

export interface Notice {
	id: number;
	text: string;
	tone: "info" | "error";
}

const TYPING_THROTTLE_MS = 1500;
const TYPING_IDLE_MS = 3000;
const TYPING_FALLBACK_EXPIRY_MS = 6000;
const EMPTY_THREAD: Thread = {
	messages: [],
	loaded: false,
	olderCursor: null,
	hasOlder: true,
	loadingOlder: false,
};

/**
 * A snapshot (list page or conversation:updated) can be older than a message:new we already
 * applied; it must not take the preview, activity time or unread count backwards.
 */
function withoutRegress(local: Conversation | undefined, incoming: Conversation): Conversation {
	const localSeq = local?.lastMessage?.seq ?? 0;
	const incomingSeq = incoming.lastMessage?.seq ?? 0;
	if (!local || localSeq <= incomingSeq) return incoming;
	return {
		...incoming,
		lastMessage: local.lastMessage,
		lastActivityAt: local.lastActivityAt > incoming.lastActivityAt ? local.lastActivityAt : incoming.lastActivityAt,
		unreadCount: Math.max(local.unreadCount, incoming.unreadCount),
	};
}

export function byActivity(a: Conversation, b: Conversation): number {
	return b.lastActivityAt.localeCompare(a.lastActivityAt);
}

function errorText(error: unknown): string {
	if (error instanceof ApiError) return error.message;
	if (error instanceof Error) return error.message;
	return "Something went wrong";
}

/** Why an action failed, in words: a request that never reached the server means offline. */
export function failureText(error: unknown, what: string): string {
	const offline =
		(typeof navigator !== "undefined" && !navigator.onLine) || (error instanceof ApiError && error.status === 0);
	if (offline) return `You're offline, so ${what}. Try again when you're back online.`;
	return `${what[0]?.toUpperCase() ?? ""}${what.slice(1)}: ${errorText(error)}`;
}

function isVisible(): boolean {
	return typeof document === "undefined" || document.visibilityState === "visible";
}

export class ChatStore {
	private state: ChatState;
	private readonly listeners = new Set<() => void>();
	private realtime: ChatSocket | null = null;
	private room: { id: string; socket: ChatSocket } | null = null;
	private roomCloseTimer: ReturnType<typeof setTimeout> | undefined;
	private started = false;
	private stopTimer: ReturnType<typeof setTimeout> | undefined;
	private readonly threadLoads = new Map<string, Promise<void>>();
	private readonly catchUps = new Map<string, Promise<void>>();
	private readonly detailLoads = new Map<string, Promise<void>>();
	/** Receipts per burst (issue 10): delivered per conversation, read per open chat, each ≤ 1 per 500 ms. */
	private readonly delivered = new ReceiptThrottle((id, seq) => this.sendDelivered(id, seq));
	private readonly read = new ReceiptThrottle((id, seq) => this.sendRead(id, seq));
	private readonly notified = new Set<string>();
	private readonly muteInFlight = new Map<string, boolean>();
	private readTimer: ReturnType<typeof setTimeout> | undefined;
	private typingState: {
		id: string;
		lastStart: number;
		idle: ReturnType<typeof setTimeout> | undefined;
	} | null = null;
	private typingSweep: ReturnType<typeof setInterval> | undefined;
	private hasConnectedOnce = false;
	private listRefresh: Promise<void> | null = null;

	constructor(me: User) {
		this.state = {
			me,
			conversations: [],
			listLoaded: false,
			listError: null,
			participants: {},
			threads: {},
			pending: {},
			users: { [me.id]: me },
			typing: {},
			connection: "connecting",
			openId: null,
			roomOpen: false,
			readMarker: null,
			notice: null,
		};
	}

	// ---------- notices ----------
	private noticeId = 0;

	/** Says how an action went, where the reader will see it. */
	announce(text: string, tone: Notice["tone"] = "info"): void {
		this.noticeId += 1;
		this.set({ notice: { id: this.noticeId, text, tone } });
	}

	dismissNotice(id: number): void {
		if (this.state.notice?.id === id) this.set({ notice: null });
	}

	// ---------- external store plumbing ----------
	getState = (): ChatState => this.state;

	subscribe = (listener: () => void): (() => void) => {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	};

	private set(patch: Partial<ChatState> | ((s: ChatState) => Partial<ChatState>)): void {
		const next = typeof patch === "function" ? patch(this.state) : patch;
		this.state = { ...this.state, ...next };
		if (this.holding > 0) this.held = true;
		else this.notify();
	}

	private holding = 0;
	private held = false;

	private notify(): void {
		for (const listener of this.listeners) listener();
	}

	/** Applies several changes (a batch frame's events) and tells the views once, at the end. */
	private together(apply: () => void): void {
		this.holding++;
		try {
			apply();
		} finally {
			this.holding--;
			if (this.holding === 0 && this.held) {
				this.held = false;
				this.notify();
			}
		}
	}

	private applyEvents(events: RealtimeEvent[], source: "realtime" | "room"): void {
		this.together(() => {
			for (const event of events) this.handleEvent(event, source);
		});
	}

	// ---------- lifecycle ----------
	/**
	 * StrictMode runs an effect's cleanup and the effect again at once: release() only stops
	 * after a tick, and a retain() in between cancels it, so the sockets are opened once.
	 */
	retain(): void {
		clearTimeout(this.stopTimer);
		this.start();
	}

	release(): void {
		clearTimeout(this.stopTimer);
		this.stopTimer = setTimeout(() => this.stop(), 0);
	}

	private start(): void {
		if (this.started) return;
		this.started = true;
		this.realtime = new ChatSocket("/realtime", {
			onEvents: (events) => this.applyEvents(events, "realtime"),
			onOpen: () => {
				this.set({ connection: "online" });
				this.delivered.resume();
				this.read.resume();
				// First open loads the list; every reconnect refreshes it, since events were missed.
				void this.refreshConversations();
				if (this.hasConnectedOnce) this.refreshPresence();
				this.hasConnectedOnce = true;
			},
			onClose: () => this.set({ connection: navigator.onLine ? "connecting" : "offline" }),
		});
		window.addEventListener("online", this.onBrowserOnline);
		window.addEventListener("offline", this.onBrowserOffline);
		document.addEventListener("visibilitychange", this.onVisibilityChange);
		window.addEventListener("focus", this.onVisibilityChange);
		if (!navigator.onLine) this.set({ connection: "offline" });
		this.typingSweep = setInterval(() => this.sweepTyping(), 1000);
		void this.refreshConversations();
	}

	stop(): void {
		if (!this.started) return;
		this.started = false;
		this.realtime?.close();
		this.realtime = null;
		if (this.room) this.room.socket.close();
		this.room = null;
		clearTimeout(this.roomCloseTimer);
		clearTimeout(this.readTimer);
		this.delivered.dispose();
		this.read.dispose();
		clearInterval(this.typingSweep);
		window.removeEventListener("online", this.onBrowserOnline);
		window.removeEventListener("offline", this.onBrowserOffline);
		document.removeEventListener("visibilitychange", this.onVisibilityChange);
		window.removeEventListener("focus", this.onVisibilityChange);
		for (const list of Object.values(this.state.pending))
			for (const p of list) if (p.previewUrl) URL.revokeObjectURL(p.previewUrl);
	}

	private onBrowserOnline = () => {
		this.set({ connection: "connecting" });
		// The old sockets may look open but be dead; dial again now rather than after the backoff.
		this.realtime?.reconnect();
		this.room?.socket.reconnect();
	};

	private onBrowserOffline = () => this.set({ connection: "offline" });

	private onVisibilityChange = () => {
		if (isVisible() && this.state.openId) this.scheduleRead(this.state.openId);
	};

	// ---------- conversation list ----------
	refreshConversations(): Promise<void> {
		if (this.listRefresh) return this.listRefresh;
		this.listRefresh = (async () => {
			try {
				const all: Conversation[] = [];
				let cursor: string | undefined;
				for (let page = 0; page < 10; page++) {
					const result = await api.listConversations(cursor);
					all.push(...result.conversations);
					if (!result.nextCursor) break;
					cursor = result.nextCursor;
				}
				const openId = this.state.openId;
				this.set((s) => {
					const participants = { ...s.participants };
					const users = { ...s.users };
					for (const c of all) {
						if (c.participants) {
							participants[c.id] = mergeParticipants(participants[c.id], c.participants);
							for (const p of c.participants) users[p.user.id] = { ...users[p.user.id], ...p.user };
						}
					}
					const local = new Map(s.conversations.map((c) => [c.id, c]));
					const conversations = all
						.map((c) => withoutRegress(local.get(c.id), c))
						.map((c) => (c.id === openId && isVisible() ? { ...c, unreadCount: 0 } : c))
						.sort(byActivity);
					return { conversations, participants, users, listLoaded: true, listError: null };
				});
				for (const c of all) {
					if (c.lastMessage && c.lastMessage.senderId !== this.state.me.id)
						this.reportDelivered(c.id, c.lastMessage.seq);
					if (!this.state.participants[c.id]) void this.loadDetails(c.id);
				}
				if (openId) this.scheduleRead(openId);
			} catch (error) {
				this.set({ listError: errorText(error) });
			} finally {
				this.listRefresh = null;
			}
		})();
		return this.listRefresh;
	}

	/** Participants (with presence) for a conversation: titles of direct chats, ticks, group info. */
	loadDetails(id: string, force = false): Promise<void> {
		const inflight = this.detailLoads.get(id);
		if (inflight && !force) return inflight;
		const load = (async () => {
			try {
				const { conversation } = await api.getConversation(id);
				this.upsertConversation(conversation);
			} catch (error) {
				if (error instanceof ApiError && error.status === 404) this.forgetConversation(id);
			} finally {
				this.detailLoads.delete(id);
			}
		})();
		this.detailLoads.set(id, load);
		return load;
	}

	private refreshPresence(): void {
		for (const c of this.state.conversations)
			if (c.type === "direct" || c.id === this.state.openId) void this.loadDetails(c.id, true);
	}

	private upsertConversation(conversation: Conversation): void {
		this.set((s) => {
			const existing = s.conversations.find((c) => c.id === conversation.id);
			const merged: Conversation = withoutRegress(existing, { ...existing, ...conversation });
			delete merged.participants;
			const muting = this.muteInFlight.get(conversation.id);
			if (muting !== undefined) merged.muted = muting;
			if (conversation.id === s.openId && isVisible()) merged.unreadCount = 0;
			const conversations = [...s.conversations.filter((c) => c.id !== conversation.id), merged].sort(byActivity);
			if (!conversation.participants) return { conversations };
			const users = { ...s.users };
			for (const p of conversation.participants) users[p.user.id] = { ...users[p.user.id], ...p.user };
			return {
				conversations,
				users,
				// A snapshot can be older than a receipt already applied: watermarks only move forward.
				participants: {
					...s.participants,
					[conversation.id]: mergeParticipants(s.participants[conversation.id], conversation.participants),
				},
			};
		});
	}

	private forgetConversation(id: string): void {
		this.set((s) => {
			const threads = { ...s.threads };
			delete threads[id];
			return {
				conversations: s.conversations.filter((c) => c.id !== id),
				threads,
				openId: s.openId === id ? null : s.openId,
			};
		});
		if (this.room?.id === id) {
			this.room.socket.close();
			this.room = null;
		}
	}

	// ---------- opening a chat ----------
	openConversation(id: string): void {
		clearTimeout(this.roomCloseTimer);
		if (this.state.openId !== id) {
			this.stopTyping();
			const conversation = this.state.conversations.find((c) => c.id === id);
			const mine = this.state.participants[id]?.find((p) => p.user.id === this.state.me.id);
			const unread = conversation?.unreadCount ?? 0;
			this.set({ openId: id, readMarker: { conversationId: id, seq: mine?.lastReadSeq ?? null, unread } });
		}
		if (this.room?.id !== id) {
			this.room?.socket.close();
			this.set({ roomOpen: false });
			let reconnect = false;
			this.room = {
				id,
				socket: new ChatSocket(`/conversations/${encodeURIComponent(id)}/socket`, {
					onEvents: (events) => this.applyEvents(events, "room"),
					onClose: () => {
						if (this.room?.id === id) this.set({ roomOpen: false });
					},
					onOpen: () => {
						if (this.room?.id === id) this.set({ roomOpen: true });
						this.read.resume();
						const thread = this.state.threads[id];
						if (thread?.loaded) void this.catchUp(id);
						// Receipts and presence missed while the socket was down come with a fresh snapshot.
						if (reconnect) void this.loadDetails(id, true);
						reconnect = true;
					},
				}),
			};
		}
		// Always a fresh snapshot on open: big groups get presence only this way (CONTRACT v2),
		// and receipts now reach only the senders concerned, so watermarks come from here too.
		void this.loadDetails(id, true);
		void this.ensureThread(id).then(() => this.catchUp(id));
		this.scheduleRead(id);
	}

	/** Deferred so StrictMode's unmount/remount of the same chat keeps the one socket. */
	closeConversation(id: string): void {
		clearTimeout(this.roomCloseTimer);
		this.roomCloseTimer = setTimeout(() => {
			if (this.state.openId !== id) return;
			this.stopTyping();
			this.set({ openId: null, readMarker: null });
			if (this.room?.id === id) {
				this.room.socket.close();
				this.room = null;
			}
		}, 0);
	}

	private patchThread(id: string, update: (t: Thread) => Thread): void {
		this.set((s) => ({ threads: { ...s.threads, [id]: update(s.threads[id] ?? EMPTY_THREAD) } }));
	}

	ensureThread(id: string): Promise<void> {
		const thread = this.state.threads[id];
		if (thread?.loaded) return Promise.resolve();
		const inflight = this.threadLoads.get(id);
		if (inflight) return inflight;
		const load = (async () => {
			try {
				const page = await api.messagesBefore(id, undefined, 50);
				const older = [...page.messages].reverse();
				this.patchThread(id, (t) => ({
					...t,
					messages: mergeMessages(t.messages, older),
					loaded: true,
					olderCursor: page.nextCursor,
					hasOlder: page.nextCursor !== null,
					error: undefined,
				}));
				this.afterMessagesArrived(id);
			} catch (error) {
				this.patchThread(id, (t) => ({ ...t, error: errorText(error) }));
				if (error instanceof ApiError && error.status === 404) this.forgetConversation(id);
			} finally {
				this.threadLoads.delete(id);
			}
		})();
		this.threadLoads.set(id, load);
		return load;
	}

	loadOlder(id: string): Promise<void> {
		const thread = this.state.threads[id];
		if (!thread?.loaded || !thread.hasOlder || thread.loadingOlder || !thread.olderCursor) return Promise.resolve();
		const cursor = thread.olderCursor;
		this.patchThread(id, (t) => ({ ...t, loadingOlder: true }));
		return api
			.messagesBefore(id, cursor, 50)
			.then((page) => {
				this.patchThread(id, (t) => ({
					...t,
					messages: mergeMessages(t.messages, [...page.messages].reverse()),
					olderCursor: page.nextCursor,
					hasOlder: page.nextCursor !== null,
					loadingOlder: false,
				}));
			})
			.catch((error) => this.patchThread(id, (t) => ({ ...t, loadingOlder: false, error: errorText(error) })));
	}

	/**
	 * Everything after `from` (default: the highest seq we hold), oldest first, until there is
	 * no more. A live message that skipped ahead is already merged when this runs, so a gap passes
	 * the seq held before it: starting from the highest held would skip the gap for good. A gap
	 * found while another catch-up runs is fetched after it.
	 */
	catchUp(id: string, from?: number): Promise<void> {
		const inflight = this.catchUps.get(id);
		if (inflight) return from === undefined ? inflight : inflight.then(() => this.catchUp(id, from));
		const run = (async () => {
			try {
				let after = from;
				for (let round = 0; round < 50; round++) {
					const thread = this.state.threads[id];
					if (!thread?.loaded) return;
					after ??= thread.messages.at(-1)?.seq ?? 0;
					const page = await api.messagesAfter(id, after, 100);
					if (page.messages.length === 0) break;
					this.patchThread(id, (t) => ({ ...t, messages: mergeMessages(t.messages, page.messages) }));
					for (const m of page.messages) this.resolvePending(m);
					this.afterMessagesArrived(id);
					if (!page.nextCursor && page.messages.length < 100) break;
					after = page.messages.at(-1)?.seq ?? after;
				}
			} catch {
				// Offline again: the next socket open retries.
			} finally {
				this.catchUps.delete(id);
			}
		})();
		this.catchUps.set(id, run);
		return run;
	}

	private afterMessagesArrived(id: string): void {
		const thread = this.state.threads[id];
		const last = thread?.messages.at(-1);
		if (!thread || !last) return;
		this.bumpListPreview(last, false);
		const latestFromOthers = thread.messages.findLast((m) => m.senderId !== this.state.me.id);
		if (latestFromOthers) this.reportDelivered(id, latestFromOthers.seq);
		if (id === this.state.openId) this.scheduleRead(id);
	}

	// ---------- receipts ----------
	/** Everything up to seq reached this device; an open, visible chat reports read instead. */
	private reportDelivered(conversationId: string, seq: number): void {
		if (conversationId === this.state.openId && isVisible()) return;
		this.delivered.report(conversationId, seq);
	}

	private sendDelivered(conversationId: string, seq: number): boolean {
		return (
			this.realtime?.send({ type: "message:delivered", data: { conversationId, seq } }) === true ||
			(this.room?.id === conversationId && this.room.socket.send({ type: "message:delivered", data: { seq } }))
		);
	}

	/** Read implies delivered. The room socket if it is up, else the realtime socket, else REST. */
	private sendRead(id: string, seq: number): boolean {
		this.delivered.covered(id, seq);
		if (this.room?.id === id && this.room.socket.send({ type: "message:read", data: { seq } })) return true;
		if (this.realtime?.send({ type: "message:read", data: { conversationId: id, seq } })) return true;
		api
			.markRead(id, seq)
			.then(({ lastReadSeq }) => {
				if (lastReadSeq < seq) this.read.failed(id, seq);
			})
			// Offline: the next socket open resumes it.
			.catch(() => this.read.failed(id, seq));
		return true;
	}

	/**
	 * Coalesces the calls of one task, then reports: the badge clears locally the moment a chat
	 * is viewed, and the first read of a quiet chat goes at once (the throttle holds only bursts).
	 */
	private scheduleRead(id: string): void {
		clearTimeout(this.readTimer);
		this.readTimer = setTimeout(() => this.markRead(id), 0);
	}

	private markRead(id: string): void {
		if (this.state.openId !== id || !isVisible()) return;
		const thread = this.state.threads[id];
		const conversation = this.state.conversations.find((c) => c.id === id);
		const highest = Math.max(thread?.messages.at(-1)?.seq ?? 0, conversation?.lastMessage?.seq ?? 0);
		if (highest === 0) return;
		if (conversation && conversation.unreadCount > 0)
			this.set((s) => ({
				conversations: s.conversations.map((c) => (c.id === id ? { ...c, unreadCount: 0 } : c)),
			}));
		const mine = this.state.participants[id]?.find((p) => p.user.id === this.state.me.id);
		if (mine && mine.lastReadSeq >= highest && this.read.pendingSeq(id) === undefined) return;
		this.updateWatermark(id, this.state.me.id, "lastReadSeq", highest);
		this.read.report(id, highest);
	}

	private updateWatermark(id: string, userId: string, field: "lastReadSeq" | "lastDeliveredSeq", seq: number): void {
		const list = this.state.participants[id];
		if (!list) return;
		let changed = false;
		const next = list.map((p) => {
			if (p.user.id !== userId) return p;
			const updated = { ...p };
			if (field === "lastReadSeq" && seq > p.lastReadSeq) {
				updated.lastReadSeq = seq;
				changed = true;
			}
			// Read implies delivered.
			if (seq > p.lastDeliveredSeq) {
				updated.lastDeliveredSeq = seq;
				changed = true;
			}
			return updated;
		});
		if (changed) this.set((s) => ({ participants: { ...s.participants, [id]: next } }));
	}

	// ---------- realtime events ----------
	private handleEvent(event: RealtimeEvent, source: "realtime" | "room"): void {
		switch (event.type) {
			case "message:new":
				this.onMessage(event.data.message, source);
				break;
			case "message:deleted": {
				const { conversationId, messageId } = event.data;
				this.patchThread(conversationId, (t) => ({
					...t,
					messages: t.messages.map((m) =>
						m.id === messageId
							? { ...m, text: null, image: null, deletedAt: m.deletedAt ?? new Date().toISOString() }
							: m,
					),
				}));
				this.set((s) => ({
					conversations: s.conversations.map((c) =>
						c.id === conversationId && c.lastMessage?.id === messageId
							? {
									...c,
									lastMessage: {
										...c.lastMessage,
										text: null,
										image: null,
										deletedAt: new Date().toISOString(),
									},
								}
							: c,
					),
				}));
				break;
			}
			case "message:delivered":
				this.updateWatermark(event.data.conversationId, event.data.userId, "lastDeliveredSeq", event.data.seq);
				break;
			case "message:read": {
				const { conversationId, userId, seq } = event.data;
				this.updateWatermark(conversationId, userId, "lastReadSeq", seq);
				if (userId === this.state.me.id)
					// Read on another device: clear the badge if that covers the latest message.
					this.set((s) => ({
						conversations: s.conversations.map((c) =>
							c.id === conversationId && (c.lastMessage?.seq ?? 0) <= seq ? { ...c, unreadCount: 0 } : c,
						),
					}));
				break;
			}
			case "user:typing": {
				const { conversationId, userId, typing } = event.data;
				if (userId === this.state.me.id) break;
				this.set((s) => {
					const forConversation = { ...s.typing[conversationId] };
					if (typing) forConversation[userId] = Date.now() + TYPING_FALLBACK_EXPIRY_MS;
					else delete forConversation[userId];
					return { typing: { ...s.typing, [conversationId]: forConversation } };
				});
				break;
			}
			case "user:online":
				this.setPresence(event.data.userId, { online: true });
				break;
			case "user:offline":
				this.setPresence(event.data.userId, {
					online: false,
					lastSeenAt: event.data.lastSeenAt ?? new Date().toISOString(),
				});
				break;
			case "conversation:updated": {
				const incoming = event.data.conversation;
				const known = this.state.conversations.some((c) => c.id === incoming.id);
				this.upsertConversation(incoming);
				if (!known || !this.state.participants[incoming.id]) void this.loadDetails(incoming.id);
				break;
			}
			case "member:added":
			case "member:updated": {
				const { conversationId, participant } = event.data;
				this.set((s) => {
					const list = s.participants[conversationId];
					const users = {
						...s.users,
						[participant.user.id]: { ...s.users[participant.user.id], ...participant.user },
					};
					if (!list) return { users };
					const next = list.some((p) => p.user.id === participant.user.id)
						? list.map((p) => (p.user.id === participant.user.id ? participant : p))
						: [...list, participant];
					return { users, participants: { ...s.participants, [conversationId]: next } };
				});
				if (!this.state.conversations.some((c) => c.id === conversationId)) void this.refreshConversations();
				break;
			}
			case "member:removed": {
				const { conversationId, userId } = event.data;
				if (userId === this.state.me.id) {
					this.forgetConversation(conversationId);
					break;
				}
				this.set((s) => {
					const list = s.participants[conversationId];
					if (!list) return {};
					return {
						participants: { ...s.participants, [conversationId]: list.filter((p) => p.user.id !== userId) },
					};
				});
				break;
			}
		}
	}

	private setPresence(userId: string, patch: Partial<User>): void {
		this.set((s) => {
			const existing = s.users[userId];
			if (!existing) return {};
			return { users: { ...s.users, [userId]: { ...existing, ...patch } } };
		});
	}

	private onMessage(message: Message, source: "realtime" | "room"): void {
		const id = message.conversationId;
		const thread = this.state.threads[id];
		const highestBefore = thread?.messages.at(-1)?.seq ?? 0;
		const isNew = !thread?.messages.some((m) => m.id === message.id);
		// Kept even before the thread's first page arrives: the page is merged in, by id and seq.
		this.patchThread(id, (t) => ({ ...t, messages: mergeMessages(t.messages, [message]) }));
		// A gap means events were missed while a socket was down: fetch what is in between.
		if (thread?.loaded && message.seq > highestBefore + 1) void this.catchUp(id, highestBefore);
		this.resolvePending(message);
		if (message.senderId !== this.state.me.id) {
			this.clearTyping(id, message.senderId);
			this.reportDelivered(id, message.seq);
		}
		const counted = this.bumpListPreview(message, true);
		if (id === this.state.openId) this.scheduleRead(id);
		if (!this.state.conversations.some((c) => c.id === id)) void this.refreshConversations();
		if ((isNew || counted) && source === "realtime") this.maybeNotify(message);
	}

	/** Moves the conversation to the top with this preview; counts it unread if it is news. */
	private bumpListPreview(message: Message, countUnread: boolean): boolean {
		let counted = false;
		this.set((s) => {
			const c = s.conversations.find((x) => x.id === message.conversationId);
			if (!c) return {};
			if (c.lastMessage && c.lastMessage.seq >= message.seq) return {};
			const viewing = s.openId === c.id && isVisible();
			counted = countUnread && countsAsUnread(message, s.me.id) && !viewing;
			const renamed = message.system?.event === "renamed" ? message.system.title : undefined;
			const updated: Conversation = {
				...c,
				// A rename's line carries the new title: the header and list follow before conversation:updated.
				...(renamed !== undefined ? { title: renamed } : {}),
				lastMessage: message,
				lastActivityAt: message.createdAt > c.lastActivityAt ? message.createdAt : c.lastActivityAt,
				unreadCount: viewing ? 0 : c.unreadCount + (counted ? 1 : 0),
			};
			return { conversations: [...s.conversations.filter((x) => x.id !== c.id), updated].sort(byActivity) };
		});
		return counted;
	}

	private maybeNotify(message: Message): void {
		if (message.senderId === this.state.me.id || message.kind === "system") return;
		if (this.notified.has(message.id)) return;
		this.notified.add(message.id);
		const conversation = this.state.conversations.find((c) => c.id === message.conversationId);
		if (!conversation || conversation.muted) return;
		if (isVisible() || typeof Notification === "undefined" || Notification.permission !== "granted") return;
		const sender = this.state.users[message.senderId]?.displayName ?? "New message";
		const title = conversation.type === "group" && conversation.title ? `${sender} in ${conversation.title}` : sender;
		const body = message.kind === "image" ? (message.text ? `📷 ${message.text}` : "📷 Photo") : (message.text ?? "");
		try {
			const n = new Notification(title, { body, tag: message.conversationId });
			n.onclick = () => {
				window.focus();
				window.location.hash = `#/c/${encodeURIComponent(message.conversationId)}`;
				n.close();
			};
		} catch {
			// Some platforms only allow notifications from a service worker.
		}
	}

	private resolvePending(message: Message): void {
		if (message.senderId !== this.state.me.id) return;
		const list = this.state.pending[message.conversationId];
		const match = list?.find((p) => p.clientId === message.clientId);
		if (!list || !match) return;
		if (match.previewUrl) URL.revokeObjectURL(match.previewUrl);
		this.set((s) => ({
			pending: {
				...s.pending,
				[message.conversationId]: (s.pending[message.conversationId] ?? []).filter(
					(p) => p.clientId !== message.clientId,
				),
			},
		}));
	}

	// ---------- typing ----------
	private clearTyping(conversationId: string, userId: string): void {
		if (!this.state.typing[conversationId]?.[userId]) return;
		this.set((s) => {
			const forConversation = { ...s.typing[conversationId] };
			delete forConversation[userId];
			return { typing: { ...s.typing, [conversationId]: forConversation } };
		});
	}

	private sweepTyping(): void {
		const now = Date.now();
		let changed = false;
		const typing: ChatState["typing"] = {};
		for (const [cid, users] of Object.entries(this.state.typing)) {
			const kept: Record<string, number> = {};
			for (const [uid, expiry] of Object.entries(users)) {
				if (expiry > now) kept[uid] = expiry;
				else changed = true;
			}
			typing[cid] = kept;
		}
		if (changed) this.set({ typing });
	}

	/** Called on every keystroke in the composer: typing:start at most every 1.5 s, stop when idle. */
	notifyTyping(id: string): void {
		if (this.room?.id !== id) return;
		const now = Date.now();
		if (!this.typingState || this.typingState.id !== id) {
			this.stopTyping();
			this.typingState = { id, lastStart: 0, idle: undefined };
		}
		const state = this.typingState;
		if (now - state.lastStart >= TYPING_THROTTLE_MS) {
			if (this.room.socket.send({ type: "typing:start", data: {} })) state.lastStart = now;
		}
		clearTimeout(state.idle);
		state.idle = setTimeout(() => this.stopTyping(), TYPING_IDLE_MS);
	}

	stopTyping(): void {
		const state = this.typingState;
		if (!state) return;
		clearTimeout(state.idle);
		this.typingState = null;
		if (state.lastStart > 0 && this.room?.id === state.id) this.room.socket.send({ type: "typing:stop", data: {} });
	}

	// ---------- sending ----------
	sendText(conversationId: string, text: string): string | null {
		const trimmed = text.trim();
		if (!trimmed) return null;
		if (trimmed.length > MAX_TEXT_LENGTH)
			return `Messages can be at most ${MAX_TEXT_LENGTH.toLocaleString()} characters.`;
		this.stopTyping();
		const pending: PendingMessage = {
			clientId: crypto.randomUUID(),
			conversationId,
			kind: "text",
			text: trimmed,
			createdAt: new Date().toISOString(),
			status: "sending",
		};
		this.addPending(pending);
		void this.deliver(pending.clientId, conversationId);
		return null;
	}

	/** Checks type and size before anything is uploaded; returns an error to show, or null. */
	sendImage(conversationId: string, file: File, caption: string): string | null {
		const type = IMAGE_CONTENT_TYPES.find((t) => t === file.type);
		if (!type) return "Only JPEG, PNG, WebP and GIF images can be sent.";
		if (file.size > MAX_IMAGE_BYTES) return "Images can be at most 10 MB.";
		if (file.size === 0) return "That file is empty.";
		if (caption.trim().length > MAX_TEXT_LENGTH) return `Captions can be at most ${MAX_TEXT_LENGTH} characters.`;
		this.stopTyping();
		const pending: PendingMessage = {
			clientId: crypto.randomUUID(),
			conversationId,
			kind: "image",
			text: caption.trim(),
			createdAt: new Date().toISOString(),
			status: "uploading",
			file,
			previewUrl: URL.createObjectURL(file),
			progress: 0,
		};
		this.addPending(pending);
		void this.deliver(pending.clientId, conversationId);
		return null;
	}

	retry(conversationId: string, clientId: string): void {
		const p = this.findPending(conversationId, clientId);
		if (p?.status !== "failed") return;
		void this.deliver(clientId, conversationId);
	}

	discard(conversationId: string, clientId: string): void {
		const p = this.findPending(conversationId, clientId);
		if (p?.previewUrl) URL.revokeObjectURL(p.previewUrl);
		this.set((s) => ({
			pending: {
				...s.pending,
				[conversationId]: (s.pending[conversationId] ?? []).filter((x) => x.clientId !== clientId),
			},
		}));
	}

	private findPending(conversationId: string, clientId: string): PendingMessage | undefined {
		return this.state.pending[conversationId]?.find((p) => p.clientId === clientId);
	}

	private addPending(p: PendingMessage): void {
		this.set((s) => ({
			pending: { ...s.pending, [p.conversationId]: [...(s.pending[p.conversationId] ?? []), p] },
		}));
	}

	private patchPending(conversationId: string, clientId: string, patch: Partial<PendingMessage>): void {
		this.set((s) => ({
			pending: {
				...s.pending,
				[conversationId]: (s.pending[conversationId] ?? []).map((p) =>
					p.clientId === clientId ? { ...p, ...patch } : p,
				),
			},
		}));
	}

	private async deliver(clientId: string, conversationId: string): Promise<void> {
		const p = this.findPending(conversationId, clientId);
		if (!p) return;
		try {
			let imageKey = p.imageKey;
			if (p.kind === "image" && !imageKey) {
				if (!p.file) throw new Error("The image is no longer available");
				this.patchPending(conversationId, clientId, { status: "uploading", error: undefined, progress: 0 });
				const upload = await api.createUpload(p.file.type, p.file.size);
				await uploadFile(upload, p.file, (progress) => this.patchPending(conversationId, clientId, { progress }));
				imageKey = upload.key;
			}
			this.patchPending(conversationId, clientId, { status: "sending", error: undefined, imageKey });
			const body =
				p.kind === "image" && imageKey
					? { clientId, kind: "image" as const, imageKey, ...(p.text ? { text: p.text } : {}) }
					: { clientId, kind: "text" as const, text: p.text };
			const { message } = await api.sendMessage(conversationId, body);
			// onMessage resolves the pending copy too.
			this.onMessage(message, "room");
		} catch (error) {
			this.patchPending(conversationId, clientId, { status: "failed", error: errorText(error) });
		}
	}

	// ---------- message actions ----------
	async deleteMessage(message: Message, scope: "me" | "everyone"): Promise<void> {
		await api.deleteMessage(message.id, scope);
		const id = message.conversationId;
		if (scope === "me") {
			this.patchThread(id, (t) => ({ ...t, messages: t.messages.filter((m) => m.id !== message.id) }));
		} else {
			this.handleEvent(
				{ type: "message:deleted", data: { conversationId: id, messageId: message.id, seq: message.seq } },
				"room",
			);
		}
	}

	// ---------- conversations ----------
	async startDirect(userId: string): Promise<string> {
		const { conversation } = await api.createDirect(userId);
		this.upsertConversation(conversation);
		return conversation.id;
	}

	async createGroup(title: string, memberIds: string[]): Promise<string> {
		const { conversation } = await api.createGroup(title, memberIds);
		this.upsertConversation(conversation);
		return conversation.id;
	}

	/**
	 * Optimistic: the switch flips at once and flips back if the server says no. While the
	 * request is in flight, conversation snapshots from the socket do not undo the flip.
	 */
	async setMuted(id: string, muted: boolean): Promise<void> {
		const apply = (value: boolean) =>
			this.set((s) => ({ conversations: s.conversations.map((c) => (c.id === id ? { ...c, muted: value } : c)) }));
		this.muteInFlight.set(id, muted);
		apply(muted);
		try {
			const result = await api.setMuted(id, muted);
			this.muteInFlight.delete(id);
			apply(result.muted);
		} catch (error) {
			this.muteInFlight.delete(id);
			apply(!muted);
			throw error;
		}
	}

	/** Group admins: a new title (the server trims it); the answer updates the header and list at once. */
	async renameGroup(id: string, title: string): Promise<void> {
		const { conversation } = await api.renameConversation(id, title);
		this.upsertConversation(conversation);
	}

	async addMembers(id: string, userIds: string[]): Promise<void> {
		const { conversation } = await api.addMembers(id, userIds);
		this.upsertConversation(conversation);
		if (!conversation.participants) await this.loadDetails(id, true);
	}

	async removeMember(id: string, userId: string): Promise<void> {
		await api.removeMember(id, userId);
		this.handleEvent({ type: "member:removed", data: { conversationId: id, userId } }, "room");
	}

	async setRole(id: string, userId: string, role: Role): Promise<void> {
		const { participant } = await api.setRole(id, userId, role);
		this.handleEvent({ type: "member:updated", data: { conversationId: id, participant } }, "room");
	}

	async leave(id: string): Promise<void> {
		await api.leave(id);
		this.forgetConversation(id);
	}

	rememberUsers(users: User[]): void {
		this.set((s) => {
			const next = { ...s.users };
			for (const u of users) next[u.id] = { ...next[u.id], ...u };
			return { users: next };
		});
	}
}
