// UserHub (`user:<id>`): one per user. Holds the user's realtime sockets (every tab and device),
// decides online/offline, and pushes inbox events: new messages, conversation updates, receipts
// for the user's own messages, member changes and the presence of people they share a chat with.
import { DurableObject } from "cloudflare:workers";
import type { ServerEvent } from "../shared/schemas";
import { type AppEnv, rateLimitsOn } from "../worker/config";
import { log } from "../worker/log";
import { loadConversation } from "../worker/queries";
import { type TokenBucket, takeToken } from "../worker/rateLimit";
import { readClientFrame, sendFrame, socketError } from "./frames";
import { hubStub, type InboxDelivery, roomStub } from "./rpc";

/** Identity of a realtime socket, kept across hibernation. */
interface HubSocket {
	userId: string;
	origin: string;
	connectedAt: number;
	/** Last frame other than the auto-answered ping; stamped at most every 10 s. */
	lastFrameAt?: number;
}

/** A socket that has neither pinged nor sent anything for this long counts as gone. */
export const STALE_SOCKET_MS = 60_000;
const SWEEP_INTERVAL_MS = 30_000;
const MAX_FRAME_BYTES = 16 * 1024;
// The realtime socket carries only pings and receipts from the client.
const HUB_FRAMES_PER_SECOND = 20;
const HUB_FRAME_BURST = 60;

export class UserHub extends DurableObject<AppEnv> {
	private buckets = new WeakMap<WebSocket, TokenBucket>();

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
		const wasOnline = this.openSockets().length > 0;
		const pair = new WebSocketPair();
		const [client, server] = [pair[0], pair[1]];
		this.ctx.acceptWebSocket(server, [userId]);
		server.serializeAttachment({ userId, origin, connectedAt: Date.now() } satisfies HubSocket);
		if (!wasOnline) this.ctx.waitUntil(this.setPresence(userId, true));
		await this.scheduleSweep();
		return new Response(null, { status: 101, webSocket: client });
	}

	private openSockets(except?: WebSocket): WebSocket[] {
		return this.ctx.getWebSockets().filter((ws) => ws !== except && ws.readyState === WebSocket.OPEN);
	}

	override async webSocketMessage(ws: WebSocket, raw: string | ArrayBuffer): Promise<void> {
		const info = ws.deserializeAttachment() as HubSocket;
		if (Date.now() - (info.lastFrameAt ?? info.connectedAt) > 10_000) {
			ws.serializeAttachment({ ...info, lastFrameAt: Date.now() } satisfies HubSocket);
		}
		const frame = readClientFrame(ws, raw, {
			maxBytes: MAX_FRAME_BYTES,
			allow: () => !rateLimitsOn(this.env) || takeToken(this.buckets, ws, HUB_FRAMES_PER_SECOND, HUB_FRAME_BURST),
		});
		if (!frame) return;
		const ack = (data: unknown) => frame.ref && sendFrame(ws, { type: "ack", ref: frame.ref, data });
		switch (frame.type) {
			case "ping":
				return void ack({});
			case "message:delivered":
			case "message:read": {
				// Receipts from the list view, for messages that arrived while no chat was open.
				const conversationId = frame.data.conversationId;
				if (!conversationId) return sendFrame(ws, socketError(400, "data.conversationId is required here", frame.ref));
				const room = roomStub(this.env, conversationId);
				if (frame.type === "message:read") {
					const result = await room.markRead(conversationId, info.userId, frame.data.seq, info.origin);
					if (!result.ok) return sendFrame(ws, socketError(result.status, result.message, frame.ref));
					return void ack(result.value);
				}
				const result = await room.markDelivered(conversationId, info.userId, frame.data.seq);
				if (!result.ok) return sendFrame(ws, socketError(result.status, result.message, frame.ref));
				return void ack(result.value);
			}
			default:
				return sendFrame(ws, socketError(400, `${frame.type} is sent on a conversation socket`, frame.ref));
		}
	}

	override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
		try {
			ws.close(code === 1005 || code === 1006 ? 1000 : code, reason);
		} catch {
			// already closed
		}
		await this.afterSocketGone(ws);
	}

	override async webSocketError(ws: WebSocket): Promise<void> {
		await this.afterSocketGone(ws);
	}

	private async afterSocketGone(ws: WebSocket) {
		if (this.openSockets(ws).length > 0) return;
		const { userId } = ws.deserializeAttachment() as HubSocket;
		await this.setPresence(userId, false);
	}

	/** Closes sockets that stopped answering; runs only while sockets are open. */
	override async alarm(): Promise<void> {
		const now = Date.now();
		for (const ws of this.openSockets()) {
			const info = ws.deserializeAttachment() as HubSocket;
			const lastPing = this.ctx.getWebSocketAutoResponseTimestamp(ws)?.getTime() ?? 0;
			const lastSeen = Math.max(lastPing, info.connectedAt, info.lastFrameAt ?? 0);
			if (now - lastSeen > STALE_SOCKET_MS) {
				try {
					ws.close(4408, "no ping for 60 s");
				} catch {
					// already closing
				}
				await this.afterSocketGone(ws);
			}
		}
		await this.scheduleSweep();
	}

	private async scheduleSweep() {
		if (this.openSockets().length === 0) return;
		if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + SWEEP_INTERVAL_MS);
	}

	/** Online while any realtime socket is open; contacts who are online hear about changes. */
	private async setPresence(userId: string, online: boolean) {
		const now = new Date().toISOString();
		try {
			await this.env.DB.prepare("UPDATE users SET online = ?, last_seen_at = ? WHERE id = ?")
				.bind(online ? 1 : 0, now, userId)
				.run();
			const { results } = await this.env.DB.prepare(
				`SELECT DISTINCT p2.user_id FROM participants p1
				 JOIN participants p2 ON p2.conversation_id = p1.conversation_id AND p2.user_id != p1.user_id
				 JOIN users u ON u.id = p2.user_id AND u.online = 1
				 WHERE p1.user_id = ?`,
			)
				.bind(userId)
				.all<{ user_id: string }>();
			const event: ServerEvent = online
				? { type: "user:online", data: { userId } }
				: { type: "user:offline", data: { userId, lastSeenAt: now } };
			await Promise.all(
				results.map((r) =>
					hubStub(this.env, r.user_id)
						.push([event])
						.catch((err: unknown) => log.warn("presence_push_failed", { to: r.user_id, error: String(err) })),
				),
			);
			log.info(online ? "user_online" : "user_offline", { userId, contactsNotified: results.length });
		} catch (err) {
			log.error("presence_update_failed", { userId, online, error: String(err) });
		}
	}

	/** Events for this user's realtime sockets (no-op when none are open). */
	async push(events: ServerEvent[]): Promise<void> {
		const sockets = this.openSockets();
		if (sockets.length === 0) return;
		for (const event of events) {
			const text = JSON.stringify(event);
			for (const ws of sockets) {
				try {
					ws.send(text);
				} catch {
					// closing
				}
			}
		}
	}

	/** From a room: events plus, if asked, the conversation as this user now sees it. */
	async deliver(delivery: InboxDelivery): Promise<void> {
		const sockets = this.openSockets();
		if (sockets.length === 0) return;
		const events = [...delivery.events];
		if (delivery.refreshConversation) {
			const { userId, origin } = (sockets[0] as WebSocket).deserializeAttachment() as HubSocket;
			const conversation = await loadConversation(
				this.env,
				delivery.origin || origin,
				delivery.conversationId,
				userId,
				{
					participants: false,
				},
			);
			if (conversation) events.push({ type: "conversation:updated", data: { conversation } });
		}
		await this.push(events);
	}
}
