import { describe, expect, it } from "vitest";
import { ReceiptThrottle, type Timers } from "./receipts";

/** A hand-cranked clock: timers fire only when the test advances time. */
function fakeTimers() {
	let now = 0;
	let nextId = 1;
	const pending = new Map<number, { at: number; fn: () => void }>();
	const timers: Timers = {
		setTimeout: (fn, ms) => {
			const id = nextId++;
			pending.set(id, { at: now + ms, fn });
			return id;
		},
		clearTimeout: (handle) => pending.delete(handle as number),
	};
	function advance(ms: number) {
		const end = now + ms;
		for (;;) {
			const due = [...pending.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
			if (!due) break;
			pending.delete(due[0]);
			now = due[1].at;
			due[1].fn();
		}
		now = end;
	}
	return {
		timers,
		advance,
		get timerCount() {
			return pending.size;
		},
	};
}

function setup(online = { value: true }) {
	const clock = fakeTimers();
	const sent: Array<[string, number]> = [];
	const throttle = new ReceiptThrottle(
		(key, seq) => {
			if (!online.value) return false;
			sent.push([key, seq]);
			return true;
		},
		500,
		clock.timers,
	);
	return { clock, sent, throttle, online };
}

describe("receipts per burst", () => {
	it("reports the first seq of a quiet conversation at once", () => {
		const { sent, throttle } = setup();
		throttle.report("c1", 3);
		expect(sent).toEqual([["c1", 3]]);
	});

	it("sends a burst of thirty messages as two frames: the first, then the latest when the window ends", () => {
		const { clock, sent, throttle } = setup();
		for (let seq = 1; seq <= 30; seq++) {
			throttle.report("c1", seq);
			clock.advance(10);
		}
		expect(sent).toEqual([["c1", 1]]);
		clock.advance(500);
		expect(sent).toEqual([
			["c1", 1],
			["c1", 30],
		]);
	});

	it("never sends more than one frame per conversation per 500 ms", () => {
		const { clock, sent, throttle } = setup();
		const times: number[] = [];
		let t = 0;
		for (let seq = 1; seq <= 100; seq++) {
			const before = sent.length;
			throttle.report("c1", seq);
			if (sent.length > before) times.push(t);
			clock.advance(37);
			t += 37;
			// Frames sent by window ends during advance() are counted at the next report.
		}
		clock.advance(1000);
		expect(sent.length).toBeLessThanOrEqual(Math.ceil((100 * 37) / 500) + 1);
		expect(sent.at(-1)).toEqual(["c1", 100]);
		const seqs = sent.map(([, seq]) => seq);
		expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
	});

	it("keeps conversations apart: each has its own window", () => {
		const { sent, throttle } = setup();
		throttle.report("c1", 5);
		throttle.report("c2", 7);
		throttle.report("c1", 6);
		expect(sent).toEqual([
			["c1", 5],
			["c2", 7],
		]);
	});

	it("ignores seqs at or below what was already reported", () => {
		const { clock, sent, throttle } = setup();
		throttle.report("c1", 9);
		clock.advance(600);
		throttle.report("c1", 4);
		throttle.report("c1", 9);
		clock.advance(600);
		expect(sent).toEqual([["c1", 9]]);
	});

	it("closes the window when nothing new came in, so the next message goes at once", () => {
		const { clock, sent, throttle } = setup();
		throttle.report("c1", 1);
		clock.advance(500);
		expect(clock.timerCount).toBe(0);
		throttle.report("c1", 2);
		expect(sent).toEqual([
			["c1", 1],
			["c1", 2],
		]);
	});

	it("keeps the latest seq while offline and sends it when the socket opens again", () => {
		const online = { value: false };
		const { clock, sent, throttle } = setup(online);
		throttle.report("c1", 1);
		throttle.report("c1", 2);
		clock.advance(2000);
		expect(sent).toEqual([]);
		online.value = true;
		throttle.resume();
		expect(sent).toEqual([["c1", 2]]);
	});

	it("a read covering delivered stops the smaller delivered from going out", () => {
		const { clock, sent, throttle } = setup();
		throttle.report("c1", 1);
		throttle.report("c1", 4);
		throttle.covered("c1", 6);
		clock.advance(600);
		expect(sent).toEqual([["c1", 1]]);
		expect(throttle.sentSeq("c1")).toBe(6);
	});

	it("a failed report can be sent again", () => {
		const { clock, sent, throttle } = setup();
		throttle.report("c1", 3);
		throttle.failed("c1", 3);
		clock.advance(500);
		expect(sent).toEqual([
			["c1", 3],
			["c1", 3],
		]);
	});

	it("dispose stops every timer", () => {
		const { clock, sent, throttle } = setup();
		throttle.report("c1", 1);
		throttle.report("c1", 2);
		throttle.dispose();
		clock.advance(1000);
		expect(sent).toEqual([["c1", 1]]);
		expect(clock.timerCount).toBe(0);
	});
});
