// Fan-out: N members with the room socket open, S of them sending. Closed loop (each sender
// sends its next message once the previous one is acked) or open loop (each sender on a fixed
// schedule, never waiting). Every `message:new` is checked per receiver: seq strictly
// increasing, no doubles, and at the end every acked seq has arrived everywhere.
//
// The send time travels inside the text ("bench|<run>|<sender>|<n>|<ms>|...") so a receiver
// needs no shared state to compute latency; all clocks are this process's performance.now().
// In the open loop the timestamp is the *scheduled* send time, so harness lag counts against
// the latency instead of hiding it (no coordinated omission).
import { randomUUID } from "node:crypto";
import os from "node:os";
import { unpack } from "../lib/frames.mjs";
import { drain, driveSenders } from "../lib/schedule.mjs";
import { sleep, workerdTotals } from "../lib/server.mjs";
import { closeAll, countClosed, openSocket } from "../lib/sockets.mjs";
import { round, Samples } from "../lib/stats.mjs";
import { mapLimit } from "../lib/targets.mjs";

export const TEXT_LEN = 120;

export function benchText(runId, sender, n, t) {
	const head = `bench|${runId}|${sender}|${n}|${t.toFixed(3)}|`;
	return head.length >= TEXT_LEN ? head : head + ".".repeat(TEXT_LEN - head.length);
}

/** { runId, sender, n, t } from a bench text, or null for any other text. */
export function parseBenchText(text) {
	if (typeof text !== "string" || !text.startsWith("bench|")) return null;
	const p = text.split("|", 5);
	return { runId: p[1], sender: Number(p[2]), n: Number(p[3]), t: Number(p[4]) };
}

/**
 * workerd CPU spent during a run, split into wrangler's proxy and the runtime, per message
 * sent and per delivery frame. Null when the server is not ours (--base) or restarted.
 */
export function cpuSplit(cpu0, cpu1, messages, deliveries) {
	if (cpu1.cpuMs === null || cpu0.pids !== cpu1.pids) return { workerdCpuMs: null };
	const d = (k) => cpu1[k] - cpu0[k];
	return {
		workerdCpuMs: round(d("cpuMs"), 0),
		runtimeCpuMs: round(d("runtimeCpuMs"), 0),
		proxyCpuMs: round(d("proxyCpuMs"), 0),
		runtimeCpuMsPerMessage: messages ? round(d("runtimeCpuMs") / messages, 3) : null,
		runtimeCpuUsPerDelivery: deliveries ? round((d("runtimeCpuMs") * 1000) / deliveries, 1) : null,
	};
}

export class Receiver {
	constructor() {
		this.seen = new Uint8Array(4096);
		this.lastSeq = 0;
		this.doubled = 0;
		this.outOfOrder = 0;
		this.received = 0;
	}

	record(seq) {
		if (!Number.isInteger(seq) || seq < 1) {
			this.outOfOrder++;
			return false;
		}
		if (seq >= this.seen.length) {
			const next = new Uint8Array(Math.max(seq + 1, this.seen.length * 2));
			next.set(this.seen);
			this.seen = next;
		}
		if (this.seen[seq]) {
			this.doubled++;
			return false;
		}
		this.seen[seq] = 1;
		if (seq < this.lastSeq) this.outOfOrder++;
		else this.lastSeq = seq;
		this.received++;
		return true;
	}

	/** How many of `seqs` never arrived here. */
	missing(seqs) {
		let n = 0;
		for (const seq of seqs) if (seq >= this.seen.length || !this.seen[seq]) n++;
		return n;
	}
}

/**
 * opts: { members, senders, mode: "closed"|"open", messages (closed, per sender),
 *         rate (open, msgs/s per sender), durationS (open), label, server, log, users }
 */
export async function runFanout(target, opts) {
	const { members, senders, mode, users, server, log } = opts;
	const runId = randomUUID().slice(0, 8);
	const roomUsers = users.slice(0, members);
	const roomId = await target.createRoom(roomUsers, `bench ${opts.label}`);

	const recvLatency = new Samples(1 << 16);
	const ackLatency = new Samples(1024);
	const receivers = roomUsers.map(() => new Receiver());
	const pending = new Map(); // ref -> { t0, done }
	const ackedSeqs = [];
	let benchDeliveries = 0;
	let firstSendAt = null;
	let lastDeliveryAt = 0;
	let errorFrames = 0; // `error` answers to message:send
	let lateAcks = 0; // acks that came after the sender gave up waiting (still counted)
	let _foreignFrames = 0;
	const errorSamples = [];

	// v2 servers may batch frames: every event inside a batch is handled on its own.
	const onFrame = (i) => (text, at) => {
		const events = unpack(text);
		if (events.length === 0) _foreignFrames++;
		for (const f of events) onEvent(i, f, at);
	};
	const onEvent = (i, f, at) => {
		if (f.type === "message:new") {
			const m = f.data?.message;
			if (!m || m.conversationId !== roomId) return;
			if (!receivers[i].record(m.seq)) return;
			const b = parseBenchText(m.text);
			if (b && b.runId === runId) {
				recvLatency.add(at - b.t);
				benchDeliveries++;
				lastDeliveryAt = at;
			}
		} else if ((f.type === "ack" || f.type === "error") && f.ref && pending.has(f.ref)) {
			const p = pending.get(f.ref);
			pending.delete(f.ref);
			if (f.type === "ack" && Number.isInteger(f.data?.message?.seq)) {
				ackLatency.add(at - p.t0);
				ackedSeqs.push(f.data.message.seq);
				if (p.timedOut) lateAcks++;
				p.done(true);
			} else {
				errorFrames++;
				if (errorSamples.length < 5) errorSamples.push(f.error ?? f);
				p.done(false);
			}
		}
	};

	const sockets = await mapLimit(roomUsers, 16, async (u, i) =>
		openSocket(await target.roomSocketUrl(u, roomId), onFrame(i)),
	);
	await sleep(300); // let join-time frames (presence, system messages) settle

	// A closed-loop sender waits at most ackTimeoutMs before it moves on; the message stays
	// pending, and an ack that arrives later still counts (its seq is then expected everywhere).
	const ackTimeoutMs = mode === "closed" ? 10_000 : 30_000;
	const send = (s, n, t0) =>
		new Promise((resolve) => {
			const ref = `${runId}-${s}-${n}`;
			const entry = { t0, timedOut: false, done: null };
			const timer = setTimeout(() => {
				entry.timedOut = true;
				resolve(false);
			}, ackTimeoutMs);
			entry.done = (ok) => {
				clearTimeout(timer);
				resolve(ok);
			};
			pending.set(ref, entry);
			const frame = {
				type: "message:send",
				ref,
				data: { clientId: randomUUID(), kind: "text", text: benchText(runId, s, n, t0) },
			};
			try {
				sockets[s].send(JSON.stringify(frame));
			} catch (err) {
				pending.delete(ref);
				clearTimeout(timer);
				errorFrames++;
				if (errorSamples.length < 5) errorSamples.push({ sendFailed: String(err?.message ?? err) });
				resolve(false);
			}
		});

	const cpu0 = workerdTotals(server);
	const harness0 = process.cpuUsage();
	const load0 = os.loadavg()[0];
	const wall0 = performance.now();
	firstSendAt = wall0;
	const hardStop = wall0 + (opts.maxSeconds ?? 180) * 1000;
	const sent = await driveSenders({
		mode,
		senders,
		wall0,
		send,
		messages: opts.messages,
		hardStop,
		rate: opts.rate,
		durationS: opts.durationS,
	});
	const sendPhaseMs = performance.now() - wall0;

	// Drain: wait until every send is answered and every receiver has every acked seq, or
	// nothing arrives for 3 s.
	// An overloaded server may still be working through a backlog: keep waiting while
	// deliveries are still arriving, up to drainMaxMs.
	const drainEnd = await drain({
		done: () => pending.size === 0 && receivers.every((r) => r.received >= ackedSeqs.length),
		lastFrameAt: () => lastDeliveryAt,
		sendPhaseEnd: wall0 + sendPhaseMs,
		maxMs: opts.drainMaxMs ?? (mode === "open" ? 90_000 : 30_000),
	});
	const cpu1 = workerdTotals(server);
	const harness1 = process.cpuUsage(harness0);
	const expected = ackedSeqs.length;
	const unacked = pending.size;
	const sendErrors = errorFrames + unacked;
	for (const [ref] of pending) if (errorSamples.length < 5) errorSamples.push({ noAck: ref });
	pending.clear();
	const activeMs = Math.max(lastDeliveryAt, wall0 + sendPhaseMs) - firstSendAt;

	const lost = receivers.reduce((a, r) => a + r.missing(ackedSeqs), 0);
	const doubled = receivers.reduce((a, r) => a + r.doubled, 0);
	const outOfOrder = receivers.reduce((a, r) => a + r.outOfOrder, 0);
	const closedEarly = countClosed(sockets);
	closeAll(sockets);

	const result = {
		label: opts.label,
		target: target.kind,
		mode,
		members,
		senders,
		...(mode === "closed"
			? { messagesPerSender: opts.messages }
			: { ratePerSender: opts.rate, durationS: opts.durationS }),
		sent,
		acked: expected,
		sendErrors,
		errorFrames,
		unacked,
		lateAcks,
		errorSamples,
		recv: recvLatency.summary(),
		ack: ackLatency.summary(),
		deliveries: benchDeliveries,
		deliveredPerSec: round((benchDeliveries / activeMs) * 1000, 0),
		sendsPerSec: round((expected / sendPhaseMs) * 1000, 1),
		lost,
		doubled,
		outOfOrder,
		socketsClosedEarly: closedEarly,
		drainEnd,
		wallMs: round(activeMs, 0),
		...cpuSplit(cpu0, cpu1, expected, benchDeliveries),
		loadavg1m: [round(load0, 1), round(os.loadavg()[0], 1)],
		harnessCpuPct: round(((harness1.user + harness1.system) / 1000 / activeMs) * 100, 0),
	};
	log?.(
		`  ${target.kind.padEnd(8)} ${opts.label.padEnd(14)} recv p50 ${result.recv.p50} p99 ${result.recv.p99} ms, ` +
			`ack p50 ${result.ack.p50} ms, ${result.deliveredPerSec} deliv/s, lost ${lost} dbl ${doubled} ooo ${outOfOrder}` +
			(sendErrors ? `, send errors ${sendErrors} ${JSON.stringify(errorSamples[0])}` : "") +
			(drainEnd === "time cap" ? " (drain hit its time cap: undelivered counted as lost)" : ""),
	);
	return result;
}
