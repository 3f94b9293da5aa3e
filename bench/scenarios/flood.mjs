// Flood: a small group; one member (the sender) sends messages at a steady rate on its room
// socket (open loop: latency counts from the scheduled send time), first for a quiet
// baseline, then again while another member's room socket writes `frames` frames (5,000) as
// fast as it can. Reported: the sender's ack p50/p99 in both phases and their ratio (target:
// the flood at most doubles p99), whether the other members still got every message, what the
// flooding socket got back (acks, errors by code) and whether the server closed it (a v2
// server closes a socket that stays over its frame limit with 1008).
//
// Per-socket frame limits only apply with rate limits on, so by default the bench runs this
// scenario against its own second copy of the app started without RATE_LIMITS=off (see
// run.mjs, --flood-limits).
import { randomUUID } from "node:crypto";
import { FrameCounter, unpack } from "../lib/frames.mjs";
import { sleep, workerdTotals } from "../lib/server.mjs";
import { closeAll, countClosed, openSocket } from "../lib/sockets.mjs";
import { ratio, round, Samples } from "../lib/stats.mjs";
import { mapLimit } from "../lib/targets.mjs";
import { benchText, cpuSplit, parseBenchText, Receiver } from "./fanout.mjs";

export const FLOOD_KINDS = ["typing", "read", "send", "junk"];
export const FLOOD_SOCKETS = ["room", "realtime"];

function floodFrame(kind, i, runId, socket, conversationId) {
	if (kind === "typing") return JSON.stringify({ type: "typing:start", ref: `f${i}` });
	// On the realtime socket a receipt names its conversation and the hub calls the room.
	if (kind === "read")
		return JSON.stringify({
			type: "message:read",
			ref: `f${i}`,
			data: socket === "realtime" ? { conversationId, seq: 1 } : { seq: 1 },
		});
	if (kind === "send")
		return JSON.stringify({
			type: "message:send",
			ref: `f${i}`,
			data: { clientId: randomUUID(), kind: "text", text: `flood|${runId}|${i}` },
		});
	return `not json ${i} ${".".repeat(40)}`;
}

/**
 * opts: { users (>= 3; members of the group), frames, kind, socket ("room"|"realtime": which
 *         of the flooder's sockets floods), rate (sender msgs/s), quietSeconds, floodSeconds,
 *         server, log, limits ("on"|"off", for the record) }
 */
export async function runFlood(target, opts) {
	const { users, server, log } = opts;
	const members = users.length;
	if (members < 3) throw new Error("flood needs at least 3 users");
	const runId = randomUUID().slice(0, 8);
	const roomId = await target.createRoom(users, "bench flood");
	const SENDER = 0;
	const FLOODER = 1;
	let ph = null;
	const receivers = users.map(() => new Receiver());
	const floodIn = new FrameCounter();
	const errorCodes = {};
	let floodAcks = 0;

	const socketKind = opts.socket ?? "room";
	const tally = (f) => {
		if (f.type === "ack") floodAcks++;
		else if (f.type === "error") errorCodes[f.error?.code ?? "?"] = (errorCodes[f.error?.code ?? "?"] ?? 0) + 1;
	};
	const floodsHere = (i) => i === FLOODER && socketKind === "room";
	const onFrame = (i) => (text, at) => {
		for (const f of floodsHere(i) ? floodIn.count(text) : unpack(text)) {
			if (floodsHere(i)) tally(f);
			if (f.type === "message:new") {
				const m = f.data?.message;
				if (m?.conversationId === roomId && parseBenchText(m.text)?.runId === runId) receivers[i].record(m.seq);
			} else if (i === SENDER && ph && (f.type === "ack" || f.type === "error") && ph.pending.has(f.ref)) {
				const p = ph.pending.get(f.ref);
				ph.pending.delete(f.ref);
				if (f.type === "ack" && Number.isInteger(f.data?.message?.seq)) {
					ph.ack.add(at - p.t0);
					ph.points.push([p.t0, at]);
					ph.ackedSeqs.push(f.data.message.seq);
					ph.lastAckAt = at;
				} else ph.errors++;
			}
		}
	};
	const sockets = await mapLimit(users, 8, async (u, i) =>
		openSocket(await target.roomSocketUrl(u, roomId), onFrame(i)),
	);
	const floodWs =
		socketKind === "room"
			? sockets[FLOODER]
			: await openSocket(await target.realtimeSocketUrl(users[FLOODER]), (text) => {
					for (const f of floodIn.count(text)) tally(f);
				});
	let flooderClose = null;
	const tFloodBase = { t: 0 };
	floodWs.addEventListener("close", (ev) => {
		flooderClose = { code: ev.code, reason: ev.reason, afterFloodMs: round(performance.now() - tFloodBase.t, 0) };
	});
	await sleep(300);

	const steady = async (seconds, name, during) => {
		ph = {
			name,
			ack: new Samples(1024),
			points: [],
			pending: new Map(),
			ackedSeqs: [],
			errors: 0,
			lastAckAt: 0,
			sent: 0,
		};
		const p = ph;
		const cpu0 = workerdTotals(server);
		const wall0 = performance.now();
		const period = 1000 / opts.rate;
		const end = wall0 + seconds * 1000;
		let duringResult = null;
		const duringRun = during
			? sleep(period / 2).then(() => {
					duringResult = during();
				})
			: null;
		for (let n = 0, next = wall0; next < end; n++, next += period) {
			await sleep(Math.max(0, next - performance.now()));
			const ref = `${runId}-${name}-${n}`;
			p.pending.set(ref, { t0: next });
			p.sent++;
			try {
				sockets[SENDER].send(
					JSON.stringify({
						type: "message:send",
						ref,
						data: { clientId: randomUUID(), kind: "text", text: benchText(runId, SENDER, n, next) },
					}),
				);
			} catch {
				p.errors++;
				p.pending.delete(ref);
			}
		}
		await duringRun;
		// Drain: every send answered, at most 30 s.
		const deadline = performance.now() + 30_000;
		while (p.pending.size && performance.now() < deadline) await sleep(50);
		const cpu1 = workerdTotals(server);
		ph = null;
		return {
			phase: name,
			sent: p.sent,
			acked: p.ackedSeqs.length,
			unacked: p.pending.size,
			errors: p.errors,
			ack: p.ack.summary(),
			lastAckAfterMs: round(p.lastAckAt - wall0, 0),
			...cpuSplit(cpu0, cpu1, p.ackedSeqs.length, null),
			during: duringResult,
			ackedSeqs: p.ackedSeqs,
			points: p.points,
		};
	};

	// The flood is encoded before the phases start, so that it goes out in one write and the
	// harness's event loop (which also times the sender's acks) is not busy while it does.
	const floodTexts = Array.from({ length: opts.frames }, (_, i) => floodFrame(opts.kind, i, runId, socketKind, roomId));
	const encoded = typeof floodWs.encodeText === "function" ? floodWs.encodeText(floodTexts) : null;
	const quiet = await steady(opts.quietSeconds, "quiet");
	const flood = await steady(opts.floodSeconds, "flood", () => {
		tFloodBase.t = performance.now();
		let written = 0;
		try {
			if (encoded) {
				floodWs.sendEncoded(encoded);
				written = opts.frames;
			} else for (; written < opts.frames; written++) floodWs.send(floodTexts[written]);
		} catch {
			// the socket closed under us
		}
		return {
			framesWritten: written,
			bytes: encoded?.length ?? null,
			oneWrite: !!encoded,
			writeMs: round(performance.now() - tFloodBase.t, 1),
		};
	});
	await sleep(1000);
	const acked = [...quiet.ackedSeqs, ...flood.ackedSeqs];
	let lost = 0;
	for (let i = 0; i < members; i++) {
		if (i === FLOODER && sockets[i].readyState !== 1) continue; // a closed flooder is not expected to receive
		lost += receivers[i].missing(acked);
	}
	const closedEarly = countClosed(sockets.filter((_, i) => i !== FLOODER));
	const flooderOpen = floodWs.readyState === 1;
	const closedByServer = flooderClose; // before our own close below
	closeAll([...sockets, ...(floodWs === sockets[FLOODER] ? [] : [floodWs])]);
	// How long the flood hurt: acks slower than twice the quiet p99, and when the last of them
	// arrived, counted from the moment the flood was written.
	const slowOver = 2 * (quiet.ack.p99 ?? 0);
	const slow = flood.points.filter(([t0, at]) => at - t0 > slowOver);
	flood.slowAcks = slow.length;
	flood.slowAckThresholdMs = round(slowOver, 1);
	flood.lastSlowAckAfterFloodMs = slow.length ? round(Math.max(...slow.map(([, at]) => at)) - tFloodBase.t, 0) : 0;
	for (const r of [quiet, flood]) {
		delete r.ackedSeqs;
		delete r.points;
	}
	const result = {
		target: target.kind,
		limits: opts.limits ?? null,
		members,
		rate: opts.rate,
		floodFrames: opts.frames,
		floodKind: opts.kind,
		floodSocket: socketKind,
		quiet,
		flood,
		ackP99Ratio: ratio(flood.ack.p99, quiet.ack.p99),
		flooder: {
			closedByServer: !!closedByServer,
			close: closedByServer,
			stillOpen: flooderOpen,
			framesReceived: floodIn.frames,
			eventsReceived: floodIn.events,
			acks: floodAcks,
			errorsByCode: errorCodes,
		},
		lost,
		doubled: receivers.reduce((a, r) => a + r.doubled, 0),
		outOfOrder: receivers.reduce((a, r) => a + r.outOfOrder, 0),
		othersClosedEarly: closedEarly,
	};
	log?.(
		`  flood (${opts.frames} ${opts.kind} frames on the ${socketKind} socket, limits ${opts.limits ?? "?"}): sender ack p99 quiet ${quiet.ack.p99} ms, ` +
			`during flood ${flood.ack.p99} ms (${result.ackP99Ratio ?? "n/a"}×), unacked ${flood.unacked}; flooder ` +
			(closedByServer ? `closed (${closedByServer.code}) after ${closedByServer.afterFloodMs} ms` : "not closed") +
			`, got ${floodIn.frames} frames back (${floodAcks} acks, errors ${JSON.stringify(errorCodes)}); lost ${lost}`,
	);
	return result;
}
