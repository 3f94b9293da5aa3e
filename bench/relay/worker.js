// The bench floor: one Relay Durable Object per room name. It accepts hibernatable sockets,
// stamps each `message:send` with the next seq, re-broadcasts it as `message:new` to every
// socket in the room (the sender's too) and then acks the sender — the app's send path
// without auth, validation or storage. The seq lives in memory only: every bench run uses a
// fresh room name, and a room that hibernates between runs is never sent to again.
//
// For the timing breakdown (`npm run bench -- --only breakdown`) a room can also store each
// message before broadcasting it, chosen per room by `?store=` on the socket URL:
//   do  — one INSERT into the object's own SQLite (ctx.storage.sql), per message;
//   d1  — group commit into D1 like the app's room: sends that arrive while a batch is in
//         flight go into the next db.batch(), then broadcast in seq order and acked.
// The plain floor (no `store`) never touches storage.
import { DurableObject } from "cloudflare:workers";

// Constructor runs per object id, so the harness can tell a hibernation (wake) from a
// long-lived instance the same way it does for the app's debug stats.
const wakes = new Map();

export class Relay extends DurableObject {
	constructor(ctx, env) {
		super(ctx, env);
		this.seq = 0;
		this.queue = [];
		this.flushing = null;
		const key = ctx.id.toString();
		wakes.set(key, (wakes.get(key) ?? 0) + 1);
		// Answered by the runtime itself, so a ping never wakes a hibernated room.
		ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('{"type":"ping"}', '{"type":"pong"}'));
	}

	async fetch(request) {
		const url = new URL(request.url);
		const room = url.searchParams.get("room");
		if (url.pathname.endsWith("/stats")) {
			const key = this.ctx.id.toString();
			return Response.json({ wakes: wakes.get(key) ?? 0, sockets: this.ctx.getWebSockets().length });
		}
		if (request.headers.get("Upgrade") !== "websocket") {
			return new Response("expected a websocket upgrade", { status: 426 });
		}
		const store = url.searchParams.get("store") ?? "none";
		if (store === "do") {
			this.ctx.storage.sql.exec(
				"CREATE TABLE IF NOT EXISTS messages (id TEXT PRIMARY KEY, seq INTEGER NOT NULL, sender_id TEXT, client_id TEXT, text TEXT, created_at TEXT)",
			);
		} else if (store === "d1") {
			await ensureD1(this.env);
		}
		const pair = new WebSocketPair();
		this.ctx.acceptWebSocket(pair[1]);
		pair[1].serializeAttachment({ userId: url.searchParams.get("user") ?? "anonymous", room, store });
		return new Response(null, { status: 101, webSocket: pair[0] });
	}

	webSocketMessage(ws, raw) {
		let frame;
		try {
			frame = JSON.parse(typeof raw === "string" ? raw : new TextDecoder().decode(raw));
		} catch {
			ws.send(JSON.stringify({ type: "error", error: { code: "invalid_request", message: "bad json" } }));
			return;
		}
		if (frame?.type !== "message:send") {
			if (frame?.ref) ws.send(JSON.stringify({ type: "ack", ref: frame.ref, data: {} }));
			return;
		}
		const { userId, room, store } = ws.deserializeAttachment();
		const data = frame.data ?? {};
		const message = {
			id: crypto.randomUUID(),
			conversationId: room,
			seq: 0,
			senderId: userId,
			clientId: data.clientId ?? null,
			kind: "text",
			text: data.text ?? null,
			image: null,
			createdAt: new Date().toISOString(),
			deletedAt: null,
		};
		if (store === "d1") {
			this.queue.push({ ws, ref: frame.ref, message });
			this.flushing ??= this.flushToD1();
			return;
		}
		message.seq = ++this.seq;
		if (store === "do") {
			this.ctx.storage.sql.exec(
				"INSERT INTO messages (id, seq, sender_id, client_id, text, created_at) VALUES (?, ?, ?, ?, ?, ?)",
				message.id,
				message.seq,
				message.senderId,
				message.clientId,
				message.text,
				message.createdAt,
			);
		}
		this.deliver(ws, frame.ref, message);
	}

	deliver(ws, ref, message) {
		const out = JSON.stringify({ type: "message:new", data: { message } });
		for (const peer of this.ctx.getWebSockets()) {
			try {
				peer.send(out);
			} catch {
				// A socket closing under us; its close event cleans up.
			}
		}
		try {
			ws.send(JSON.stringify({ type: "ack", ref, data: { message } }));
		} catch {}
	}

	async flushToD1() {
		try {
			while (this.queue.length > 0) {
				const batch = this.queue.splice(0, 100);
				const insert = this.env.DB.prepare(
					"INSERT INTO messages (id, room, seq, sender_id, client_id, text, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
				);
				const statements = batch.map(({ message: m }) => {
					m.seq = ++this.seq;
					return insert.bind(m.id, m.conversationId, m.seq, m.senderId, m.clientId, m.text, m.createdAt);
				});
				const last = batch[batch.length - 1].message;
				statements.push(
					this.env.DB.prepare(
						"INSERT INTO rooms (id, last_seq, last_activity_at) VALUES (?1, ?2, ?3) ON CONFLICT (id) DO UPDATE SET last_seq = ?2, last_activity_at = ?3",
					).bind(last.conversationId, last.seq, last.createdAt),
				);
				await this.env.DB.batch(statements);
				for (const { ws, ref, message } of batch) this.deliver(ws, ref, message);
			}
		} finally {
			this.flushing = null;
		}
	}

	webSocketClose(ws, code) {
		try {
			ws.close(code === 1005 || code === 1006 ? 1000 : code, "bye");
		} catch {
			// Already closed.
		}
	}

	webSocketError() {}
}

let d1Ready = null;
function ensureD1(env) {
	d1Ready ??= env.DB.batch([
		env.DB.prepare(
			"CREATE TABLE IF NOT EXISTS messages (id TEXT PRIMARY KEY, room TEXT NOT NULL, seq INTEGER NOT NULL, sender_id TEXT, client_id TEXT, text TEXT, created_at TEXT)",
		),
		env.DB.prepare("CREATE UNIQUE INDEX IF NOT EXISTS messages_room_seq ON messages (room, seq)"),
		env.DB.prepare("CREATE TABLE IF NOT EXISTS rooms (id TEXT PRIMARY KEY, last_seq INTEGER, last_activity_at TEXT)"),
	]);
	return d1Ready;
}

export default {
	async fetch(request, env) {
		const url = new URL(request.url);
		if (url.pathname === "/health") return Response.json({ ok: true });
		// /rooms/:name/socket and /rooms/:name/stats
		const m = url.pathname.match(/^\/rooms\/([^/]+)\/(socket|stats)$/);
		if (!m) return Response.json({ error: { code: "not_found", message: "no such route" } }, { status: 404 });
		const name = decodeURIComponent(m[1]);
		url.searchParams.set("room", name);
		const stub = env.RELAY.get(env.RELAY.idFromName(name));
		return stub.fetch(new Request(url, request));
	},
};
