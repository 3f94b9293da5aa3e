// Small helpers routes use: unwrap room results into the error envelope, the public origin, and
// a path id outside declared routes. (Input is validated by the route declarations: openapi.ts.)
import type { Context } from "hono";
import type { RoomResult } from "../durable/rpc";
import { publicOriginFor } from "../server/config";
import { ApiError } from "./errors";

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
