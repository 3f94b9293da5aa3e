// Hibernation: a 2-member room with both room sockets open, one message, then silence.
// Read the room's stats ({ wakes, sockets }), wait idleMs with no frames at all (not even
// pings), read them again. The second read itself touches the room, so if the object was
// evicted in between its constructor ran once more: wakes + 1 with the sockets still open
// (and still working) means the room hibernated.
import { randomUUID } from "node:crypto";
import { eachEvent } from "../lib/frames.mjs";
import { sleep } from "../lib/server.mjs";
import { closeAll, countClosed, openSocket } from "../lib/sockets.mjs";
import { benchText, parseBenchText } from "./fanout.mjs";

export async function runHibernation(target, { users, idleMs = 15_000, log }) {
	const pair = users.slice(0, 2);
	const roomId = await target.createRoom(pair, "bench hibernation");
	const got = [0, 0];
	const runId = randomUUID().slice(0, 8);
	const sockets = await Promise.all(
		pair.map(async (u, i) =>
			openSocket(
				await target.roomSocketUrl(u, roomId),
				eachEvent((f) => {
					if (f.type === "message:new" && parseBenchText(f.data?.message?.text)?.runId === runId) got[i]++;
				}),
			),
		),
	);
	const sendOne = async (n) => {
		sockets[0].send(
			JSON.stringify({
				type: "message:send",
				ref: `h${n}`,
				data: { clientId: randomUUID(), kind: "text", text: benchText(runId, 0, n, performance.now()) },
			}),
		);
		const deadline = Date.now() + 10_000;
		while (Date.now() < deadline && (got[0] < n + 1 || got[1] < n + 1)) await sleep(20);
		return got[0] >= n + 1 && got[1] >= n + 1;
	};
	const deliveredBefore = await sendOne(0);
	const before = await target.roomStats(roomId, pair[0]);
	if (!before) {
		closeAll(sockets);
		log?.(`  ${target.kind.padEnd(5)} hibernation: n/a (no stats endpoint)`);
		return { target: target.kind, available: false, hibernated: null, note: "stats endpoint not available" };
	}
	await sleep(idleMs);
	const after = await target.roomStats(roomId, pair[0]);
	const socketsOpen = 2 - countClosed(sockets);
	const deliveredAfter = await sendOne(1);
	closeAll(sockets);
	const hibernated = !!after && after.wakes === before.wakes + 1 && after.sockets >= 2 && socketsOpen === 2;
	const result = {
		target: target.kind,
		available: true,
		idleMs,
		before,
		after,
		clientSocketsOpen: socketsOpen,
		deliveredBefore,
		deliveredAfterWake: deliveredAfter,
		hibernated,
	};
	log?.(
		`  ${target.kind.padEnd(5)} hibernation: wakes ${before.wakes} -> ${after?.wakes}, sockets ${after?.sockets}, ` +
			`client sockets open ${socketsOpen}, message after wake ${deliveredAfter ? "delivered" : "NOT delivered"}: ` +
			(hibernated ? "hibernated" : "did not hibernate"),
	);
	return result;
}
