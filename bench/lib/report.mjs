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
