// The timing both objects use to coalesce what they send (receipts, inbox deliveries, presence):
// the first poke after a quiet window runs at once (on the next tick, so what arrives in the same
// turn goes together), later pokes wait until a window has passed since the last run.
export class WindowTimer {
	private timer: ReturnType<typeof setTimeout> | undefined;
	private lastRun = 0;

	constructor(
		private readonly windowMs: () => number,
		private readonly run: () => void,
	) {}

	poke() {
		if (this.timer) return;
		const wait = Math.max(0, this.lastRun + this.windowMs() - Date.now());
		this.timer = setTimeout(() => {
			this.timer = undefined;
			this.lastRun = Date.now();
			this.run();
		}, wait);
	}
}
