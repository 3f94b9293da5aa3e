// Opaque, signed pagination cursors: a client can only send back what the server issued.
import { z } from "zod";
import type { AppEnv } from "../server/config";
import { base64url, fromBase64url } from "../server/encoding";
import { signPayload, verifyPayload } from "../server/media";
import { badRequest } from "./errors";

const decoder = new TextDecoder();

export async function encodeCursor(env: AppEnv, value: unknown): Promise<string> {
	const payload = base64url(new TextEncoder().encode(JSON.stringify(value)));
	return `${payload}.${await signPayload(env, "cursor", payload)}`;
}

export async function decodeCursor<T>(env: AppEnv, cursor: string, schema: z.ZodType<T>): Promise<T> {
	const [payload, sig, extra] = cursor.split(".");
	const invalid = () =>
		badRequest("invalid cursor", { fields: [{ path: "cursor", message: "not issued by this server" }] });
	if (!payload || !sig || extra !== undefined || !(await verifyPayload(env, "cursor", payload, sig))) throw invalid();
	const bytes = fromBase64url(payload);
	if (!bytes) throw invalid();
	try {
		return schema.parse(JSON.parse(decoder.decode(bytes)));
	} catch {
		throw invalid();
	}
}

export const ConversationCursor = z.object({ at: z.string(), id: z.string() });
export const MessageCursor = z.object({ before: z.number().int() }).or(z.object({ after: z.number().int() }));
