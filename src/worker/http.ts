// Small helpers every route uses: parse input with zod into the contract's 400, unwrap room
// results into the error envelope, and find the room or hub for an id.
import type { Context } from "hono";
import type { z } from "zod";
import type { RoomResult } from "../durable/rpc";
import { publicOriginFor } from "../server/config";
import { MAX_JSON_BODY_BYTES } from "../shared/schemas";
import { ApiError, badRequest, zodDetails } from "./errors";

/** The request's JSON body parsed by `schema`; an empty body parses as `undefined`. */
export async function readJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
	const text = await c.req.text();
	if (text.length > MAX_JSON_BODY_BYTES) throw new ApiError(413, "request body too large");
	let value: unknown;
	if (text.trim() !== "") {
		try {
			value = JSON.parse(text);
		} catch {
			throw badRequest("request body is not valid JSON");
		}
	}
	const parsed = schema.safeParse(value);
	if (!parsed.success) throw badRequest("invalid request body", zodDetails(parsed.error));
	return parsed.data;
}

export function readQuery<S extends z.ZodType>(c: Context, schema: S): z.output<S> {
	const parsed = schema.safeParse(c.req.query());
	if (!parsed.success) throw badRequest("invalid query parameters", zodDetails(parsed.error));
	return parsed.data;
}

export function unwrap<T>(result: RoomResult<T>): T {
	if (!result.ok) throw new ApiError(result.status, result.message, result.details);
	return result.value;
}

/**
 * The origin clients reach this Worker on; absolute URLs (media, uploads) are built on it:
 * PUBLIC_ORIGIN when configured (required in production), else the request's origin.
 */
export function publicOrigin(c: Context): string {
	return publicOriginFor(c.env, c.req.url);
}

/** Route ids are opaque, but anything that cannot be one is simply not found. */
export function pathId(c: Context, name: string): string {
	const value = c.req.param(name);
	if (!value || value.length > 64 || !/^[A-Za-z0-9_-]+$/.test(value)) throw new ApiError(404, "not found");
	return value;
}
