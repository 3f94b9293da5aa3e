// Socket frames both objects share: writing one frame or a `batch` of them (contract v2), errors
// in the contract's shape, and reading client frames with the cheapest checks first (size,
// then rate, then JSON and schema), so a flooding socket costs almost nothing per frame.

import { TokenBucket } from "../server/tokenBucket";
import { ClientFrame, ERROR_CODES, type ErrorStatus, type ServerFrame } from "../shared/schemas";

/** One frame for several events: the event itself when alone, else `{ type: "batch", data }`. */
export function frameText(frames: ServerFrame[]): string {
	return JSON.stringify(frames.length === 1 ? frames[0] : { type: "batch", data: frames });
}

export function sendText(ws: WebSocket, text: string) {
	try {
		ws.send(text);
	} catch {
		// the socket closed meanwhile; its close handler cleans up
	}
}

export function sendFrame(ws: WebSocket, frame: ServerFrame) {
	sendText(ws, JSON.stringify(frame));
}

/**
 * Closes a socket the server ends (session over, token expired, removed from the chat, a
 * flood), sending `socket:closing` with the code and reason first.
 *
 * Why the frame: under `wrangler dev` a hibernatable socket the object closes stays half-open.
 * The close frame reaches the client and the client's answer reaches the object
 * (webSocketClose runs), but workerd never ends the TCP connection, so Node's WebSocket never
 * fires `close` and Chromium fires it only after its own wait. Probed against workerd
 * 1.20260815.1 with a bare object (issue 20): the same with and without the second `ws.close`
 * in webSocketClose, the same connecting to workerd's own port past wrangler's dev proxy, and
 * not at all with a non-hibernatable `ws.accept()` socket (the connection ends within ms). So
 * it is neither the dev proxy nor the app's second close, and the app cannot end the
 * connection itself; the client acts on this frame instead (src/web/realtime.ts).
 */
export function closeWithNotice(ws: WebSocket, code: number, reason: string) {
	// Once: a flooding socket's queued frames each ask to close it again.
	if (ws.readyState !== WebSocket.OPEN) return;
	sendFrame(ws, { type: "socket:closing", data: { code, reason } });
	try {
		ws.close(code, reason);
	} catch {
		// already closing
	}
}

export function socketError(status: ErrorStatus, message: string, ref?: string): ServerFrame {
	return { type: "error", ...(ref === undefined ? {} : { ref }), error: { code: ERROR_CODES[status], message } };
}

export function refOf(value: unknown): string | undefined {
	if (value && typeof value === "object" && "ref" in value && typeof value.ref === "string")
		return value.ref.slice(0, 100);
	return undefined;
}

const encoder = new TextEncoder();

/** The ref of an oversized frame, read from its first bytes only (it is never parsed whole). */
function refInHead(raw: string | ArrayBuffer): string | undefined {
	const head = typeof raw === "string" ? raw.slice(0, 512) : new TextDecoder().decode(raw.slice(0, 512));
	return /"ref"\s*:\s*"([^"\\]{1,100})"/.exec(head)?.[1];
}

/** UTF-8 size, without encoding when the UTF-16 length already decides it. */
export function byteLength(raw: string | ArrayBuffer, max: number): number {
	if (typeof raw !== "string") return raw.byteLength;
	if (raw.length > max || raw.length * 3 <= max) return raw.length;
	return encoder.encode(raw).byteLength;
}

/**
 * Per-socket flood control: frames over the rate are dropped unread. A streak of drops (each
 * within a second of the last) is answered once with `rate_limited`; a socket that drops more
 * than `closeAfterDrops` frames in one streak is closed with 1008 (policy violation).
 */
export class FloodGuard {
	private dropped = 0;
	private lastDrop = 0;

	constructor(
		private readonly bucket: TokenBucket,
		private readonly closeAfterDrops: number,
	) {}

	/** "ok" to read the frame, "drop" to ignore it, "warn" to answer once, "close" to close. */
	check(now = Date.now()): "ok" | "warn" | "drop" | "close" {
		if (now - this.lastDrop > STREAK_GAP_MS) this.dropped = 0;
		if (this.bucket.take()) return "ok";
		this.lastDrop = now;
		this.dropped += 1;
		if (this.dropped === 1) return "warn";
		return this.dropped > this.closeAfterDrops ? "close" : "drop";
	}
}

/** One flood guard per socket, created on its first frame, with the same limits for all. */
export class FloodGuards {
	private guards = new WeakMap<WebSocket, FloodGuard>();

	constructor(private readonly limits: { perSecond: number; burst: number; closeAfterDrops: number }) {}

	for(ws: WebSocket): FloodGuard {
		let guard = this.guards.get(ws);
		if (!guard) {
			guard = new FloodGuard(new TokenBucket(this.limits.perSecond, this.limits.burst), this.limits.closeAfterDrops);
			this.guards.set(ws, guard);
		}
		return guard;
	}
}

/** Drops this far apart belong to separate streaks. */
const STREAK_GAP_MS = 1_000;

/**
 * One client frame, checked in the order that costs least first: size, rate, JSON, schema.
 * A bad frame gets an `error` and null is returned (the socket stays open); frames over the
 * rate are dropped, and a socket that keeps flooding is closed.
 */
export function readClientFrame(
	ws: WebSocket,
	raw: string | ArrayBuffer,
	limits: { maxBytes: number; flood: FloodGuard | null },
): ClientFrame | null {
	switch (limits.flood?.check() ?? "ok") {
		case "ok":
			break;
		case "warn":
			sendFrame(ws, socketError(429, "too many frames, slow down; frames are dropped until you do"));
			return null;
		case "drop":
			return null;
		case "close":
			closeWithNotice(ws, 1008, "too many frames");
			return null;
	}
	if (byteLength(raw, limits.maxBytes) > limits.maxBytes) {
		sendFrame(ws, socketError(413, `frame larger than ${limits.maxBytes / 1024} KiB`, refInHead(raw)));
		return null;
	}
	let json: unknown;
	try {
		json = JSON.parse(typeof raw === "string" ? raw : new TextDecoder().decode(raw));
	} catch {
		sendFrame(ws, socketError(400, "frame is not valid JSON"));
		return null;
	}
	const parsed = ClientFrame.safeParse(json);
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		const where = issue ? `${issue.path.join(".") || "type"}: ${issue.message}` : "";
		sendFrame(ws, socketError(400, `invalid frame: ${where}`, refOf(json)));
		return null;
	}
	return parsed.data;
}
