// UserHub (`user:<id>`): one per user. Holds the user's realtime sockets (every tab and device),
// decides online/offline, and forwards inbox events from rooms: new messages, conversation
// updates, receipts for the user's own messages, member changes. Presence goes to contacts only
// (direct chats and groups of at most 32, contract v2) and reaches each socket at most once a
// second, latest state per user winning. New messages that arrive while no socket is open go out
// as Web Push to the user's subscribed devices (src/server/push/), in the background.
import { DurableObject } from "cloudflare:workers";
import { type AppEnv, rateLimitsOn } from "../server/config";
import { isMember } from "../server/db/participants";
import { storePresence } from "../server/db/users";
import { log } from "../server/log";
import { pushNewMessages } from "../server/push/notify";
import type { Message, ServerEvent, ServerFrame } from "../shared/schemas";
import { WindowTimer } from "./coalesce";
import {
	closeWithNotice,
	type FloodGuard,
	FloodGuards,
	frameText,
	readClientFrame,
	sendFrame,
	sendText,
	socketError,
} from "./frames";
import { MODERATION_LEASE_MS, moderationStub } from "./Moderation";
import { hubStub, roomStub } from "./rpc";

/** Identity of a realtime socket, kept across hibernation. */
interface HubSocket {
	userId: string;
	origin: string;
	connectedAt: number;
	/** Last frame other than the auto-answered ping; stamped at most every 10 s. */
	lastFrameAt?: number;
	sessionId?: string;
	/** When the token that opened it expires (epoch ms): the socket closes then (4401). */
	expiresAt?: number;
}

/** A socket that has neither pinged nor sent anything for this long counts as gone. */
export const STALE_SOCKET_MS = 60_000;
const SWEEP_INTERVAL_MS = 30_000;
const MAX_FRAME_BYTES = 16 * 1024;
// The realtime socket carries only pings and receipts from the client.
const HUB_FRAMES_PER_SECOND = 20;
const HUB_FRAME_BURST = 60;
const HUB_BYTES_PER_SECOND = 64 * 1024;
const HUB_BYTE_BURST = 256 * 1024;
/** Presence reaches a socket at most this often (contract v2). */
export const PRESENCE_WINDOW_MS = 1_000;
/** Groups up to this size make their members contacts (contract v2). */
export const CONTACT_GROUP_MAX = 32;
const MEMBERSHIP_CACHE_MS = 30_000;
/** How often a hub with open sockets renews the Moderation object's lease: well within one lease. */
const MODERATION_RENEW_MS = MODERATION_LEASE_MS / 4;

export class UserHub extends DurableObject<AppEnv> {
	private floodGuards = new FloodGuards({
		perSecond: HUB_FRAMES_PER_SECOND,
		burst: HUB_FRAME_BURST,
		bytesPerSecond: HUB_BYTES_PER_SECOND,
		byteBurst: HUB_BYTE_BURST,
	});
	private presencePending = new Map<string, ServerEvent>();
	private readonly presenceTimer = new WindowTimer(
		() => PRESENCE_WINDOW_MS,
		() => {
			const events = [...this.presencePending.values()];
			this.presencePending.clear();
			void this.push(events);
		},
	);
	/** Presence transitions run one at a time, so a flap cannot reorder online and offline. */
	private presenceChain: Promise<unknown> = Promise.resolve();
	/** Web Push deliveries, one after another (see `webPush`). */
	private pushChain: Promise<unknown> = Promise.resolve();
	/** Conversations this user was found a member of (receipts from the list view). */
	private memberOf = new Map<string, number>();

	constructor(ctx: DurableObjectState, env: AppEnv) {
		super(ctx, env);
		ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('{"type":"ping"}', '{"type":"pong"}'));
	}

	override async fetch(request: Request): Promise<Response> {
		const userId = request.headers.get("X-User-Id");
		const origin = request.headers.get("X-Public-Origin");
		if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket" || !userId || !origin) {
			return new Response("expected a websocket upgrade from the worker", { status: 400 });
		}
		const pair = new WebSocketPair();
		const [client, server] = [pair[0], pair[1]];
		this.ctx.acceptWebSocket(server, [userId]);
		const expires = Number(request.headers.get("X-Session-Expires"));
		const sessionId = request.headers.get("X-Session-Id");
		server.serializeAttachment({
			userId,
			origin,
			connectedAt: Date.now(),
			...(sessionId ? { sessionId } : {}),
			...(Number.isFinite(expires) && expires > 0 ? { expiresAt: expires } : {}),
		} satisfies HubSocket);
		this.ctx.waitUntil(this.updatePresence(userId));
		await this.scheduleSweep();
		return new Response(null, { status: 101, webSocket: client });
	}

	private openSockets(except?: WebSocket): WebSocket[] {
		return this.ctx.getWebSockets().filter((ws) => ws !== except && ws.readyState === WebSocket.OPEN);
	}

	private floodGuard(ws: WebSocket): FloodGuard | null {
		return rateLimitsOn(this.env) ? this.floodGuards.for(ws) : null;
	}

	override async webSocketMessage(ws: WebSocket, raw: string | ArrayBuffer): Promise<void> {
		const frame = readClientFrame(ws, raw, { maxBytes: MAX_FRAME_BYTES, flood: this.floodGuard(ws) });
		if (!frame) return;
		const info = ws.deserializeAttachment() as HubSocket;
		if (Date.now() - (info.lastFrameAt ?? info.connectedAt) > 10_000) {
			ws.serializeAttachment({ ...info, lastFrameAt: Date.now() } satisfies HubSocket);
		}
		const ack = (data: unknown) => frame.ref && sendFrame(ws, { type: "ack", ref: frame.ref, data });
		switch (frame.type) {
			case "ping":
				return void ack({});
			case "message:delivered":
			case "message:read": {
				// Receipts from the list view, for messages that arrived while no chat was open.
				const conversationId = frame.data.conversationId;
				if (!conversationId) return sendFrame(ws, socketError(400, "data.conversationId is required here", frame.ref));
				// Membership first: a made-up id never reaches (or creates) a room.
				if (!(await this.isMemberOf(info.userId, conversationId))) {
					return sendFrame(ws, socketError(404, "conversation not found", frame.ref));
				}
				const room = roomStub(this.env, conversationId);
				const result =
					frame.type === "message:read"
						? await room.markRead(info.userId, frame.data.seq)
						: await room.markDelivered(info.userId, frame.data.seq);
				if (!result.ok) return sendFrame(ws, socketError(result.status, result.message, frame.ref));
				return void ack(result.value);
			}
			default:
				return sendFrame(ws, socketError(400, `${frame.type} is sent on a conversation socket`, frame.ref));
		}
	}

	private async isMemberOf(userId: string, conversationId: string): Promise<boolean> {
		const checked = this.memberOf.get(conversationId);
		if (checked && Date.now() - checked < MEMBERSHIP_CACHE_MS) return true;
		if (!(await isMember(this.env, conversationId, userId))) return false;
		this.memberOf.set(conversationId, Date.now());
		return true;
	}

	override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
		try {
			ws.close(code === 1005 || code === 1006 ? 1000 : code, reason);
		} catch {
			// already closed
		}
		this.afterSocketGone(ws);
	}

	override async webSocketError(ws: WebSocket): Promise<void> {
		this.afterSocketGone(ws);
	}

	private afterSocketGone(ws: WebSocket) {
		const { userId } = ws.deserializeAttachment() as HubSocket;
		this.ctx.waitUntil(this.updatePresence(userId, ws));
	}

	/** Closes the sockets of ended sessions (logout, password change) or all of them: 4401. */
	async endSessions(_userId: string, sessionIds: string[] | null): Promise<number> {
		let closed = 0;
		for (const ws of this.openSockets()) {
			const { sessionId } = ws.deserializeAttachment() as HubSocket;
			if (sessionIds && (!sessionId || !sessionIds.includes(sessionId))) continue;
			closeWithNotice(ws, 4401, "session ended");
			closed += 1;
			this.afterSocketGone(ws);
		}
		return closed;
	}

	/** Closes sockets that stopped answering or whose token expired; runs only while sockets are open. */
	override async alarm(): Promise<void> {
		const now = Date.now();
		for (const ws of this.openSockets()) {
			const info = ws.deserializeAttachment() as HubSocket;
			const lastPing = this.ctx.getWebSocketAutoResponseTimestamp(ws)?.getTime() ?? 0;
			const lastSeen = Math.max(lastPing, info.connectedAt, info.lastFrameAt ?? 0);
			const expired = info.expiresAt !== undefined && info.expiresAt <= now;
			if (expired || now - lastSeen > STALE_SOCKET_MS) {
				closeWithNotice(ws, expired ? 4401 : 4408, expired ? "token expired" : "no ping for 60 s");
				this.afterSocketGone(ws);
			}
		}
		await this.scheduleSweep();
		await this.renewModerationLease();
	}

	/**
	 * A socket can stay open for as long as its token lives (a week), longer than the lease one
	 * handshake gives the Moderation object: while this hub holds sockets, its sweep renews the
	 * lease, at most once per MODERATION_RENEW_MS, so suspensions still close them.
	 */
	private async renewModerationLease() {
		if (this.openSockets().length === 0) return;
		const renewedAt = (await this.ctx.storage.get<number>("moderationRenewedAt")) ?? 0;
		if (Date.now() - renewedAt < MODERATION_RENEW_MS) return;
		try {
			await moderationStub(this.env).watch();
			await this.ctx.storage.put("moderationRenewedAt", Date.now());
		} catch (err) {
			log.warn("moderation_lease_renew_failed", { error: String(err) });
		}
	}

	private async scheduleSweep() {
		const sockets = this.openSockets();
		if (sockets.length === 0) return;
		let at = Date.now() + SWEEP_INTERVAL_MS;
		for (const ws of sockets) {
			const { expiresAt } = ws.deserializeAttachment() as HubSocket;
			if (expiresAt !== undefined) at = Math.min(at, expiresAt);
		}
		const current = await this.ctx.storage.getAlarm();
		if (current === null || current > at) await this.ctx.storage.setAlarm(at);
	}

	// ---------- presence ----------

	/**
	 * Brings the stored state in line with the open sockets; only a real transition is stored
	 * and announced, so a close and an error for the same socket make one `user:offline`.
	 */
	private updatePresence(userId: string, closing?: WebSocket): Promise<unknown> {
		this.presenceChain = this.presenceChain.then(async () => {
			const online = this.openSockets(closing).length > 0;
			const stored = (await this.ctx.storage.get<boolean>("online")) ?? false;
			if (stored === online) return;
			await this.ctx.storage.put("online", online);
			await this.announcePresence(userId, online);
		});
		return this.presenceChain.catch(() => undefined);
	}

	/** One D1 round trip: store the state and find the contacts who are online to hear it. */
	private async announcePresence(userId: string, online: boolean) {
		const now = new Date().toISOString();
		try {
			const recipients = await storePresence(this.env, userId, online, now, CONTACT_GROUP_MAX);
			const event: ServerEvent = online
				? { type: "user:online", data: { userId } }
				: { type: "user:offline", data: { userId, lastSeenAt: now } };
			await Promise.all(
				recipients.map((to) =>
					hubStub(this.env, to)
						.presence(event)
						.catch((err: unknown) => log.warn("presence_push_failed", { to, error: String(err) })),
				),
			);
			log.info(online ? "user_online" : "user_offline", { userId, contactsNotified: recipients.length });
		} catch (err) {
			log.error("presence_update_failed", { userId, online, error: String(err) });
		}
	}

	/** A contact's presence: held for the window, latest state per contact wins. */
	async presence(event: ServerEvent): Promise<void> {
		if (event.type !== "user:online" && event.type !== "user:offline") return;
		if (this.openSockets().length === 0) return;
		this.presencePending.set(event.data.userId, event);
		this.presenceTimer.poke();
	}

	/**
	 * Someone who shares a conversation changed their profile (`user:updated`, issue 22.6): held
	 * in the presence window, so a burst of edits reaches each socket as one frame, latest wins.
	 */
	async userUpdated(event: ServerEvent): Promise<void> {
		if (event.type !== "user:updated") return;
		if (this.openSockets().length === 0) return;
		this.presencePending.set(`updated:${event.data.user.id}`, event);
		this.presenceTimer.poke();
	}

	// ---------- inbox ----------

	/** Events for this user's realtime sockets, as one frame per socket (no-op when none are open). */
	async push(events: ServerEvent[]): Promise<void> {
		if (events.length === 0) return;
		const sockets = this.openSockets();
		if (sockets.length === 0) return this.webPush(events);
		const text = frameText(events);
		for (const ws of sockets) sendText(ws, text);
	}

	/**
	 * `push` with the frame already serialised by the room: one string crosses the RPC instead
	 * of an object tree, and is sent to every socket as it is. Only a hub with no socket open
	 * (Web Push) reads it.
	 */
	async pushFrame(text: string): Promise<void> {
		const sockets = this.openSockets();
		if (sockets.length > 0) {
			for (const ws of sockets) sendText(ws, text);
			return;
		}
		const frame = JSON.parse(text) as ServerFrame;
		this.webPush(frame.type === "batch" ? frame.data : [frame]);
	}

	/**
	 * No realtime socket is open: new messages go out as Web Push instead, after this call has
	 * returned (the room never waits on a push service).
	 */
	private webPush(events: ServerFrame[]) {
		const messages: Message[] = [];
		for (const event of events) if (event.type === "message:new") messages.push(event.data.message);
		if (messages.length === 0) return;
		const userId = this.userId;
		// One delivery at a time, so notifications leave in the order the messages came.
		this.pushChain = this.pushChain
			.then(() => pushNewMessages(this.env, userId, messages))
			.catch((err: unknown) => log.error("push_failed", { userId, error: String(err) }));
		this.ctx.waitUntil(this.pushChain);
	}

	private get userId(): string {
		const name = this.ctx.id.name;
		if (!name?.startsWith("user:")) throw new Error("a hub is named user:<id>");
		return name.slice("user:".length);
	}
}
