// The contract's error envelope: `{ error: { code, message, details? } }`, code fixed by status.
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { z } from "zod";
import { log } from "../server/log";
import { ERROR_CODES, type ErrorStatus } from "../shared/schemas";

export class ApiError extends HTTPException {
	constructor(
		override readonly status: ErrorStatus,
		message: string,
		readonly details?: unknown,
		readonly retryAfterSeconds?: number,
	) {
		super(status as ContentfulStatusCode, { message });
	}
}

export const badRequest = (message: string, details?: unknown) => new ApiError(400, message, details);
export const notFound = (what = "resource") => new ApiError(404, `${what} not found`);
export const forbidden = (message: string) => new ApiError(403, message);
export const conflict = (message: string, details?: unknown) => new ApiError(409, message, details);

export function errorBody(status: ErrorStatus, message: string, details?: unknown) {
	return { error: { code: ERROR_CODES[status], message, ...(details === undefined ? {} : { details }) } };
}

/** zod issues as `details`: which field, and what is wrong with it. */
export function zodDetails(error: z.ZodError) {
	return {
		fields: error.issues.map((issue) => ({ path: issue.path.join(".") || "(body)", message: issue.message })),
	};
}

export function errorResponse(err: unknown, c: Context): Response {
	if (err instanceof ApiError) {
		const res = c.json(errorBody(err.status, err.message, err.details), err.status as ContentfulStatusCode);
		if (err.retryAfterSeconds !== undefined) res.headers.set("Retry-After", String(err.retryAfterSeconds));
		return res;
	}
	if (err instanceof HTTPException) {
		const status = (err.status in ERROR_CODES ? err.status : 400) as ErrorStatus;
		const message = status === 413 ? "request body too large" : err.message || "bad request";
		return c.json(errorBody(status, message), status as ContentfulStatusCode);
	}
	log.error("unhandled_error", {
		path: c.req.path,
		method: c.req.method,
		error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
		stack: err instanceof Error ? err.stack : undefined,
	});
	return c.json(errorBody(500, "internal error"), 500);
}
