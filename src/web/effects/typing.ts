// My typing, told to the open chat's room (typing:start at most every 1.5 s, stop when idle),
// and the sweep that ends others' indicators whose typing:stop never came.
import type { Sockets } from "./sockets";
import type { Store } from "./store";

const TYPING_THROTTLE_MS = 1500;
const TYPING_IDLE_MS = 3000;
const TYPING_SWEEP_MS = 1000;

export class TypingReports {
	private current: { id: string; lastStart: number; idle: ReturnType<typeof setTimeout> | undefined } | null = null;

	constructor(private readonly sockets: Sockets) {}

	/** Called on every keystroke in the composer. */
	typed(id: string): void {
		if (this.sockets.roomId !== id) return;
		const now = Date.now();
		if (!this.current || this.current.id !== id) {
			this.stop();
			this.current = { id, lastStart: 0, idle: undefined };
		}
		const state = this.current;
		if (now - state.lastStart >= TYPING_THROTTLE_MS) {
			if (this.sockets.sendRoom(id, { type: "typing:start", data: {} })) state.lastStart = now;
		}
		clearTimeout(state.idle);
		state.idle = setTimeout(() => this.stop(), TYPING_IDLE_MS);
	}

	stop(): void {
		const state = this.current;
		if (!state) return;
		clearTimeout(state.idle);
		this.current = null;
		if (state.lastStart > 0) this.sockets.sendRoom(state.id, { type: "typing:stop", data: {} });
	}
}

/** Expires others' typing indicators once a second; returns the stop. */
export function sweepTyping(store: Store): () => void {
	const timer = setInterval(() => store.dispatch({ type: "typing/expired", now: Date.now() }), TYPING_SWEEP_MS);
	return () => clearInterval(timer);
}
