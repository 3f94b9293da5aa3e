// Reporting my receipts, per burst (receipts.ts throttles them): delivered for every
// conversation whose messages reached this device, read for the open, visible chat.
import { api } from "../api";
import { ReceiptThrottle } from "../receipts";
import { myParticipant } from "../store/participants";
import type { Sockets } from "./sockets";
import { isVisible, type Store } from "./store";

export class ReceiptReports {
	/** Receipts per burst (issue 10): delivered per conversation, read per open chat, each ≤ 1 per 500 ms. */
	private readonly delivered = new ReceiptThrottle((id, seq) => this.sendDelivered(id, seq));
	private readonly read = new ReceiptThrottle((id, seq) => this.sendRead(id, seq));
	private readTimer: ReturnType<typeof setTimeout> | undefined;

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

	/** Everything up to seq reached this device; an open, visible chat reports read instead. */
	reportDelivered(conversationId: string, seq: number): void {
		if (conversationId === this.store.getState().openId && isVisible()) return;
		this.delivered.report(conversationId, seq);
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
		if (state.openId !== id || !isVisible()) return;
		const thread = state.threads[id];
		const conversation = state.conversations.find((c) => c.id === id);
		const highest = Math.max(thread?.messages.at(-1)?.seq ?? 0, conversation?.lastMessage?.seq ?? 0);
		if (highest === 0) return;
		if (conversation && conversation.unreadCount > 0) this.store.dispatch({ type: "conversation/viewed", id });
		const mine = myParticipant(state.participants, id, state.me.id);
		if (mine && mine.lastReadSeq >= highest && this.read.pendingSeq(id) === undefined) return;
		this.store.dispatch({
			type: "watermark/moved",
			conversationId: id,
			userId: state.me.id,
			field: "lastReadSeq",
			seq: highest,
		});
		this.read.report(id, highest);
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
