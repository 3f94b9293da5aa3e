// Writing frames to sockets: one JSON object per frame, errors in the contract's shape.
import { ERROR_CODES, type ErrorStatus, type ServerFrame } from "../shared/schemas";

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
