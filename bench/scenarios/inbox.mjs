// Inbox: members who have only their realtime socket open (the conversation list is on
// screen, no room open). One sender with the room socket sends, closed loop; every member's
// realtime socket should get `message:new` (the sender's too: "other devices") and
// `conversation:updated`. Latency is measured from the send time inside the text, which
// `conversation:updated` carries in `conversation.lastMessage`.
import { randomUUID } from "node:crypto";
import { eachEvent, unpack } from "../lib/frames.mjs";
import { quiet } from "../lib/schedule.mjs";
import { sleep, workerdTotals } from "../lib/server.mjs";
import { closeAll, countClosed, keepAlive, openSocket } from "../lib/sockets.mjs";
import { round, Samples } from "../lib/stats.mjs";
import { mapLimit } from "../lib/targets.mjs";
import { benchText, cpuSplit, parseBenchText } from "./fanout.mjs";

export async function runInbox(target, { members, messages, users, server, log, settleMs = 2000 }) {
	const runId = randomUUID().slice(0, 8);
	const roomUsers = users.slice(0, members);
	const roomId = await target.createRoom(roomUsers, "bench inbox");
	const newLatency = new Samples(1 << 15);
	const updLatency = new Samples(1 << 15);
	const perMember = roomUsers.map(() => ({ seen: new Set(), doubled: 0, outOfOrder: 0, lastSeq: 0, updates: 0 }));
	const pending = new Map();
	const ackedSeqs = [];
	let sendErrors = 0;
	let updatesWithoutLastMessage = 0;
	let sending = false;

	let lastFrameAt = performance.now();
	let framesBeforeSend = 0;
	const onRealtime = (i) => (text, at) => {
		lastFrameAt = at;
		if (!sending) framesBeforeSend++;
		// v2 servers may batch frames: every event inside a batch is handled on its own.
		for (const f of unpack(text)) onEvent(i, f, at);
	};
	const onEvent = (i, f, at) => {
		if (f.type === "message:new") {
			const m = f.data?.message;
			if (!m || m.conversationId !== roomId) return;
			const st = perMember[i];
			if (st.seen.has(m.seq)) {
				st.doubled++;
				return;
			}
			st.seen.add(m.seq);
			if (m.seq < st.lastSeq) st.outOfOrder++;
			else st.lastSeq = m.seq;
			const b = parseBenchText(m.text);
			if (b && b.runId === runId) newLatency.add(at - b.t);
		} else if (f.type === "conversation:updated") {
			const c = f.data?.conversation;
			if (!c || c.id !== roomId) return;
			perMember[i].updates++;
			const b = parseBenchText(c.lastMessage?.text);
			if (b && b.runId === runId) updLatency.add(at - b.t);
			else updatesWithoutLastMessage++;
		}
	};

	// Keep-alive from the first socket on: opening 256 realtime sockets can take close to the
	// app's 60 s silence limit.
	const realtime = [];
	const stopKeepAlive = keepAlive(realtime);
	const tOpen = performance.now();
	await mapLimit(roomUsers, 16, async (u, i) => {
		realtime[i] = await openSocket(await target.realtimeSocketUrl(u), onRealtime(i));
	});
	const realtimeOpenMs = performance.now() - tOpen;
	const sender = await openSocket(
		await target.roomSocketUrl(roomUsers[0], roomId),
		eachEvent((f) => {
			if ((f.type === "ack" || f.type === "error") && pending.has(f.ref)) {
				const done = pending.get(f.ref);
				pending.delete(f.ref);
				if (f.type === "ack" && Number.isInteger(f.data?.message?.seq)) ackedSeqs.push(f.data.message.seq);
				else sendErrors++;
				done();
			}
		}),
	);
	// Opening 256 realtime sockets sets off presence (user:online to everyone sharing a
	// conversation); let that die down (no frame for settleMs, at most 120 s) so it is not
	// measured as inbox latency.
	const settledMs = await quiet(() => lastFrameAt, settleMs, 120_000);

	const cpu0 = workerdTotals(server);
	sending = true;
	const t0 = performance.now();
	for (let n = 0; n < messages; n++) {
		const ref = `${runId}-${n}`;
		const now = performance.now();
		await new Promise((resolve) => {
			const timer = setTimeout(() => {
				if (pending.delete(ref)) {
					sendErrors++;
					resolve();
				}
			}, 10_000);
			pending.set(ref, () => {
				clearTimeout(timer);
				resolve();
			});
			sender.send(
				JSON.stringify({
					type: "message:send",
					ref,
					data: { clientId: randomUUID(), kind: "text", text: benchText(runId, 0, n, now) },
				}),
			);
		});
	}
	// Drain: until every member has every acked seq, or 5 s with nothing new (at most 120 s:
	// a slow inbox fan-out is still working through its backlog).
	const deadline = performance.now() + 120_000;
	let lastCount = -1;
	let lastChange = performance.now();
	while (performance.now() < deadline) {
		const total = perMember.reduce((a, s) => a + s.seen.size, 0);
		if (perMember.every((s) => ackedSeqs.every((q) => s.seen.has(q)))) break;
		if (total !== lastCount) {
			lastCount = total;
			lastChange = performance.now();
		} else if (performance.now() - lastChange > 5000) break;
		await sleep(100);
	}
	const cpu1 = workerdTotals(server);
	const wallMs = performance.now() - t0;
	let lost = 0;
	for (const s of perMember) for (const q of ackedSeqs) if (!s.seen.has(q)) lost++;
	const closedEarly = countClosed(realtime) + countClosed([sender]);
	stopKeepAlive();
	closeAll(realtime);
	closeAll([sender]);
	const updates = perMember.reduce((a, s) => a + s.updates, 0);
	const result = {
		target: target.kind,
		members,
		messages,
		acked: ackedSeqs.length,
		sendErrors,
		messageNew: newLatency.summary(),
		conversationUpdated: updLatency.summary(),
		conversationUpdatedPerMessagePerMember: round(updates / Math.max(1, ackedSeqs.length * members), 2),
		updatesWithoutLastMessage,
		lost,
		doubled: perMember.reduce((a, s) => a + s.doubled, 0),
		outOfOrder: perMember.reduce((a, s) => a + s.outOfOrder, 0),
		socketsClosedEarly: closedEarly,
		realtimeOpenMs: round(realtimeOpenMs, 0),
		presenceSettleMs: round(settledMs, 0),
		framesBeforeSend,
		wallMs: round(wallMs, 0),
		...cpuSplit(cpu0, cpu1, ackedSeqs.length, newLatency.count + updLatency.count),
	};
	log?.(
		`  inbox ${members} members: message:new p50 ${result.messageNew.p50} p99 ${result.messageNew.p99} ms, ` +
			`conversation:updated p50 ${result.conversationUpdated.p50} p99 ${result.conversationUpdated.p99} ms, lost ${lost}`,
	);
	return result;
}
