// ConversationRoom (`conversation:<id>`): the single writer of one conversation. Its own SQLite
// is the conversation's log (room/log.ts): a send is a local write, a broadcast and an ack, and
// D1 catches up through the outbox (room/outbox.ts) in batches. Receipts are watermark moves in
// the log whose frames reach only the senders concerned, coalesced (room/receipts.ts); inbox
// events go to online members' UserHubs after each flush (room/inbox.ts, room/views.ts).
// Sockets and typing live in room/sockets.ts, membership rules in room/members.ts, and what
// the room reads from or writes to D1 through src/server/db (the outbox too). REST and socket paths
// share the methods below.
import { DurableObject } from "cloudflare:workers";
import { type AppEnv, isDevelopment, rateLimitsOn } from "../server/config";
import { listParticipants, readConversationForImport, setConversationTitle } from "../server/db/conversations";
import { imageUsedInD1, type MessageSnapshot } from "../server/db/messages";
import { deleteMember, insertMembers, readMembers, updateRole } from "../server/db/participants";
import { displayNames, unknownUserIds } from "../server/db/users";
import { checkImageForMessage } from "../server/images";
import { log } from "../server/log";
import { type TokenBucket, takeToken } from "../server/tokenBucket";
import { type MessageOut, type MessageRecord, reactionsOf, toMessage } from "../server/views";
import {
	EDIT_WINDOW_MS,
	MAX_REACTION_EMOJI,
	type Message,
	type Participant,
	type Reaction,
	type Role,
	type SendMessageBody,
	type ServerEvent,
	type SystemEvent,
} from "../shared/schemas";
import { systemSentence } from "../shared/system";
import { readClientFrame, sendFrame, socketError } from "./frames";
import { RoomBlocks } from "./room/blocks";
import { HubMailboxes } from "./room/inbox";
import { type Meta, type NewMessage, RoomLog } from "./room/log";
import { checkActor, heirOnLeave, type MemberInfo, planAdd, planRemove, planRole } from "./room/members";
import { type FlushReport, Outbox } from "./room/outbox";
import { type ReceiptMove, ReceiptWindow } from "./room/receipts";
import { type SearchCursor, searchLog } from "./room/search";
import { RoomSockets, socketFromHandshake } from "./room/sockets";
import { conversationView, conversationViews, receiptRecipients } from "./room/views";
import { fail, ok, type RoomResult } from "./rpc";

const MAX_FRAME_BYTES = 64 * 1024;
const REST_SENDS_PER_SECOND = 20;
const REST_SEND_BURST = 200;
/** A REST write answers once D1 has it (contract: consistency); past this it answers anyway. */
const REST_FLUSH_WAIT_MS = 10_000;
/** If the object is evicted between a write and its flush, this alarm brings it back. */
const BACKSTOP_MS = 1_000;
/** The group's "created the group" line has this clientId (sender: the creator), so it is recorded once. */
const CREATED_CLIENT_ID = "system:created";

/** How a receipt arrived: over REST (answer once D1 has it) or on a room socket (no echo to it). */
interface ReceiptOptions {
	viaRest?: boolean;
	via?: WebSocket;
}

type HistoryPosition = { before: number } | { after: number } | null;

export class ConversationRoom extends DurableObject<AppEnv> {
	private readonly roomLog: RoomLog;
	private readonly outbox: Outbox;
	private readonly receipts: ReceiptWindow;
	private readonly hubs: HubMailboxes;
	private readonly sockets: RoomSockets;
	private readonly blocks: RoomBlocks;
	private loading: Promise<Meta | null> | null = null;
	private userBuckets = new Map<string, TokenBucket>();
	/** Broadcasts run in the order seqs were assigned, even when building one awaits. */
	private publishing: Promise<unknown> = Promise.resolve();
	/** Member changes read, check and then write across awaits: they run one at a time. */
	private memberChanges: Promise<unknown> = Promise.resolve();
	/** Events for the next inbox fan-out besides messages (member changes), and who else gets them. */
	private inboxExtra: { events: ServerEvent[]; users: Set<string> } = { events: [], users: new Set() };
	private alarmAt: number | null | undefined;
	private wakes = 0;
	/** Tests swap this to make D1 writes fail for a while; everything else uses env.DB. */
	d1: () => D1Database = () => this.env.DB;

	constructor(ctx: DurableObjectState, env: AppEnv) {
		super(ctx, env);
		// A ping is answered by the runtime itself, so an idle room stays hibernated.
		ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('{"type":"ping"}', '{"type":"pong"}'));
		this.roomLog = new RoomLog(ctx.storage);
		this.sockets = new RoomSockets(ctx, () => this.conversationId);
		this.outbox = new Outbox(
			this.roomLog,
			(report) => this.fanOutToMembers(report),
			(at) => this.setAlarmBy(at),
			() => this.d1(),
		);
		this.receipts = new ReceiptWindow((moves) => this.sendReceipts(moves));
		this.hubs = new HubMailboxes(env, (promise) => ctx.waitUntil(promise));
		this.blocks = new RoomBlocks(
			() => this.d1(),
			() => this.memberIds(),
		);
		if (isDevelopment(env)) ctx.blockConcurrencyWhile(async () => this.countWake());
	}

	/** Development only, and only in a room that holds a conversation: constructor runs, for the benchmark. */
	private countWake() {
		if (!this.roomLog.meta()) return;
		const sql = this.ctx.storage.sql;
		sql.exec("CREATE TABLE IF NOT EXISTS dev_stats (key TEXT PRIMARY KEY, value INTEGER NOT NULL)");
		this.wakes = sql
			.exec<{ value: number }>(
				"INSERT INTO dev_stats (key, value) VALUES ('wakes', 1) ON CONFLICT (key) DO UPDATE SET value = value + 1 RETURNING value",
			)
			.one().value;
	}

	private get conversationId(): string {
		const name = this.ctx.id.name;
		if (!name?.startsWith("conversation:")) throw new Error("a room is named conversation:<id>");
		return name.slice("conversation:".length);
	}

	// ---------- loading and membership ----------

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
		this.loading ??= (async () => {
			const data = await readConversationForImport(this.env.DB, this.conversationId);
			if (!data) return null;
			// Another request may have imported while this one awaited D1.
			if (!this.roomLog.meta()) {
				this.roomLog.importConversation(data, origin ?? "");
				log.info("room_imported", { conversationId: this.conversationId, messages: data.messages.length });
				// D1's list figures for imported messages come from the log from now on (issue 21).
				if (data.messages.length > 0) this.outbox.schedule({ figures: true });
			}
			return this.roomLog.meta();
		})().finally(() => {
			this.loading = null;
		});
		return this.loading;
	}

	/** Re-reads membership from D1 (where the Worker and admins query it) into the log. */
	private async syncMembers() {
		this.roomLog.syncMembers(await readMembers(this.env.DB, this.conversationId));
	}

	/** Is `userId` a member? A miss is checked against D1 once, so a member added there is seen. */
	private async isMember(userId: string): Promise<boolean> {
		if (this.roomLog.member(userId)) return true;
		await this.syncMembers();
		return this.roomLog.member(userId) !== null;
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
		const attachment = socketFromHandshake(request, userId, origin);
		this.sockets.accept(pair[1], attachment);
		if (attachment.expiresAt) await this.setAlarmBy(attachment.expiresAt);
		return new Response(null, { status: 101, webSocket: pair[0] });
	}

	override async webSocketMessage(ws: WebSocket, raw: string | ArrayBuffer): Promise<void> {
		const frame = readClientFrame(ws, raw, {
			maxBytes: MAX_FRAME_BYTES,
			flood: this.sockets.floodGuard(ws, rateLimitsOn(this.env)),
		});
		if (!frame) return;
		const info = this.sockets.info(ws);
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
				case "message:edit": {
					const result = await this.editMessage(info.userId, frame.data.messageId, frame.data.text, info.origin);
					return reply(result.ok ? ok({ message: result.value.message }) : result);
				}
				case "reaction:add":
				case "reaction:remove":
					return reply(
						await this.react(
							info.userId,
							frame.data.messageId,
							frame.data.emoji,
							frame.type === "reaction:add" ? "add" : "remove",
						),
					);
				case "message:delivered":
					return reply(await this.markDelivered(info.userId, frame.data.seq, { via: ws }));
				case "message:read":
					return reply(await this.markRead(info.userId, frame.data.seq, { via: ws }));
				case "typing:start":
					this.sockets.startTyping(info.userId);
					return reply(ok({}));
				case "typing:stop":
					this.sockets.stopTyping(info.userId);
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
		this.sockets.closed(ws);
	}

	override async webSocketError(ws: WebSocket): Promise<void> {
		this.sockets.closed(ws);
	}

	/**
	 * A block between the members of this direct conversation was set or lifted in D1: the room
	 * reads the pair's blocks again (room/blocks.ts). 503 when D1 cannot be read; the room then
	 * reads it before its next send.
	 */
	async blocksChanged(): Promise<RoomResult<null>> {
		try {
			const meta = await this.load();
			if (meta) await this.blocks.refresh();
			return ok(null);
		} catch (err) {
			log.error("room_blocks_refresh_failed", { conversationId: this.conversationId, error: String(err) });
			return fail(503, "could not read the blocks");
		}
	}

	private memberIds(): string[] {
		return this.roomLog.members().map((m) => m.user_id);
	}

	/** Closes the sockets of ended sessions (logout, password change) or all of a user's: 4401. */
	async endSessions(userId: string, sessionIds: string[] | null): Promise<number> {
		return this.sockets.endSessions(userId, sessionIds);
	}

	// ---------- alarm: token expiry and the outbox's backstop ----------

	/** Makes sure the alarm fires no later than `at`. */
	private async setAlarmBy(at: number) {
		if (this.alarmAt === undefined) this.alarmAt = await this.ctx.storage.getAlarm();
		if (this.alarmAt !== null && this.alarmAt <= at) return;
		this.alarmAt = at;
		await this.ctx.storage.setAlarm(at);
	}

	override async alarm(): Promise<void> {
		this.alarmAt = null;
		const nextExpiry = this.sockets.closeExpired(Date.now());
		if (this.roomLog.hasUnflushed()) await this.outbox.run();
		if (Number.isFinite(nextExpiry)) await this.setAlarmBy(nextExpiry);
	}

	/** After every local write: a flush soon, and an alarm in case this object is evicted first. */
	private afterWrite() {
		this.outbox.schedule();
		this.ctx.waitUntil(this.setAlarmBy(Date.now() + BACKSTOP_MS));
	}

	/** REST writes answer once every REST read can see them (contract: consistency). */
	private async visibleToRest(viaRest: boolean | undefined) {
		if (!viaRest) return;
		if (!(await this.outbox.whenFlushed(REST_FLUSH_WAIT_MS))) {
			log.warn("rest_answered_before_d1", { conversationId: this.conversationId });
		}
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
		await this.blocks.load(meta.type);
		const stored = this.roomLog.byClientId(senderId, body.clientId);
		if (stored) {
			await this.visibleToRest(opts.viaRest);
			return ok({ message: await this.messageOut(stored, origin), created: false });
		}
		if (this.blocks.blocksSender(meta.type, senderId)) {
			return fail(403, "you cannot send messages in this conversation");
		}
		const invalid = this.checkReplyAndMentions(body);
		if (invalid) return invalid;
		if (opts.viaRest && rateLimitsOn(this.env)) {
			if (!takeToken(this.userBuckets, senderId, REST_SENDS_PER_SECOND, REST_SEND_BURST))
				return fail(429, "sending too fast, slow down");
		}
		let image: NewMessage["image"] = null;
		if (body.kind === "image") {
			const check = await checkImageForMessage(this.env, body.imageKey, senderId);
			if (!check.ok) return fail(check.status, check.message);
			image = { key: body.imageKey, contentType: check.contentType, size: check.size };
			// The same clientId may have been stored, or the sender removed, while the image was checked.
			const raced = this.roomLog.byClientId(senderId, body.clientId);
			if (raced) return ok({ message: await this.messageOut(raced, origin), created: false });
			if (!this.roomLog.member(senderId)) return fail(404, "conversation not found");
		}
		const record = this.roomLog.append(
			{
				senderId,
				clientId: body.clientId,
				kind: body.kind,
				text: body.text ?? null,
				image,
				system: null,
				replyToId: body.replyToId ?? null,
				mentions: [...new Set(body.mentions ?? [])],
			},
			new Date().toISOString(),
		);
		this.afterWrite();
		const message = await this.publish(record, origin);
		await this.visibleToRest(opts.viaRest);
		return ok({ message, created: true });
	}

	/** Contract v2: `replyToId` names a message of this conversation, `mentions` current members. */
	private checkReplyAndMentions(body: SendMessageBody): RoomResult<never> | null {
		if (body.replyToId !== undefined && !this.roomLog.byId(body.replyToId)) {
			return fail(400, "replyToId is not a message of this conversation", {
				fields: [{ path: "replyToId", message: "not a message of this conversation" }],
			});
		}
		const strangers = (body.mentions ?? []).filter((userId) => !this.roomLog.member(userId));
		if (strangers.length > 0) {
			return fail(400, "mentions must be current members", {
				fields: [{ path: "mentions", message: "not members of this conversation" }],
				userIds: strangers,
			});
		}
		return null;
	}

	/** A stored row as the contract's Message, its quoted message read from the log as it is now. */
	private messageOut(row: MessageRecord, origin: string): Promise<MessageOut> {
		return toMessage(this.env, origin, row, this.roomLog.quoted([row]));
	}

	/**
	 * Broadcasts `message:new` for a stored record, in seq order. An image waits for D1 first:
	 * the media route serves an object only while D1 holds a live message that uses it.
	 */
	private publish(record: MessageRecord, origin: string): Promise<Message> {
		const next = this.publishing.then(async () => {
			if (record.kind === "image") await this.outbox.whenFlushed(REST_FLUSH_WAIT_MS);
			const message = await this.messageOut(record, origin);
			this.sockets.stopTyping(record.sender_id);
			this.sockets.broadcast({ type: "message:new", data: { message } });
			return message;
		});
		this.publishing = next.catch(() => undefined);
		return next;
	}

	/** A change to a message is broadcast after every `message:new` already on its way (an image waits for D1). */
	private broadcastInOrder(event: ServerEvent): Promise<void> {
		const next = this.publishing.then(() => this.sockets.broadcast(event));
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
		const quoted = this.roomLog.quoted(page);
		const messages = await Promise.all(page.map((row) => toMessage(this.env, origin, row, quoted)));
		const last = page.at(-1);
		const after = position !== null && "after" in position;
		const next = rows.length > limit && last ? (after ? { after: last.seq } : { before: last.seq }) : null;
		return ok({ messages, next });
	}

	/**
	 * Issue 21: this room's messages matching `match` for a member, newest first below `after`,
	 * each with the message it quotes (room/search.ts).
	 */
	async search(
		userId: string,
		match: string,
		limit: number,
		after: SearchCursor | null,
	): Promise<RoomResult<{ hits: MessageSnapshot[] }>> {
		const meta = await this.load();
		if (!meta || !(await this.isMember(userId))) return fail(404, "conversation not found");
		const rows = searchLog(this.ctx.storage.sql, {
			conversationId: meta.conversation_id,
			userId,
			match,
			limit,
			after,
		});
		const quoted = this.roomLog.quoted(rows);
		return ok({ hits: rows.map((row) => ({ ...row, quoted: quoted.get(row.reply_to_id ?? "") ?? null })) });
	}

	/** What a report copies of a message a member can see (reports live in D1); null when there is none. */
	async reportable(userId: string, messageId: string): Promise<MessageRecord | null> {
		const meta = await this.load();
		if (!meta || !(await this.isMember(userId))) return null;
		return this.roomLog.byId(messageId);
	}

	/**
	 * The admin command's step for this conversation (scripts/messages-to-rooms.mjs): the room
	 * holds everything D1's `messages` has of it (imported now if its log was empty) and D1 has
	 * the list's figures from the log. `ok` once D1 took them.
	 */
	async moveFromD1(): Promise<{ ok: boolean; lastSeq: number }> {
		const meta = await this.load();
		if (!meta) return { ok: true, lastSeq: 0 };
		this.outbox.schedule({ figures: true });
		return { ok: await this.outbox.whenFlushed(REST_FLUSH_WAIT_MS), lastSeq: this.roomLog.meta()?.last_seq ?? 0 };
	}

	// ---------- receipts (watermarks) ----------

	async markRead(
		userId: string,
		seq: number | undefined,
		opts: ReceiptOptions = {},
	): Promise<RoomResult<{ lastReadSeq: number }>> {
		const moved = await this.moveWatermark(userId, "read", seq, opts.via);
		if (!moved) return fail(404, "conversation not found");
		await this.visibleToRest(opts.viaRest);
		return ok({ lastReadSeq: moved.after.read });
	}

	async markDelivered(
		userId: string,
		seq: number,
		opts: ReceiptOptions = {},
	): Promise<RoomResult<{ lastDeliveredSeq: number }>> {
		const moved = await this.moveWatermark(userId, "delivered", seq, opts.via);
		if (!moved) return fail(404, "conversation not found");
		await this.visibleToRest(opts.viaRest);
		return ok({ lastDeliveredSeq: moved.after.delivered });
	}

	/** A local write plus a coalesced frame: a receipt never waits on D1. */
	private async moveWatermark(
		userId: string,
		which: "read" | "delivered",
		seq: number | undefined,
		via: WebSocket | undefined,
	) {
		if (!(await this.load()) || !(await this.isMember(userId))) return null;
		const moved = this.roomLog.advanceWatermark(userId, which, seq);
		if (!moved) return null;
		const { before, after } = moved;
		const reporters = via ? [via] : [];
		if (after.read > before.read) {
			this.receipts.add({ userId, kind: "read", from: before.read, to: after.read, reporters });
		}
		if (after.delivered > before.delivered) {
			this.receipts.add({ userId, kind: "delivered", from: before.delivered, to: after.delivered, reporters });
		}
		if (after.read > before.read || after.delivered > before.delivered) this.afterWrite();
		return moved;
	}

	/** A window's receipts: one frame per socket of each recipient, room and realtime. */
	private sendReceipts(moves: ReceiptMove[]) {
		const { byRecipient, readers } = receiptRecipients(this.roomLog, this.conversationId, moves);
		this.ctx.waitUntil(
			(async () => {
				// The readers' other devices also get their conversation with the unread badge cleared.
				const views = await conversationViews(this.env, this.roomLog, readers);
				for (const [userId, events] of byRecipient) {
					this.sockets.sendToUser(userId, events);
					const view = views.get(userId);
					const forHub = events.map((e) => e.event);
					this.hubs.deliver(userId, view ? [...forHub, view] : forHub);
				}
			})().catch((err) =>
				log.error("receipt_fanout_failed", { conversationId: this.conversationId, error: String(err) }),
			),
		);
	}

	// ---------- the inbox: members' realtime sockets ----------

	/** After a flush: new messages and each online member's conversation view to their hubs. */
	private fanOutToMembers(report: FlushReport) {
		const extra = this.inboxExtra;
		this.inboxExtra = { events: [], users: new Set() };
		this.ctx.waitUntil(
			(async () => {
				const origin = this.roomLog.meta()?.origin ?? "";
				const quoted = this.roomLog.quoted(report.created);
				const fresh = await Promise.all(report.created.map((row) => toMessage(this.env, origin, row, quoted)));
				const events: ServerEvent[] = [
					...fresh.map((message): ServerEvent => ({ type: "message:new", data: { message } })),
					...extra.events,
				];
				const recipients = new Set([...report.online, ...extra.users]);
				const views = report.changed ? await conversationViews(this.env, this.roomLog, recipients) : null;
				for (const userId of recipients) {
					const view = views?.get(userId);
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

	// ---------- edit and reactions (contract v2) ----------

	/**
	 * A new text (or caption) for the sender's own message, within 15 minutes of sending. The same
	 * text again answers the message as it is and broadcasts nothing. `message:updated` goes to
	 * the room, and to members' realtime sockets when it is the conversation's last message.
	 */
	async editMessage(
		actorId: string,
		messageId: string,
		text: string,
		origin: string,
		opts: { viaRest?: boolean } = {},
	): Promise<RoomResult<{ message: Message; changed: boolean }>> {
		const meta = await this.load(origin);
		const record = meta && (await this.isMember(actorId)) ? this.roomLog.byId(messageId) : null;
		if (!meta || !record) return fail(404, "message not found");
		if (record.sender_id !== actorId) return fail(403, "only the sender can edit a message");
		if (record.kind === "system") return fail(409, "system messages cannot be edited");
		if (record.deleted_at) return fail(409, "the message was deleted");
		if (Date.now() - Date.parse(record.created_at) > EDIT_WINDOW_MS) {
			return fail(403, "a message can be edited only within 15 minutes of sending it");
		}
		if (record.text === text) {
			await this.visibleToRest(opts.viaRest);
			return ok({ message: await this.messageOut(record, origin), changed: false });
		}
		this.roomLog.edit(messageId, text, new Date().toISOString());
		this.afterWrite();
		const edited = this.roomLog.byId(messageId);
		if (!edited) return fail(404, "message not found");
		const message = await this.messageOut(edited, origin);
		const event: ServerEvent = { type: "message:updated", data: { message } };
		await this.broadcastInOrder(event);
		if (this.roomLog.latestMessage()?.id === messageId) this.notifyMembers([event]);
		log.info("message_edited", { conversationId: meta.conversation_id, messageId });
		await this.visibleToRest(opts.viaRest);
		return ok({ message, changed: true });
	}

	/**
	 * Adds or removes the actor's reaction; idempotent both ways, and `message:reactions` goes to
	 * the room only when something changed. At most 20 distinct emoji per message.
	 */
	async react(
		actorId: string,
		messageId: string,
		emoji: string,
		change: "add" | "remove",
		opts: { viaRest?: boolean } = {},
	): Promise<RoomResult<{ reactions: Reaction[] }>> {
		const meta = await this.load();
		const record = meta && (await this.isMember(actorId)) ? this.roomLog.byId(messageId) : null;
		if (!meta || !record) return fail(404, "message not found");
		if (record.kind === "system") return fail(409, "system messages take no reactions");
		if (record.deleted_at) return fail(409, "the message was deleted");
		const reactions = reactionsOf(record);
		const next =
			change === "add" ? withReaction(reactions, emoji, actorId) : withoutReaction(reactions, emoji, actorId);
		if (next === "full") {
			return fail(409, `a message has at most ${MAX_REACTION_EMOJI} different emoji`);
		}
		if (next !== reactions) {
			this.roomLog.setReactions(messageId, next.length > 0 ? JSON.stringify(next) : null);
			this.afterWrite();
			await this.broadcastInOrder({
				type: "message:reactions",
				data: { conversationId: meta.conversation_id, messageId, seq: record.seq, reactions: next },
			});
		}
		await this.visibleToRest(opts.viaRest);
		return ok({ reactions: next });
	}

	// ---------- delete ----------

	/** Delete for me (hidden from the caller's history) or for everyone (sender or group admin). */
	async deleteMessage(actorId: string, messageId: string, scope: "me" | "everyone"): Promise<RoomResult<null>> {
		const meta = await this.load();
		const actor = meta && (await this.isMember(actorId)) ? this.roomLog.member(actorId) : null;
		const record = actor ? this.roomLog.byId(messageId) : null;
		if (!meta || !actor || !record) return fail(404, "message not found");
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
		this.sockets.broadcast({
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
			if (this.roomLog.imageStillUsed(key) || (await imageUsedInD1(this.env.DB, key))) return;
			await this.env.MEDIA.delete(key);
		} catch (err) {
			log.warn("image_delete_failed", { key, error: String(err) });
		}
	}

	// ---------- members ----------

	/**
	 * Called by the Worker after it created a conversation: members' lists gain it live. A direct
	 * chat reaches only its creator's list until it has a message (issue 22; the D1 list agrees).
	 */
	async conversationCreated(origin: string, creatorId?: string): Promise<void> {
		const meta = await this.load(origin);
		if (!meta) return;
		if (meta.type !== "direct" || !creatorId) return this.notifyMembers([]);
		const view = await conversationView(this.env, this.roomLog, creatorId);
		if (view) this.hubs.deliver(creatorId, [view]);
	}

	/**
	 * Called by the Worker, and awaited, after it created a group: the room records the group's
	 * first line, "<creator> created the group", at seq 1, before the creator gets 201. A retry
	 * finds it by its fixed clientId and records nothing. Answers once D1 has it.
	 */
	groupCreated(creatorId: string, origin: string) {
		return this.oneMemberChangeAtATime(async (): Promise<RoomResult<null>> => {
			const meta = await this.load(origin);
			if (!meta) return fail(404, "conversation not found");
			if (meta.type !== "group") return ok(null);
			if (!this.roomLog.byClientId(creatorId, CREATED_CLIENT_ID)) {
				await this.recordSystems(
					creatorId,
					[{ event: "created", actorId: creatorId, targetId: creatorId }],
					origin,
					CREATED_CLIENT_ID,
				);
			}
			this.notifyMembers([]);
			await this.visibleToRest(true);
			return ok(null);
		});
	}

	/**
	 * A group's new title (admins only): D1's `conversations.title`, the log's meta, a system
	 * message, and every online member's conversation view after the next flush. The same title
	 * again changes nothing. Answers once D1 has it.
	 */
	rename(actorId: string, title: string, origin: string) {
		return this.oneMemberChangeAtATime(async (): Promise<RoomResult<{ changed: boolean }>> => {
			const group = await this.groupFor(actorId, true, origin);
			if (!group.ok) return group;
			if (group.value.meta.title === title) return ok({ changed: false });
			await setConversationTitle(this.env, this.conversationId, title);
			this.roomLog.setTitle(title);
			await this.recordSystems(actorId, [{ event: "renamed", actorId, targetId: actorId, title }], origin);
			this.notifyMembers([]);
			await this.visibleToRest(true);
			return ok({ changed: true });
		});
	}

	/** Mute and other per-user changes made in D1: the room's copy follows, the user's devices refresh. */
	async conversationChangedFor(userId: string, change: { muted?: boolean }): Promise<void> {
		if (!(await this.load())) return;
		if (change.muted !== undefined) this.roomLog.setMuted(userId, change.muted);
		const view = await conversationView(this.env, this.roomLog, userId);
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

	private oneMemberChangeAtATime<T>(change: () => Promise<T>): Promise<T> {
		const next = this.memberChanges.then(change, change);
		this.memberChanges = next.catch(() => undefined);
		return next;
	}

	/** The actor's standing for a member change, against membership freshly read from D1. */
	private async groupFor(actorId: string, needAdmin: boolean, origin: string) {
		const meta = await this.load(origin);
		if (!meta) return fail(404, "conversation not found");
		await this.syncMembers();
		const members: MemberInfo[] = this.roomLog
			.members()
			.map((m) => ({ userId: m.user_id, role: m.role, joinedAt: m.joined_at }));
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
			const unknown = await unknownUserIds(this.env, toAdd);
			if (unknown.length > 0) return fail(404, "user not found", { userIds: unknown });
			const now = new Date().toISOString();
			await insertMembers(this.env.DB, this.conversationId, toAdd, now);
			for (const id of toAdd) this.roomLog.addMember(id, "member", now);
			await this.recordSystems(
				actorId,
				toAdd.map((id) => ({ event: "joined", actorId, targetId: id })),
				origin,
			);
			for (const participant of await this.participants(toAdd)) {
				this.announce({ type: "member:added", data: { conversationId: this.conversationId, participant } });
			}
			await this.visibleToRest(true);
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
			await this.visibleToRest(true);
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
			if (plan.value.changed) {
				this.announce({ type: "member:updated", data: { conversationId: this.conversationId, participant } });
				await this.visibleToRest(true);
			}
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
			const [participant] = heir ? await this.participants([heir.userId]) : [];
			if (participant) {
				this.announce({ type: "member:updated", data: { conversationId: this.conversationId, participant } });
			}
			await this.visibleToRest(true);
			return ok(null);
		});
	}

	/** Participants with user details from D1 and watermarks from the log. */
	private async participants(userIds: string[]): Promise<Participant[]> {
		const marks = (await this.watermarks()) ?? {};
		return (await listParticipants(this.env, this.conversationId))
			.filter((p) => userIds.includes(p.user.id))
			.map((p) => ({ ...p, ...marks[p.user.id] }));
	}

	private announce(event: ServerEvent) {
		this.sockets.broadcast(event);
		this.notifyMembers([event]);
	}

	private async changeRole(userId: string, role: Role) {
		await updateRole(this.env.DB, this.conversationId, userId, role);
		this.roomLog.setRole(userId, role);
	}

	private async dropMember(userId: string) {
		await deleteMember(this.env.DB, this.conversationId, userId);
		this.roomLog.removeMember(userId);
		const event: ServerEvent = { type: "member:removed", data: { conversationId: this.conversationId, userId } };
		this.sockets.broadcast(event);
		this.sockets.closeUser(userId, 4403, "no longer a member");
		this.notifyMembers([event], [userId]);
	}

	/** `system` messages, sequenced like any other so history shows who joined and left. */
	private async recordSystems(actorId: string, systems: SystemEvent[], origin: string, clientId?: string) {
		const names = await displayNames(this.env.DB, [...new Set(systems.flatMap((e) => [e.actorId, e.targetId]))]);
		const now = new Date().toISOString();
		const published = systems.map((system) =>
			this.publish(
				this.roomLog.append(
					{
						senderId: actorId,
						clientId: clientId ?? `system:${crypto.randomUUID()}`,
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

	private totalChanges(): number {
		try {
			return this.ctx.storage.sql.exec<{ n: number }>("SELECT total_changes() AS n").one().n;
		} catch {
			return -1;
		}
	}

	/**
	 * Development-only numbers for the benchmark: constructor runs (hibernation), sockets, D1
	 * flushes, statements and rows written since the object started, and the rows its own SQLite
	 * changed since then (`total_changes()`: statements and triggers; FTS5's internal tables not counted).
	 */
	async stats() {
		return {
			wakes: this.wakes,
			sockets: this.sockets.count(),
			d1Flushes: this.outbox.flushes,
			d1Statements: this.outbox.d1Statements,
			d1RowsWritten: this.outbox.d1RowsWritten,
			doRowsChanged: this.totalChanges(),
			hubDeliveries: this.hubs.deliveries,
		};
	}
}

/** The reactions with `userId`'s `emoji` added (the same list when already there), or "full". */
function withReaction(reactions: Reaction[], emoji: string, userId: string): Reaction[] | "full" {
	const entry = reactions.find((r) => r.emoji === emoji);
	if (entry?.userIds.includes(userId)) return reactions;
	if (entry) return reactions.map((r) => (r === entry ? { emoji, userIds: [...r.userIds, userId] } : r));
	if (reactions.length >= MAX_REACTION_EMOJI) return "full";
	return [...reactions, { emoji, userIds: [userId] }];
}

/** The reactions without `userId`'s `emoji` (the same list when it was not there); empty emoji go. */
function withoutReaction(reactions: Reaction[], emoji: string, userId: string): Reaction[] {
	const entry = reactions.find((r) => r.emoji === emoji);
	if (!entry?.userIds.includes(userId)) return reactions;
	return reactions
		.map((r) => (r === entry ? { emoji, userIds: r.userIds.filter((u) => u !== userId) } : r))
		.filter((r) => r.userIds.length > 0);
}
