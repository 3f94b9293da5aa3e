// Writing frames to sockets: one JSON object per frame, errors in the contract's shape.
import { ClientFrame, ERROR_CODES, type ErrorStatus, type ServerFrame } from "../shared/schemas";

export function sendFrame(ws: WebSocket, frame: ServerFrame) {
	try {
		ws.send(JSON.stringify(frame));
	} catch {
		// the socket closed meanwhile; its close handler cleans up
	}
}

export function socketError(status: ErrorStatus, message: string, ref?: string): ServerFrame {
	return { type: "error", ...(ref === undefined ? {} : { ref }), error: { code: ERROR_CODES[status], message } };
}

export function refOf(value: unknown): string | undefined {
	if (typeof value === "string") {
		try {
			return refOf(JSON.parse(value));
		} catch {
			return undefined;
		}
	}
	if (value && typeof value === "object" && "ref" in value && typeof value.ref === "string")
		return value.ref.slice(0, 100);
	return undefined;
}

/**
 * One client frame, checked in the order that costs least first: size, rate, JSON, schema.
 * A frame that fails gets an `error` (with its ref when one can be read) and null is returned;
 * the socket stays open either way.
 */
export function readClientFrame(
	ws: WebSocket,
	raw: string | ArrayBuffer,
	limits: { maxBytes: number; allow: () => boolean },
): ClientFrame | null {
	const size = typeof raw === "string" ? raw.length : raw.byteLength;
	if (size > limits.maxBytes) {
		sendFrame(ws, socketError(413, `frame larger than ${limits.maxBytes / 1024} KiB`, refOf(raw)));
		return null;
	}
	if (!limits.allow()) {
		sendFrame(ws, socketError(429, "too many frames, slow down", refOf(raw)));
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
