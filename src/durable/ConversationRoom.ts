// ConversationRoom (`conversation:<id>`): the single writer of one conversation. Its own SQLite
// is the conversation's log (room/log.ts): a send is a local write, a broadcast and an ack, and
// D1 catches up through the outbox (room/outbox.ts) in batches. Receipts are watermark moves in
// the log whose frames reach only the senders concerned, coalesced (room/receipts.ts); inbox
// events go to online members' UserHubs after each flush (room/inbox.ts). Membership rules are
// pure functions (room/members.ts). REST and socket paths share the methods below.
import { DurableObject } from "cloudflare:workers";
import type { Message, Participant, Role, SendMessageBody, ServerEvent, SystemEvent } from "../shared/schemas";
import { TYPING_EXPIRY_MS } from "../shared/schemas";
import { systemSentence } from "../shared/system";
import { type AppEnv, isDevelopment, rateLimitsOn } from "../worker/config";
import { checkImageForMessage } from "../worker/images";
import { log } from "../worker/log";
import { listParticipants } from "../worker/queries";
import { TokenBucket, takeToken } from "../worker/rateLimit";
import { type MessageRecord, toMessage } from "../worker/views";
import { FloodGuard, frameText, readClientFrame, sendFrame, sendText, socketError } from "./frames";
import { HubMailboxes } from "./room/inbox";
import { type ImportedConversation, type MemberRow, type Meta, type NewMessage, RoomLog } from "./room/log";
import { checkActor, heirOnLeave, type MemberInfo, planAdd, planRemove, planRole } from "./room/members";
import { type FlushReport, Outbox } from "./room/outbox";
import { type ReceiptMove, ReceiptWindow } from "./room/receipts";
import { fail, ok, type RoomResult } from "./rpc";

/** Identity of a room socket, kept across hibernation. */
export interface RoomSocket {
	userId: string;
	origin: string;
	sessionId?: string;
	/** When the token that opened it expires (epoch ms): the socket closes then (4401). */
	expiresAt?: number;
}

const MAX_FRAME_BYTES = 64 * 1024;
// Per socket: a student types and sends far below this; a runaway client is told to slow down,
// then cut off.
const SOCKET_FRAMES_PER_SECOND = 50;
const SOCKET_FRAME_BURST = 200;
const SOCKET_CLOSE_AFTER_DROPS = 400;
const REST_SENDS_PER_SECOND = 20;
const REST_SEND_BURST = 200;
/** A REST write answers once D1 has it (contract: consistency); past this it answers anyway. */
const REST_FLUSH_WAIT_MS = 10_000;
/** If the object is evicted between a write and its flush, this alarm brings it back. */
const BACKSTOP_MS = 1_000;
const IMPORT_PAGE = 5_000;

type HistoryPosition = { before: number } | { after: number } | null;

export class ConversationRoom extends DurableObject<AppEnv> {
	private readonly roomLog: RoomLog;
	private readonly outbox: Outbox;
	private readonly receipts: ReceiptWindow;
	private readonly hubs: HubMailboxes;
	private loading: Promise<Meta | null> | null = null;
	private typingTimers = new Map<string, ReturnType<typeof setTimeout>>();
	private floodGuards = new WeakMap<WebSocket, FloodGuard>();
	private userBuckets = new Map<string, TokenBucket>();
	private attachments = new WeakMap<WebSocket, RoomSocket>();
	/** Broadcasts run in the order seqs were assigned, even when building one awaits. */
	private publishing: Promise<unknown> = Promise.resolve();
	/** Member changes read, check and then write across awaits: they run one at a time. */
	private memberChanges: Promise<unknown> = Promise.resolve();
	/** Events for the next inbox fan-out besides messages (member changes), and who else gets them. */
	private inboxExtra: { events: ServerEvent[]; users: Set<string> } = { events: [], users: new Set() };
	private alarmAt: number | null | undefined;
	private wakes = 0;
	/** Tests swap this to make D1 fail for a while; everything else uses env.DB. */
	d1: () => D1Database = () => this.env.DB;

	constructor(ctx: DurableObjectState, env: AppEnv) {
		super(ctx, env);
		// A ping is answered by the runtime itself, so an idle room stays hibernated.
		ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('{"type":"ping"}', '{"type":"pong"}'));
		this.roomLog = new RoomLog(ctx.storage);
		this.outbox = new Outbox(
			env,
			this.roomLog,
			(report) => this.fanOutToMembers(report),
			(at) => this.setAlarmBy(at),
			() => this.d1(),
		);
		this.receipts = new ReceiptWindow((moves) => this.sendReceipts(moves));
		this.hubs = new HubMailboxes(env);
		// Development only, and only in a room that holds a conversation: counts constructor runs
		// for the benchmark's hibernation check. Production rooms never write for this.
		if (isDevelopment(env)) {
			ctx.blockConcurrencyWhile(async () => {
				if (!this.roomLog.meta()) return;
				ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS dev_stats (key TEXT PRIMARY KEY, value INTEGER NOT NULL)");
				this.wakes = ctx.storage.sql
					.exec<{ value: number }>(
						"INSERT INTO dev_stats (key, value) VALUES ('wakes', 1) ON CONFLICT (key) DO UPDATE SET value = value + 1 RETURNING value",
					)
					.one().value;
			});
		}
	}

	private get conversationId(): string {
		const name = this.ctx.id.name;
		if (!name?.startsWith("conversation:")) throw new Error("a room is named conversation:<id>");
		return name.slice("conversation:".length);
	}

	// ---------- loading ----------

	/**
	 * The conversation's meta, importing it from D1 on the room's first real work. A room for a
	 * conversation that does not exist writes nothing and answers null.
	 */
	private load(origin?: string): Promise<Meta | null> {
		const meta = this.roomLog.meta();
		if (meta) {
			if (origin && meta.origin !== origin) this.roomLog.setOrigin(origin);
			return Promise.resolve(origin ? { ...meta, origin } : meta);
		}
		this.loading ??= this.importFromD1(origin ?? "").finally(() => {
			this.loading = null;
		});
		return this.loading;
	}

	private async importFromD1(origin: string): Promise<Meta | null> {
		const db = this.env.DB;
		const id = this.conversationId;
		const [conversation, members, hidden] = await db.batch<Record<string, unknown>>([
			db
				.prepare(
					"SELECT id AS conversation_id, type, title, created_at, last_activity_at FROM conversations WHERE id = ?",
				)
				.bind(id),
			db
				.prepare(
					"SELECT user_id, role, joined_at, last_read_seq, last_delivered_seq, muted FROM participants WHERE conversation_id = ?",
				)
				.bind(id),
			db
				.prepare(
					`SELECT h.user_id, h.message_id, h.hidden_at FROM hidden_messages h JOIN messages m ON m.id = h.message_id
					 WHERE m.conversation_id = ?`,
				)
				.bind(id),
		]);
		const meta = conversation?.results[0] as ImportedConversation["meta"] | undefined;
		if (!meta) return null;
		const messages: MessageRecord[] = [];
		for (let after = 0; ; ) {
			const { results } = await db
				.prepare(
					`SELECT id, conversation_id, seq, sender_id, client_id, kind, text, image_key, image_content_type, image_size, system, created_at, deleted_at
					 FROM messages WHERE conversation_id = ? AND seq > ? ORDER BY seq LIMIT ?`,
				)
				.bind(id, after, IMPORT_PAGE)
				.all<MessageRecord>();
			messages.push(...results);
			const last = results.at(-1);
			if (!last || results.length < IMPORT_PAGE) break;
			after = last.seq;
		}
		// Another request may have imported while this one awaited D1.
		const existing = this.roomLog.meta();
		if (existing) return existing;
		this.roomLog.importConversation(
			{
				meta,
				members: (members?.results ?? []) as unknown as ImportedConversation["members"],
				messages,
				hidden: (hidden?.results ?? []) as unknown as ImportedConversation["hidden"],
			},
			origin,
		);
		log.info("room_imported", { conversationId: id, messages: messages.length });
		return this.roomLog.meta();
	}

	/** Re-reads membership from D1: before a member change, and when someone D1 knows is missing here. */
	private async syncMembers() {
		const { results } = await this.env.DB.prepare(
			"SELECT user_id, role, joined_at, last_read_seq, last_delivered_seq, muted FROM participants WHERE conversation_id = ?",
		)
			.bind(this.conversationId)
			.all<MemberRow>();
		this.roomLog.syncMembers(results);
	}

	/** Is `userId` a member? A miss is checked against D1 once, so a member added there is seen. */
	private async isMember(userId: string): Promise<boolean> {
		if (this.roomLog.member(userId)) return true;
		await this.syncMembers();
		return this.roomLog.member(userId) !== null;
	}

	private memberInfos(): MemberInfo[] {
		return this.roomLog.members().map((m) => ({ userId: m.user_id, role: m.role, joinedAt: m.joined_at }));
	}

	// ---------- sockets ----------

	override async fetch(request: Request): Promise<Response> {
		const userId = request.headers.get("X-User-Id");
		const origin = request.headers.get("X-Public-Origin");
		if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket" || !userId || !origin) {
			return new Response("expected a websocket upgrade from the worker", { status: 400 });
		}
		const meta = await this.load(origin);
		if (!meta || !(await this.isMember(userId))) return new Response("conversation not found", { status: 404 });
		const pair = new WebSocketPair();
		const [client, server] = [pair[0], pair[1]];
		this.ctx.acceptWebSocket(server, [userId]);
		const expires = Number(request.headers.get("X-Session-Expires"));
		const attachment: RoomSocket = {
			userId,
			origin,
			...(request.headers.get("X-Session-Id") ? { sessionId: request.headers.get("X-Session-Id") as string } : {}),
			...(Number.isFinite(expires) && expires > 0 ? { expiresAt: expires } : {}),
		};
		server.serializeAttachment(attachment);
		this.attachments.set(server, attachment);
		if (attachment.expiresAt) await this.setAlarmBy(attachment.expiresAt);
		// Someone who opens the chat while another member is typing sees it at once.
		const typing = [...this.typingTimers.keys()]
			.filter((typist) => typist !== userId)
			.map(
				(typist): ServerEvent => ({
					type: "user:typing",
					data: { conversationId: meta.conversation_id, userId: typist, typing: true },
				}),
			);
		if (typing.length > 0) sendText(server, frameText(typing));
		return new Response(null, { status: 101, webSocket: client });
	}

	private socketInfo(ws: WebSocket): RoomSocket {
		let info = this.attachments.get(ws);
		if (!info) {
			info = ws.deserializeAttachment() as RoomSocket;
			this.attachments.set(ws, info);
		}
		return info;
	}

	private floodGuard(ws: WebSocket): FloodGuard | null {
		if (!rateLimitsOn(this.env)) return null;
		let guard = this.floodGuards.get(ws);
		if (!guard) {
			guard = new FloodGuard(new TokenBucket(SOCKET_FRAMES_PER_SECOND, SOCKET_FRAME_BURST), SOCKET_CLOSE_AFTER_DROPS);
			this.floodGuards.set(ws, guard);
		}
		return guard;
	}

	override async webSocketMessage(ws: WebSocket, raw: string | ArrayBuffer): Promise<void> {
		const frame = readClientFrame(ws, raw, { maxBytes: MAX_FRAME_BYTES, flood: this.floodGuard(ws) });
		if (!frame) return;
		const info = this.socketInfo(ws);
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
					// The exact ping text is answered by the runtime; this is a ping with a ref.
					return reply(ok({}));
				case "message:send": {
					const result = await this.send(info.userId, frame.data, info.origin);
					return reply(result.ok ? ok({ message: result.value.message }) : result);
				}
				case "message:delivered":
					return reply(await this.markDelivered(info.userId, frame.data.seq));
				case "message:read":
					return reply(await this.markRead(info.userId, frame.data.seq));
				case "typing:start":
					this.startTyping(info.userId);
					return reply(ok({}));
				case "typing:stop":
					this.stopTyping(info.userId);
					return reply(ok({}));
			}
		} catch (err) {
			log.error("room_frame_failed", { conversationId: this.conversationId, type: frame.type, error: String(err) });
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

	/** Sends one event to every open room socket (or all but one user's), serialised once. */
	private broadcast(event: ServerEvent, exceptUserId?: string) {
		const text = JSON.stringify(event);
		for (const ws of this.ctx.getWebSockets()) {
			if (exceptUserId !== undefined && this.socketInfo(ws).userId === exceptUserId) continue;
			sendText(ws, text);
		}
	}

	/** Events for one user's room sockets, as one frame. */
	private sendToUser(userId: string, events: ServerEvent[]) {
		if (events.length === 0) return;
		const text = frameText(events);
		for (const ws of this.ctx.getWebSockets(userId)) sendText(ws, text);
	}

	/** Closes the sockets of ended sessions (logout, password change) or all of a user's: 4401. */
	async endSessions(userId: string, sessionIds: string[] | null): Promise<number> {
		let closed = 0;
		for (const ws of this.ctx.getWebSockets(userId)) {
			const { sessionId } = this.socketInfo(ws);
			if (sessionIds && (!sessionId || !sessionIds.includes(sessionId))) continue;
			try {
				ws.close(4401, "session ended");
			} catch {
				// already closing
			}
			closed += 1;
		}
		return closed;
	}

	// ---------- alarm: socket expiry and the outbox's backstop ----------

	/** Makes sure the alarm fires no later than `at`. */
	private async setAlarmBy(at: number) {
		if (this.alarmAt === undefined) this.alarmAt = await this.ctx.storage.getAlarm();
		if (this.alarmAt !== null && this.alarmAt <= at) return;
		this.alarmAt = at;
		await this.ctx.storage.setAlarm(at);
	}

	override async alarm(): Promise<void> {
		this.alarmAt = null;
		const now = Date.now();
		let nextExpiry = Number.POSITIVE_INFINITY;
		for (const ws of this.ctx.getWebSockets()) {
			const { expiresAt } = this.socketInfo(ws);
			if (!expiresAt) continue;
			if (expiresAt <= now) {
				try {
					ws.close(4401, "token expired");
				} catch {
					// already closing
				}
			} else nextExpiry = Math.min(nextExpiry, expiresAt);
		}
		if (this.roomLog.hasUnflushed()) await this.outbox.run();
		if (Number.isFinite(nextExpiry)) await this.setAlarmBy(nextExpiry);
	}

	/** After every local write: a flush soon, and an alarm in case this object is evicted first. */
	private afterWrite() {
		this.outbox.schedule();
		this.ctx.waitUntil(this.setAlarmBy(Date.now() + BACKSTOP_MS));
	}

	private async visibleToRest(viaRest: boolean | undefined) {
		if (!viaRest) return;
		if (!(await this.outbox.whenFlushed(REST_FLUSH_WAIT_MS))) {
			log.warn("rest_answered_before_d1", { conversationId: this.conversationId });
		}
	}

	// ---------- typing ----------

	private startTyping(userId: string) {
		const existing = this.typingTimers.get(userId);
		if (existing) clearTimeout(existing);
		else
			this.broadcast(
				{ type: "user:typing", data: { conversationId: this.conversationId, userId, typing: true } },
				userId,
			);
		// A one-shot timer: a room with a typist is active and does not hibernate within 2 s.
		this.typingTimers.set(
			userId,
			setTimeout(() => this.stopTyping(userId), TYPING_EXPIRY_MS),
		);
	}

	private stopTyping(userId: string) {
		const timer = this.typingTimers.get(userId);
		if (!timer) return;
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
		senderId: string,
		body: SendMessageBody,
		origin: string,
		opts: { viaRest?: boolean } = {},
	): Promise<RoomResult<{ message: Message; created: boolean }>> {
		const meta = await this.load(origin);
		if (!meta || !(await this.isMember(senderId))) return fail(404, "conversation not found");
		const retried = this.roomLog.byClientId(senderId, body.clientId);
		if (retried) {
			await this.visibleToRest(opts.viaRest);
			return ok({ message: await toMessage(this.env, origin, retried), created: false });
		}
		if (opts.viaRest && rateLimitsOn(this.env)) {
			if (!takeToken(this.userBuckets, senderId, REST_SENDS_PER_SECOND, REST_SEND_BURST))
				return fail(429, "sending too fast, slow down");
		}
		let image: NewMessage["image"] = null;
		if (body.kind === "image") {
			const check = await checkImageForMessage(this.env, body.imageKey, senderId);
			if (!check.ok) return fail(check.status, check.message);
			image = { key: body.imageKey, contentType: check.contentType, size: check.size };
			// The same clientId may have been stored while the image was checked.
			const raced = this.roomLog.byClientId(senderId, body.clientId);
			if (raced) return ok({ message: await toMessage(this.env, origin, raced), created: false });
			if (!this.roomLog.member(senderId)) return fail(404, "conversation not found");
		}
		const record = this.roomLog.append(
			{ senderId, clientId: body.clientId, kind: body.kind, text: body.text ?? null, image, system: null },
			new Date().toISOString(),
		);
		this.afterWrite();
		const message = await this.publish(record, origin);
		await this.visibleToRest(opts.viaRest);
		return ok({ message, created: true });
	}

	/**
	 * Broadcasts `message:new` for a stored record, in seq order. An image waits for D1 first:
	 * the media route serves an object only while D1 holds a live message that uses it.
	 */
	private publish(record: MessageRecord, origin: string): Promise<Message> {
		const next = this.publishing.then(async () => {
			if (record.kind === "image") await this.outbox.whenFlushed(REST_FLUSH_WAIT_MS);
			const message = await toMessage(this.env, origin, record);
			this.stopTyping(record.sender_id);
			this.broadcast({ type: "message:new", data: { message } });
			return message;
		});
		this.publishing = next.catch(() => undefined);
		return next;
	}

	/** One member's history from the log: newest first before a seq, or oldest first after one. */
	async history(
		userId: string,
		limit: number,
		position: HistoryPosition,
		origin: string,
	): Promise<RoomResult<{ messages: Message[]; next: HistoryPosition }>> {
		const meta = await this.load(origin);
		if (!meta || !(await this.isMember(userId))) return fail(404, "conversation not found");
		const rows = this.roomLog.history(userId, limit + 1, position);
		const page = rows.slice(0, limit);
		const messages = await Promise.all(page.map((row) => toMessage(this.env, origin, row)));
		const last = page.at(-1);
		const after = position !== null && "after" in position;
		const next = rows.length > limit && last ? (after ? { after: last.seq } : { before: last.seq }) : null;
		return ok({ messages, next });
	}

	// ---------- receipts (watermarks) ----------

	async markRead(
		userId: string,
		seq: number | undefined,
		opts: { viaRest?: boolean } = {},
	): Promise<RoomResult<{ lastReadSeq: number }>> {
		const moved = await this.moveWatermark(userId, "read", seq);
		if (!moved) return fail(404, "conversation not found");
		await this.visibleToRest(opts.viaRest);
		return ok({ lastReadSeq: moved.after.read });
	}

	async markDelivered(
		userId: string,
		seq: number,
		opts: { viaRest?: boolean } = {},
	): Promise<RoomResult<{ lastDeliveredSeq: number }>> {
		const moved = await this.moveWatermark(userId, "delivered", seq);
		if (!moved) return fail(404, "conversation not found");
		await this.visibleToRest(opts.viaRest);
		return ok({ lastDeliveredSeq: moved.after.delivered });
	}

	/** A local write plus a coalesced frame: a receipt never waits on D1. */
	private async moveWatermark(userId: string, which: "read" | "delivered", seq: number | undefined) {
		if (!(await this.load()) || !(await this.isMember(userId))) return null;
		const moved = this.roomLog.advanceWatermark(userId, which, seq);
		if (!moved) return null;
		const { before, after } = moved;
		if (after.read > before.read) this.receipts.add({ userId, kind: "read", from: before.read, to: after.read });
		if (after.delivered > before.delivered) {
			this.receipts.add({ userId, kind: "delivered", from: before.delivered, to: after.delivered });
		}
		if (after.read > before.read || after.delivered > before.delivered) this.afterWrite();
		return moved;
	}

	/**
	 * A window's receipts, each to the senders it concerns (members with a non-system message
	 * in the moved range) and a read to the reader's own other sockets, one frame per socket.
	 */
	private sendReceipts(moves: ReceiptMove[]) {
		const conversationId = this.conversationId;
		const byRecipient = new Map<string, ServerEvent[]>();
		const add = (userId: string, event: ServerEvent) => {
			const list = byRecipient.get(userId) ?? [];
			list.push(event);
			byRecipient.set(userId, list);
		};
		const readers = new Set<string>();
		for (const move of moves) {
			const event: ServerEvent =
				move.kind === "read"
					? { type: "message:read", data: { conversationId, userId: move.userId, seq: move.to } }
					: { type: "message:delivered", data: { conversationId, userId: move.userId, seq: move.to } };
			for (const sender of this.roomLog.sendersBetween(move.from, move.to, move.userId)) add(sender, event);
			if (move.kind === "read") {
				add(move.userId, event);
				readers.add(move.userId);
			}
		}
		this.ctx.waitUntil(
			(async () => {
				for (const [userId, events] of byRecipient) {
					this.sendToUser(userId, events);
					// The reader's other devices also get their conversation with the unread badge cleared.
					const view = readers.has(userId) ? await this.conversationView(userId) : null;
					this.hubs.deliver(userId, view ? [...events, view] : events);
				}
			})().catch((err) => log.error("receipt_fanout_failed", { conversationId, error: String(err) })),
		);
	}

	// ---------- the inbox: members' realtime sockets ----------

	/** `conversation:updated` as `userId` sees it, built from the log. */
	private async conversationView(userId: string, cache = new Map<string, Message>()): Promise<ServerEvent | null> {
		const meta = this.roomLog.meta();
		const member = this.roomLog.member(userId);
		if (!meta || !member) return null;
		const last = this.roomLog.lastVisibleMessage(userId);
		let lastMessage: Message | null = null;
		if (last) {
			lastMessage = cache.get(last.id) ?? (await toMessage(this.env, meta.origin, last));
			cache.set(last.id, lastMessage);
		}
		return {
			type: "conversation:updated",
			data: {
				conversation: {
					id: meta.conversation_id,
					type: meta.type,
					title: meta.title,
					createdAt: meta.created_at,
					lastActivityAt: meta.last_activity_at,
					lastMessage,
					unreadCount: this.roomLog.unreadCount(userId, member.last_read_seq),
					muted: Boolean(member.muted),
				},
			},
		};
	}

	/** After a flush: new messages and each online member's conversation view to their hubs. */
	private fanOutToMembers(report: FlushReport) {
		const extra = this.inboxExtra;
		this.inboxExtra = { events: [], users: new Set() };
		this.ctx.waitUntil(
			(async () => {
				const origin = this.roomLog.meta()?.origin ?? "";
				const fresh = await Promise.all(report.created.map((row) => toMessage(this.env, origin, row)));
				const events: ServerEvent[] = [
					...fresh.map((message): ServerEvent => ({ type: "message:new", data: { message } })),
					...extra.events,
				];
				const cache = new Map<string, Message>(fresh.map((m) => [m.id, m]));
				const recipients = new Set([...report.online, ...extra.users]);
				for (const userId of recipients) {
					const view = report.changed ? await this.conversationView(userId, cache) : null;
					this.hubs.deliver(userId, view ? [...events, view] : events);
				}
			})().catch((err) =>
				log.error("member_fanout_failed", { conversationId: this.conversationId, error: String(err) }),
			),
		);
	}

	/** Member events reach online members' lists with the next flush. */
	private notifyMembers(events: ServerEvent[], alsoUsers: string[] = []) {
		this.inboxExtra.events.push(...events);
		for (const u of alsoUsers) this.inboxExtra.users.add(u);
		this.outbox.schedule({ refreshInbox: true });
	}

	// ---------- delete ----------

	/** Delete for me (hidden from the caller's history) or for everyone (sender or group admin). */
	async deleteMessage(actorId: string, messageId: string, scope: "me" | "everyone"): Promise<RoomResult<null>> {
		const meta = await this.load();
		const actor = meta && (await this.isMember(actorId)) ? this.roomLog.member(actorId) : null;
		if (!meta || !actor) return fail(404, "message not found");
		const record = this.roomLog.byId(messageId);
		if (!record) return fail(404, "message not found");
		const now = new Date().toISOString();
		if (scope === "me") {
			this.roomLog.hide(actorId, record, now);
			this.afterWrite();
			await this.visibleToRest(true);
			return ok(null);
		}
		if (record.kind === "system") return fail(403, "system messages cannot be deleted for everyone");
		const isAdmin = meta.type === "group" && actor.role === "admin";
		if (record.sender_id !== actorId && !isAdmin) {
			return fail(403, "only the sender or a group admin can delete a message for everyone");
		}
		if (record.deleted_at) return ok(null);
		this.roomLog.markDeleted(messageId, now);
		this.afterWrite();
		this.broadcast({
			type: "message:deleted",
			data: { conversationId: meta.conversation_id, messageId, seq: record.seq },
		});
		await this.visibleToRest(true);
		if (record.image_key) this.ctx.waitUntil(this.deleteImageIfUnused(record.image_key));
		return ok(null);
	}

	/** The same upload may be sent more than once, even elsewhere; its object goes with the last live use. */
	private async deleteImageIfUnused(key: string) {
		try {
			if (this.roomLog.imageStillUsed(key)) return;
			const elsewhere = await this.env.DB.prepare(
				"SELECT 1 FROM messages WHERE image_key = ? AND deleted_at IS NULL LIMIT 1",
			)
				.bind(key)
				.first();
			if (!elsewhere) await this.env.MEDIA.delete(key);
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

	/** Called by the Worker after it created a conversation: members' lists gain it live. */
	async conversationCreated(origin: string): Promise<void> {
		if (await this.load(origin)) this.notifyMembers([]);
	}

	/** Mute and other per-user changes made in D1: the room's copy follows, the user's devices refresh. */
	async conversationChangedFor(userId: string, change: { muted?: boolean }): Promise<void> {
		if (!(await this.load())) return;
		if (change.muted !== undefined) this.roomLog.setMuted(userId, change.muted);
		const view = await this.conversationView(userId);
		if (view) this.hubs.deliver(userId, [view]);
	}

	/** Watermarks as the room has them (ahead of D1 by at most one flush); null if it holds nothing. */
	async watermarks(): Promise<Record<string, { lastReadSeq: number; lastDeliveredSeq: number }> | null> {
		if (!this.roomLog.meta()) return null;
		return Object.fromEntries(
			this.roomLog
				.members()
				.map((m) => [m.user_id, { lastReadSeq: m.last_read_seq, lastDeliveredSeq: m.last_delivered_seq }]),
		);
	}

	/** Participants with user details from D1 and watermarks from the log. */
	private async participants(userIds?: string[]): Promise<Participant[]> {
		const marks = (await this.watermarks()) ?? {};
		return (await listParticipants(this.env, this.conversationId))
			.filter((p) => !userIds || userIds.includes(p.user.id))
			.map((p) => ({ ...p, ...marks[p.user.id] }));
	}

	private async groupFor(actorId: string, needAdmin: boolean, origin: string) {
		const meta = await this.load(origin);
		if (!meta) return fail(404, "conversation not found");
		await this.syncMembers();
		const members = this.memberInfos();
		const actor = checkActor(meta.type, members, actorId, needAdmin);
		return actor.ok ? ok({ meta, members }) : actor;
	}

	addMembers(actorId: string, userIds: string[], origin: string) {
		return this.oneMemberChangeAtATime(async (): Promise<RoomResult<null>> => {
			const group = await this.groupFor(actorId, true, origin);
			if (!group.ok) return group;
			const plan = planAdd(group.value.members, userIds);
			if (!plan.ok) return plan;
			const toAdd = plan.value;
			if (toAdd.length === 0) return ok(null);
			const db = this.env.DB;
			const { results: found } = await db
				.prepare("SELECT value AS id FROM json_each(?) WHERE value IN (SELECT id FROM users)")
				.bind(JSON.stringify(toAdd))
				.all<{ id: string }>();
			const unknown = toAdd.filter((id) => !found.some((f) => f.id === id));
			if (unknown.length > 0) return fail(404, "user not found", { userIds: unknown });
			const now = new Date().toISOString();
			const insert = db.prepare(
				"INSERT OR IGNORE INTO participants (conversation_id, user_id, role, joined_at) VALUES (?, ?, 'member', ?)",
			);
			await db.batch(toAdd.map((id) => insert.bind(this.conversationId, id, now)));
			for (const id of toAdd) this.roomLog.addMember(id, "member", now);
			await this.recordSystems(
				actorId,
				toAdd.map((id) => ({ event: "joined", actorId, targetId: id })),
				origin,
			);
			const events = (await this.participants(toAdd)).map(
				(participant): ServerEvent => ({
					type: "member:added",
					data: { conversationId: this.conversationId, participant },
				}),
			);
			for (const event of events) this.broadcast(event);
			this.notifyMembers(events);
			return ok(null);
		});
	}

	removeMember(actorId: string, targetId: string, origin: string) {
		return this.oneMemberChangeAtATime(async (): Promise<RoomResult<null>> => {
			const group = await this.groupFor(actorId, true, origin);
			if (!group.ok) return group;
			const target = planRemove(group.value.members, targetId);
			if (!target.ok) return target;
			const event = targetId === actorId ? "left" : "removed";
			await this.recordSystems(actorId, [{ event, actorId, targetId }], origin);
			await this.dropMember(targetId);
			return ok(null);
		});
	}

	setRole(actorId: string, targetId: string, role: Role, origin: string) {
		return this.oneMemberChangeAtATime(async (): Promise<RoomResult<{ participant: Participant }>> => {
			const group = await this.groupFor(actorId, true, origin);
			if (!group.ok) return group;
			const plan = planRole(group.value.members, targetId, role);
			if (!plan.ok) return plan;
			if (plan.value.changed) {
				await this.changeRole(targetId, role);
				await this.recordSystems(actorId, [{ event: "role_changed", actorId, targetId, role }], origin);
			}
			const [participant] = await this.participants([targetId]);
			if (!participant) return fail(404, "member not found");
			if (plan.value.changed)
				this.announce({ type: "member:updated", data: { conversationId: this.conversationId, participant } });
			return ok({ participant });
		});
	}

	/** Leaving a group; the last admin leaving hands admin to the longest-standing member. */
	leave(userId: string, origin: string) {
		return this.oneMemberChangeAtATime(async (): Promise<RoomResult<null>> => {
			const group = await this.groupFor(userId, false, origin);
			if (!group.ok) return group;
			const heir = heirOnLeave(group.value.members, userId);
			await this.recordSystems(userId, [{ event: "left", actorId: userId, targetId: userId }], origin);
			if (heir) {
				await this.changeRole(heir.userId, "admin");
				await this.recordSystems(
					userId,
					[{ event: "role_changed", actorId: userId, targetId: heir.userId, role: "admin" }],
					origin,
				);
			}
			await this.dropMember(userId);
			if (heir) {
				const [participant] = await this.participants([heir.userId]);
				if (participant) {
					this.announce({ type: "member:updated", data: { conversationId: this.conversationId, participant } });
				}
			}
			return ok(null);
		});
	}

	private announce(event: ServerEvent) {
		this.broadcast(event);
		this.notifyMembers([event]);
	}

	private async changeRole(userId: string, role: Role) {
		await this.env.DB.prepare("UPDATE participants SET role = ? WHERE conversation_id = ? AND user_id = ?")
			.bind(role, this.conversationId, userId)
			.run();
		this.roomLog.setRole(userId, role);
	}

	private async dropMember(userId: string) {
		await this.env.DB.prepare("DELETE FROM participants WHERE conversation_id = ? AND user_id = ?")
			.bind(this.conversationId, userId)
			.run();
		this.roomLog.removeMember(userId);
		const event: ServerEvent = { type: "member:removed", data: { conversationId: this.conversationId, userId } };
		this.broadcast(event);
		for (const ws of this.ctx.getWebSockets(userId)) {
			try {
				ws.close(4403, "no longer a member");
			} catch {
				// already closing
			}
		}
		this.notifyMembers([event], [userId]);
	}

	/** `system` messages, sequenced like any other so history shows who joined and left. */
	private async recordSystems(actorId: string, systems: SystemEvent[], origin: string) {
		const ids = [...new Set(systems.flatMap((e) => [e.actorId, e.targetId]))];
		const { results } = await this.env.DB.prepare(
			"SELECT id, display_name FROM users WHERE id IN (SELECT value FROM json_each(?))",
		)
			.bind(JSON.stringify(ids))
			.all<{ id: string; display_name: string }>();
		const names = new Map(results.map((r) => [r.id, r.display_name]));
		const now = new Date().toISOString();
		const published = systems.map((system) =>
			this.publish(
				this.roomLog.append(
					{
						senderId: actorId,
						clientId: `system:${crypto.randomUUID()}`,
						kind: "system",
						text: systemSentence(system, names),
						image: null,
						system,
					},
					now,
				),
				origin,
			),
		);
		this.afterWrite();
		await Promise.all(published);
	}

	/** Development-only numbers for the benchmark: constructor runs (hibernation), sockets, flushes. */
	async stats(): Promise<{ wakes: number; sockets: number; d1Flushes: number }> {
		return { wakes: this.wakes, sockets: this.ctx.getWebSockets().length, d1Flushes: this.outbox.flushes };
	}
}
