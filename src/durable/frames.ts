// Socket frames both objects share: writing one frame or a `batch` of them (contract v2), errors
// in the contract's shape, and reading client frames with the cheapest checks first (the
// socket's frame and byte budget, then size, then JSON and schema), so a flooding socket costs
// almost nothing per frame and is closed at its first frame over the budget.

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

export function socketError(status: ErrorStatus, message: string, ref?: string, details?: unknown): ServerFrame {
	return {
		type: "error",
		...(ref === undefined ? {} : { ref }),
		error: { code: ERROR_CODES[status], message, ...(details === undefined ? {} : { details }) },
	};
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
 * Per-socket flood control, a budget of frames and of bytes (UTF-16 code units of a text
 * frame, bytes of a binary one), each a token bucket. The first frame over either budget is
 * answered with one `rate_limited` error and the socket is closed with 1008 (policy
 * violation) at once; every frame the runtime still delivers from it is dropped before it is
 * even measured. A flood costs the room at most one budget's worth of frames.
 */
export class FloodGuard {
	private closed = false;

	constructor(
		private readonly frames: TokenBucket,
		private readonly bytes: TokenBucket,
	) {}

	/** "ok" to read the frame, "close" for the first frame over the budget, "drop" after that. */
	check(size: number): "ok" | "close" | "drop" {
		if (this.closed) return "drop";
		if (this.frames.take() && this.bytes.take(size)) return "ok";
		this.closed = true;
		return "close";
	}
}

/** A socket's budget: frames per second and burst, bytes per second and burst. */
export interface FloodLimits {
	perSecond: number;
	burst: number;
	bytesPerSecond: number;
	byteBurst: number;
}

/** One flood guard per socket, created on its first frame, with the same limits for all. */
export class FloodGuards {
	private guards = new WeakMap<WebSocket, FloodGuard>();

	constructor(private readonly limits: FloodLimits) {}

	for(ws: WebSocket): FloodGuard {
		let guard = this.guards.get(ws);
		if (!guard) {
			guard = new FloodGuard(
				new TokenBucket(this.limits.perSecond, this.limits.burst),
				new TokenBucket(this.limits.bytesPerSecond, this.limits.byteBurst),
			);
			this.guards.set(ws, guard);
		}
		return guard;
	}
}

/**
 * The frames a client may send for every message it receives (receipts) or every key it presses
 * (typing), checked by hand to the same rules as `ClientFrame`: a well-formed one costs no
 * schema walk. Anything else, or anything unusual (a realtime receipt's conversationId, a bad
 * field), returns null and goes through the schema, which words the error.
 */
function quickFrame(json: unknown): ClientFrame | null {
	if (typeof json !== "object" || json === null) return null;
	const frame = json as { type?: unknown; ref?: unknown; data?: unknown };
	const ref = frame.ref;
	if (ref !== undefined && (typeof ref !== "string" || ref.length > 100)) return null;
	const withRef = ref === undefined ? {} : { ref };
	switch (frame.type) {
		case "message:read":
		case "message:delivered": {
			const data = frame.data as { seq?: unknown; conversationId?: unknown } | null | undefined;
			if (typeof data !== "object" || data === null || data.conversationId !== undefined) return null;
			const seq = data.seq;
			if (typeof seq !== "number" || !Number.isSafeInteger(seq) || seq < 0) return null;
			return { type: frame.type, ...withRef, data: { seq } };
		}
		case "typing:start":
		case "typing:stop": {
			const data = frame.data;
			if (data !== undefined && (typeof data !== "object" || data === null || Array.isArray(data))) return null;
			return { type: frame.type, ...withRef };
		}
		default:
			return null;
	}
}

/**
 * A receipt or a typing frame exactly as clients write it (`JSON.stringify({ type, data: { seq } })`,
 * what the UI sends for every message it shows and every few keystrokes), read from the raw
 * text without JSON.parse: the frames a client may send most often cost one anchored match or
 * one map lookup. Any other spelling (spaces, a ref, other fields) is parsed as usual.
 */
const PLAIN_RECEIPT = /^\{"type":"message:(read|delivered)","data":\{"seq":(\d{1,15})\}\}$/;

const PLAIN_TYPING = new Map<string, "typing:start" | "typing:stop">([
	['{"type":"typing:start","data":{}}', "typing:start"],
	['{"type":"typing:stop","data":{}}', "typing:stop"],
	['{"type":"typing:start"}', "typing:start"],
	['{"type":"typing:stop"}', "typing:stop"],
]);

function plainFrame(raw: string): ClientFrame | null {
	if (raw.length > 80) return null;
	// Typing, as the UI writes it, is the other per-keystroke frame.
	const typing = PLAIN_TYPING.get(raw);
	if (typing) return { type: typing };
	const match = PLAIN_RECEIPT.exec(raw);
	if (!match) return null;
	const seq = Number(match[2]);
	if (!Number.isSafeInteger(seq)) return null;
	return { type: match[1] === "read" ? "message:read" : "message:delivered", data: { seq } };
}

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
	switch (limits.flood?.check(typeof raw === "string" ? raw.length : raw.byteLength) ?? "ok") {
		case "ok":
			break;
		case "drop":
			return null;
		case "close":
			sendFrame(ws, socketError(429, "too many frames: this socket is closed; open a new one and slow down"));
			closeWithNotice(ws, 1008, "too many frames");
			return null;
	}
	if (byteLength(raw, limits.maxBytes) > limits.maxBytes) {
		sendFrame(ws, socketError(413, `frame larger than ${limits.maxBytes / 1024} KiB`, refInHead(raw)));
		return null;
	}
	const receipt = typeof raw === "string" ? plainFrame(raw) : null;
	if (receipt) return receipt;
	let json: unknown;
	try {
		json = JSON.parse(typeof raw === "string" ? raw : new TextDecoder().decode(raw));
	} catch {
		sendFrame(ws, socketError(400, "frame is not valid JSON"));
		return null;
	}
	const quick = quickFrame(json);
	if (quick) return quick;
	const parsed = ClientFrame.safeParse(json);
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		const where = issue ? `${issue.path.join(".") || "type"}: ${issue.message}` : "";
		sendFrame(ws, socketError(400, `invalid frame: ${where}`, refOf(json)));
		return null;
	}
	return parsed.data;
}
