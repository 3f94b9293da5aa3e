// How routes are declared. Each route is written once, with `createRoute` (method, path, request
// params/query/body schemas from src/shared/schemas.ts, its answers and error answers), and
// registered with `.openapi(route, handler)` on a router from `openApiRouter()`. From that one
// declaration come the validation (failures answer the contract's 400 envelope, see `onInvalid`),
// the handler's input and answer types, the web client's types (`hc<AppType>`), and the
// document at GET /api/v1/openapi.json. What is written here is only what generation needs: the
// component names, the bearer scheme, the document's info, and helpers to keep declarations short.

import { zodToOpenAPIRegistry } from "@asteasolutions/zod-to-openapi";
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Env } from "hono";
import { z } from "zod";
import * as wire from "../shared/schemas";
import { requireUser } from "./auth";
import { ApiError, badRequest, zodDetails } from "./errors";

// ---------- component names ----------
// The shared wire objects appear in the document as named components ($ref), under their export
// names, wherever a route uses them, nested or not. Names are attached to the shared schemas
// themselves (in the generator's registry), so validation runs the very schemas the web imports.
const COMPONENTS: Record<string, z.ZodType> = {
	User: wire.User,
	Role: wire.Role,
	Participant: wire.Participant,
	ImageRef: wire.ImageRef,
	SystemEvent: wire.SystemEvent,
	Message: wire.Message,
	Conversation: wire.Conversation,
	RegisterBody: wire.RegisterBody,
	LoginBody: wire.LoginBody,
	ChangePasswordBody: wire.ChangePasswordBody,
	CreateConversationBody: wire.CreateConversationBody,
	SendMessageBody: wire.SendMessageBody,
	ReadBody: wire.ReadBody,
	DeliveredBody: wire.DeliveredBody,
	MuteBody: wire.MuteBody,
	AddMembersBody: wire.AddMembersBody,
	RoleBody: wire.RoleBody,
	RenameConversationBody: wire.RenameConversationBody,
	UploadBody: wire.UploadBody,
	AuthResult: wire.AuthResult,
	UserResult: wire.UserResult,
	UserList: wire.UserList,
	Ticket: wire.Ticket,
	ConversationResult: wire.ConversationResult,
	ConversationPage: wire.ConversationPage,
	MessagePage: wire.MessagePage,
	MessageResult: wire.MessageResult,
	ReadResult: wire.ReadResult,
	DeliveredResult: wire.DeliveredResult,
	MuteResult: wire.MuteResult,
	ParticipantResult: wire.ParticipantResult,
	UploadTarget: wire.UploadTarget,
	UploadStored: wire.UploadStored,
	Health: wire.Health,
	ErrorEnvelope: wire.ErrorEnvelope,
	PushSubscriptionBody: wire.PushSubscriptionBody,
	PushUnsubscribeBody: wire.PushUnsubscribeBody,
	PushSubscriptionResult: wire.PushSubscriptionResult,
	VapidPublicKey: wire.VapidPublicKey,
	BlockResult: wire.BlockResult,
	ReportBody: wire.ReportBody,
	ReportResult: wire.ReportResult,
	Report: wire.Report,
	Reaction: wire.Reaction,
	ReplyTo: wire.ReplyTo,
	EditMessageBody: wire.EditMessageBody,
	UpdateProfileBody: wire.UpdateProfileBody,
	ReactionsResult: wire.ReactionsResult,
	SearchPage: wire.SearchPage,
	MessagesToRoomsBody: wire.MessagesToRoomsBody,
	MessagesToRoomsResult: wire.MessagesToRoomsResult,
	// issue 23.3 and 23.4
	Poll: wire.Poll,
	PollOption: wire.PollOption,
	CreatePoll: wire.CreatePoll,
	VoteBody: wire.VoteBody,
	VoteResult: wire.VoteResult,
	Pin: wire.Pin,
	PinList: wire.PinList,
	CreateInviteBody: wire.CreateInviteBody,
	Invite: wire.Invite,
	InviteResult: wire.InviteResult,
	InviteList: wire.InviteList,
	InvitePreview: wire.InvitePreview,
	InvitePreviewResult: wire.InvitePreviewResult,
	Attachment: wire.Attachment,
	ForwardBody: wire.ForwardBody,
	ForwardResult: wire.ForwardResult,
};
for (const [name, schema] of Object.entries(COMPONENTS)) {
	if (!zodToOpenAPIRegistry.has(schema)) zodToOpenAPIRegistry.add(schema, { _internal: { refId: name } });
}

// ---------- validation failures ----------
/**
 * The one answer to a failed validation: a bad path id is simply not found (404, like an unknown
 * id); a bad query or body is 400 invalid_request with `details.fields` naming each bad field.
 */
export function onInvalid(result: { target: string; success: boolean; error?: z.ZodError }): void {
	if (result.success || !result.error) return;
	if (result.target === "param") throw new ApiError(404, "not found");
	const what = result.target === "query" ? "invalid query parameters" : "invalid request body";
	throw badRequest(what, zodDetails(result.error));
}

/** A router whose `.openapi()` routes answer validation failures in the contract's envelope. */
export const openApiRouter = <E extends Env>() => new OpenAPIHono<E>({ defaultHook: onInvalid });

// ---------- declaration helpers ----------
const STATUS_TEXT = {
	400: "invalid_request: `details.fields` names the bad fields",
	401: "unauthorized",
	403: "forbidden",
	404: "not_found (also for non-members: existence is not leaked)",
	409: "conflict",
	413: "payload_too_large",
	429: "rate_limited (with Retry-After)",
	503: "unavailable: saved, not yet applied everywhere; retry after Retry-After (the call is idempotent)",
} as const;
type ErrorAnswer = keyof typeof STATUS_TEXT;

/** Error answers in the envelope, for the statuses a route can give. */
export function errors<const S extends ErrorAnswer>(...statuses: S[]) {
	const out = {} as Record<
		S,
		{ description: string; content: { "application/json": { schema: typeof wire.ErrorEnvelope } } }
	>;
	for (const status of statuses) {
		out[status] = { description: STATUS_TEXT[status], content: { "application/json": { schema: wire.ErrorEnvelope } } };
	}
	return out;
}

/** A JSON answer with `schema`. */
export const json = <S extends z.ZodType>(schema: S, description = "OK") => ({
	description,
	content: { "application/json": { schema } },
});

/** A JSON request body; `required: false` when it may be left out (then its defaults apply). */
export const jsonBody = <S extends z.ZodType>(schema: S, required = true) => ({
	required,
	content: { "application/json": { schema } },
});

/** Bearer token required: the middleware that checks it and the document's note of it, together. */
export const authed = { security: [{ bearer: [] as string[] }], middleware: requireUser };
/** No bearer token (public, or the URL itself is signed). */
export const open = { security: [] as { bearer: string[] }[] };

/** Everything the generated document has besides the routes. */
export const DOCUMENT_CONFIG = {
	openapi: "3.1.0",
	info: {
		title: "Campus Chat API",
		version: "1.0.0",
		description:
			"REST under /api/v1 as in docs/contract.md. Errors are `{ error: { code, message, details? } }` with the code fixed by the status. Lists are cursor-paginated (`limit` 1–100, opaque `cursor`, `nextCursor` null at the end).",
	},
	servers: [{ url: "/api/v1" }],
};

/** Adds GET /openapi.json to `api`, generated from every route registered on it. */
export function serveDocument(api: OpenAPIHono<any, any, any>) {
	api.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
		type: "http",
		scheme: "bearer",
		bearerFormat: "JWT",
	});
	// The admin routes' bearer: the ADMIN_TOKEN secret itself (src/worker/routes/admin.ts).
	api.openAPIRegistry.registerComponent("securitySchemes", "adminToken", { type: "http", scheme: "bearer" });
	let cached: Record<string, unknown> | undefined;
	api.openapi(
		{
			method: "get",
			path: "/openapi.json",
			tags: ["meta"],
			summary: "This document",
			...open,
			responses: {
				200: {
					description: "the OpenAPI 3.1 document",
					content: { "application/json": { schema: z.record(z.string(), z.unknown()) } },
				},
			},
		},
		(c) => {
			// Built once per isolate: the declarations do not change at run time.
			cached ??= documentOf(api);
			return c.json(cached, 200);
		},
	);
}

/**
 * The document, with router-only path patterns (`{key{.+}}`: several segments) shown as `{key}`,
 * and the routes' tags listed in the order they first appear.
 */
function documentOf(api: OpenAPIHono<any, any, any>): Record<string, unknown> {
	const document = api.getOpenAPI31Document(DOCUMENT_CONFIG);
	const paths = Object.fromEntries(
		Object.entries(document.paths ?? {}).map(([path, item]) => [path.replace(/\{(\w+)\{[^}]*\}\}/g, "{$1}"), item]),
	);
	const operations = Object.values(paths).flatMap((item) => Object.values(item as Record<string, { tags?: string[] }>));
	const tags = [...new Set(operations.flatMap((operation) => operation.tags ?? []))].map((name) => ({ name }));
	return { ...document, tags, paths };
}
