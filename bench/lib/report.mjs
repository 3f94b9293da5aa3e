// Turning a run's results into the printed tables, the target verdicts and a markdown
// summary (the same tables docs/benchmarks.md quotes).
import { ratio } from "./stats.mjs";

const fmt = (v, digits = 1) =>
	v === null || v === undefined
		? "n/a"
		: typeof v === "number"
			? Number.isInteger(v)
				? String(v)
				: v.toFixed(digits)
			: String(v);
const x = (r) => (r === null || r === undefined ? "n/a" : `${r.toFixed(2)}×`);

export function table(headers, rows) {
	const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
	const line = (cells) =>
		cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join("  ");
	return [line(headers), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

export function markdownTable(headers, rows) {
	return [
		`| ${headers.join(" | ")} |`,
		`|${headers.map((_, i) => (i === 0 ? "---" : "---:")).join("|")}|`,
		...rows.map((r) => `| ${r.join(" | ")} |`),
	].join("\n");
}

/** Pair app and floor fan-out results by label. */
export function pairFanout(results) {
	const byLabel = new Map();
	for (const r of results) {
		if (!byLabel.has(r.label)) byLabel.set(r.label, {});
		byLabel.get(r.label)[r.target] = r;
	}
	return [...byLabel.entries()].map(([label, p]) => ({ label, app: p.app ?? null, floor: p.floor ?? null }));
}

const FANOUT_HEADERS = [
	"run",
	"target",
	"recv p50",
	"p90",
	"p99",
	"max",
	"ack p50",
	"ack p99",
	"deliv/s",
	"lost",
	"dbl",
	"ooo",
	"errors",
	"CPU µs/deliv",
];

export function fanoutRows(pairs) {
	const rows = [];
	for (const { label, app, floor } of pairs) {
		for (const r of [app, floor]) {
			if (!r) continue;
			rows.push([
				label,
				r.target,
				fmt(r.recv.p50),
				fmt(r.recv.p90),
				fmt(r.recv.p99),
				fmt(r.recv.max),
				fmt(r.ack.p50),
				fmt(r.ack.p99),
				fmt(r.deliveredPerSec, 0),
				r.lost,
				r.doubled,
				r.outOfOrder,
				r.sendErrors,
				fmt(r.runtimeCpuUsPerDelivery),
			]);
		}
		if (app && floor) {
			rows.push([
				label,
				"app/floor",
				x(ratio(app.recv.p50, floor.recv.p50)),
				x(ratio(app.recv.p90, floor.recv.p90)),
				x(ratio(app.recv.p99, floor.recv.p99)),
				x(ratio(app.recv.max, floor.recv.max)),
				x(ratio(app.ack.p50, floor.ack.p50)),
				x(ratio(app.ack.p99, floor.ack.p99)),
				x(ratio(app.deliveredPerSec, floor.deliveredPerSec)),
				"",
				"",
				"",
				"",
				x(ratio(app.runtimeCpuUsPerDelivery, floor.runtimeCpuUsPerDelivery)),
			]);
		}
	}
	return { headers: FANOUT_HEADERS, rows };
}

/** [{ name, target, measured, met: true|false|null }] */
export function evaluateTargets(res) {
	const out = [];
	const fan = [...(res.fanout ?? []), ...(res.openLoop ?? [])];
	const appFan = fan.filter((r) => r.target === "app");
	if (appFan.length) {
		const bad = appFan.reduce((a, r) => a + r.lost + r.doubled + r.outOfOrder + r.sendErrors + r.socketsClosedEarly, 0);
		out.push({
			name: "0 lost / doubled / out-of-order (app fan-out, all runs)",
			target: "0",
			measured: `lost ${sum(appFan, "lost")}, doubled ${sum(appFan, "doubled")}, out-of-order ${sum(appFan, "outOfOrder")}, send errors ${sum(appFan, "sendErrors")}, sockets dropped ${sum(appFan, "socketsClosedEarly")}`,
			met: bad === 0,
		});
	}
	const pairs = pairFanout(res.fanout ?? []);
	for (const label of ["50×5", "256×5"]) {
		const p = pairs.find((q) => q.label === label);
		if (!p?.app) continue;
		const r = ratio(p.app.deliveredPerSec, p.floor?.deliveredPerSec);
		out.push({
			name: `delivered msgs/s at ${label} ≥ 70% of floor`,
			target: "≥ 0.70×",
			measured: `${p.app.deliveredPerSec} vs ${p.floor?.deliveredPerSec ?? "n/a"} (${x(r)})`,
			met: r === null ? null : r >= 0.7,
		});
	}
	for (const p of [...pairs, ...pairFanout(res.openLoop ?? [])]) {
		if (!p.app) continue;
		const r = ratio(p.app.recv.p99, p.floor?.recv.p99);
		// A floor that could not keep up (sends left unanswered) is no yardstick for a ratio.
		const floorFell = (p.floor?.sendErrors ?? 0) > 0;
		out.push({
			name: `send→receive p99 ≤ 1.5× floor (${p.label})`,
			target: "≤ 1.50×",
			measured: `${fmt(p.app.recv.p99)} ms vs ${fmt(p.floor?.recv.p99)} ms (${x(r)})${floorFell ? "; the floor itself fell over" : ""}`,
			met: r === null || floorFell ? null : r <= 1.5,
		});
	}
	for (const r of res.openLoop ?? []) {
		out.push({
			name: `open loop ${r.label} p99 < 100 ms (${r.target})`,
			target: "< 100 ms",
			measured: `${fmt(r.recv.p99)} ms`,
			met: r.recv.p99 === undefined ? null : r.recv.p99 < 100,
		});
	}
	out.push(...realisticTargets(res.realistic ?? []));
	for (const r of res.presenceStorm ?? []) {
		out.push({
			name: `presence storm ${r.users} users: every realtime socket open within 5 s`,
			target: "≤ 5000 ms",
			measured:
				r.open.allOpenMs === null
					? `${r.open.openFailures} of ${r.users} failed to open`
					: `${fmt(r.open.allOpenMs)} ms (presence quiet after ${fmt(r.open.presenceSettledMs)} ms)`,
			met: r.open.allOpenMs === null ? false : r.open.allOpenMs <= 5000,
		});
		out.push({
			name: `presence storm ${r.users} users: ≤ 5 presence events per user (mean)`,
			target: "≤ 5",
			measured: `mean ${fmt(r.open.presenceEventsPerUser.mean, 2)}, max ${fmt(r.open.presenceEventsPerUser.max)} (raw frames mean ${fmt(r.open.presenceFramesPerUser.mean, 2)})`,
			met: r.open.presenceEventsPerUser.mean === null ? null : r.open.presenceEventsPerUser.mean <= 5,
		});
	}
	for (const f of res.flood ?? []) {
		out.push({
			name: `flood (${f.floodFrames} ${f.floodKind} frames on ${f.floodSocket ?? "room"}, limits ${f.limits}): sender ack p99 ≤ 2× quiet`,
			target: "≤ 2.00×",
			measured: `${fmt(f.flood.ack.p99)} ms vs ${fmt(f.quiet.ack.p99)} ms (${x(f.ackP99Ratio)}), unanswered ${f.flood.unacked}`,
			met: f.ackP99Ratio === null ? null : f.ackP99Ratio <= 2 && f.flood.unacked === 0,
		});
		out.push({
			name: "flood: another member's ack p99 ≤ 250 ms during the flood",
			target: "≤ 250 ms",
			measured: `${fmt(f.flood.ack.p99)} ms (quiet ${fmt(f.quiet.ack.p99)} ms)`,
			met: f.flood.ack.p99 === undefined ? null : f.flood.ack.p99 <= 250 && f.flood.unacked === 0,
		});
		out.push({
			name: "flood: the flooding socket is closed (1008)",
			target: "closed, 1008",
			measured: f.flooder.closedByServer
				? `closed with ${f.flooder.close.code} after ${f.flooder.close.afterFloodMs} ms`
				: `not closed (${f.flooder.framesReceived} frames back)`,
			met: f.flooder.closedByServer && f.flooder.close.code === 1008,
		});
		out.push({
			name: "flood: other members lose nothing",
			target: "0",
			measured: `lost ${f.lost}, doubled ${f.doubled}, out-of-order ${f.outOfOrder}, sockets dropped ${f.othersClosedEarly}`,
			met: f.lost + f.doubled + f.outOfOrder + f.othersClosedEarly === 0,
		});
	}
	if (res.rest) {
		out.push({
			name: `conversation list (${res.rest.conversations} convs) p99 < 50 ms`,
			target: "< 50 ms",
			measured: `${fmt(res.rest.list.p99)} ms (p50 ${fmt(res.rest.list.p50)})`,
			met: res.rest.list.p99 < 50,
		});
		out.push({
			name: "history page p99 < 30 ms",
			target: "< 30 ms",
			measured: `${fmt(res.rest.history.p99)} ms (p50 ${fmt(res.rest.history.p50)})`,
			met: res.rest.history.p99 < 30,
		});
	}
	const hib = (res.hibernation ?? []).find((h) => h.target === "app");
	if (hib) {
		out.push({
			name: "an idle room hibernates with sockets still open",
			target: "wakes +1, sockets open",
			measured: hib.available
				? `wakes ${hib.before.wakes} → ${hib.after?.wakes}, server sockets ${hib.after?.sockets}, client sockets open ${hib.clientSocketsOpen}, delivery after wake: ${hib.deliveredAfterWake ? "yes" : "no"}`
				: "n/a (GET /api/v1/debug/rooms/:id/stats not available)",
			met: hib.available ? hib.hibernated : null,
		});
	}
	return out;
}

function realisticTargets(runs) {
	const out = [];
	const phases = runs.flatMap((r) => r.phases.map((p) => ({ ...p, run: r })));
	if (phases.length) {
		const bad = phases.reduce((a, p) => a + p.lost + p.doubled + p.outOfOrder + p.sendErrors, 0);
		const dropped = runs.reduce((a, r) => a + r.socketsClosedEarly, 0);
		out.push({
			name: "0 lost / doubled / out-of-order (realistic, all phases)",
			target: "0",
			measured: `lost ${sum(phases, "lost")}, doubled ${sum(phases, "doubled")}, out-of-order ${sum(phases, "outOfOrder")}, send errors ${sum(phases, "sendErrors")}, sockets dropped ${dropped}`,
			met: bad + dropped === 0,
		});
	}
	for (const r of runs) {
		const none = r.phases.find((p) => p.receipts === "none");
		for (const p of r.phases) {
			if (p.receipts === "none") continue;
			const tag = `realistic ${r.label}, receipts ${p.receipts}`;
			if (r.mode === "closed") {
				const m = ratio(p.msgsPerSec, none?.msgsPerSec);
				out.push({
					name: `${tag}: msgs/s ≥ 60% of no receipts`,
					target: "≥ 0.60×",
					measured: `${fmt(p.msgsPerSec)} vs ${fmt(none?.msgsPerSec)} (${x(m)})`,
					met: m === null ? null : m >= 0.6,
				});
				const q = ratio(p.recv.p99, none?.recv.p99);
				out.push({
					name: `${tag}: send→receive p99 ≤ 2× no receipts`,
					target: "≤ 2.00×",
					measured: `${fmt(p.recv.p99)} ms vs ${fmt(none?.recv.p99)} ms (${x(q)})`,
					met: q === null ? null : q <= 2,
				});
			} else {
				// Issue 19: a burst (20 msgs/s in all) may take longer, more so with per-message receipts.
				const burst = r.senders * (r.rate ?? 0) >= 20;
				const limit = !burst ? 250 : p.receipts === "per-message" ? 1000 : 500;
				out.push({
					name: `${tag}: send→receive p99 < ${limit} ms`,
					target: `< ${limit} ms`,
					measured: `${fmt(p.recv.p99)} ms (p50 ${fmt(p.recv.p50)})`,
					met: p.recv.p99 === undefined ? null : p.recv.p99 < limit,
				});
				out.push({
					name: `${tag}: 0 lost, doubled, out of order or unanswered`,
					target: "0",
					measured: `lost ${p.lost}, doubled ${p.doubled}, out-of-order ${p.outOfOrder}, send errors ${p.sendErrors}`,
					met: p.lost + p.doubled + p.outOfOrder + p.sendErrors === 0,
				});
				if (r.members >= 256 && !burst && p.receipts === "throttled") {
					out.push({
						name: `${tag}: runtime CPU ≤ 50 ms per message`,
						target: "≤ 50 ms",
						measured: `${fmt(p.runtimeCpuMsPerMessage, 1)} ms`,
						met: p.runtimeCpuMsPerMessage === null ? null : p.runtimeCpuMsPerMessage <= 50,
					});
				}
				out.push({
					name: `${tag}: ≤ 2 frames per member per message`,
					target: "≤ 2",
					measured: `${fmt(p.framesPerMemberPerMessage, 2)} frames (${fmt(p.eventsPerMemberPerMessage, 2)} events)`,
					met: p.framesPerMemberPerMessage === null ? null : p.framesPerMemberPerMessage <= 2,
				});
			}
			// Averaged over the phase: a burst inside a second would not show here.
			out.push({
				name: `${tag}: D1 flushes ≤ 4/s for the room (avg; ≤ 1 per 250 ms)`,
				target: "≤ 4/s",
				measured:
					p.d1FlushesPerSec === null
						? "n/a (no d1Flushes in GET /api/v1/debug/rooms/:id/stats)"
						: `${fmt(p.d1FlushesPerSec, 2)}/s (${p.d1Flushes} in ${fmt(p.phaseMs / 1000)} s)`,
				met: p.d1FlushesPerSec === null ? null : p.d1FlushesPerSec <= 4,
			});
		}
	}
	return out;
}

function sum(list, k) {
	return list.reduce((a, r) => a + (r[k] ?? 0), 0);
}

const verdict = (m) => (m === true ? "met" : m === false ? "MISSED" : "n/a");

export function targetRows(targets) {
	return {
		headers: ["target", "goal", "measured", "verdict"],
		rows: targets.map((t) => [t.name, t.target, t.measured, verdict(t.met)]),
	};
}

export function inboxRows(inbox) {
	return {
		headers: ["members", "event", "count", "p50", "p90", "p99", "max", "lost", "dbl", "ooo"],
		rows: inbox.flatMap((r) => [
			[
				r.members,
				"message:new",
				r.messageNew.count,
				fmt(r.messageNew.p50),
				fmt(r.messageNew.p90),
				fmt(r.messageNew.p99),
				fmt(r.messageNew.max),
				r.lost,
				r.doubled,
				r.outOfOrder,
			],
			[
				r.members,
				"conversation:updated",
				r.conversationUpdated.count,
				fmt(r.conversationUpdated.p50),
				fmt(r.conversationUpdated.p90),
				fmt(r.conversationUpdated.p99),
				fmt(r.conversationUpdated.max),
				"",
				"",
				"",
			],
		]),
	};
}

export function idleRows(idle) {
	const kib = (v) => (v === null || v === undefined ? "n/a" : `${(v / 1024).toFixed(1)} MiB`);
	return {
		headers: [
			"target",
			"sockets",
			"RSS before",
			"after room",
			"after realtime",
			"after idle",
			"KiB/room socket",
			"KiB/realtime socket",
		],
		rows: idle.map((r) => [
			r.target,
			`${r.roomSockets} room + ${r.realtimeSockets} realtime`,
			kib(r.rssKiB.before.totalKiB),
			kib(r.rssKiB.afterRooms.totalKiB),
			kib(r.rssKiB.afterRealtime?.totalKiB),
			kib(r.rssKiB.afterIdle.totalKiB),
			fmt(r.perRoomSocketKiB?.totalKiB),
			fmt(r.perRealtimeSocketKiB?.totalKiB),
		]),
	};
}

export function restRows(rest) {
	return {
		headers: ["request", "samples", "p50", "p90", "p99", "max", "items", "runtime CPU ms/req"],
		rows: [
			[
				`GET /conversations?limit=50 (${rest.conversations} convs)`,
				rest.list.count,
				fmt(rest.list.p50),
				fmt(rest.list.p90),
				fmt(rest.list.p99),
				fmt(rest.list.max),
				rest.list.itemsReturned,
				fmt(rest.list.runtimeCpuMsPerRequest),
			],
			[
				`GET /conversations/:id/messages?limit=50 (${rest.historyMessages} msgs)`,
				rest.history.count,
				fmt(rest.history.p50),
				fmt(rest.history.p90),
				fmt(rest.history.p99),
				fmt(rest.history.max),
				rest.history.itemsReturned,
				fmt(rest.history.runtimeCpuMsPerRequest),
			],
		],
	};
}

export function hibernationRows(hib) {
	return {
		headers: [
			"target",
			"wakes before",
			"wakes after",
			"server sockets",
			"client sockets open",
			"delivered after wake",
			"hibernated",
		],
		rows: hib.map((h) =>
			h.available
				? [
						h.target,
						h.before.wakes,
						h.after?.wakes ?? "n/a",
						h.after?.sockets ?? "n/a",
						h.clientSocketsOpen,
						h.deliveredAfterWake ? "yes" : "no",
						h.hibernated ? "yes" : "no",
					]
				: [h.target, "n/a", "n/a", "n/a", "n/a", "n/a", "n/a (no stats endpoint)"],
		),
	};
}

export function realisticRows(runs) {
	const rows = [];
	for (const r of runs) {
		const none = r.phases.find((p) => p.receipts === "none");
		for (const p of r.phases) {
			rows.push([
				r.label,
				p.receipts,
				fmt(p.msgsPerSec),
				fmt(p.recv.p50),
				fmt(p.recv.p99),
				fmt(p.ack.p99),
				fmt(p.inboxMessageNew.p99),
				`${p.lost}/${p.doubled}/${p.outOfOrder}`,
				fmt(p.framesPerMemberPerMessage, 2),
				fmt(p.eventsPerMemberPerMessage, 2),
				fmt(p.receiptFramesSentPerMemberPerMessage, 2),
				fmt(p.runtimeCpuMsPerMessage, 2),
				fmt(p.runtimeCpuUsPerInboundFrame, 0),
				fmt(p.d1FlushesPerSec, 2),
			]);
			if (p !== none && none) {
				rows.push([
					r.label,
					`${p.receipts}/none`,
					x(ratio(p.msgsPerSec, none.msgsPerSec)),
					x(ratio(p.recv.p50, none.recv.p50)),
					x(ratio(p.recv.p99, none.recv.p99)),
					x(ratio(p.ack.p99, none.ack.p99)),
					x(ratio(p.inboxMessageNew.p99, none.inboxMessageNew.p99)),
					"",
					x(ratio(p.framesPerMemberPerMessage, none.framesPerMemberPerMessage)),
					x(ratio(p.eventsPerMemberPerMessage, none.eventsPerMemberPerMessage)),
					"",
					x(ratio(p.runtimeCpuMsPerMessage, none.runtimeCpuMsPerMessage)),
					marginal(p, none),
					"",
				]);
			}
		}
	}
	return {
		headers: [
			"run",
			"receipts",
			"msgs/s",
			"recv p50",
			"recv p99",
			"ack p99",
			"inbox p99",
			"lost/dbl/ooo",
			"frames/member/msg",
			"events/member/msg",
			"receipts sent/member/msg",
			"runtime CPU ms/msg",
			"CPU µs/inbound frame (ratio row: µs added per receipt)",
			"D1 flushes/s",
		],
		rows,
	};
}

/** What one receipt frame adds: the phase's runtime CPU above the no-receipts phase's, per message, per receipt. */
function marginal(p, none) {
	if (
		p.runtimeCpuMsPerMessage == null ||
		none.runtimeCpuMsPerMessage == null ||
		!p.receiptFramesSentPerMemberPerMessage
	)
		return "";
	const perMsgUs = (p.runtimeCpuMsPerMessage - none.runtimeCpuMsPerMessage) * 1000;
	const receiptsPerMsg = p.receiptFramesSent / Math.max(1, p.acked);
	return `+${fmt(perMsgUs / receiptsPerMsg, 0)}`;
}

/** Which event types make up the frames, per member per message. */
export function realisticTypeRows(runs) {
	const rows = [];
	for (const r of runs)
		for (const p of r.phases)
			rows.push([
				r.label,
				p.receipts,
				Object.entries(p.eventsPerMemberPerMessageByType)
					.map(([t, n]) => `${t} ${n}`)
					.join(", ") || "none",
				p.batchFrames,
			]);
	return { headers: ["run", "receipts", "events per member per message, by type", "batch frames"], rows };
}

export function presenceRows(list) {
	return {
		headers: [
			"users",
			"all open ms",
			"presence quiet ms",
			"presence events/user mean",
			"max",
			"presence frames/user mean",
			"half closed ms",
			"offline events/remaining user mean",
			"max",
			"rest closed ms",
			"runtime CPU ms/user",
		],
		rows: list.map((r) => [
			r.users,
			r.open.allOpenMs === null ? `n/a (${r.open.openFailures} failed)` : fmt(r.open.allOpenMs),
			fmt(r.open.presenceSettledMs),
			fmt(r.open.presenceEventsPerUser.mean, 2),
			fmt(r.open.presenceEventsPerUser.max),
			fmt(r.open.presenceFramesPerUser.mean, 2),
			fmt(r.close.allClosedMs),
			fmt(r.close.presenceEventsPerRemainingUser.mean, 2),
			fmt(r.close.presenceEventsPerRemainingUser.max),
			fmt(r.close.restClosedMs),
			fmt(r.open.runtimeCpuMsPerMessage, 2),
		]),
	};
}

export function floodRows(list) {
	return {
		headers: [
			"limits",
			"flood",
			"quiet ack p50",
			"p99",
			"flood ack p50",
			"p99",
			"max",
			"p99 ratio",
			"slow acks (> 2× quiet p99)",
			"unanswered",
			"flooder closed",
			"frames back to flooder",
			"lost",
			"runtime CPU ms quiet / flood",
		],
		rows: list.map((f) => [
			f.limits,
			`${f.floodFrames} ${f.floodKind} on ${f.floodSocket ?? "room"} in ${fmt(f.flood.during?.writeMs)} ms`,
			fmt(f.quiet.ack.p50),
			fmt(f.quiet.ack.p99),
			fmt(f.flood.ack.p50),
			fmt(f.flood.ack.p99),
			fmt(f.flood.ack.max),
			x(f.ackP99Ratio),
			`${f.flood.slowAcks ?? "n/a"} of ${f.flood.acked}, last ${fmt(f.flood.lastSlowAckAfterFloodMs)} ms after the flood`,
			f.flood.unacked,
			f.flooder.closedByServer ? `${f.flooder.close.code} after ${f.flooder.close.afterFloodMs} ms` : "no",
			`${f.flooder.framesReceived} (${f.flooder.acks} acks, errors ${
				Object.entries(f.flooder.errorsByCode)
					.map(([c, n]) => `${c} ${n}`)
					.join(", ") || "none"
			})`,
			f.lost,
			`${fmt(f.quiet.runtimeCpuMs)} / ${fmt(f.flood.runtimeCpuMs)}`,
		]),
	};
}

export function breakdownRows(list) {
	return {
		headers: [
			"run",
			"target",
			"recv p50",
			"p99",
			"ack p50",
			"ack p99",
			"deliv/s",
			"runtime CPU ms/msg",
			"CPU µs/deliv",
			"lost+dbl+ooo",
		],
		rows: list.map((r) => [
			r.label,
			r.target,
			fmt(r.recv.p50),
			fmt(r.recv.p99),
			fmt(r.ack.p50),
			fmt(r.ack.p99),
			fmt(r.deliveredPerSec, 0),
			fmt(r.runtimeCpuMsPerMessage, 2),
			fmt(r.runtimeCpuUsPerDelivery),
			r.lost + r.doubled + r.outOfOrder,
		]),
	};
}

/** All sections as [{ title, headers, rows }] in print order. */
export function sections(res) {
	const out = [];
	if (res.fanout?.length)
		out.push({
			title: "Fan-out, closed loop (ms; members×senders, 200 msgs per sender unless --messages)",
			...fanoutRows(pairFanout(res.fanout)),
		});
	if (res.openLoop?.length)
		out.push({
			title: "Fan-out, open loop (ms, from the scheduled send time)",
			...fanoutRows(pairFanout(res.openLoop)),
		});
	if (res.inbox?.length) out.push({ title: "Inbox: realtime socket only (ms)", ...inboxRows(res.inbox) });
	if (res.realistic?.length) {
		out.push({
			title:
				"Realistic: both sockets per member, receivers acknowledge like the UI (ms; frames counted on both sockets)",
			...realisticRows(res.realistic),
		});
		out.push({ title: "Realistic: events received, by type", ...realisticTypeRows(res.realistic) });
	}
	if (res.presenceStorm?.length)
		out.push({ title: "Presence storm: realtime sockets opened at once (ms)", ...presenceRows(res.presenceStorm) });
	if (res.flood?.length)
		out.push({ title: "Flood: one socket floods, another member sends steadily (ms)", ...floodRows(res.flood) });
	if (res.rest) out.push({ title: "REST (ms, one request in flight)", ...restRows(res.rest) });
	if (res.idle?.length) out.push({ title: "Idle connections (workerd RSS, proxy + runtime)", ...idleRows(res.idle) });
	if (res.hibernation?.length) out.push({ title: "Hibernation", ...hibernationRows(res.hibernation) });
	if (res.breakdown?.length)
		out.push({ title: "Breakdown: the floor with storage added, closed loop (ms)", ...breakdownRows(res.breakdown) });
	if (res.targets?.length) out.push({ title: "Targets", ...targetRows(res.targets) });
	return out;
}

export function printSections(res, write = console.log) {
	for (const s of sections(res)) write(`\n${s.title}\n${table(s.headers, s.rows)}`);
}

export function markdown(res) {
	const m = res.meta;
	const head = [
		`Run ${m.startedAt} — commit ${m.git.commit?.slice(0, 10) ?? "?"}${m.git.appFilesDirty ? " (+ uncommitted app changes)" : ""}, ` +
			`${m.machine.cpus} cores (${m.machine.cpuModel}), ${m.machine.memGiB} GiB, Node ${m.node}, ${m.wrangler}, ` +
			`client ${m.client}, load average at start ${m.loadavgStart.join(" / ")}, duration ${m.durationS} s.`,
	];
	return [...head, ...sections(res).map((s) => `\n**${s.title}**\n\n${markdownTable(s.headers, s.rows)}`)].join("\n");
}
