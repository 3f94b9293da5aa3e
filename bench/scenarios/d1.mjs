// Issue 21: what D1 pays per message now that messages live only in their rooms.
//
// d1-growth: `conversations` groups of 4 (from a pool of bench users) each get
// `perConversation` messages over room sockets (the sender's socket pipelines them; acks come
// from the room's log). D1's size is read before and after (VACUUM INTO a copy of the bench's
// local D1 file, as the issue measured), and every room's dev stats give the D1 statements and
// rows it wrote (D1's meta.rows_written) and the rows its own SQLite changed. A 2-person chat
// then sends `directMessages` over REST with the other person reading each one (POST /read, as a
// client with the chat open does; reading implies delivery), for D1 rows written per message there.
//
// many-rooms: `rooms` groups of 4 to 8 members (from a pool of at most 300 students), like the UI:
// every user's realtime socket open, every member with the chat open on a room socket that reads
// what arrives with the UI's throttled receipts (one `message:read` per chat per 500 ms window,
// with the latest seq), one sender per room at `ratePerRoom` messages a second for `seconds`;
// meanwhile a member of `listRooms` of them loads GET /conversations every 200 ms. D1 statements
// a second from the rooms' outboxes (the rooms' dev stats), rows per message, the list's latency.
import fs from "node:fs";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { closeAll, openSocket } from "../lib/sockets.mjs";
import { round, Samples } from "../lib/stats.mjs";
import { mapLimit } from "../lib/targets.mjs";

/** The local D1's SQLite file under wrangler's persist directory. */
function d1File(persist) {
	const dir = path.join(persist, "v3", "d1", "miniflare-D1DatabaseObject");
	const files = fs.readdirSync(dir).filter((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite");
	if (files.length !== 1) throw new Error(`d1: expected one D1 file in ${dir}, found ${files.join(", ")}`);
	return path.join(dir, files[0]);
}

/** Bytes of a vacuumed copy of the D1 file, and its row counts of the tables that grow. */
function d1Size(persist, workDir) {
	const copy = path.join(workDir, `d1-copy-${Date.now()}.sqlite`);
	const db = new DatabaseSync(d1File(persist));
	try {
		db.exec(`VACUUM INTO '${copy.replaceAll("'", "''")}'`);
	} finally {
		db.close();
	}
	const bytes = fs.statSync(copy).size;
	const c = new DatabaseSync(copy, { readOnly: true });
	const count = (t) => {
		try {
			return c.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get().n;
		} catch {
			return null;
		}
	};
	const rows = {
		conversations: count("conversations"),
		participants: count("participants"),
		messages: count("messages"),
	};
	c.close();
	fs.rmSync(copy);
	return { bytes, rows };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Sum of the rooms' dev stats. */
async function roomTotals(target, rooms) {
	const stats = await mapLimit(rooms, 8, async ({ id, user }) => target.roomStats(id, user).catch(() => null));
	const sum = (k) => stats.reduce((t, s) => t + (s?.[k] ?? 0), 0);
	return {
		answered: stats.filter((s) => s !== null).length,
		d1Statements: sum("d1Statements"),
		d1RowsWritten: sum("d1RowsWritten"),
		doRowsChanged: sum("doRowsChanged"),
		d1Flushes: sum("d1Flushes"),
	};
}

/** Sends `count` texts on one room socket, `window` outstanding at a time; resolves when all are acked. */
function sendBurst(ws, pending, count, tag, window = 16) {
	return new Promise((resolve, reject) => {
		let sent = 0;
		let acked = 0;
		const next = () => {
			while (sent < count && sent - acked < window) {
				const ref = `${tag}-${sent}`;
				pending.set(ref, () => {
					acked += 1;
					if (acked === count) resolve();
					else next();
				});
				ws.send(
					JSON.stringify({
						type: "message:send",
						ref,
						data: { clientId: ref, kind: "text", text: `campus message ${sent} about the lab and the exam tomorrow` },
					}),
				);
				sent += 1;
			}
		};
		setTimeout(() => reject(new Error(`d1: ${tag} not acked in time (${acked}/${count})`)), 120_000);
		next();
	});
}

export async function runD1Growth(target, { conversations, perConversation, directMessages, persist, workDir, log }) {
	const pool = await target.registerUsers(Math.min(200, conversations * 2 + 4), { prefix: "d1-" });
	const groups = Array.from({ length: conversations }, (_, c) =>
		[0, 1, 2, 3].map((k) => pool[(c * 3 + k * 7) % pool.length]),
	);
	const uniq = (g) => [...new Map(g.map((u) => [u.id, u])).values()];
	const t0 = performance.now();
	const rooms = await mapLimit(groups, 8, async (g) => {
		const members = uniq(g);
		return { id: await target.createRoom(members, "d1 growth"), user: members[0] };
	});
	log?.(`  created ${rooms.length} groups in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
	await sleep(1500);
	const before = d1Size(persist, workDir);
	const statsBefore = await roomTotals(target, rooms);
	const t1 = performance.now();
	await mapLimit(rooms, 24, async (room, i) => {
		const pending = new Map();
		const ws = await openSocket(await target.roomSocketUrl(room.user, room.id), (text) => {
			const frame = JSON.parse(text);
			const frames = frame.type === "batch" ? frame.data : [frame];
			for (const f of frames) {
				if (f.type === "ack" || f.type === "error") pending.get(f.ref)?.();
			}
		});
		try {
			await sendBurst(ws, pending, perConversation, `g${i}`);
		} finally {
			closeAll([ws]);
		}
	});
	const sendSeconds = (performance.now() - t1) / 1000;
	const messages = rooms.length * perConversation;
	log?.(`  sent ${messages} messages in ${sendSeconds.toFixed(1)} s`);
	await sleep(3000);
	const after = d1Size(persist, workDir);
	const statsAfter = await roomTotals(target, rooms);
	const delta = (k) => statsAfter[k] - statsBefore[k];

	// A 2-person chat over REST, the other person reading each message as it arrives.
	const [a, b] = await target.registerUsers(2, { prefix: "d1-pair-" });
	const { conversation } = await target.request("POST", "/conversations", {
		token: a.token,
		body: { type: "direct", userId: b.id },
	});
	const pairBefore = await roomTotals(target, [{ id: conversation.id, user: a }]);
	for (let i = 0; i < directMessages; i++) {
		const { message } = await target.request("POST", `/conversations/${conversation.id}/messages`, {
			token: a.token,
			body: { clientId: `pair-${i}`, kind: "text", text: `hello ${i}` },
		});
		await target.request("POST", `/conversations/${conversation.id}/read`, {
			token: b.token,
			body: { seq: message.seq },
		});
	}
	await sleep(1000);
	const pairAfter = await roomTotals(target, [{ id: conversation.id, user: a }]);

	const result = {
		conversations: rooms.length,
		messages,
		sendSeconds: round(sendSeconds, 1),
		d1BytesBefore: before.bytes,
		d1BytesAfter: after.bytes,
		d1RowsBefore: before.rows,
		d1RowsAfter: after.rows,
		d1BytesPerMessage: round((after.bytes - before.bytes) / messages, 2),
		d1StatementsPerMessage: round(delta("d1Statements") / messages, 3),
		d1RowsWrittenPerMessage: round(delta("d1RowsWritten") / messages, 3),
		doRowsChangedPerMessage: round(delta("doRowsChanged") / messages, 2),
		directMessages,
		directD1RowsWrittenPerMessage: round((pairAfter.d1RowsWritten - pairBefore.d1RowsWritten) / directMessages, 2),
		directD1StatementsPerMessage: round((pairAfter.d1Statements - pairBefore.d1Statements) / directMessages, 2),
		directDoRowsChangedPerMessage: round((pairAfter.doRowsChanged - pairBefore.doRowsChanged) / directMessages, 2),
	};
	log?.(`  ${JSON.stringify(result)}`);
	return result;
}

export async function runManyRooms(target, { rooms, ratePerRoom, seconds, listRooms, readWindowMs = 500, log }) {
	const sizes = Array.from({ length: rooms }, (_, i) => 4 + (i % 5));
	// Students are in several groups: a pool of at most 300 people, each group of distinct members.
	const people = Math.min(300, sizes.reduce((t, n) => t + n, 0) + 1);
	const t0 = performance.now();
	const users = await target.registerUsers(people, { prefix: "many-" });
	const [lister, ...pool] = users;
	log?.(`  registered ${users.length} users in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
	let next = 0;
	const groups = sizes.map((n, i) => {
		const members = [];
		while (members.length < n - 1) {
			const u = pool[next++ % pool.length];
			if (!members.includes(u)) members.push(u);
		}
		return i < listRooms
			? [lister, ...members]
			: [...members, pool[next++ % pool.length]].filter((u, k, all) => all.indexOf(u) === k);
	});
	const roomList = await mapLimit(groups, 8, async (members) => ({
		id: await target.createRoom(members, "many rooms"),
		members,
		user: members[0],
	}));
	// Like the UI: every user's realtime socket (the list's live updates), then every member's
	// room socket (the chat open), reading what arrives with the UI's throttled receipts: at most
	// one `message:read` (it implies delivered) per chat per read window, with the latest seq.
	const sockets = [];
	const realtime = [];
	const senders = [];
	let received = 0;
	const inGroups = [...new Set(roomList.flatMap((r) => r.members))];
	await mapLimit(inGroups, 8, async (u) => {
		realtime.push(await openSocket(await target.realtimeSocketUrl(u), () => {}));
	});
	await mapLimit(roomList, 8, async (room) => {
		for (const [k, member] of room.members.entries()) {
			let readSeq = 0;
			let timer = null;
			const ws = await openSocket(await target.roomSocketUrl(member, room.id), (text) => {
				const frame = JSON.parse(text);
				for (const f of frame.type === "batch" ? frame.data : [frame]) {
					if (f.type !== "message:new") continue;
					received += 1;
					if (f.data.message.senderId === member.id) continue;
					readSeq = Math.max(readSeq, f.data.message.seq);
					if (timer !== null) continue;
					timer = setTimeout(() => {
						timer = null;
						if (ws.readyState === 1) ws.send(JSON.stringify({ type: "message:read", data: { seq: readSeq } }));
					}, readWindowMs);
				}
			});
			sockets.push(ws);
			if (k === 1) senders.push({ ws, room });
		}
	});
	log?.(`  ${roomList.length} rooms, ${sockets.length} room sockets and ${realtime.length} realtime sockets open`);
	await sleep(2000);
	const before = await roomTotals(target, roomList);
	const list = new Samples(2048);
	let listing = true;
	const lister$ = (async () => {
		while (listing) {
			const t = performance.now();
			await target.request("GET", "/conversations", { token: lister.token, query: { limit: 50 } });
			list.add(performance.now() - t);
			await sleep(200);
		}
	})();
	let sent = 0;
	const t1 = performance.now();
	const timers = senders.map(({ ws }, i) =>
		setInterval(
			() => {
				sent += 1;
				ws.send(
					JSON.stringify({
						type: "message:send",
						data: { clientId: `many-${i}-${sent}`, kind: "text", text: `a message for the group, number ${sent}` },
					}),
				);
			},
			Math.round(1000 / ratePerRoom),
		),
	);
	await sleep(seconds * 1000);
	for (const t of timers) clearInterval(t);
	const elapsed = (performance.now() - t1) / 1000;
	await sleep(1500);
	listing = false;
	await lister$;
	const after = await roomTotals(target, roomList);
	closeAll(sockets);
	closeAll(realtime);
	const result = {
		rooms: roomList.length,
		members: sockets.length,
		realtimeSockets: realtime.length,
		readWindowMs,
		ratePerRoom,
		seconds: round(elapsed, 1),
		messagesSent: sent,
		deliveries: received,
		d1StatementsPerSecond: round((after.d1Statements - before.d1Statements) / elapsed, 1),
		d1FlushesPerSecond: round((after.d1Flushes - before.d1Flushes) / elapsed, 1),
		d1RowsWrittenPerSecond: round((after.d1RowsWritten - before.d1RowsWritten) / elapsed, 1),
		d1RowsWrittenPerMessage: round((after.d1RowsWritten - before.d1RowsWritten) / Math.max(1, sent), 2),
		d1StatementsPerMessage: round((after.d1Statements - before.d1Statements) / Math.max(1, sent), 3),
		statsAnswered: `${after.answered}/${roomList.length}`,
		list: { rooms: listRooms, ...list.summary() },
	};
	log?.(`  ${JSON.stringify(result)}`);
	return result;
}
