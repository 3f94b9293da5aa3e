// One ChatStore per signed-in session: it holds the state (changed only by dispatching actions
// through the slice reducers in this folder) and wires the effects (../effects/) that talk to
// the server, the sockets and the timers. It owns the sockets, so React (StrictMode included)
// never opens two: components only read snapshots and call methods.
import type { Conversation, Message, Role, User } from "../../shared/schemas";
import { ApiError, api, apiV2, pinApi, pollApi, type ReportReason, safetyApi, uploadFile } from "../api";
import { History } from "../effects/history";
import { MessageNotifications } from "../effects/notifications";
import { ReceiptReports } from "../effects/receipt-reports";
import { type SendExtras, Sending } from "../effects/sending";
import { type EventEffects, handleSocketEvent } from "../effects/socket-events";
import { Sockets } from "../effects/sockets";
import { errorText, failureText, isVisible, type Store, viewingId } from "../effects/store";
import { sweepTyping, TypingReports } from "../effects/typing";
import { hydrate, loadSnapshot } from "../offline/cache";
import { loadOutbox } from "../offline/outbox";
import { OfflinePersistence } from "../offline/persist";
import { refreshPushSubscription } from "../pwa/push";
import type { RealtimeEvent } from "../realtime";
import { loadSession, saveSession } from "../session";
import type { ChatAction } from "./actions";
import { myParticipant } from "./participants";
import { hasReacted, toggleReaction } from "./reactions";
import { chatReducer } from "./reducer";
import { type ChatState, initialState, type Notice } from "./state";
import { highestSeq } from "./threads";

export class ChatStore implements Store {
	private state: ChatState;
	private readonly listeners = new Set<() => void>();
	private started = false;
	private stopTimer: ReturnType<typeof setTimeout> | undefined;
	private roomCloseTimer: ReturnType<typeof setTimeout> | undefined;
	/** Loads the list on start if the realtime socket has not opened by then (refused, slow). */
	private listFallbackTimer: ReturnType<typeof setTimeout> | undefined;
	private stopSweep: (() => void) | undefined;
	private readonly detailLoads = new Map<string, Promise<void>>();
	private readonly muteInFlight = new Map<string, boolean>();
	private hasConnectedOnce = false;
	private listRefresh: Promise<void> | null = null;
	private noticeId = 0;

	private readonly sockets = new Sockets({
		onRealtimeEvents: (events) => this.applyEvents(events, "realtime"),
		onRealtimeOpen: () => {
			this.dispatch({ type: "connection/changed", connection: "online" });
			this.receipts.resume();
			this.sending.resume();
			// The list is loaded once the socket is open, so no event can fall between the two;
			// every reconnect refreshes it, since events were missed.
			clearTimeout(this.listFallbackTimer);
			void this.refreshConversations();
			if (this.hasConnectedOnce) this.refreshPresence();
			this.hasConnectedOnce = true;
		},
		onRealtimeClose: () =>
			this.dispatch({ type: "connection/changed", connection: navigator.onLine ? "connecting" : "offline" }),
		onRoomEvents: (events) => this.applyEvents(events, "room"),
		onRoomOpen: (id, reconnect) => {
			if (this.sockets.roomId === id) this.dispatch({ type: "room/changed", open: true });
			this.receipts.resume("read");
			if (this.state.threads[id]?.loaded) void this.history.catchUp(id);
			// Its first page failed (offline, perhaps showing saved messages): load it now.
			else void this.history.ensureThread(id);
			// Receipts and presence missed while the socket was down come with a fresh snapshot.
			if (reconnect) void this.loadDetails(id, true);
		},
		onRoomClose: () => this.dispatch({ type: "room/changed", open: false }),
	});
	private readonly receipts = new ReceiptReports(this, this.sockets);
	private readonly typingReports = new TypingReports(this.sockets);
	private readonly notifications = new MessageNotifications();
	private readonly history = new History(this, {
		arrived: (id) => this.afterMessagesArrived(id),
		confirmed: (message) => this.sending.confirmed(message),
		gone: (id) => this.forgetConversation(id),
	});
	private readonly sending = new Sending(
		this,
		(message) => this.onMessage(message, "room"),
		() => this.stopTyping(),
	);

	private readonly persistence: OfflinePersistence;

	constructor(me: User) {
		// What this device saved opens at once, offline too; the server's answers replace it.
		const snapshot = loadSnapshot(me.id);
		this.state = { ...hydrate(initialState(me), snapshot), pending: loadOutbox(me.id) };
		this.persistence = new OfflinePersistence(me.id, snapshot?.recent ?? []);
	}

	// ---------- external store plumbing ----------
	getState = (): ChatState => this.state;

	subscribe = (listener: () => void): (() => void) => {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	};

	dispatch(action: ChatAction): void {
		const next = chatReducer(this.state, action);
		if (next === this.state) return;
		const previous = this.state;
		this.state = next;
		this.persistence.changed(previous, next);
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

	private handleEvent(event: RealtimeEvent, source: "realtime" | "room"): void {
		if (event.type === "message:reactions")
			this.reactionFrames.set(event.data.messageId, (this.reactionFrames.get(event.data.messageId) ?? 0) + 1);
		handleSocketEvent(this, this.eventEffects, event, source);
	}

	/** What a socket event also needs done (handleSocketEvent asks it of these). */
	private readonly eventEffects: EventEffects = {
		messageArrived: (message, from) => this.onMessage(message, from),
		conversationUpdated: (id, known) => {
			if (!known || !this.state.participants[id]) void this.loadDetails(id);
		},
		unknownConversation: () => void this.refreshConversations(),
		gone: (id) => this.forgetConversation(id),
		viewingId: () => viewingId(this.state),
		muting: (id) => this.muteInFlight.get(id),
	};

	// ---------- notices ----------
	/** Says how an action went, where the reader will see it. */
	announce(text: string, tone: Notice["tone"] = "info"): void {
		this.noticeId += 1;
		this.dispatch({ type: "notice/shown", notice: { id: this.noticeId, text, tone } });
	}

	dismissNotice(id: number): void {
		this.dispatch({ type: "notice/dismissed", id });
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
		this.sockets.openRealtime();
		window.addEventListener("online", this.onBrowserOnline);
		window.addEventListener("offline", this.onBrowserOffline);
		document.addEventListener("visibilitychange", this.onVisibilityChange);
		window.addEventListener("focus", this.onVisibilityChange);
		if (!navigator.onLine) this.dispatch({ type: "connection/changed", connection: "offline" });
		this.stopSweep = sweepTyping(this);
		// One GET /conversations on load: the socket's first open fetches it (above), this only if
		// the socket is not open within 2 s (offline, refused); the saved copy shows meanwhile.
		this.listFallbackTimer = setTimeout(() => void this.refreshConversations(), 2_000);
		this.persistence.start();
		// Messages left in the outbox by an earlier visit go now (or when the network is back).
		this.sending.resume();
		void this.loadBlocks();
		void refreshPushSubscription(this.state.me.id);
	}

	stop(): void {
		if (!this.started) return;
		this.started = false;
		this.sockets.close();
		clearTimeout(this.roomCloseTimer);
		clearTimeout(this.listFallbackTimer);
		this.receipts.dispose();
		this.stopSweep?.();
		window.removeEventListener("online", this.onBrowserOnline);
		window.removeEventListener("offline", this.onBrowserOffline);
		document.removeEventListener("visibilitychange", this.onVisibilityChange);
		window.removeEventListener("focus", this.onVisibilityChange);
		this.sending.dispose();
		this.persistence.stop();
	}

	private onBrowserOnline = () => {
		this.dispatch({ type: "connection/changed", connection: "connecting" });
		this.sockets.reconnect();
		this.sending.resume();
	};

	private onBrowserOffline = () => this.dispatch({ type: "connection/changed", connection: "offline" });

	private onVisibilityChange = () => {
		if (isVisible() && this.state.openId) this.receipts.scheduleRead(this.state.openId);
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
				this.dispatch({ type: "conversations/listed", conversations: all, viewingId: viewingId(this.state) });
				for (const c of all) {
					if (c.lastMessage && c.lastMessage.senderId !== this.state.me.id)
						this.receipts.reportDelivered(c.id, c.lastMessage.seq);
					if (!this.state.participants[c.id]) void this.loadDetails(c.id);
				}
				if (openId) this.receipts.scheduleRead(openId);
			} catch (error) {
				this.dispatch({ type: "conversations/listFailed", error: errorText(error) });
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
		this.dispatch({
			type: "conversation/received",
			conversation,
			viewingId: viewingId(this.state),
			muting: this.muteInFlight.get(conversation.id),
		});
	}

	private forgetConversation(id: string): void {
		this.dispatch({ type: "conversation/forgotten", id });
		this.sockets.closeRoom(id);
	}

	// ---------- opening a chat ----------
	openConversation(id: string): void {
		clearTimeout(this.roomCloseTimer);
		if (this.state.openId !== id) {
			this.stopTyping();
			// Opening a chat tries again: a refusal (blocked) may have been lifted since.
			this.dispatch({ type: "conversation/replyRefused", id, refused: false });
			const conversation = this.state.conversations.find((c) => c.id === id);
			const mine = myParticipant(this.state.participants, id, this.state.me.id);
			const unread = conversation?.unreadCount ?? 0;
			this.dispatch({
				type: "chat/opened",
				id,
				readMarker: { conversationId: id, seq: mine?.lastReadSeq ?? null, unread },
			});
		}
		if (this.sockets.openRoom(id)) this.dispatch({ type: "room/changed", open: false });
		// Always a fresh snapshot on open: big groups get presence only this way (CONTRACT v2),
		// and receipts now reach only the senders concerned, so watermarks come from here too.
		void this.loadDetails(id, true);
		void this.history.ensureThread(id).then(() => this.history.catchUp(id));
		this.receipts.scheduleRead(id);
	}

	/** Deferred so StrictMode's unmount/remount of the same chat keeps the one socket. */
	closeConversation(id: string): void {
		clearTimeout(this.roomCloseTimer);
		this.roomCloseTimer = setTimeout(() => {
			if (this.state.openId !== id) return;
			this.stopTyping();
			this.dispatch({ type: "chat/closed" });
			this.sockets.closeRoom(id);
		}, 0);
	}

	/** The open chat's list had messages up to `seq` on screen: they may count as read (issue 22.2). */
	noteSeen(id: string, seq: number): void {
		this.receipts.noteSeen(id, seq);
	}

	ensureThread(id: string): Promise<void> {
		return this.history.ensureThread(id);
	}

	loadOlder(id: string): Promise<void> {
		return this.history.loadOlder(id);
	}

	catchUp(id: string, from?: number): Promise<void> {
		return this.history.catchUp(id, from);
	}

	private afterMessagesArrived(id: string): void {
		const thread = this.state.threads[id];
		const last = thread?.messages.at(-1);
		if (!thread || !last) return;
		this.preview(last, false);
		const latestFromOthers = thread.messages.findLast((m) => m.senderId !== this.state.me.id);
		if (latestFromOthers) this.receipts.reportDelivered(id, latestFromOthers.seq);
		if (id === this.state.openId) this.receipts.scheduleRead(id);
	}

	// ---------- live messages ----------
	private onMessage(message: Message, source: "realtime" | "room"): void {
		const id = message.conversationId;
		const thread = this.state.threads[id];
		const highestBefore = highestSeq(thread);
		const isNew = !thread?.messages.some((m) => m.id === message.id);
		this.dispatch({ type: "messages/received", conversationId: id, messages: [message] });
		// A gap means events were missed while a socket was down: fetch what is in between.
		if (thread?.loaded && message.seq > highestBefore + 1) void this.history.catchUp(id, highestBefore);
		this.sending.confirmed(message);
		if (message.senderId !== this.state.me.id) {
			this.dispatch({ type: "typing/changed", conversationId: id, userId: message.senderId, typing: false, now: 0 });
			this.receipts.reportDelivered(id, message.seq);
		}
		const counted = this.preview(message, true);
		if (id === this.state.openId) this.receipts.scheduleRead(id);
		if (!this.state.conversations.some((c) => c.id === id)) void this.refreshConversations();
		if ((isNew || counted) && source === "realtime") this.notifications.maybeNotify(message, this.state);
	}

	/** The list's preview follows the message; true if it counted as unread. */
	private preview(message: Message, countUnread: boolean): boolean {
		const unreadBefore = this.unreadOf(message.conversationId);
		this.dispatch({
			type: "conversation/previewed",
			message,
			meId: this.state.me.id,
			viewingId: viewingId(this.state),
			countUnread,
		});
		return this.unreadOf(message.conversationId) > unreadBefore;
	}

	private unreadOf(id: string): number {
		return this.state.conversations.find((c) => c.id === id)?.unreadCount ?? 0;
	}

	// ---------- typing ----------
	/** Called on every keystroke in the composer: typing:start at most every 1.5 s, stop when idle. */
	notifyTyping(id: string): void {
		this.typingReports.typed(id);
	}

	stopTyping(): void {
		this.typingReports.stop();
	}

	// ---------- sending ----------
	sendText(conversationId: string, text: string, extra: SendExtras = {}): string | null {
		const problem = this.sending.sendText(conversationId, text, extra);
		if (!problem) this.cancelReply(conversationId);
		return problem;
	}

	/** Checks type and size before anything is uploaded; returns an error to show, or null. */
	sendImage(conversationId: string, file: File, caption: string, extra: SendExtras = {}): string | null {
		const problem = this.sending.sendImage(conversationId, file, caption, extra);
		if (!problem) this.cancelReply(conversationId);
		return problem;
	}

	/**
	 * Issue 23.3: sends a poll at once (no outbox: the dialog stays open and shows a refusal, and
	 * a retry reuses the same clientId, so a poll is never sent twice).
	 */
	async sendPoll(
		conversationId: string,
		poll: { question: string; options: string[]; multiple: boolean },
		clientId: string,
	): Promise<void> {
		const replyToId = this.state.replyingTo[conversationId];
		const { message } = await api.sendMessage(conversationId, {
			clientId,
			kind: "poll",
			poll,
			...(replyToId ? { replyToId } : {}),
		});
		this.cancelReply(conversationId);
		this.onMessage(message, "room");
	}

	/**
	 * My whole choice in a poll. The answer replaces the poll only if no frame changed it
	 * meanwhile (the room's message:updated, which carries my vote too, is then the newer truth).
	 */
	async votePoll(message: Message, optionIds: string[]): Promise<void> {
		const held = () =>
			this.state.threads[message.conversationId]?.messages.find((m) => m.id === message.id)?.poll ?? null;
		const before = held();
		try {
			const answer = await pollApi.vote(message.id, optionIds);
			if (held() === before) this.dispatch({ type: "message/updated", message: answer.message });
		} catch (error) {
			this.announce(failureText(error, "your vote wasn't counted"), "error");
		}
	}

	/** Issue 23.4: the chat's pins, read when it opens (then kept live by conversation:pins). */
	async loadPins(conversationId: string): Promise<void> {
		try {
			const { pins } = await pinApi.list(conversationId);
			this.dispatch({ type: "pins/received", conversationId, pins });
		} catch {
			// Offline or gone: the bar shows what it had.
		}
	}

	async pinMessage(message: Message, on: boolean): Promise<void> {
		try {
			const { pins } = on
				? await pinApi.pin(message.conversationId, message.id)
				: await pinApi.unpin(message.conversationId, message.id);
			this.dispatch({ type: "pins/received", conversationId: message.conversationId, pins });
			this.announce(on ? "Pinned." : "Unpinned.");
		} catch (error) {
			this.announce(failureText(error, on ? "the message wasn't pinned" : "the message wasn't unpinned"), "error");
		}
	}

	async closePoll(message: Message): Promise<void> {
		try {
			const answer = await pollApi.close(message.id);
			this.dispatch({ type: "message/updated", message: answer.message });
		} catch (error) {
			this.announce(failureText(error, "the poll wasn't closed"), "error");
		}
	}

	/** Issue 23: a document with an optional caption; returns an error to show, or null. */
	sendFile(conversationId: string, file: File, caption: string, extra: SendExtras = {}): string | null {
		const problem = this.sending.sendFile(conversationId, file, caption, extra);
		if (!problem) this.cancelReply(conversationId);
		return problem;
	}

	/** Issue 23: a recorded voice note and its length. */
	sendVoice(conversationId: string, recording: Blob, durationMs: number): string | null {
		return this.sending.sendVoice(conversationId, recording, durationMs);
	}

	/** Issue 23: stops an upload in flight and drops its message. */
	cancelUpload(conversationId: string, clientId: string): void {
		this.sending.cancel(conversationId, clientId);
	}

	retry(conversationId: string, clientId: string): void {
		this.sending.retry(conversationId, clientId);
	}

	discard(conversationId: string, clientId: string): void {
		this.sending.discard(conversationId, clientId);
	}

	// ---------- message actions ----------
	async deleteMessage(message: Message, scope: "me" | "everyone"): Promise<void> {
		await api.deleteMessage(message.id, scope);
		const id = message.conversationId;
		if (scope === "me") {
			const thread = this.state.threads[id];
			const previous = thread?.loaded ? (thread.messages.findLast((m) => m.id !== message.id) ?? null) : undefined;
			this.dispatch({ type: "message/hidden", conversationId: id, messageId: message.id, previous });
			// Not known here (the chat's history is not loaded): the server's list says what is left.
			if (previous === undefined) void this.refreshConversations();
		} else
			this.handleEvent(
				{ type: "message:deleted", data: { conversationId: id, messageId: message.id, seq: message.seq } },
				"room",
			);
	}

	// ---------- v2: reply, edit, react, report, jump ----------
	startReply(message: Message): void {
		this.dispatch({ type: "reply/started", conversationId: message.conversationId, messageId: message.id });
	}

	cancelReply(conversationId: string): void {
		this.dispatch({ type: "reply/cancelled", conversationId });
	}

	/** PATCH /messages/:id; the answer (with editedAt) replaces the message at once. */
	async editMessage(message: Message, text: string): Promise<void> {
		const { message: edited } = await apiV2.editMessage(message.id, text);
		this.dispatch({ type: "message/updated", message: edited });
	}

	/**
	 * Optimistic: the chip changes at once, the server's list replaces it, and a refusal puts
	 * back what was there (message:reactions from the room may also arrive first; either is the truth).
	 */
	async toggleReaction(message: Message, emoji: string): Promise<void> {
		const meId = this.state.me.id;
		const { conversationId, id: messageId } = message;
		const current = this.state.threads[conversationId]?.messages.find((m) => m.id === messageId) ?? message;
		const before = current.reactions ?? [];
		const on = !hasReacted(before, emoji, meId);
		const set = (reactions: typeof before) =>
			this.dispatch({ type: "message/reactions", conversationId, messageId, reactions });
		set(toggleReaction(before, emoji, meId, on));
		// The REST answer waits for D1, so a room frame sent later (someone else's reaction) can
		// arrive first: once a frame came in, the frames (which include mine) are the truth.
		const framesBefore = this.reactionFrames.get(messageId) ?? 0;
		const framesMoved = () => (this.reactionFrames.get(messageId) ?? 0) !== framesBefore;
		try {
			const { reactions } = on
				? await apiV2.addReaction(messageId, emoji)
				: await apiV2.removeReaction(messageId, emoji);
			if (!framesMoved()) set(reactions);
		} catch (error) {
			if (!framesMoved()) set(before);
			this.announce(failureText(error, on ? "the reaction wasn't added" : "the reaction wasn't removed"), "error");
		}
	}

	/**
	 * Issue 23: forwards `message` to these chats (at most 5); the copies are handled like a
	 * socket's, so an open target chat and the list show them at once.
	 */
	async forwardMessage(message: Message, conversationIds: string[], clientId: string): Promise<void> {
		const { messages } = await apiV2.forwardMessage(message.id, conversationIds, clientId);
		this.applyEvents(
			messages.map((copy) => ({ type: "message:new" as const, data: { message: copy } })),
			"realtime",
		);
	}

	async reportMessage(message: Message, reason: ReportReason, note?: string): Promise<void> {
		await apiV2.reportMessage(message.id, reason, note?.trim() || undefined);
	}

	private jumpNonce = 0;
	/** message id → how many message:reactions frames arrived for it (see toggleReaction). */
	private readonly reactionFrames = new Map<string, number>();

	/** Scroll to a message and highlight it, loading the history back to it first if needed. */
	jumpTo(conversationId: string, seq: number): void {
		this.jumpNonce += 1;
		const nonce = this.jumpNonce;
		this.dispatch({ type: "jump/requested", conversationId, seq, nonce });
		void this.history.reveal(conversationId, seq).then((held) => {
			const found = this.state.threads[conversationId]?.messages.some((m) => m.seq === seq);
			if (this.state.jump?.nonce !== nonce || found) return;
			this.dispatch({ type: "jump/done", nonce });
			this.announce(held ? "That message isn't available any more." : "Couldn't load that message.", "error");
		});
	}

	jumpDone(nonce: number): void {
		this.dispatch({ type: "jump/done", nonce });
	}

	// ---------- v2: my profile ----------
	async updateProfile(patch: { displayName?: string; avatarImageKey?: string | null }): Promise<void> {
		const { user } = await apiV2.updateProfile(patch);
		this.dispatch({ type: "me/updated", user });
		const session = loadSession();
		if (session && session.user.id === user.id) saveSession({ ...session, user });
	}

	/**
	 * A new name and/or picture in one PATCH /me. A new picture is uploaded first like a message
	 * image (POST /uploads, then PUT); `avatar: null` removes the picture, undefined keeps it.
	 */
	async saveProfile(
		changes: { displayName?: string; avatar?: File | null },
		onProgress: (fraction: number) => void = () => {},
	): Promise<void> {
		const patch: { displayName?: string; avatarImageKey?: string | null } = {};
		if (changes.displayName !== undefined) patch.displayName = changes.displayName;
		if (changes.avatar === null) patch.avatarImageKey = null;
		else if (changes.avatar) {
			const upload = await api.createUpload(changes.avatar.type, changes.avatar.size);
			await uploadFile(upload, changes.avatar, onProgress);
			patch.avatarImageKey = upload.key;
		}
		if (Object.keys(patch).length > 0) await this.updateProfile(patch);
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
	async setMuted(id: string, muted: boolean, mutedUntil: string | null = null): Promise<void> {
		const before = this.state.conversations.find((c) => c.id === id);
		const apply = (value: boolean, until: string | null) =>
			this.dispatch({ type: "conversation/muted", id, muted: value, mutedUntil: until });
		this.muteInFlight.set(id, muted);
		apply(muted, mutedUntil);
		try {
			const result = await api.setMuted(id, muted, mutedUntil);
			this.muteInFlight.delete(id);
			apply(result.muted, result.mutedUntil);
		} catch (error) {
			this.muteInFlight.delete(id);
			apply(before?.muted ?? !muted, before?.mutedUntil ?? null);
			throw error;
		}
	}

	/** Group admins: a new title (the server trims it); the answer updates the header and list at once. */
	async renameGroup(id: string, title: string): Promise<void> {
		const { conversation } = await api.renameConversation(id, title);
		this.upsertConversation(conversation);
	}

	async setOnlyAdminsSend(id: string, on: boolean): Promise<void> {
		const { conversation } = await api.setOnlyAdminsSend(id, on);
		this.upsertConversation(conversation);
	}

	async addMembers(id: string, userIds: string[]): Promise<void> {
		const { conversation } = await api.addMembers(id, userIds);
		this.upsertConversation(conversation);
		if (!conversation.participants) await this.loadDetails(id, true);
	}

	/** Joins a group by its invite link (issue 23.5); answers the conversation's id. */
	async joinInvite(token: string): Promise<string> {
		const { conversation } = await api.joinInvite(token);
		this.upsertConversation(conversation);
		return conversation.id;
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
		this.dispatch({ type: "users/received", users });
	}

	// ---------- blocking ----------
	/** False if the list could not be loaded (offline): what was known stays. */
	async loadBlocks(): Promise<boolean> {
		try {
			const { users } = await safetyApi.blocks();
			this.dispatch({ type: "blocks/listed", users });
			return true;
		} catch {
			return false;
		}
	}

	async block(user: User): Promise<void> {
		await safetyApi.block(user.id);
		this.dispatch({ type: "blocks/changed", user, blocked: true });
		this.announce(`Blocked ${user.displayName}`);
	}

	async unblock(user: User): Promise<void> {
		await safetyApi.unblock(user.id);
		this.dispatch({ type: "blocks/changed", user, blocked: false });
		this.announce(`Unblocked ${user.displayName}`);
	}
}
