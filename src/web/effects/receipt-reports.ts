// Reporting my receipts, per burst (receipts.ts throttles them): delivered for every
// conversation whose messages reached this device, read for what the reader has had on screen
// (issue 22.2): the open chat's messages count as read only up to the last one that was in the
// list's viewport (MessageList tells `seen`) while the page was visible and focused.
import { api } from "../api";
import { ReceiptThrottle } from "../receipts";
import { myParticipant } from "../store/participants";
import type { ChatState } from "../store/state";
import type { Sockets } from "./sockets";
import { isVisible, type Store } from "./store";

export class ReceiptReports {
	/** Receipts per burst (RECEIPT_REPORT_INTERVAL_MS): delivered per conversation, read per open chat, each ≤ 1 per 500 ms. */
	private readonly delivered = new ReceiptThrottle((id, seq) => this.sendDelivered(id, seq));
	private readonly read = new ReceiptThrottle((id, seq) => this.sendRead(id, seq));
	private readTimer: ReturnType<typeof setTimeout> | undefined;
	/** conversationId → the highest seq that has been inside the open chat's viewport. */
	private readonly seenSeqs = new Map<string, number>();
	/** conversationId → the highest seq that reached this device while its chat was open (delivered, maybe not read yet). */
	private readonly arrivedOpen = new Map<string, number>();

	constructor(
		private readonly store: Store,
		private readonly sockets: Sockets,
	) {}

	/** A socket opened: what could not be sent goes now. */
	resume(which: "all" | "read" = "all"): void {
		if (which === "all") this.delivered.resume();
		this.read.resume();
	}

	dispose(): void {
		clearTimeout(this.readTimer);
		this.delivered.dispose();
		this.read.dispose();
	}

	/**
	 * Everything up to seq reached this device. In the open chat the read that follows usually
	 * covers it (one frame, not two); markRead reports delivered for what it could not cover.
	 */
	reportDelivered(conversationId: string, seq: number): void {
		if (conversationId === this.store.getState().openId) {
			this.arrivedOpen.set(conversationId, Math.max(this.arrivedOpen.get(conversationId) ?? 0, seq));
			this.scheduleRead(conversationId);
			return;
		}
		this.delivered.report(conversationId, seq);
	}

	/** The open chat's list had messages up to `seq` inside its viewport (MessageList). */
	noteSeen(conversationId: string, seq: number): void {
		if (seq <= (this.seenSeqs.get(conversationId) ?? 0)) return;
		this.seenSeqs.set(conversationId, seq);
		this.scheduleRead(conversationId);
	}

	seenSeq(conversationId: string): number {
		return this.seenSeqs.get(conversationId) ?? 0;
	}

	/**
	 * Coalesces the calls of one task, then reports: the badge clears locally the moment a chat
	 * is viewed, and the first read of a quiet chat goes at once (the throttle holds only bursts).
	 */
	scheduleRead(id: string): void {
		clearTimeout(this.readTimer);
		this.readTimer = setTimeout(() => this.markRead(id), 0);
	}

	private markRead(id: string): void {
		const state = this.store.getState();
		if (state.openId !== id) return;
		const arrived = this.arrivedOpen.get(id) ?? 0;
		const seen = readableSeq(state, id, this.seenSeq(id), onScreen());
		if (arrived > seen) this.delivered.report(id, arrived);
		if (seen === 0) return;
		const conversation = state.conversations.find((c) => c.id === id);
		// The badge clears once the latest message has been on screen, not when the chat opens.
		if (conversation && conversation.unreadCount > 0 && seen >= (state.threads[id]?.messages.at(-1)?.seq ?? 0))
			this.store.dispatch({ type: "conversation/viewed", id });
		const mine = myParticipant(state.participants, id, state.me.id);
		if (mine && mine.lastReadSeq >= seen && this.read.pendingSeq(id) === undefined) return;
		this.store.dispatch({
			type: "watermark/moved",
			conversationId: id,
			userId: state.me.id,
			field: "lastReadSeq",
			seq: seen,
		});
		this.read.report(id, seen);
	}

	private sendDelivered(conversationId: string, seq: number): boolean {
		return (
			this.sockets.sendRealtime({ type: "message:delivered", data: { conversationId, seq } }) ||
			this.sockets.sendRoom(conversationId, { type: "message:delivered", data: { seq } })
		);
	}

	/** Read implies delivered. The room socket if it is up, else the realtime socket, else REST. */
	private sendRead(id: string, seq: number): boolean {
		this.delivered.covered(id, seq);
		if (this.sockets.sendRoom(id, { type: "message:read", data: { seq } })) return true;
		if (this.sockets.sendRealtime({ type: "message:read", data: { conversationId: id, seq } })) return true;
		api
			.markRead(id, seq)
			.then(({ lastReadSeq }) => {
				if (lastReadSeq < seq) this.read.failed(id, seq);
			})
			// Offline: the next socket open resumes it.
			.catch(() => this.read.failed(id, seq));
		return true;
	}
}

/** The page is visible and has the focus: only then is what is in the viewport being read. */
export function onScreen(): boolean {
	return isVisible() && (typeof document === "undefined" || document.hasFocus());
}

/**
 * How far the open chat counts as read (issue 22.2): up to the highest message that has been in
 * its viewport, never past the thread's last message, and nothing while the page is hidden or
 * unfocused. 0 means nothing to report.
 */
export function readableSeq(state: ChatState, id: string, seen: number, screen: boolean): number {
	if (!screen) return 0;
	const highest = state.threads[id]?.messages.at(-1)?.seq ?? 0;
	return Math.min(seen, highest);
}
