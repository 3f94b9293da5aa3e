// Realistic: one group of M members, every member with BOTH sockets open (the realtime socket
// and the room socket, each from its own ticket), S of them sending (closed loop, or open loop
// at a fixed rate per sender), and every receiver acknowledging like the UI does, through the
// room socket, on the frames the UI sends (no `ref`, so no acks come back):
//
//   throttled    the new UI: at most one `message:read` (it implies delivered) per
//                conversation per read window (500 ms), with the latest seq, sent at the end
//                of the window that the first unread message opened;
//   per-message  the old UI: `message:delivered` then `message:read` for every message.
//
// The same sockets first run the workload with no receipts at all (phase "none"), so the
// ratio receipts/none comes from one run on one machine state. Per phase: msgs/s,
// send→receive latency on the room sockets (every member, the sender's echo included),
// lost / doubled / out-of-order per room socket, raw frames and events (inside v2 batches)
// received per member per message on both sockets, workerd runtime CPU per message, and the
// room's D1 flushes per second when the dev-only stats route exposes `d1Flushes`.
import { randomUUID } from "node:crypto";
import os from "node:os";
import { FrameCounter } from "../lib/frames.mjs";
import { startProfile, summarise, writeProfile } from "../lib/profile.mjs";
import { drain, driveSenders, quiet } from "../lib/schedule.mjs";
import { sleep, workerdTotals } from "../lib/server.mjs";
import { closeAll, countClosed, keepAlive, openSocket } from "../lib/sockets.mjs";
import { round, Samples } from "../lib/stats.mjs";
import { mapLimit } from "../lib/targets.mjs";
import { benchText, cpuSplit, parseBenchText, Receiver } from "./fanout.mjs";

export const RECEIPT_MODES = ["throttled", "per-message"];

/** "50x1" (closed loop) or "256x5@1" (open loop, 1 msg/s per sender) -> spec. */
export function parseRealisticSpec(text) {
	const m = /^(\d+)[x×](\d+)(?:@([\d.]+))?$/.exec(text.trim());
	if (!m) throw new Error(`bad realistic run "${text}" (MxS for a closed loop, MxS@R for an open loop)`);
	const [members, senders] = [Number(m[1]), Number(m[2])];
	if (senders > members) throw new Error(`realistic run "${text}": more senders than members`);
	return m[3] === undefined
		? { members, senders, mode: "closed", label: `${members}×${senders}` }
		: { members, senders, mode: "open", rate: Number(m[3]), label: `${members}×${senders} @${m[3]}/s` };
}

/** The dev-only room stats (wakes, sockets, and d1Flushes on servers that count them), or null. */
async function roomStats(target, roomId, user) {
	try {
		return await target.roomStats(roomId, user);
	} catch {
		return null;
	}
}

const perMemberMsg = (n, members, messages) => (messages && members ? round(n / (members * messages), 2) : null);

/**
 * opts: { members, senders, mode: "closed"|"open", messages (closed, per sender), rate and
 *         durationS (open), receipts: ["throttled"|"per-message", …], readWindowMs, users,
 *         server, log, label, maxSeconds (closed, per phase), settleMs }
 */
export async function runRealistic(target, opts) {
	const { members, senders, mode, users, server, log } = opts;
	const readWindowMs = opts.readWindowMs ?? 500;
	const roomUsers = users.slice(0, members);
	if (roomUsers.length < members) throw new Error(`realistic: need ${members} users, have ${roomUsers.length}`);
	const roomId = await target.createRoom(roomUsers, `bench realistic ${opts.label}`);

	const state = roomUsers.map((u) => ({
		id: u.id,
		room: new FrameCounter(),
		rt: new FrameCounter(),
		readSeq: 0, // highest seq to report in the current read window
		timer: null,
	}));
	let lastFrameAt = performance.now();
	let ph = null; // the phase being measured; frames outside a phase are only counted

	const sendReceipt = (i, type, seq) => {
		try {
			roomSockets[i].send(JSON.stringify({ type, data: { seq } }));
			ph.receiptFramesSent++;
		} catch {
			ph.receiptSendFailures++;
		}
	};
	const onRoomEvent = (i, f, at) => {
		if (!ph) return;
		if (f.type === "message:new") {
			const m = f.data?.message;
			if (!m || m.conversationId !== roomId) return;
			if (!ph.receivers[i].record(m.seq)) return;
			const b = parseBenchText(m.text);
			if (b && b.runId === ph.runId) {
				ph.recvLatency.add(at - b.t);
				ph.deliveries++;
				ph.lastDeliveryAt = at;
			}
			if (m.senderId === state[i].id || ph.receipts === "none") return;
			if (ph.receipts === "per-message") {
				sendReceipt(i, "message:delivered", m.seq);
				sendReceipt(i, "message:read", m.seq);
			} else {
				const st = state[i];
				st.readSeq = Math.max(st.readSeq, m.seq);
				st.timer ??= setTimeout(() => {
					st.timer = null;
					if (ph) sendReceipt(i, "message:read", st.readSeq);
				}, readWindowMs);
			}
		} else if ((f.type === "ack" || f.type === "error") && f.ref && ph.pending.has(f.ref)) {
			const p = ph.pending.get(f.ref);
			ph.pending.delete(f.ref);
			if (f.type === "ack" && Number.isInteger(f.data?.message?.seq)) {
				ph.ackLatency.add(at - p.t0);
				ph.ackedSeqs.push(f.data.message.seq);
				p.done(true);
			} else {
				ph.errorFrames++;
				if (ph.errorSamples.length < 5) ph.errorSamples.push(f.error ?? f);
				p.done(false);
			}
		}
	};
	const onRoom = (i) => (text, at) => {
		lastFrameAt = at;
		for (const f of state[i].room.count(text)) onRoomEvent(i, f, at);
	};
	const onRealtime = (i) => (text, at) => {
		lastFrameAt = at;
		for (const f of state[i].rt.count(text)) {
			if (ph && f.type === "message:new" && f.data?.message?.conversationId === roomId) {
				const b = parseBenchText(f.data.message.text);
				if (b && b.runId === ph.runId) ph.inboxLatency.add(at - b.t);
			}
		}
	};

	// Both sockets per member, like a UI with this chat open. Realtime sockets first (that is
	// what the app does at start-up), pinged every 25 s like a real client.
	const realtimeSockets = [];
	const roomSockets = [];
	const stopKeepAlive = [keepAlive(realtimeSockets), keepAlive(roomSockets)];
	const tOpen = performance.now();
	await mapLimit(roomUsers, 16, async (u, i) => {
		realtimeSockets[i] = await openSocket(await target.realtimeSocketUrl(u), onRealtime(i));
	});
	const realtimeOpenMs = performance.now() - tOpen;
	const tRoom = performance.now();
	await mapLimit(roomUsers, 16, async (u, i) => {
		roomSockets[i] = await openSocket(await target.roomSocketUrl(u, roomId), onRoom(i));
	});
	const roomOpenMs = performance.now() - tRoom;
	// Presence from the realtime sockets opening: let it die down (no frame for settleMs, at
	// most 120 s) so it is not counted against the messages.
	const settledMs = await quiet(() => lastFrameAt, opts.settleMs ?? 2000, 120_000);
	const setup = {
		realtimeOpenMs: round(realtimeOpenMs, 0),
		roomOpenMs: round(roomOpenMs, 0),
		settleMs: round(settledMs, 0),
		framesPerMember: round(state.reduce((a, s) => a + s.rt.frames + s.room.frames, 0) / members, 1),
		presenceEventsPerMember: round(
			state.reduce((a, s) => a + (s.rt.byType["user:online"] ?? 0) + (s.rt.byType["user:offline"] ?? 0), 0) / members,
			1,
		),
	};

	// Warm-up, not reported: the first messages in a fresh room pay for cold code paths, which
	// would otherwise count against the no-receipts phase that runs first.
	await runPhase("none", { warmup: true });
	await sleep(300);
	const phases = [];
	for (const receipts of ["none", ...opts.receipts]) {
		phases.push(await runPhase(receipts));
		// A phase cut short by its drain cap may leave a backlog: let the sockets go quiet (2 s
		// without a frame, at most 60 s) so the next phase does not count it.
		const since = performance.now();
		await sleep(500);
		await quiet(() => lastFrameAt, 2000, 60_000, { since });
	}
	for (const stop of stopKeepAlive) stop();
	const socketsClosedEarly = countClosed(realtimeSockets) + countClosed(roomSockets);
	closeAll(roomSockets);
	closeAll(realtimeSockets);
	return {
		label: opts.label,
		target: target.kind,
		members,
		senders,
		mode,
		rate: opts.rate ?? null,
		setup,
		phases,
		socketsClosedEarly,
	};

	async function runPhase(receipts, { warmup = false } = {}) {
		const phaseMode = warmup ? "closed" : mode;
		const phaseSenders = warmup ? 1 : senders;
		const phaseMessages = warmup ? Math.min(10, opts.messages ?? 10) : opts.messages;
		for (const s of state) {
			s.room.reset();
			s.rt.reset();
			s.readSeq = 0;
		}
		ph = {
			receipts,
			runId: randomUUID().slice(0, 8),
			receivers: roomUsers.map(() => new Receiver()),
			recvLatency: new Samples(1 << 16),
			inboxLatency: new Samples(1 << 16),
			ackLatency: new Samples(1024),
			pending: new Map(),
			ackedSeqs: [],
			deliveries: 0,
			lastDeliveryAt: 0,
			errorFrames: 0,
			errorSamples: [],
			receiptFramesSent: 0,
			receiptSendFailures: 0,
		};
		const p = ph;
		const ackTimeoutMs = mode === "closed" ? 10_000 : 30_000;
		const send = (s, n, t0) =>
			new Promise((resolve) => {
				const ref = `${p.runId}-${s}-${n}`;
				const entry = { t0, done: null };
				const timer = setTimeout(() => resolve(false), ackTimeoutMs);
				entry.done = (ok) => {
					clearTimeout(timer);
					resolve(ok);
				};
				p.pending.set(ref, entry);
				try {
					roomSockets[s].send(
						JSON.stringify({
							type: "message:send",
							ref,
							data: { clientId: randomUUID(), kind: "text", text: benchText(p.runId, s, n, t0) },
						}),
					);
				} catch (err) {
					p.pending.delete(ref);
					clearTimeout(timer);
					p.errorFrames++;
					if (p.errorSamples.length < 5) p.errorSamples.push({ sendFailed: String(err?.message ?? err) });
					resolve(false);
				}
			});

		const stats0 = await roomStats(target, roomId, roomUsers[0]);
		const profiler = opts.profile && !warmup && server?.inspectorPort ? await startProfile(server.inspectorPort) : null;
		const cpu0 = workerdTotals(server);
		const harness0 = process.cpuUsage();
		const load0 = os.loadavg()[0];
		const wall0 = performance.now();
		const sent = await driveSenders({
			mode: phaseMode,
			senders: phaseSenders,
			wall0,
			send,
			messages: phaseMessages,
			hardStop: wall0 + (opts.maxSeconds ?? 60) * 1000,
			rate: opts.rate,
			durationS: opts.durationS,
		});
		const sendPhaseMs = performance.now() - wall0;
		// Drain: every send answered and every acked seq at every room socket, or 3 s without any
		// frame at all (a server busy with receipts may hold deliveries back for a while), or the
		// cap; whatever has not arrived by then counts as lost.
		const drainEnd = await drain({
			done: () => p.pending.size === 0 && p.receivers.every((r) => r.received >= p.ackedSeqs.length),
			lastFrameAt: () => lastFrameAt,
			sendPhaseEnd: wall0 + sendPhaseMs,
			maxMs: phaseMode === "open" ? 60_000 : 30_000,
		});
		const activeMs = Math.max(p.lastDeliveryAt, wall0 + sendPhaseMs) - wall0;
		// Tail: the last read windows close and the server's receipt coalescing (up to 250 ms)
		// flushes; count what arrives until 1 s passes with no frame (at most 10 s).
		const tailStart = performance.now();
		await sleep(readWindowMs + 300);
		await quiet(() => lastFrameAt, 1000, 10_000, { since: tailStart, pollMs: 100 });
		const cpu1 = workerdTotals(server);
		const harness1 = process.cpuUsage(harness0);
		const profiled = profiler ? await profiler.stop() : null;
		const stats1 = await roomStats(target, roomId, roomUsers[0]);
		const phaseMs = performance.now() - wall0;
		ph = null;
		for (const s of state) {
			if (s.timer) clearTimeout(s.timer);
			s.timer = null;
		}

		if (warmup) return null;
		const acked = p.ackedSeqs.length;
		const unacked = p.pending.size;
		for (const [ref] of p.pending) if (p.errorSamples.length < 5) p.errorSamples.push({ noAck: ref });
		const lost = p.receivers.reduce((a, r) => a + r.missing(p.ackedSeqs), 0);
		const sum = (fn) => state.reduce((a, s) => a + fn(s), 0);
		const byType = {};
		for (const s of state)
			for (const c of [s.room, s.rt]) for (const [t, n] of Object.entries(c.byType)) byType[t] = (byType[t] ?? 0) + n;
		const d1 =
			typeof stats0?.d1Flushes === "number" && typeof stats1?.d1Flushes === "number"
				? stats1.d1Flushes - stats0.d1Flushes
				: null;
		const result = {
			receipts,
			readWindowMs: receipts === "throttled" ? readWindowMs : null,
			sent,
			acked,
			sendErrors: p.errorFrames + unacked,
			errorSamples: p.errorSamples,
			msgsPerSec: round((acked / activeMs) * 1000, 1),
			recv: p.recvLatency.summary(),
			ack: p.ackLatency.summary(),
			inboxMessageNew: p.inboxLatency.summary(),
			lost,
			doubled: p.receivers.reduce((a, r) => a + r.doubled, 0),
			outOfOrder: p.receivers.reduce((a, r) => a + r.outOfOrder, 0),
			drainEnd,
			framesPerMemberPerMessage: perMemberMsg(
				sum((s) => s.room.frames + s.rt.frames),
				members,
				acked,
			),
			eventsPerMemberPerMessage: perMemberMsg(
				sum((s) => s.room.events + s.rt.events),
				members,
				acked,
			),
			roomFramesPerMemberPerMessage: perMemberMsg(
				sum((s) => s.room.frames),
				members,
				acked,
			),
			realtimeFramesPerMemberPerMessage: perMemberMsg(
				sum((s) => s.rt.frames),
				members,
				acked,
			),
			batchFrames: sum((s) => s.room.batches + s.rt.batches),
			eventsPerMemberPerMessageByType: Object.fromEntries(
				Object.entries(byType)
					.sort((a, b) => b[1] - a[1])
					.map(([t, n]) => [t, perMemberMsg(n, members, acked)]),
			),
			receiptFramesSent: p.receiptFramesSent,
			receiptFramesSentPerMemberPerMessage: perMemberMsg(p.receiptFramesSent, members, acked),
			d1Flushes: d1,
			d1FlushesPerSec: d1 === null ? null : round((d1 / phaseMs) * 1000, 2),
			// UserHub RPCs the room made (its inbox deliveries), per message acked: what a big
			// group's list costs besides its sockets.
			hubRpcsPerMessage:
				typeof stats0?.hubDeliveries === "number" && typeof stats1?.hubDeliveries === "number" && acked > 0
					? round((stats1.hubDeliveries - stats0.hubDeliveries) / acked, 1)
					: null,
			roomWakes: typeof stats1?.wakes === "number" && stats0 ? stats1.wakes - stats0.wakes : null,
			statsAvailable: !!stats1,
			wallMs: round(activeMs, 0),
			phaseMs: round(phaseMs, 0),
			...cpuSplit(cpu0, cpu1, acked, p.deliveries),
			// Every frame the members sent the room: sends and receipts.
			runtimeCpuUsPerInboundFrame:
				cpu1.runtimeCpuMs === null || cpu0.pids !== cpu1.pids
					? null
					: round(((cpu1.runtimeCpuMs - cpu0.runtimeCpuMs) * 1000) / Math.max(1, p.receiptFramesSent + sent), 1),
			loadavg1m: [round(load0, 1), round(os.loadavg()[0], 1)],
			profile: profiled ? summarise(profiled) : null,
			// The harness's own share of one core over the phase: near 100 would mean it is the bottleneck.
			harnessCpuPct: round(((harness1.user + harness1.system) / 1000 / phaseMs) * 100, 0),
		};
		log?.(
			`  realistic ${opts.label.padEnd(13)} receipts ${receipts.padEnd(11)} ${result.msgsPerSec} msgs/s, ` +
				`recv p50 ${result.recv.p50} p99 ${result.recv.p99} ms, ${result.framesPerMemberPerMessage} frames ` +
				`(${result.eventsPerMemberPerMessage} events)/member/msg, CPU ${result.runtimeCpuMsPerMessage ?? "n/a"} ms/msg ` +
				`(${result.runtimeCpuUsPerInboundFrame ?? "n/a"} µs/inbound frame), ` +
				`D1 flushes/s ${result.d1FlushesPerSec ?? "n/a"}, hub RPCs/msg ${result.hubRpcsPerMessage ?? "n/a"}, harness CPU ${result.harnessCpuPct}%, lost ${lost} dbl ${result.doubled} ooo ${result.outOfOrder}` +
				(result.sendErrors ? `, send errors ${result.sendErrors} ${JSON.stringify(p.errorSamples[0])}` : "") +
				(drainEnd === "time cap" ? " (drain hit its time cap)" : ""),
		);
		if (profiled && opts.profileDir) {
			const file = `${opts.profileDir}/realistic-${opts.label.replace(/[^\w]+/g, "_")}-${receipts}.cpuprofile`;
			writeProfile(file, profiled);
			log?.(`    profile ${file}`);
		}
		if (result.profile) {
			const { profiledMs, byGroup } = result.profile;
			log?.(`    profiled ${profiledMs} ms of JS: ${byGroup.map(([g, ms]) => `${g} ${ms}`).join(", ")}`);
		}
		return result;
	}
}
