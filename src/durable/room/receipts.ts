// Receipt coalescing (contract v2, scale rules): a watermark moves at once in the log, but
// its `message:delivered` / `message:read` frames are held for up to RECEIPT_WINDOW_MS and
// only the latest seq per (member, kind) of a window is sent, to the senders concerned.
// The first receipt after a quiet window goes out at once, so a 1:1 chat sees no delay.

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
	private pending = new Map<string, ReceiptMove>();
	private readonly timer = new WindowTimer(
		() => RECEIPT_WINDOW_MS,
		() => this.flush(),
	);

	constructor(private readonly send: (moves: ReceiptMove[]) => void) {}

	add(move: ReceiptMove) {
		const key = `${move.kind}:${move.userId}`;
		const known = this.pending.get(key);
		this.pending.set(
			key,
			known
				? {
						...known,
						from: Math.min(known.from, move.from),
						to: Math.max(known.to, move.to),
						reporters: [...new Set([...known.reporters, ...move.reporters])],
					}
				: move,
		);
		this.timer.poke();
	}

	private flush() {
		const moves = [...this.pending.values()];
		this.pending.clear();
		if (moves.length > 0) this.send(moves);
	}
}
