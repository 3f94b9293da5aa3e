// How the fan-out and realistic scenarios drive their senders: a closed loop (each sender sends
// its next message when the previous one was answered) or an open loop (each sender at a fixed
// rate from its own offset, never waiting, so harness lag is not hidden). Returns how many
// sends were started.
import { sleep } from "./server.mjs";

/**
 * @param {{ mode: "closed" | "open", senders: number, wall0: number, send: (sender: number, n: number, scheduledAt: number) => Promise<unknown>,
 *   messages?: number, hardStop?: number, rate?: number, durationS?: number }} o
 */
export async function driveSenders(o) {
	let sent = 0;
	if (o.mode === "closed") {
		await Promise.all(
			Array.from({ length: o.senders }, async (_, s) => {
				for (let n = 0; n < (o.messages ?? 0) && performance.now() < (o.hardStop ?? Infinity); n++) {
					sent++;
					await o.send(s, n, performance.now());
				}
			}),
		);
		return sent;
	}
	const period = 1000 / (o.rate ?? 1);
	const end = o.wall0 + (o.durationS ?? 0) * 1000;
	const next = Array.from({ length: o.senders }, (_, s) => o.wall0 + (s * period) / o.senders);
	const counts = new Array(o.senders).fill(0);
	const inflight = [];
	for (;;) {
		const now = performance.now();
		let soonest = Infinity;
		for (let s = 0; s < o.senders; s++) {
			while (next[s] <= now && next[s] < end) {
				sent++;
				inflight.push(o.send(s, counts[s]++, next[s]));
				next[s] += period;
			}
			if (next[s] < end) soonest = Math.min(soonest, next[s]);
		}
		if (soonest === Infinity) break;
		await sleep(Math.max(0, soonest - performance.now()));
	}
	await Promise.all(inflight);
	return sent;
}

/**
 * Waits until no frame arrived for `quietMs` (`lastFrame()`), or until `maxMs` passed since
 * `since` (default: now); polls every `pollMs`. Returns the ms since `since`.
 */
export async function quiet(lastFrame, quietMs, maxMs, { since = performance.now(), pollMs = 200 } = {}) {
	while (performance.now() - lastFrame() < quietMs && performance.now() - since < maxMs) await sleep(pollMs);
	return performance.now() - since;
}

/**
 * After the sends: waits until `done()`, or until no frame arrived for 3 s after the send phase
 * (`lastFrameAt()`), or until `maxMs`. Returns why it stopped; whatever has not arrived by then
 * counts as lost, and the reason says whether it may just be late.
 */
export async function drain({ done, lastFrameAt, sendPhaseEnd, maxMs }) {
	const deadline = performance.now() + maxMs;
	for (;;) {
		if (done()) return "complete";
		if (performance.now() - Math.max(lastFrameAt(), sendPhaseEnd) > 3000) return "quiet for 3 s";
		if (performance.now() >= deadline) return "time cap";
		await sleep(50);
	}
}
