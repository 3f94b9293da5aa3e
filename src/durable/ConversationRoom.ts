// ConversationRoom (`conversation:<id>`): the single writer of one conversation. Its own SQLite
// is the conversation's log (room/log.ts): a send is a local write, a broadcast and an ack, and
// D1 catches up through the outbox (room/outbox.ts) in batches. This file is the entry point
// only: the runtime's hooks and one-line RPC methods; each concern is a module under room/ over
// the shared RoomCore (room/core.ts): loading, messages, reactions, watermarks (receipts),
// membership and publishing (broadcasts, receipt frames, the inbox), beside the log, outbox,
// sockets, blocks and membership rules. REST and socket paths share the same functions.
import { DurableObject } from "cloudflare:workers";
import { type AppEnv, isDevelopment, rateLimitsOn } from "../server/config";
import type { MessageSnapshot } from "../server/db/messages";
import { log } from "../server/log";
import type { MessageRecord } from "../server/views";
import type { Participant, Reaction, Role, SendMessageBody } from "../shared/schemas";
import { readClientFrame, sendFrame, socketError } from "./frames";
import { RoomCore } from "./room/core";
import * as forward from "./room/forward";
import { isMember, load } from "./room/loading";
import * as membership from "./room/membership";
import type { HistoryPosition } from "./room/messages";
import * as messages from "./room/messages";
import * as pins from "./room/pins";
import * as polls from "./room/polls";
import { react } from "./room/reactions";
import * as search from "./room/search";
import { socketFromHandshake } from "./room/sockets";
import { markDelivered, markRead, type ReceiptOptions, receiptNow, watermarks } from "./room/watermarks";
import { fail, ok, type RoomResult } from "./rpc";

const MAX_FRAME_BYTES = 64 * 1024;

export class ConversationRoom extends DurableObject<AppEnv> {
	private readonly room: RoomCore;
	private wakes = 0;
	/** Tests swap this to make D1 writes fail for a while; everything else uses env.DB. */
	d1: () => D1Database = () => this.env.DB;

	constructor(ctx: DurableObjectState, env: AppEnv) {
		super(ctx, env);
		// A ping is answered by the runtime itself, so an idle room stays hibernated.
		ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('{"type":"ping"}', '{"type":"pong"}'));
		this.room = new RoomCore(ctx, env, () => this.d1());
		if (isDevelopment(env)) ctx.blockConcurrencyWhile(async () => this.countWake());
	}

	/** Development only, and only in a room that holds a conversation: constructor runs, for the benchmark. */
	private countWake() {
		if (!this.room.roomLog.meta()) return;
		const sql = this.ctx.storage.sql;
		sql.exec("CREATE TABLE IF NOT EXISTS dev_stats (key TEXT PRIMARY KEY, value INTEGER NOT NULL)");
		this.wakes = sql
			.exec<{ value: number }>(
				"INSERT INTO dev_stats (key, value) VALUES ('wakes', 1) ON CONFLICT (key) DO UPDATE SET value = value + 1 RETURNING value",
			)
			.one().value;
	}

	// ---------- sockets ----------

	override async fetch(request: Request): Promise<Response> {
		const userId = request.headers.get("X-User-Id");
		const origin = request.headers.get("X-Public-Origin");
		if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket" || !userId || !origin) {
			return new Response("expected a websocket upgrade from the worker", { status: 400 });
		}
		const meta = await load(this.room, origin);
		if (!meta || !(await isMember(this.room, userId))) return new Response("conversation not found", { status: 404 });
		const pair = new WebSocketPair();
		const attachment = socketFromHandshake(request, userId, origin);
		this.room.sockets.accept(pair[1], attachment);
		if (attachment.expiresAt) await this.room.setAlarmBy(attachment.expiresAt);
		return new Response(null, { status: 101, webSocket: pair[0] });
	}

	override async webSocketMessage(ws: WebSocket, raw: string | ArrayBuffer): Promise<void> {
		const frame = readClientFrame(ws, raw, {
			maxBytes: MAX_FRAME_BYTES,
			flood: this.room.sockets.floodGuard(ws, rateLimitsOn(this.env)),
		});
		if (!frame) return;
		const info = this.room.sockets.info(ws);
		const reply = <T>(result: RoomResult<T>) => {
			if (!frame.ref) {
				if (!result.ok) sendFrame(ws, socketError(result.status, result.message, undefined, result.details));
				return;
			}
			sendFrame(
				ws,
				result.ok
					? { type: "ack", ref: frame.ref, data: result.value }
					: socketError(result.status, result.message, frame.ref, result.details),
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
					return reply(
						receiptNow(this.room, info.userId, "delivered", frame.data.seq, ws) ??
							(await this.markDelivered(info.userId, frame.data.seq, { via: ws })),
					);
				case "message:read":
					return reply(
						receiptNow(this.room, info.userId, "read", frame.data.seq, ws) ??
							(await this.markRead(info.userId, frame.data.seq, { via: ws })),
					);
				case "typing:start": {
					const meta = await load(this.room);
					const blocked = meta && (await this.room.blocks.refuseWrite(meta.type, info.userId));
					if (blocked) return reply(blocked);
					this.room.sockets.startTyping(info.userId);
					return reply(ok({}));
				}
				case "typing:stop":
					this.room.sockets.stopTyping(info.userId);
					return reply(ok({}));
			}
		} catch (err) {
			log.error("room_frame_failed", {
				conversationId: this.room.conversationId,
				type: frame.type,
				error: String(err),
			});
			sendFrame(ws, socketError(500, "internal error", frame.ref));
		}
	}

	override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
		// Complete the close handshake; 1005/1006 are not valid codes to send back. (When the room
		// closed the socket itself this close is a no-op; it is not why such a socket stays
		// half-open under wrangler dev: see closeWithNotice in frames.ts.)
		try {
			ws.close(code === 1005 || code === 1006 ? 1000 : code, reason);
		} catch {
			// already closed
		}
		this.room.sockets.closed(ws);
	}

	override async webSocketError(ws: WebSocket): Promise<void> {
		this.room.sockets.closed(ws);
	}

	/**
	 * A block between the members of this direct conversation was set or lifted in D1: the room
	 * reads the pair's blocks again (room/blocks.ts). 503 when D1 cannot be read; the room then
	 * reads it before its next send.
	 */
	async blocksChanged(): Promise<RoomResult<null>> {
		try {
			const meta = await load(this.room);
			if (meta) await this.room.blocks.refresh();
			return ok(null);
		} catch (err) {
			log.error("room_blocks_refresh_failed", { conversationId: this.room.conversationId, error: String(err) });
			return fail(503, "could not read the blocks");
		}
	}

	/** Closes the sockets of ended sessions (logout, password change) or all of a user's: 4401. */
	async endSessions(userId: string, sessionIds: string[] | null): Promise<number> {
		return this.room.sockets.endSessions(userId, sessionIds);
	}

	// ---------- alarm: token expiry and the outbox's backstop ----------

	override async alarm(): Promise<void> {
		this.room.alarmFired();
		const nextExpiry = this.room.sockets.closeExpired(Date.now());
		if (this.room.roomLog.hasUnflushed()) await this.room.outbox.run();
		if (Number.isFinite(nextExpiry)) await this.room.setAlarmBy(nextExpiry);
	}

	// ---------- messages (room/messages.ts, room/reactions.ts) ----------

	/** Validates, sequences, stores and broadcasts one message; idempotent on (sender, clientId). */
	send(senderId: string, body: SendMessageBody, origin: string, opts: { viaRest?: boolean } = {}) {
		return messages.send(this.room, senderId, body, origin, opts);
	}

	/** One member's history from the log: newest first before a seq, or oldest first after one. */
	history(userId: string, limit: number, position: HistoryPosition, origin: string) {
		return messages.history(this.room, userId, limit, position, origin);
	}

	editMessage(actorId: string, messageId: string, text: string, origin: string, opts: { viaRest?: boolean } = {}) {
		return messages.editMessage(this.room, actorId, messageId, text, origin, opts);
	}

	/** This room's messages matching `match` for a member, newest first below `after` (room/search.ts). */
	search(
		userId: string,
		match: string,
		limit: number,
		after: search.SearchCursor | null,
		notBefore: string | null = null,
	): Promise<RoomResult<{ hits: MessageSnapshot[] }>> {
		return search.searchRoom(this.room, userId, match, limit, after, notBefore);
	}

	/** What a report copies of a message a member can see (reports live in D1); null when there is none. */
	reportable(userId: string, messageId: string): Promise<MessageRecord | null> {
		return messages.reportable(this.room, userId, messageId);
	}

	/** The admin command's step for this conversation (scripts/messages-to-rooms.mjs); `ok` once D1 took the figures. */
	moveFromD1(): Promise<{ ok: boolean; lastSeq: number }> {
		return membership.moveFromD1(this.room);
	}

	react(
		actorId: string,
		messageId: string,
		emoji: string,
		change: "add" | "remove",
		opts: { viaRest?: boolean } = {},
	): Promise<RoomResult<{ reactions: Reaction[] }>> {
		return react(this.room, actorId, messageId, emoji, change, opts);
	}

	/** Issue 23.3: the caller's whole choice in a poll (empty withdraws it); room/polls.ts. */
	vote(actorId: string, messageId: string, optionIds: string[], origin: string, opts: { viaRest?: boolean } = {}) {
		return polls.vote(this.room, actorId, messageId, optionIds, origin, opts);
	}

	/** Issue 23.3: the poll's creator or a group admin closes it; later votes get 409. */
	closePoll(actorId: string, messageId: string, origin: string, opts: { viaRest?: boolean } = {}) {
		return polls.closePoll(this.room, actorId, messageId, origin, opts);
	}

	/** Issue 23.4: the conversation's pins, newest first (room/pins.ts). */
	listPins(userId: string, origin: string) {
		return pins.listPins(this.room, userId, origin);
	}

	/** Issue 23.4: pin (a group admin, or either person in a direct chat); at most 10. */
	pin(actorId: string, messageId: string, origin: string) {
		return pins.pin(this.room, actorId, messageId, origin);
	}

	unpin(actorId: string, messageId: string, origin: string) {
		return pins.unpin(this.room, actorId, messageId, origin);
	}

	/** Issue 23: the copy of a message `userId` can see, for forwarding (room/forward.ts). */
	forwardable(userId: string, messageId: string): Promise<RoomResult<forward.ForwardCopy>> {
		return forward.forwardable(this.room, userId, messageId);
	}

	/** Issue 23: whether `senderId` may forward into this room (member, not blocked). */
	canForwardInto(senderId: string): Promise<RoomResult<null>> {
		return forward.canForwardInto(this.room, senderId);
	}

	/** Issue 23: a forwarded copy as `senderId`'s message; idempotent on clientId. */
	forwardInto(senderId: string, clientId: string, copy: forward.ForwardCopy, origin: string) {
		return forward.forwardInto(this.room, senderId, clientId, copy, origin);
	}

	/** Delete for me (hidden from the caller's history) or for everyone (sender or group admin). */
	deleteMessage(actorId: string, messageId: string, scope: "me" | "everyone"): Promise<RoomResult<null>> {
		return messages.deleteMessage(this.room, actorId, messageId, scope);
	}

	// ---------- receipts (room/watermarks.ts) ----------

	markRead(userId: string, seq: number | undefined, opts: ReceiptOptions = {}) {
		return markRead(this.room, userId, seq, opts);
	}

	markDelivered(userId: string, seq: number, opts: ReceiptOptions = {}) {
		return markDelivered(this.room, userId, seq, opts);
	}

	/** Watermarks as the room has them (ahead of D1 by at most one flush); null if it holds nothing. */
	async watermarks(): Promise<Record<string, { lastReadSeq: number; lastDeliveredSeq: number }> | null> {
		return watermarks(this.room);
	}

	// ---------- members (room/membership.ts) ----------

	/** Called by the Worker after it created a conversation: members' lists gain it live. */
	conversationCreated(origin: string, creatorId?: string): Promise<void> {
		return membership.conversationCreated(this.room, origin, creatorId);
	}

	/** Called by the Worker, and awaited, after it created a group: "<creator> created the group" at seq 1. */
	groupCreated(creatorId: string, origin: string): Promise<RoomResult<null>> {
		return membership.groupCreated(this.room, creatorId, origin);
	}

	rename(actorId: string, title: string, origin: string): Promise<RoomResult<{ changed: boolean }>> {
		return membership.rename(this.room, actorId, title, origin);
	}

	onlyAdminsSend(actorId: string, on: boolean, origin: string): Promise<RoomResult<{ changed: boolean }>> {
		return membership.onlyAdminsSend(this.room, actorId, on, origin);
	}

	/** Mute and other per-user changes made in D1: the room's copy follows, the user's devices refresh. */
	conversationChangedFor(userId: string, change: { muted?: boolean; mutedUntil?: string | null }): Promise<void> {
		return membership.conversationChangedFor(this.room, userId, change);
	}

	addMembers(actorId: string, userIds: string[], origin: string): Promise<RoomResult<null>> {
		return membership.addMembers(this.room, actorId, userIds, origin);
	}

	joinByInvite(userId: string, inviteId: string, origin: string): Promise<RoomResult<{ joined: boolean }>> {
		return membership.joinByInvite(this.room, userId, inviteId, origin);
	}

	removeMember(actorId: string, targetId: string, origin: string): Promise<RoomResult<null>> {
		return membership.removeMember(this.room, actorId, targetId, origin);
	}

	setRole(
		actorId: string,
		targetId: string,
		role: Role,
		origin: string,
	): Promise<RoomResult<{ participant: Participant }>> {
		return membership.setRole(this.room, actorId, targetId, role, origin);
	}

	/** Leaving a group; the last admin leaving hands admin to the longest-standing member. */
	leave(userId: string, origin: string): Promise<RoomResult<null>> {
		return membership.leave(this.room, userId, origin);
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
			sockets: this.room.sockets.count(),
			d1Flushes: this.room.outbox.flushes,
			d1Statements: this.room.outbox.d1Statements,
			d1RowsWritten: this.room.outbox.d1RowsWritten,
			doRowsChanged: this.totalChanges(),
			hubDeliveries: this.room.hubs.deliveries,
		};
	}
}
