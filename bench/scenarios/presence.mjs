// Presence storm: N users who are all members of one group and each have a direct chat with
// two others (a ring: i with i-1 and i+1, so every user has exactly two direct contacts) open
// their realtime sockets at the same moment (tickets fetched beforehand). Reported: time until
// every socket is open, time until presence goes quiet, and the `user:online` /
// `user:offline` events (counted inside v2 batches) and the raw frames carrying them, per
// user. Then the same on close: every other user closes at once (so each remaining user
// loses both direct contacts) and the remaining half counts what it hears; then the rest close.
// The users are fresh for each N (registered by the caller), so no other scenario's
// conversations make extra contacts.

import { FrameCounter } from "../lib/frames.mjs";
import { quiet } from "../lib/schedule.mjs";
import { sleep, workerdTotals } from "../lib/server.mjs";
import { closeAll, countClosed, keepAlive, openSocket } from "../lib/sockets.mjs";
import { round } from "../lib/stats.mjs";
import { mapLimit } from "../lib/targets.mjs";
import { cpuSplit } from "./fanout.mjs";

const PRESENCE = new Set(["user:online", "user:offline"]);

function spread(values) {
	if (!values.length) return { mean: null, max: null };
	const sum = values.reduce((a, v) => a + v, 0);
	return { mean: round(sum / values.length, 2), max: Math.max(...values) };
}

/** Resolves when a socket has closed (the server echoed the close, or the client gave up). */
function closed(ws) {
	return new Promise((resolve) => {
		if (ws.readyState === 3) return resolve({ code: ws.closedInfo?.code ?? null, at: performance.now() });
		ws.addEventListener("close", (ev) => resolve({ code: ev.code, at: performance.now() }));
	});
}

/** opts: { users (fresh, N of them), server, log, quietMs, openTimeoutMs } */
export async function runPresenceStorm(target, { users, server, log, quietMs = 2000, openTimeoutMs = 120_000 }) {
	const n = users.length;
	const tSetup = performance.now();
	await target.createRoom(users, `bench presence ${n}`);
	await mapLimit(users, 8, async (u, i) =>
		target.request("POST", "/conversations", {
			token: u.token,
			body: { type: "direct", userId: users[(i + 1) % n].id },
		}),
	);
	const urls = await mapLimit(users, 16, (u) => target.realtimeSocketUrl(u));
	const setupMs = performance.now() - tSetup;

	const counters = users.map(() => ({ all: new FrameCounter(), presenceEvents: 0, presenceFrames: 0 }));
	let lastPresenceAt = performance.now();
	const onFrame = (i) => (text) => {
		const c = counters[i];
		const events = c.all.count(text);
		let p = 0;
		for (const e of events) if (PRESENCE.has(e.type)) p++;
		if (p) {
			c.presenceEvents += p;
			c.presenceFrames++;
			lastPresenceAt = performance.now();
		}
	};
	const resetCounters = () => {
		for (const c of counters) {
			c.all.reset();
			c.presenceEvents = 0;
			c.presenceFrames = 0;
		}
	};
	const waitQuiet = async (from, capMs) => {
		await quiet(() => Math.max(lastPresenceAt, from), quietMs, capMs, { since: from, pollMs: 100 });
		return Math.max(0, lastPresenceAt - from);
	};

	// The storm: every socket at once.
	const sockets = new Array(n);
	const stopKeepAlive = keepAlive(sockets);
	const cpu0 = workerdTotals(server);
	const t0 = performance.now();
	lastPresenceAt = t0;
	const opened = await Promise.allSettled(
		urls.map(async (url, i) => {
			sockets[i] = await openSocket(url, onFrame(i), { timeoutMs: openTimeoutMs });
			return performance.now() - t0;
		}),
	);
	const openTimes = opened.filter((r) => r.status === "fulfilled").map((r) => r.value);
	const openFailures = opened.filter((r) => r.status === "rejected");
	const allOpenMs = openFailures.length ? null : Math.max(...openTimes);
	const openSettledMs = await waitQuiet(t0, 120_000);
	const cpu1 = workerdTotals(server);
	const openPhase = {
		openedSockets: openTimes.length,
		openFailures: openFailures.length,
		openFailureSample: openFailures[0] ? String(openFailures[0].reason?.message ?? openFailures[0].reason) : null,
		allOpenMs: round(allOpenMs, 0),
		medianOpenMs: round(openTimes.sort((a, b) => a - b)[Math.floor(openTimes.length / 2)], 0),
		presenceSettledMs: round(openSettledMs, 0),
		presenceEventsPerUser: spread(counters.map((c) => c.presenceEvents)),
		presenceFramesPerUser: spread(counters.map((c) => c.presenceFrames)),
		framesPerUser: spread(counters.map((c) => c.all.frames)),
		...cpuSplit(cpu0, cpu1, n, null),
	};
	log?.(
		`  presence-storm ${n} users: all open in ${openPhase.allOpenMs ?? "n/a (some failed)"} ms, presence quiet after ` +
			`${openPhase.presenceSettledMs} ms, presence events/user mean ${openPhase.presenceEventsPerUser.mean} ` +
			`max ${openPhase.presenceEventsPerUser.max} (frames mean ${openPhase.presenceFramesPerUser.mean})` +
			(openFailures.length ? `, ${openFailures.length} failed: ${openPhase.openFailureSample}` : ""),
	);

	// Close: every other user at once; the other half listens.
	await sleep(500);
	resetCounters();
	const leaving = sockets.map((ws, i) => (i % 2 === 1 ? ws : null)).filter(Boolean);
	const staying = sockets.filter((ws, i) => i % 2 === 0 && ws);
	const stayingCounters = counters.filter((_, i) => i % 2 === 0);
	const t1 = performance.now();
	lastPresenceAt = t1;
	const leftDone = Promise.all(leaving.map(closed));
	closeAll(leaving);
	const left = await leftDone;
	const closeMs = Math.max(0, ...left.map((c) => c.at - t1));
	const closeSettledMs = await waitQuiet(t1, 60_000);
	const closePhase = {
		closedSockets: leaving.length,
		allClosedMs: round(closeMs, 0),
		closedWithoutServerEcho: left.filter((c) => c.code !== 1000).length,
		presenceSettledMs: round(closeSettledMs, 0),
		presenceEventsPerRemainingUser: spread(stayingCounters.map((c) => c.presenceEvents)),
		presenceFramesPerRemainingUser: spread(stayingCounters.map((c) => c.presenceFrames)),
		remainingClosedEarly: countClosed(staying),
	};
	const t2 = performance.now();
	const restDone = Promise.all(staying.map(closed));
	stopKeepAlive();
	closeAll(staying);
	const rest = await restDone;
	closePhase.restClosedMs = round(Math.max(0, ...rest.map((c) => c.at - t2)), 0);
	log?.(
		`  presence-storm ${n} users: ${leaving.length} closed in ${closePhase.allClosedMs} ms, offline events per ` +
			`remaining user mean ${closePhase.presenceEventsPerRemainingUser.mean} max ${closePhase.presenceEventsPerRemainingUser.max}; ` +
			`the other ${staying.length} closed in ${closePhase.restClosedMs} ms`,
	);
	return {
		target: target.kind,
		users: n,
		directContactsPerUser: 2,
		setupMs: round(setupMs, 0),
		open: openPhase,
		close: closePhase,
	};
}
