// The two socket kinds from docs/contract.md (the per-tab realtime socket and the open chat's room
// socket), on partysocket's reconnecting WebSocket. Tickets are single-use and short-lived, so
// the URL provider fetches a fresh one for every (re)connect; partysocket backs off on failure.
import { WebSocket as ReconnectingWebSocket } from "partysocket";
import { z } from "zod";
import { type ClientFrame, type ServerEvent, ServerFrame } from "../shared/schemas";
import { api, sessionEnded, socketUrl } from "./api";

const PING_INTERVAL_MS = 25_000;
const PING = JSON.stringify({ type: "ping" });

/** Frames we act on. Acks, errors, pongs and unknown future events are ignored. */
export type RealtimeEvent = ServerEvent;

/** Only the envelope of a batch: its elements are read one by one, so a bad one costs only itself. */
const BatchEnvelope = z.object({ type: z.literal("batch"), data: z.array(z.unknown()) });

/**
 * One socket message as the events it carries, in order. CONTRACT v2 lets the server wrap
 * several frames in `{ type: "batch", data: [frame, …] }`; each element is handled exactly as
 * if it had arrived alone, and one element we cannot read does not cost the others.
 */
export function parseServerFrames(raw: unknown): RealtimeEvent[] {
	if (typeof raw !== "string") return [];
	let json: unknown;
	try {
		json = JSON.parse(raw);
	} catch {
		return [];
	}
	return unpack(json, 0);
}

function unpack(json: unknown, depth: number): RealtimeEvent[] {
	const batch = BatchEnvelope.safeParse(json);
	if (batch.success) {
		// Batches are flat by the contract; one level of nesting is tolerated, not more.
		if (depth > 1) return [];
		return batch.data.data.flatMap((element) => unpack(element, depth + 1));
	}
	const parsed = ServerFrame.safeParse(json);
	if (!parsed.success) return [];
	const frame = parsed.data;
	if (frame.type === "batch" || frame.type === "ack" || frame.type === "error" || frame.type === "socket:closing")
		return [];
	return [frame];
}

/** The session is over: the server's code for it, on the close frame and in `socket:closing`. */
export const SESSION_ENDED = 4401;

/**
 * The code and reason of a `socket:closing` frame (the server's word that it is closing this
 * socket), or null for any other message. The server sends it alone, never in a batch.
 */
export function closingNotice(raw: unknown): { code: number; reason: string } | null {
	if (typeof raw !== "string" || !raw.includes('"socket:closing"')) return null;
	try {
		const frame = ServerFrame.safeParse(JSON.parse(raw));
		return frame.success && frame.data.type === "socket:closing" ? frame.data.data : null;
	} catch {
		return null;
	}
}

export interface SocketHandlers {
	/** The events of one socket message, in order (several when the server batched them). */
	onEvents: (events: RealtimeEvent[]) => void;
	/** Every successful open, the first and each reconnect: the moment to catch up. */
	onOpen?: () => void;
	onClose?: () => void;
}

export class ChatSocket {
	private readonly ws: ReconnectingWebSocket;
	private pingTimer: ReturnType<typeof setInterval> | undefined;
	private closed = false;

	constructor(path: string, handlers: SocketHandlers) {
		const urlProvider = async () => {
			const { ticket } = await api.realtimeTicket();
			return socketUrl(`${path}?ticket=${encodeURIComponent(ticket)}`);
		};
		this.ws = new ReconnectingWebSocket(urlProvider, undefined, {
			minReconnectionDelay: 500 + Math.random() * 1000,
			maxReconnectionDelay: 15_000,
			reconnectionDelayGrowFactor: 1.6,
			connectionTimeout: 8000,
			// Frames sent while closed would be stale by the time we reconnect (typing, receipts).
			maxEnqueuedMessages: 0,
			// localStorage["campus-chat.debug"] = "1" logs partysocket's connection steps.
			debug: localStorage.getItem("campus-chat.debug") === "1",
		});
		this.ws.addEventListener("open", () => {
			this.startPing();
			handlers.onOpen?.();
		});
		this.ws.addEventListener("close", (event: CloseEvent) => {
			this.stopPing();
			if (event.code === SESSION_ENDED) this.serverClosed(SESSION_ENDED);
			else if (!this.closed) handlers.onClose?.();
		});
		this.ws.addEventListener("message", (event: MessageEvent) => {
			const notice = closingNotice(event.data);
			if (notice) {
				this.serverClosed(notice.code);
				return;
			}
			const events = parseServerFrames(event.data);
			if (events.length > 0) handlers.onEvents(events);
		});
	}

	get isOpen(): boolean {
		return this.ws.readyState === ReconnectingWebSocket.OPEN;
	}

	/** Sends now if open; otherwise drops the frame (callers use REST for anything that must land). */
	send(frame: ClientFrame): boolean {
		if (!this.isOpen) return false;
		return this.ws.send(JSON.stringify(frame));
	}

	/** Drop the current connection and dial again (e.g. the browser says it is back online). */
	reconnect(): void {
		if (!this.closed) this.ws.reconnect();
	}

	/**
	 * The server closed this socket (its `socket:closing` frame, or the close event, whichever
	 * comes first). Acted on at once rather than on the close event: a closing handshake can
	 * leave the connection half-open for a while (`wrangler dev` does, see closeWithNotice in
	 * src/durable/frames.ts). 4401: the session is over, so no dialing again, and the app goes
	 * back to sign-in. Anything else: drop this connection and dial again now.
	 */
	private serverClosed(code: number): void {
		if (this.closed) return;
		if (code !== SESSION_ENDED) {
			this.ws.reconnect();
			return;
		}
		this.close();
		sessionEnded();
	}

	close(): void {
		this.closed = true;
		this.stopPing();
		this.ws.close(1000, "client closed");
	}

	private startPing(): void {
		this.stopPing();
		this.pingTimer = setInterval(() => {
			if (this.isOpen) this.ws.send(PING);
		}, PING_INTERVAL_MS);
	}

	private stopPing(): void {
		if (this.pingTimer !== undefined) clearInterval(this.pingTimer);
		this.pingTimer = undefined;
	}
}
