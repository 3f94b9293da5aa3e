// The room's sockets: who holds each (a typed attachment that survives hibernation), sending to
// everyone or to one member, flood guards, session ends and token expiry, and who is typing.

import { type ServerEvent, TYPING_EXPIRY_MS } from "../../shared/schemas";
import { WindowTimer } from "../coalesce";
import { closeWithNotice, type FloodGuard, FloodGuards, frameText, sendText } from "../frames";

/** Identity of a room socket, kept across hibernation. */
export interface RoomSocket {
	userId: string;
	origin: string;
	sessionId?: string;
	/** When the token that opened it expires (epoch ms): the socket closes then (4401). */
	expiresAt?: number;
}

// Per socket: a student types and sends far below this, and a client that reports every
// message it receives stays below it in a group sending 20 messages a second; a runaway or
// hostile client is closed at its first frame over (1008).
const SOCKET_FRAMES_PER_SECOND = 50;
const SOCKET_FRAME_BURST = 200;
const SOCKET_BYTES_PER_SECOND = 256 * 1024;
const SOCKET_BYTE_BURST = 1024 * 1024;
/** Typing changes reach the room at most this often (the first after a quiet spell at once). */
const TYPING_WINDOW_MS = 250;

/** The attachment for a socket the Worker forwarded: who, from where, and which session. */
export function socketFromHandshake(request: Request, userId: string, origin: string): RoomSocket {
	const sessionId = request.headers.get("X-Session-Id");
	const expires = Number(request.headers.get("X-Session-Expires"));
	return {
		userId,
		origin,
		...(sessionId ? { sessionId } : {}),
		...(Number.isFinite(expires) && expires > 0 ? { expiresAt: expires } : {}),
	};
}

/** An event for one member's sockets, but for those in `notTo`. */
export interface AddressedEvent {
	event: ServerEvent;
	notTo?: readonly WebSocket[];
}

export class RoomSockets {
	private attachments = new WeakMap<WebSocket, RoomSocket>();
	private floodGuards = new FloodGuards({
		perSecond: SOCKET_FRAMES_PER_SECOND,
		burst: SOCKET_FRAME_BURST,
		bytesPerSecond: SOCKET_BYTES_PER_SECOND,
		byteBurst: SOCKET_BYTE_BURST,
	});
	private typingTimers = new Map<string, ReturnType<typeof setTimeout>>();

	constructor(
		private readonly ctx: DurableObjectState,
		private readonly conversationId: () => string,
	) {}

	accept(server: WebSocket, attachment: RoomSocket) {
		this.ctx.acceptWebSocket(server, [attachment.userId]);
		server.serializeAttachment(attachment);
		this.attachments.set(server, attachment);
		// Someone who opens the chat while another member is typing sees it at once.
		const typing = this.typists()
			.filter((typist) => typist !== attachment.userId)
			.map((typist) => this.typingEvent(typist, true));
		if (typing.length > 0) sendText(server, frameText(typing));
	}

	info(ws: WebSocket): RoomSocket {
		let info = this.attachments.get(ws);
		if (!info) {
			info = ws.deserializeAttachment() as RoomSocket;
			this.attachments.set(ws, info);
		}
		return info;
	}

	/** The socket's flood guard, or null when rate limits are off (benchmarks). */
	floodGuard(ws: WebSocket, limitsOn: boolean): FloodGuard | null {
		return limitsOn ? this.floodGuards.for(ws) : null;
	}

	count(): number {
		return this.ctx.getWebSockets().length;
	}

	/** One event to every open socket (or all but some users'), serialised once. */
	broadcast(event: ServerEvent, except?: string | ReadonlySet<string>) {
		const text = JSON.stringify(event);
		const skip = typeof except === "string" ? new Set([except]) : except;
		for (const ws of this.ctx.getWebSockets()) {
			if (skip?.has(this.info(ws).userId)) continue;
			sendText(ws, text);
		}
	}

	/** Events for one user's sockets, as one frame per socket; an event skips the sockets in its `notTo`. */
	sendToUser(userId: string, events: AddressedEvent[]) {
		if (events.length === 0) return;
		const all = events.some((e) => e.notTo) ? null : frameText(events.map((e) => e.event));
		for (const ws of this.ctx.getWebSockets(userId)) {
			if (all) {
				sendText(ws, all);
				continue;
			}
			const mine = events.filter((e) => !e.notTo?.includes(ws)).map((e) => e.event);
			if (mine.length > 0) sendText(ws, frameText(mine));
		}
	}

	closeUser(userId: string, code: number, reason: string) {
		for (const ws of this.ctx.getWebSockets(userId)) closeWithNotice(ws, code, reason);
	}

	/** Closes the sockets of ended sessions, or all of a user's when `sessionIds` is null: 4401. */
	endSessions(userId: string, sessionIds: string[] | null): number {
		let closed = 0;
		for (const ws of this.ctx.getWebSockets(userId)) {
			const { sessionId } = this.info(ws);
			if (sessionIds && (!sessionId || !sessionIds.includes(sessionId))) continue;
			closeWithNotice(ws, 4401, "session ended");
			closed += 1;
		}
		return closed;
	}

	/** Closes sockets whose token has expired; returns when the next one expires (or Infinity). */
	closeExpired(now: number): number {
		let next = Number.POSITIVE_INFINITY;
		for (const ws of this.ctx.getWebSockets()) {
			const { expiresAt } = this.info(ws);
			if (!expiresAt) continue;
			if (expiresAt <= now) closeWithNotice(ws, 4401, "token expired");
			else next = Math.min(next, expiresAt);
		}
		return next;
	}

	/** A socket closed: its user stops typing when it was their last one. */
	closed(ws: WebSocket) {
		const { userId } = this.info(ws);
		const stillOpen = this.ctx
			.getWebSockets(userId)
			.some((other) => other !== ws && other.readyState === WebSocket.OPEN);
		if (!stillOpen) this.stopTyping(userId);
	}

	// ---------- typing ----------
	//
	// Like receipts, typing costs a frame only once per window for the whole room: a change of
	// who is typing is noted, and the window (the first change after a quiet spell goes on the
	// next tick) tells every socket what changed since the last one, as one frame. A client that
	// toggles typing:start / typing:stop for every key costs the room a timer reset per frame
	// and at most four broadcasts a second. A send stops its sender's typing at once, so
	// `typing:false` still comes before the message.

	private typists(): string[] {
		return [...this.typingTimers.keys()];
	}

	private typingEvent(userId: string, typing: boolean): ServerEvent {
		return { type: "user:typing", data: { conversationId: this.conversationId(), userId, typing } };
	}

	startTyping(userId: string) {
		const existing = this.typingTimers.get(userId);
		if (existing) clearTimeout(existing);
		else this.noteTyping(userId, true);
		// A one-shot timer: a room with a typist is active and does not hibernate within 2 s.
		this.typingTimers.set(
			userId,
			setTimeout(() => this.stopTyping(userId), TYPING_EXPIRY_MS),
		);
	}

	/** `now`: the sender just sent; others hear `typing:false` before the message, not a window later. */
	stopTyping(userId: string, now = false) {
		const timer = this.typingTimers.get(userId);
		if (!timer) return;
		clearTimeout(timer);
		this.typingTimers.delete(userId);
		if (!now) return this.noteTyping(userId, false);
		this.typingChanges.delete(userId);
		if (this.typingAnnounced.delete(userId)) this.broadcast(this.typingEvent(userId, false), userId);
	}

	/** Who others were last told is typing, and what changed since. */
	private typingAnnounced = new Set<string>();
	private typingChanges = new Map<string, boolean>();
	private readonly typingWindow = new WindowTimer(
		() => TYPING_WINDOW_MS,
		() => this.sendTypingChanges(),
	);

	private noteTyping(userId: string, typing: boolean) {
		this.typingChanges.set(userId, typing);
		this.typingWindow.poke();
	}

	private sendTypingChanges() {
		const changed: { userId: string; event: ServerEvent }[] = [];
		for (const [userId, typing] of this.typingChanges) {
			if (this.typingAnnounced.has(userId) === typing) continue;
			if (typing) this.typingAnnounced.add(userId);
			else this.typingAnnounced.delete(userId);
			changed.push({ userId, event: this.typingEvent(userId, typing) });
		}
		this.typingChanges.clear();
		if (changed.length === 0) return;
		const all = frameText(changed.map((c) => c.event));
		for (const ws of this.ctx.getWebSockets()) {
			const { userId } = this.info(ws);
			// Never to the typist: their own change is left out of their frame.
			if (!changed.some((c) => c.userId === userId)) {
				sendText(ws, all);
				continue;
			}
			const others = changed.filter((c) => c.userId !== userId).map((c) => c.event);
			if (others.length > 0) sendText(ws, frameText(others));
		}
	}
}
