// Receipts per burst, not per message (docs/contract.md "Scale rules"): a watermark is
// reported at most once per key (a conversation) per report interval. (The room's own receipt
// window, `RECEIPT_WINDOW_MS` in src/durable/room/receipts.ts, is the server's, and shorter.)
// The first report of a quiet key goes at once; reports inside the interval only raise the seq
// to send, and the latest one goes when the interval ends, so a burst of 30 messages costs two frames and the final seq is never
// lost. Pure and timer-injectable so it is unit-tested without a browser.

/** How often this client reports one conversation's watermark at most. */
export const RECEIPT_REPORT_INTERVAL_MS = 500;

/** Hands one receipt to a socket or the API; false when nothing could take it (offline). */
export type ReceiptSend = (key: string, seq: number) => boolean;

export interface Timers {
	setTimeout: (fn: () => void, ms: number) => unknown;
	clearTimeout: (handle: unknown) => void;
}

const realTimers: Timers = {
	setTimeout: (fn, ms) => setTimeout(fn, ms),
	clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class ReceiptThrottle {
	/** The highest seq handed over per key. */
	private readonly sent = new Map<string, number>();
	/** The highest seq asked for and not yet handed over (inside a window, or while offline). */
	private readonly waiting = new Map<string, number>();
	private readonly windows = new Map<string, unknown>();

	constructor(
		private readonly send: ReceiptSend,
		private readonly windowMs = RECEIPT_REPORT_INTERVAL_MS,
		private readonly timers: Timers = realTimers,
	) {}

	/** Asks for `seq` to be reported for `key`; lower or equal seqs than already sent are no-ops. */
	report(key: string, seq: number): void {
		if (seq <= this.sentSeq(key)) return;
		this.waiting.set(key, Math.max(this.waiting.get(key) ?? 0, seq));
		if (!this.windows.has(key)) this.flush(key);
	}

	/** Something else already told the server (e.g. a read covers delivered): never send below it. */
	covered(key: string, seq: number): void {
		if (seq > this.sentSeq(key)) this.sent.set(key, seq);
		if ((this.waiting.get(key) ?? 0) <= seq) this.waiting.delete(key);
	}

	/** The last report did not land (the request failed): allow the same seq to be reported again. */
	failed(key: string, seq: number): void {
		if (this.sentSeq(key) <= seq) this.sent.delete(key);
		this.waiting.set(key, Math.max(this.waiting.get(key) ?? 0, seq));
	}

	/** Retries what could not be sent (call when a socket opens again). */
	resume(): void {
		for (const key of [...this.waiting.keys()]) if (!this.windows.has(key)) this.flush(key);
	}

	sentSeq(key: string): number {
		return this.sent.get(key) ?? 0;
	}

	pendingSeq(key: string): number | undefined {
		return this.waiting.get(key);
	}

	/** Stops every timer; what was waiting is dropped (the session is over). */
	dispose(): void {
		for (const handle of this.windows.values()) this.timers.clearTimeout(handle);
		this.windows.clear();
		this.waiting.clear();
	}

	private flush(key: string): void {
		const seq = this.waiting.get(key);
		if (seq === undefined) return;
		if (seq <= this.sentSeq(key)) {
			this.waiting.delete(key);
			return;
		}
		// Offline: keep it waiting with no window open; resume() or the next report tries again.
		if (!this.send(key, seq)) return;
		this.sent.set(key, Math.max(this.sentSeq(key), seq));
		if (this.waiting.get(key) === seq) this.waiting.delete(key);
		this.windows.set(
			key,
			this.timers.setTimeout(() => {
				this.windows.delete(key);
				this.flush(key);
			}, this.windowMs),
		);
	}
}
