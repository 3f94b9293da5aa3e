// Idle connections: open `count` room sockets (spread over rooms of up to 250 members) and,
// for the app, `count` realtime sockets (several per user, like tabs and devices), then read
// the RSS of the workerd processes before, after each batch and after an idle wait in which
// the rooms may hibernate. Reports the growth per socket.

import { quiet } from "../lib/schedule.mjs";
import { sleep, workerdTotals } from "../lib/server.mjs";
import { closeAll, countClosed, keepAlive, openSocket } from "../lib/sockets.mjs";
import { round } from "../lib/stats.mjs";
import { mapLimit } from "../lib/targets.mjs";

// Median of three reads half a second apart: RSS moves with GC and allocator churn.
async function mem(server) {
	const reads = [];
	for (let i = 0; i < 3; i++) {
		const t = workerdTotals(server);
		reads.push({ totalKiB: t.rssKiB, runtimeKiB: t.runtimeRssKiB, proxyKiB: t.proxyRssKiB });
		if (i < 2) await sleep(500);
	}
	if (reads[0].totalKiB === null) return reads[0];
	return reads.sort((a, b) => a.totalKiB - b.totalKiB)[1];
}

function perSocket(before, after, n) {
	if (before.totalKiB === null || after.totalKiB === null) return null;
	return {
		totalKiB: round((after.totalKiB - before.totalKiB) / n, 1),
		runtimeKiB: round((after.runtimeKiB - before.runtimeKiB) / n, 1),
		proxyKiB: round((after.proxyKiB - before.proxyKiB) / n, 1),
	};
}

export async function runIdle(
	target,
	{ count, users, server, log, settleMs = 5000, idleMs = 15_000, realtime = true },
) {
	const roomSize = Math.min(250, users.length);
	const rooms = Math.ceil(count / roomSize);
	const roomIds = [];
	for (let r = 0; r < rooms; r++) roomIds.push(await target.createRoom(users.slice(0, roomSize), `bench idle ${r}`));
	let frames = 0;
	let lastFrameAt = 0;
	const onFrame = (_text, at) => {
		frames++;
		lastFrameAt = at;
	};
	// Like a real client, ping every 25 s, or the app rightly drops silent realtime sockets.
	const all = [];
	const stopKeepAlive = keepAlive(all);

	await sleep(1000);
	const before = await mem(server);
	const t0 = performance.now();
	const roomSockets = await mapLimit(
		Array.from({ length: count }, (_, i) => i),
		16,
		async (i) => {
			const ws = await openSocket(
				await target.roomSocketUrl(users[i % roomSize], roomIds[Math.floor(i / roomSize)]),
				onFrame,
			);
			all.push(ws);
			return ws;
		},
	);
	const roomOpenMs = performance.now() - t0;
	await sleep(settleMs);
	const afterRooms = await mem(server);
	let presenceQuietMs = null;

	let realtimeSockets = [];
	let afterRealtime = null;
	let realtimeOpenMs = null;
	if (realtime && target.realtimeSocketUrl) {
		const t1 = performance.now();
		realtimeSockets = await mapLimit(
			Array.from({ length: count }, (_, i) => i),
			16,
			async (i) => {
				const ws = await openSocket(await target.realtimeSocketUrl(users[i % users.length]), onFrame);
				all.push(ws);
				return ws;
			},
		);
		realtimeOpenMs = performance.now() - t1;
		// Users coming online set off presence events to everyone they share a room with.
		presenceQuietMs = await quiet(() => lastFrameAt, 2000, 120_000);
		await sleep(settleMs);
		afterRealtime = await mem(server);
	}
	const framesBeforeIdle = frames;
	await sleep(idleMs);
	const afterIdle = await mem(server);
	stopKeepAlive();
	const closedEarly = countClosed(roomSockets) + countClosed(realtimeSockets);
	closeAll(roomSockets);
	closeAll(realtimeSockets);

	const result = {
		target: target.kind,
		roomSockets: count,
		rooms,
		realtimeSockets: realtimeSockets.length,
		rssKiB: { before, afterRooms, afterRealtime, afterIdle },
		perRoomSocketKiB: perSocket(before, afterRooms, count),
		perRealtimeSocketKiB: afterRealtime ? perSocket(afterRooms, afterRealtime, count) : null,
		perSocketAfterIdleKiB: perSocket(before, afterIdle, count + realtimeSockets.length),
		openMs: {
			room: round(roomOpenMs, 0),
			realtime: round(realtimeOpenMs, 0),
			presenceQuiet: round(presenceQuietMs, 0),
		},
		framesWhileOpening: framesBeforeIdle,
		framesWhileIdle: frames - framesBeforeIdle,
		socketsClosedEarly: closedEarly,
	};
	log?.(
		`  ${target.kind.padEnd(5)} idle: ${count} room sockets +${result.perRoomSocketKiB?.totalKiB} KiB each` +
			(afterRealtime ? `, ${count} realtime sockets +${result.perRealtimeSocketKiB?.totalKiB} KiB each` : "") +
			`, closed early ${closedEarly}`,
	);
	return result;
}
