// Receipt coalescing (contract v2, scale rules): a watermark moves at once (in memory, in the
// log's pending marks), but its `message:delivered` / `message:read` frames are held for up to
// RECEIPT_WINDOW_MS and only the latest seq per (member, kind) of a window is sent, to the
// senders concerned. The first receipt after a quiet window goes out at once, so a 1:1 chat
// sees no delay. Adding a move costs a map lookup and a comparison: everything a receipt causes
// (frames, views, the log write and the outbox) runs once per window for the whole room.

import { WindowTimer } from "../coalesce";

export const RECEIPT_WINDOW_MS = 250;

export type ReceiptKind = "delivered" | "read";

/** One member's watermark movement within a window, merged across the window's moves. */
export interface ReceiptMove {
	userId: string;
	kind: ReceiptKind;
	/** The watermark before the window's first move. */
	from: number;
	/** The watermark after the window's last move. */
	to: number;
	/** Room sockets the reports came on: they need no echo of their own read. */
	reporters: WebSocket[];
}

export class ReceiptWindow {
	private read = new Map<string, ReceiptMove>();
	private delivered = new Map<string, ReceiptMove>();
	private readonly timer = new WindowTimer(
		() => RECEIPT_WINDOW_MS,
		() => this.flush(),
	);

	constructor(private readonly send: (moves: ReceiptMove[]) => void) {}

	/** A move of `userId`'s `kind` watermark from `from` to `to`, reported on `via` (a room socket) if given. */
	add(userId: string, kind: ReceiptKind, from: number, to: number, via?: WebSocket) {
		const pending = kind === "read" ? this.read : this.delivered;
		const known = pending.get(userId);
		if (known) {
			if (from < known.from) known.from = from;
			if (to > known.to) known.to = to;
			if (via && !known.reporters.includes(via)) known.reporters.push(via);
		} else {
			pending.set(userId, { userId, kind, from, to, reporters: via ? [via] : [] });
		}
		this.timer.poke();
	}

	private flush() {
		const moves = [...this.read.values(), ...this.delivered.values()];
		this.read.clear();
		this.delivered.clear();
		if (moves.length > 0) this.send(moves);
	}
}
