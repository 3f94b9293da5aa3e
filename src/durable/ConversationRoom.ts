// ConversationRoom (`conversation:<id>`): the single writer of one conversation. It assigns seqs
// (group commit into D1), applies receipts and member changes, and fans events out to the
// room's hibernatable sockets and to members' UserHubs. REST and socket paths share its methods.
import { DurableObject } from "cloudflare:workers";
import {
	MAX_GROUP_MEMBERS,
	type Message,
	type Participant,
	type Role,
	type SendMessageBody,
	type ServerEvent,
	type SystemEvent,
	TYPING_EXPIRY_MS,
} from "../shared/schemas";
import { type AppEnv, rateLimitsOn } from "../worker/config";
import { checkImageForMessage } from "../worker/images";
import { log } from "../worker/log";
import { type InboxViews, inboxViewStatements, inboxViews, listParticipants, readInboxViews } from "../worker/queries";
import { type TokenBucket, takeToken } from "../worker/rateLimit";
import { MESSAGE_COLUMNS, type MessageRecord, toMessage } from "../worker/views";
import { readClientFrame, sendFrame, socketError } from "./frames";
import { fail, hubStub, type InboxDelivery, ok, type RoomResult } from "./rpc";

/** Identity of a room socket, kept across hibernation. */
interface RoomSocket {
	userId: string;
	conversationId: string;
	origin: string;
}

interface PendingInsert {
	senderId: string;
	clientId: string;
	kind: "text" | "image" | "system";
	text: string | null;
	image: { key: string; contentType: string; size: number } | null;
	system: SystemEvent | null;
	origin: string;
	resolve: (result: { row: MessageRecord; created: boolean; message: Message } | null) => void;
	reject: (err: unknown) => void;
}

const MAX_FRAME_BYTES = 64 * 1024;
const MAX_BATCH = 64;
// Per socket: a student types and sends far below this; a runaway client is told to slow down.
const SOCKET_FRAMES_PER_SECOND = 50;
const SOCKET_FRAME_BURST = 200;
const REST_SENDS_PER_SECOND = 20;
const REST_SEND_BURST = 200;

export class ConversationRoom extends DurableObject<AppEnv> {
	private conversationId: string | null = null;
	private queue: PendingInsert[] = [];
	private flushing: Promise<void> | null = null;
	private typingTimers = new Map<string, ReturnType<typeof setTimeout>>();
	private socketBuckets = new WeakMap<WebSocket, TokenBucket>();
	private userBuckets = new Map<string, TokenBucket>();
	private attachments = new WeakMap<WebSocket, RoomSocket>();
	private wakes = 0;
	/** Member changes read, check and then write across several awaits: they run one at a time. */
	private memberChanges: Promise<unknown> = Promise.resolve();

	constructor(ctx: DurableObjectState, env: AppEnv) {
		super(ctx, env);
		// A ping is answered by the runtime itself, so an idle room stays hibernated.
		ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('{"type":"ping"}', '{"type":"pong"}'));
		ctx.blockConcurrencyWhile(async () => {
			ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS room_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)");
			// Counts constructor runs: a room that hibernated comes back with a new wake.
			const row = ctx.storage.sql
				.exec<{ value: number }>(
					"INSERT INTO room_meta (key, value) VALUES ('wakes', 1) ON CONFLICT (key) DO UPDATE SET value = value + 1 RETURNING value",
				)
				.one();
			this.wakes = row.value;
		});
	}

	// ---------- sockets ----------

	override async fetch(request: Request): Promise<Response> {
		const userId = request.headers.get("X-User-Id");
		const conversationId = request.headers.get("X-Conversation-Id");
		const origin = request.headers.get("X-Public-Origin");
		if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket" || !userId || !conversationId || !origin) {
			return new Response("expected a websocket upgrade from the worker", { status: 400 });
		}
		this.conversationId = conversationId;
		const pair = new WebSocketPair();
		const [client, server] = [pair[0], pair[1]];
		this.ctx.acceptWebSocket(server, [userId]);
		const attachment: RoomSocket = { userId, conversationId, origin };
		server.serializeAttachment(attachment);
		this.attachments.set(server, attachment);
		// Someone who opens the chat while another member is typing sees it at once.
		for (const typist of this.typingTimers.keys()) {
			if (typist !== userId) {
				sendFrame(server, { type: "user:typing", data: { conversationId, userId: typist, typing: true } });
			}
		}
		return new Response(null, { status: 101, webSocket: client });
	}

	private socketInfo(ws: WebSocket): RoomSocket {
		let info = this.attachments.get(ws);
		if (!info) {
			info = ws.deserializeAttachment() as RoomSocket;
			this.attachments.set(ws, info);
			this.conversationId ??= info.conversationId;
		}
		return info;
	}

	override async webSocketMessage(ws: WebSocket, raw: string | ArrayBuffer): Promise<void> {
		const info = this.socketInfo(ws);
		const frame = readClientFrame(ws, raw, {
			maxBytes: MAX_FRAME_BYTES,
			allow: () =>
				!rateLimitsOn(this.env) || takeToken(this.socketBuckets, ws, SOCKET_FRAMES_PER_SECOND, SOCKET_FRAME_BURST),
		});
		if (!frame) return;
		const reply = <T>(result: RoomResult<T>) => {
			if (!frame.ref) {
				if (!result.ok) sendFrame(ws, socketError(result.status, result.message));
				return;
			}
			sendFrame(
				ws,
				result.ok
					? { type: "ack", ref: frame.ref, data: result.value }
					: socketError(result.status, result.message, frame.ref),
			);
		};
		try {
			switch (frame.type) {
				case "ping":
					return sendFrame(ws, frame.ref ? { type: "ack", ref: frame.ref, data: {} } : ({ type: "pong" } as never));
				case "message:send": {
					const result = await this.send(info.conversationId, info.userId, frame.data, info.origin);
					return reply(result.ok ? ok({ message: result.value.message }) : result);
				}
				case "message:delivered":
					return reply(await this.markDelivered(info.conversationId, info.userId, frame.data.seq));
				case "message:read":
					return reply(await this.markRead(info.conversationId, info.userId, frame.data.seq, info.origin));
				case "typing:start":
					this.startTyping(info.userId);
					return reply(ok({}));
				case "typing:stop":
					this.stopTyping(info.userId);
					return reply(ok({}));
			}
		} catch (err) {
			log.error("room_frame_failed", { conversationId: info.conversationId, type: frame.type, error: String(err) });
			sendFrame(ws, socketError(500, "internal error", frame.ref));
		}
	}

	override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
		// Complete the close handshake; 1005/1006 are not valid codes to send back.
		try {
			ws.close(code === 1005 || code === 1006 ? 1000 : code, reason);
		} catch {
			// already closed
		}
		this.socketClosed(ws);
	}

	override async webSocketError(ws: WebSocket): Promise<void> {
		this.socketClosed(ws);
	}

	private socketClosed(ws: WebSocket) {
		const { userId } = this.socketInfo(ws);
		const stillOpen = this.ctx
			.getWebSockets(userId)
			.some((other) => other !== ws && other.readyState === WebSocket.OPEN);
		if (!stillOpen) this.stopTyping(userId);
	}

	/** Sends one event to every open room socket, serialised once. */
	private broadcast(event: ServerEvent, exceptUserId?: string) {
		const text = JSON.stringify(event);
		for (const ws of this.ctx.getWebSockets()) {
			if (exceptUserId !== undefined && this.socketInfo(ws).userId === exceptUserId) continue;
			try {
				ws.send(text);
			} catch {
				// closing socket: its close handler cleans up
			}
		}
	}

	// ---------- typing ----------

	private startTyping(userId: string) {
		const conversationId = this.conversationId;
		if (!conversationId) return;
		const existing = this.typingTimers.get(userId);
		if (existing) clearTimeout(existing);
		else this.broadcast({ type: "user:typing", data: { conversationId, userId, typing: true } }, userId);
		// A one-shot timer: a room with a typist is active and does not hibernate within 2 s.
		this.typingTimers.set(
			userId,
			setTimeout(() => this.stopTyping(userId), TYPING_EXPIRY_MS),
		);
	}

	private stopTyping(userId: string) {
		const timer = this.typingTimers.get(userId);
		if (!timer || !this.conversationId) return;
		clearTimeout(timer);
		this.typingTimers.delete(userId);
		this.broadcast(
			{ type: "user:typing", data: { conversationId: this.conversationId, userId, typing: false } },
			userId,
		);
	}

	// ---------- send path ----------

	/** Validates, sequences, stores and broadcasts one message; idempotent on (sender, clientId). */
	async send(
		conversationId: string,
		senderId: string,
		body: SendMessageBody,
		origin: string,
		opts: { viaRest?: boolean } = {},
	): Promise<RoomResult<{ message: Message; created: boolean }>> {
		this.conversationId = conversationId;
		if (opts.viaRest && rateLimitsOn(this.env)) {
			if (!takeToken(this.userBuckets, senderId, REST_SENDS_PER_SECOND, REST_SEND_BURST))
				return fail(429, "sending too fast, slow down");
		}
		let image: PendingInsert["image"] = null;
		if (body.kind === "image") {
			const check = await checkImageForMessage(this.env, body.imageKey, senderId);
			if (!check.ok) return fail(check.status, check.message);
			image = { key: body.imageKey, contentType: check.contentType, size: check.size };
		}
		const stored = await this.enqueue({
			senderId,
			clientId: body.clientId,
			kind: body.kind,
			text: body.text ?? null,
			image,
			system: null,
			origin,
		});
		if (!stored) return fail(404, "conversation not found");
		return ok({ message: stored.message, created: stored.created });
	}

	private enqueue(insert: Omit<PendingInsert, "resolve" | "reject">) {
		return new Promise<{ row: MessageRecord; created: boolean; message: Message } | null>((resolve, reject) => {
			this.queue.push({ ...insert, resolve, reject });
			this.flushing ??= this.flushQueue();
		});
	}

	/**
	 * Group commit: the first send is written at once; sends that arrive while a write is in
	 * flight wait and go together into the next D1 batch. Batches run one at a time, so seqs
	 * are assigned and broadcast in order.
	 */
	private async flushQueue() {
		try {
			while (this.queue.length > 0) {
				const batch = this.queue.splice(0, MAX_BATCH);
				try {
					await this.commitBatch(batch);
				} catch (err) {
					log.error("room_commit_failed", {
						conversationId: this.conversationId,
						count: batch.length,
						error: String(err),
					});
					for (const p of batch) p.reject(err);
				}
			}
		} finally {
			this.flushing = null;
		}
	}

	private async commitBatch(batch: PendingInsert[]) {
		const conversationId = this.conversationId;
		if (!conversationId) throw new Error("room has no conversation id");
		const db = this.env.DB;
		const now = new Date().toISOString();
		const ids = batch.map(() => crypto.randomUUID());
		// seq = MAX(seq) + 1 inside the batch's transaction: gap-free even if this object was
		// evicted and lost its memory. A repeated clientId inserts nothing and selects the original.
		const insert = db.prepare(
			`INSERT INTO messages (id, conversation_id, seq, sender_id, client_id, kind, text, image_key, image_content_type, image_size, system, created_at)
			 SELECT ?1, ?2, (SELECT COALESCE(MAX(seq), 0) + 1 FROM messages WHERE conversation_id = ?2), ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11
			 WHERE ?12 = 1 OR EXISTS (SELECT 1 FROM participants WHERE conversation_id = ?2 AND user_id = ?3)
			 ON CONFLICT (conversation_id, sender_id, client_id) DO NOTHING`,
		);
		// A retry from someone who is no longer a member finds nothing, like any other send of theirs.
		const select = db.prepare(
			`SELECT ${MESSAGE_COLUMNS} FROM messages
			 WHERE conversation_id = ?1 AND sender_id = ?2 AND client_id = ?3
			   AND (?4 = 1 OR EXISTS (SELECT 1 FROM participants WHERE conversation_id = ?1 AND user_id = ?2))`,
		);
		const statements: D1PreparedStatement[] = [];
		batch.forEach((p, i) => {
			statements.push(
				insert.bind(
					ids[i],
					conversationId,
					p.senderId,
					p.clientId,
					p.kind,
					p.text,
					p.image?.key ?? null,
					p.image?.contentType ?? null,
					p.image?.size ?? null,
					p.system ? JSON.stringify(p.system) : null,
					now,
					p.kind === "system" ? 1 : 0,
				),
				select.bind(conversationId, p.senderId, p.clientId, p.kind === "system" ? 1 : 0),
			);
		});
		statements.push(
			db
				.prepare(
					`UPDATE conversations SET last_seq = (SELECT MAX(seq) FROM messages WHERE conversation_id = ?1), last_activity_at = ?2
					 WHERE id = ?1 AND last_seq < (SELECT MAX(seq) FROM messages WHERE conversation_id = ?1)`,
				)
				.bind(conversationId, now),
		);
		// The inbox views ride in the same batch: one D1 round trip per commit, not two.
		const inboxStatements = inboxViewStatements(this.env, conversationId);
		statements.push(...inboxStatements);
		const results = await db.batch<MessageRecord>(statements);
		const inboxResults = results.slice(-inboxStatements.length);

		const outcomes = await Promise.all(
			batch.map(async (p, i) => {
				const row = results[2 * i + 1]?.results[0];
				return row ? { row, created: row.id === ids[i], message: await toMessage(this.env, p.origin, row) } : null;
			}),
		);
		// Broadcast in seq order before acknowledging: a sender never sees its ack before others
		// could see the message.
		const fresh = outcomes
			.filter((o): o is NonNullable<typeof o> => o?.created === true)
			.sort((a, b) => a.row.seq - b.row.seq);
		for (const { row, message } of fresh) {
			this.stopTyping(row.sender_id);
			this.broadcast({ type: "message:new", data: { message } });
		}
		for (const [i, p] of batch.entries()) p.resolve(outcomes[i] ?? null);
		const first = batch[0];
		if (fresh.length > 0 && first) {
			const events: ServerEvent[] = fresh.map(({ message }) => ({ type: "message:new", data: { message } }));
			const views = readInboxViews(this.env, first.origin, inboxResults);
			this.ctx.waitUntil(this.notifyMembers(conversationId, events, first.origin, [], views));
		}
	}

	private async deliverToHubs(userIds: Iterable<string>, delivery: InboxDelivery) {
		await Promise.all(
			[...new Set(userIds)].map(async (userId) => {
				try {
					await hubStub(this.env, userId).deliver(delivery);
				} catch (err) {
					log.warn("hub_delivery_failed", { userId, conversationId: delivery.conversationId, error: String(err) });
				}
			}),
		);
	}

	// ---------- receipts (watermarks) ----------

	async markRead(
		conversationId: string,
		userId: string,
		seq: number | undefined,
		origin: string,
	): Promise<RoomResult<{ lastReadSeq: number }>> {
		this.conversationId = conversationId;
		const moved = await this.advanceWatermark(conversationId, userId, "read", seq);
		if (!moved.ok) return moved;
		const { before, after, deliveredBefore } = moved.value;
		if (after > before) {
			this.broadcast({ type: "message:read", data: { conversationId, userId, seq: after } });
			if (after > deliveredBefore) {
				this.broadcast({ type: "message:delivered", data: { conversationId, userId, seq: after } });
			}
			this.ctx.waitUntil(this.notifySenders(conversationId, userId, before, after, "read", origin));
		}
		return ok({ lastReadSeq: after });
	}

	async markDelivered(
		conversationId: string,
		userId: string,
		seq: number,
	): Promise<RoomResult<{ lastDeliveredSeq: number }>> {
		this.conversationId = conversationId;
		const moved = await this.advanceWatermark(conversationId, userId, "delivered", seq);
		if (!moved.ok) return moved;
		const { before, after } = moved.value;
		if (after > before) {
			this.broadcast({ type: "message:delivered", data: { conversationId, userId, seq: after } });
			this.ctx.waitUntil(this.notifySenders(conversationId, userId, before, after, "delivered", ""));
		}
		return ok({ lastDeliveredSeq: after });
	}

	/** Moves a watermark forward only, never past the latest seq; reading implies delivery. */
	private async advanceWatermark(
		conversationId: string,
		userId: string,
		which: "read" | "delivered",
		seq: number | undefined,
	): Promise<RoomResult<{ before: number; after: number; deliveredBefore: number }>> {
		const db = this.env.DB;
		const current = await db
			.prepare(
				`SELECT p.last_read_seq, p.last_delivered_seq, c.last_seq FROM participants p
				 JOIN conversations c ON c.id = p.conversation_id WHERE p.conversation_id = ? AND p.user_id = ?`,
			)
			.bind(conversationId, userId)
			.first<{ last_read_seq: number; last_delivered_seq: number; last_seq: number }>();
		if (!current) return fail(404, "conversation not found");
		const before = which === "read" ? current.last_read_seq : current.last_delivered_seq;
		const target = Math.min(seq ?? current.last_seq, current.last_seq);
		if (target <= before) return ok({ before, after: before, deliveredBefore: current.last_delivered_seq });
		const sql =
			which === "read"
				? `UPDATE participants SET last_read_seq = MAX(last_read_seq, ?3), last_delivered_seq = MAX(last_delivered_seq, ?3)
				   WHERE conversation_id = ?1 AND user_id = ?2 RETURNING last_read_seq AS value`
				: `UPDATE participants SET last_delivered_seq = MAX(last_delivered_seq, ?3)
				   WHERE conversation_id = ?1 AND user_id = ?2 RETURNING last_delivered_seq AS value`;
		const row = await db.prepare(sql).bind(conversationId, userId, target).first<{ value: number }>();
		if (!row) return fail(404, "conversation not found");
		return ok({ before, after: row.value, deliveredBefore: current.last_delivered_seq });
	}

	/** Receipts reach the realtime sockets of the senders whose messages they cover. */
	private async notifySenders(
		conversationId: string,
		readerId: string,
		before: number,
		after: number,
		which: "read" | "delivered",
		origin: string,
	) {
		try {
			const { results } = await this.env.DB.prepare(
				`SELECT DISTINCT sender_id FROM messages
				 WHERE conversation_id = ? AND seq > ? AND seq <= ? AND sender_id != ? AND kind != 'system'`,
			)
				.bind(conversationId, before, after, readerId)
				.all<{ sender_id: string }>();
			const event: ServerEvent =
				which === "read"
					? { type: "message:read", data: { conversationId, userId: readerId, seq: after } }
					: { type: "message:delivered", data: { conversationId, userId: readerId, seq: after } };
			await this.deliverToHubs(
				results.map((r) => r.sender_id),
				{ conversationId, events: [event], refreshConversation: false, origin },
			);
			// The reader's other tabs and devices: their unread badge clears.
			if (which === "read") {
				await this.deliverToHubs([readerId], { conversationId, events: [], refreshConversation: true, origin });
			}
		} catch (err) {
			log.error("receipt_fanout_failed", { conversationId, error: String(err) });
		}
	}

	// ---------- delete ----------

	/** Delete for everyone: the sender, or an admin of a group. Idempotent. */
	async deleteForEveryone(
		conversationId: string,
		actorId: string,
		messageId: string,
		origin: string,
	): Promise<RoomResult<null>> {
		this.conversationId = conversationId;
		const db = this.env.DB;
		const row = await db
			.prepare(
				`SELECT m.seq, m.sender_id, m.kind, m.deleted_at, m.image_key, c.type, p.role FROM messages m
				 JOIN conversations c ON c.id = m.conversation_id
				 JOIN participants p ON p.conversation_id = m.conversation_id AND p.user_id = ?3
				 WHERE m.id = ?1 AND m.conversation_id = ?2`,
			)
			.bind(messageId, conversationId, actorId)
			.first<{
				seq: number;
				sender_id: string;
				kind: string;
				deleted_at: string | null;
				image_key: string | null;
				type: string;
				role: Role;
			}>();
		if (!row) return fail(404, "message not found");
		if (row.kind === "system") return fail(403, "system messages cannot be deleted for everyone");
		const isAdmin = row.type === "group" && row.role === "admin";
		if (row.sender_id !== actorId && !isAdmin) {
			return fail(403, "only the sender or a group admin can delete a message for everyone");
		}
		if (row.deleted_at) return ok(null);
		await db
			.prepare("UPDATE messages SET deleted_at = ?, text = NULL WHERE id = ? AND deleted_at IS NULL")
			.bind(new Date().toISOString(), messageId)
			.run();
		if (row.image_key) this.ctx.waitUntil(this.deleteImageIfUnused(row.image_key));
		this.broadcast({ type: "message:deleted", data: { conversationId, messageId, seq: row.seq } });
		this.ctx.waitUntil(this.notifyMembers(conversationId, [], origin));
		return ok(null);
	}

	/** The same upload may be sent more than once; its object goes with the last live reference. */
	private async deleteImageIfUnused(key: string) {
		try {
			const stillUsed = await this.env.DB.prepare(
				"SELECT 1 FROM messages WHERE image_key = ? AND deleted_at IS NULL LIMIT 1",
			)
				.bind(key)
				.first();
			if (!stillUsed) await this.env.MEDIA.delete(key);
		} catch (err) {
			log.warn("image_delete_failed", { key, error: String(err) });
		}
	}

	// ---------- members ----------

	private oneMemberChangeAtATime<T>(change: () => Promise<T>): Promise<T> {
		const next = this.memberChanges.then(change, change);
		this.memberChanges = next.catch(() => undefined);
		return next;
	}

	addMembers(conversationId: string, actorId: string, userIds: string[], origin: string) {
		return this.oneMemberChangeAtATime(() => this.addMembersNow(conversationId, actorId, userIds, origin));
	}

	removeMember(conversationId: string, actorId: string, targetId: string, origin: string) {
		return this.oneMemberChangeAtATime(() => this.removeMemberNow(conversationId, actorId, targetId, origin));
	}

	setRole(conversationId: string, actorId: string, targetId: string, role: Role, origin: string) {
		return this.oneMemberChangeAtATime(() => this.setRoleNow(conversationId, actorId, targetId, role, origin));
	}

	leave(conversationId: string, userId: string, origin: string) {
		return this.oneMemberChangeAtATime(() => this.leaveNow(conversationId, userId, origin));
	}

	/** Called by the Worker after it created a conversation: members' lists gain it live. */
	async conversationCreated(conversationId: string, origin: string): Promise<void> {
		this.conversationId = conversationId;
		await this.notifyMembers(conversationId, [], origin);
	}

	/** Mute and other per-user changes: the user's other devices refresh the conversation. */
	async conversationChangedFor(conversationId: string, userId: string, origin: string): Promise<void> {
		await this.deliverToHubs([userId], { conversationId, events: [], refreshConversation: true, origin });
	}

	private async loadRoles(conversationId: string) {
		const { results } = await this.env.DB.prepare(
			`SELECT p.user_id, p.role, p.joined_at, c.type FROM participants p JOIN conversations c ON c.id = p.conversation_id
			 WHERE p.conversation_id = ? ORDER BY p.joined_at, p.user_id`,
		)
			.bind(conversationId)
			.all<{ user_id: string; role: Role; joined_at: string; type: "direct" | "group" }>();
		return results;
	}

	/** Common checks for member changes: the conversation exists for the actor and is a group. */
	private async groupForAdmin(conversationId: string, actorId: string, needAdmin: boolean) {
		const roles = await this.loadRoles(conversationId);
		const actor = roles.find((r) => r.user_id === actorId);
		if (!actor) return fail(404, "conversation not found");
		if (actor.type === "direct") return fail(409, "direct conversations have exactly two members");
		if (needAdmin && actor.role !== "admin") return fail(403, "only a group admin can do this");
		return ok(roles);
	}

	private async addMembersNow(
		conversationId: string,
		actorId: string,
		userIds: string[],
		origin: string,
	): Promise<RoomResult<null>> {
		this.conversationId = conversationId;
		const group = await this.groupForAdmin(conversationId, actorId, true);
		if (!group.ok) return group;
		const existing = new Set(group.value.map((r) => r.user_id));
		const toAdd = [...new Set(userIds)].filter((id) => !existing.has(id));
		if (toAdd.length === 0) return ok(null);
		if (existing.size + toAdd.length > MAX_GROUP_MEMBERS) {
			return fail(409, `a group has at most ${MAX_GROUP_MEMBERS} members`, {
				members: existing.size,
				adding: toAdd.length,
			});
		}
		const { results: found } = await this.env.DB.prepare(
			"SELECT value AS id FROM json_each(?) WHERE value IN (SELECT id FROM users)",
		)
			.bind(JSON.stringify(toAdd))
			.all<{ id: string }>();
		const unknown = toAdd.filter((id) => !found.some((f) => f.id === id));
		if (unknown.length > 0) return fail(404, "user not found", { userIds: unknown });
		const now = new Date().toISOString();
		const insert = this.env.DB.prepare(
			"INSERT OR IGNORE INTO participants (conversation_id, user_id, role, joined_at) VALUES (?, ?, 'member', ?)",
		);
		await this.env.DB.batch(toAdd.map((id) => insert.bind(conversationId, id, now)));
		await this.recordSystems(
			actorId,
			toAdd.map((id) => ({ event: "joined", actorId, targetId: id })),
			origin,
		);
		const participants = await listParticipants(this.env, conversationId);
		const events: ServerEvent[] = participants
			.filter((p) => toAdd.includes(p.user.id))
			.map((participant) => ({ type: "member:added", data: { conversationId, participant } }));
		for (const event of events) this.broadcast(event);
		await this.notifyMembers(conversationId, events, origin);
		return ok(null);
	}

	private async removeMemberNow(
		conversationId: string,
		actorId: string,
		targetId: string,
		origin: string,
	): Promise<RoomResult<null>> {
		this.conversationId = conversationId;
		const group = await this.groupForAdmin(conversationId, actorId, true);
		if (!group.ok) return group;
		const target = group.value.find((r) => r.user_id === targetId);
		if (!target) return fail(404, "member not found");
		const admins = group.value.filter((r) => r.role === "admin");
		if (target.role === "admin" && admins.length === 1) {
			return fail(409, "a group needs at least one admin: make someone else admin first");
		}
		const event = targetId === actorId ? "left" : "removed";
		await this.recordSystem(actorId, { event, actorId, targetId }, origin);
		await this.dropMember(conversationId, targetId, origin);
		return ok(null);
	}

	private async setRoleNow(
		conversationId: string,
		actorId: string,
		targetId: string,
		role: Role,
		origin: string,
	): Promise<RoomResult<{ participant: Participant }>> {
		this.conversationId = conversationId;
		const group = await this.groupForAdmin(conversationId, actorId, true);
		if (!group.ok) return group;
		const target = group.value.find((r) => r.user_id === targetId);
		if (!target) return fail(404, "member not found");
		if (target.role === "admin" && role === "member" && group.value.filter((r) => r.role === "admin").length === 1) {
			return fail(409, "a group needs at least one admin: make someone else admin first");
		}
		if (target.role !== role) {
			await this.env.DB.prepare("UPDATE participants SET role = ? WHERE conversation_id = ? AND user_id = ?")
				.bind(role, conversationId, targetId)
				.run();
			await this.recordSystem(actorId, { event: "role_changed", actorId, targetId, role }, origin);
		}
		const participant = (await listParticipants(this.env, conversationId)).find((p) => p.user.id === targetId);
		if (!participant) return fail(404, "member not found");
		if (target.role !== role) {
			const event: ServerEvent = { type: "member:updated", data: { conversationId, participant } };
			this.broadcast(event);
			await this.notifyMembers(conversationId, [event], origin);
		}
		return ok({ participant });
	}

	/** Leaving a group; the last admin leaving hands admin to the longest-standing member. */
	private async leaveNow(conversationId: string, userId: string, origin: string): Promise<RoomResult<null>> {
		this.conversationId = conversationId;
		const group = await this.groupForAdmin(conversationId, userId, false);
		if (!group.ok) return group;
		const me = group.value.find((r) => r.user_id === userId);
		const admins = group.value.filter((r) => r.role === "admin");
		const heir = group.value.find((r) => r.user_id !== userId);
		await this.recordSystem(userId, { event: "left", actorId: userId, targetId: userId }, origin);
		if (me?.role === "admin" && admins.length === 1 && heir) {
			await this.env.DB.prepare("UPDATE participants SET role = 'admin' WHERE conversation_id = ? AND user_id = ?")
				.bind(conversationId, heir.user_id)
				.run();
			await this.recordSystem(
				userId,
				{ event: "role_changed", actorId: userId, targetId: heir.user_id, role: "admin" },
				origin,
			);
		}
		await this.dropMember(conversationId, userId, origin);
		if (me?.role === "admin" && admins.length === 1 && heir) {
			const participant = (await listParticipants(this.env, conversationId)).find((p) => p.user.id === heir.user_id);
			if (participant) {
				const event: ServerEvent = { type: "member:updated", data: { conversationId, participant } };
				this.broadcast(event);
				await this.notifyMembers(conversationId, [event], origin);
			}
		}
		return ok(null);
	}

	private async dropMember(conversationId: string, userId: string, origin: string) {
		await this.env.DB.prepare("DELETE FROM participants WHERE conversation_id = ? AND user_id = ?")
			.bind(conversationId, userId)
			.run();
		const event: ServerEvent = { type: "member:removed", data: { conversationId, userId } };
		this.broadcast(event);
		for (const ws of this.ctx.getWebSockets(userId)) {
			try {
				sendFrame(ws, event);
				ws.close(4403, "no longer a member");
			} catch {
				// already closing
			}
		}
		await this.notifyMembers(conversationId, [event], origin, [userId]);
	}

	/** A `system` message, sequenced like any other so history shows who joined and left. */
	private async recordSystem(actorId: string, system: SystemEvent, origin: string) {
		await this.recordSystems(actorId, [system], origin);
	}

	/** Enqueued together, so they share one group commit and take consecutive seqs. */
	private async recordSystems(actorId: string, systems: SystemEvent[], origin: string) {
		const ids = [...new Set(systems.flatMap((e) => [e.actorId, e.targetId]))];
		const { results } = await this.env.DB.prepare(
			"SELECT id, display_name FROM users WHERE id IN (SELECT value FROM json_each(?))",
		)
			.bind(JSON.stringify(ids))
			.all<{ id: string; display_name: string }>();
		const names = new Map(results.map((r) => [r.id, r.display_name]));
		await Promise.all(
			systems.map((system) =>
				this.enqueue({
					senderId: actorId,
					clientId: `system:${crypto.randomUUID()}`,
					kind: "system",
					text: systemSentence(system, names),
					image: null,
					system,
					origin,
				}),
			),
		);
	}

	/**
	 * Events + a fresh `conversation:updated` to the realtime sockets of members (and `extra`
	 * users, e.g. someone just removed) who are online. Offline users' hubs are not woken: their
	 * lists load fresh when they come back. The room builds each member's conversation view
	 * from one D1 round trip, so a hub only forwards.
	 */
	private async notifyMembers(
		conversationId: string,
		events: ServerEvent[],
		origin: string,
		extra: string[] = [],
		known?: Promise<InboxViews>,
	) {
		try {
			const [views, others] = await Promise.all([
				known ?? inboxViews(this.env, origin, conversationId),
				extra.length === 0
					? { results: [] }
					: this.env.DB.prepare("SELECT id FROM users WHERE online = 1 AND id IN (SELECT value FROM json_each(?))")
							.bind(JSON.stringify(extra))
							.all<{ id: string }>(),
			]);
			const hub = (userId: string) => hubStub(this.env, userId);
			const pushes = views.members.map(({ userId, unreadCount, muted, seesLatest }) => {
				if (!views.base) return hub(userId).push(events);
				// Someone who hid the latest message sees an older preview: their hub builds it.
				if (!seesLatest) return hub(userId).deliver({ conversationId, events, refreshConversation: true, origin });
				const conversation = { ...views.base, unreadCount, muted };
				return hub(userId).push([...events, { type: "conversation:updated", data: { conversation } }]);
			});
			for (const { id } of others.results) pushes.push(hub(id).push(events));
			const failed = (await Promise.allSettled(pushes)).filter((r) => r.status === "rejected");
			if (failed.length > 0) log.warn("hub_delivery_failed", { conversationId, failed: failed.length });
		} catch (err) {
			log.error("member_fanout_failed", { conversationId, error: String(err) });
		}
	}

	/** Development-only numbers for the benchmark: wakes counts constructor runs (hibernation). */
	async stats(): Promise<{ wakes: number; sockets: number }> {
		return { wakes: this.wakes, sockets: this.ctx.getWebSockets().length };
	}
}

/** The sentence a system message shows, e.g. "Asha Patel added Ben Okafor". */
export function systemSentence(system: SystemEvent, names: Map<string, string>): string {
	const actor = names.get(system.actorId) ?? "Someone";
	const target = names.get(system.targetId) ?? "someone";
	switch (system.event) {
		case "joined":
			return system.actorId === system.targetId ? `${target} joined` : `${actor} added ${target}`;
		case "left":
			return `${target} left`;
		case "removed":
			return `${actor} removed ${target}`;
		case "role_changed":
			return system.role === "admin" ? `${target} is now an admin` : `${target} is no longer an admin`;
	}
}
