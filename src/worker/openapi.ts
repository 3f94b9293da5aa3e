// The OpenAPI 3.1 description served at GET /api/v1/openapi.json. The schemas come from the zod
// schemas the routes parse with (z.toJSONSchema), so the document cannot drift from validation;
// what is written here is only the route table: method, path, summary, auth, inputs, answers.
import { z } from "zod";
import {
	AddMembersBody,
	ChangePasswordBody,
	Conversation,
	CreateConversationBody,
	DeliveredBody,
	EditMessageBody,
	ERROR_CODES,
	ImageRef,
	LoginBody,
	Message,
	MessageSearchQuery,
	MuteBody,
	Participant,
	Reaction,
	ReadBody,
	RegisterBody,
	RenameConversationBody,
	Role,
	RoleBody,
	SendMessageBody,
	SystemEvent,
	UpdateProfileBody,
	UploadBody,
	User,
	UserSearchQuery,
} from "../shared/schemas";
import { HistoryQuery, ListQuery } from "./routes/conversations";
import { DeleteQuery } from "./routes/messages";

// ---------- answers (envelopes around the contract's objects) ----------
const nextCursor = z.string().nullable().describe("opaque; null at the end");
const ErrorEnvelope = z.object({
	error: z.object({
		code: z.enum(Object.values(ERROR_CODES) as [string, ...string[]]),
		message: z.string(),
		details: z.unknown().optional().describe("for 400: { fields: [{ path, message }] }"),
	}),
});
const responses = {
	User,
	Role,
	Participant,
	ImageRef,
	SystemEvent,
	Message,
	Conversation,
	ErrorEnvelope,
	AuthResult: z.object({ user: User, token: z.string() }),
	UserResult: z.object({ user: User }),
	UserList: z.object({ users: z.array(User) }),
	Ticket: z.object({ ticket: z.string(), expiresAt: z.string() }),
	ConversationResult: z.object({ conversation: Conversation }),
	ConversationPage: z.object({ conversations: z.array(Conversation), nextCursor }),
	MessagePage: z.object({ messages: z.array(Message), nextCursor }),
	MessageResult: z.object({ message: Message }),
	ReactionsResult: z.object({ reactions: z.array(Reaction) }),
	SearchPage: z.object({
		results: z.array(z.object({ message: Message, snippet: z.string().describe("plain text around the match") })),
		nextCursor,
	}),
	ReadResult: z.object({ lastReadSeq: z.number().int() }),
	DeliveredResult: z.object({ lastDeliveredSeq: z.number().int() }),
	MuteResult: z.object({ muted: z.boolean() }),
	ParticipantResult: z.object({ participant: Participant }),
	UploadTarget: z.object({
		key: z.string(),
		uploadUrl: z.string().describe("absolute; PUT exactly `size` bytes with exactly `headers`, no auth"),
		method: z.literal("PUT"),
		headers: z.record(z.string(), z.string()),
		expiresAt: z.string(),
	}),
	UploadStored: z.object({ key: z.string() }),
	Health: z.object({ ok: z.literal(true) }),
};
const requests = {
	RegisterBody,
	LoginBody,
	ChangePasswordBody,
	CreateConversationBody,
	SendMessageBody,
	ReadBody,
	DeliveredBody,
	MuteBody,
	AddMembersBody,
	RoleBody,
	RenameConversationBody,
	UploadBody,
	EditMessageBody,
	UpdateProfileBody,
};
type ResponseName = keyof typeof responses;
type RequestName = keyof typeof requests;

const SearchQuery = UserSearchQuery.extend({ q: UserSearchQuery.shape.q.describe("name or email prefix") });
const SignedQuery = z.object({ exp: z.string().describe("expiry, unix seconds"), sig: z.string() });
const TicketQuery = z.object({ ticket: z.string().describe("from POST /realtime/ticket; single use") });

// ---------- the route table ----------
interface RouteSpec {
	method: "get" | "post" | "put" | "patch" | "delete";
	/** OpenAPI path under /api/v1, with {params}. */
	path: string;
	summary: string;
	tag: string;
	/** Bearer token required (401 otherwise). */
	auth: boolean;
	body?: RequestName | "binary";
	/** The JSON body may be left out (then its defaults apply). */
	bodyOptional?: boolean;
	query?: z.ZodObject;
	/** Success answers: status → envelope (null for no body). */
	ok: Record<number, ResponseName | null | "binary">;
	/** Error statuses besides 401 (added for auth) and 413 (added for JSON bodies). */
	errors?: number[];
}

export const ROUTES: RouteSpec[] = [
	{ method: "get", path: "/health", tag: "meta", summary: "Liveness", auth: false, ok: { 200: "Health" } },
	{
		method: "get",
		path: "/openapi.json",
		tag: "meta",
		summary: "This document",
		auth: false,
		ok: { 200: null },
	},
	{
		method: "post",
		path: "/auth/register",
		tag: "auth",
		summary: "Create an account",
		auth: false,
		body: "RegisterBody",
		ok: { 201: "AuthResult" },
		errors: [400, 409, 429],
	},
	{
		method: "post",
		path: "/auth/login",
		tag: "auth",
		summary: "Log in",
		auth: false,
		body: "LoginBody",
		ok: { 200: "AuthResult" },
		errors: [400, 401, 429],
	},
	{
		method: "post",
		path: "/auth/logout",
		tag: "auth",
		summary: "End this token's session (its sockets close with 4401)",
		auth: true,
		ok: { 204: null },
	},
	{
		method: "post",
		path: "/auth/logout-all",
		tag: "auth",
		summary: "End every session of the caller (every socket closes with 4401)",
		auth: true,
		ok: { 204: null },
	},
	{ method: "get", path: "/me", tag: "auth", summary: "The caller", auth: true, ok: { 200: "UserResult" } },
	{
		method: "patch",
		path: "/me",
		tag: "auth",
		summary: "Change the caller's display name and/or avatar (an upload of the caller's; null removes it)",
		auth: true,
		body: "UpdateProfileBody",
		ok: { 200: "UserResult" },
		errors: [400, 404],
	},
	{
		method: "put",
		path: "/me/password",
		tag: "auth",
		summary: "Change the password; every other session of the caller ends (401 if currentPassword is wrong)",
		auth: true,
		body: "ChangePasswordBody",
		ok: { 204: null },
		errors: [400, 429],
	},
	{
		method: "get",
		path: "/users",
		tag: "auth",
		summary: "Search people by name or email prefix (at least 2 characters, at most 20 people, no presence)",
		auth: true,
		query: SearchQuery,
		ok: { 200: "UserList" },
		errors: [400],
	},
	{
		method: "post",
		path: "/realtime/ticket",
		tag: "realtime",
		summary: "A single-use ticket (≤ 60 s) for opening one socket",
		auth: true,
		ok: { 200: "Ticket" },
	},
	{
		method: "get",
		path: "/realtime",
		tag: "realtime",
		summary: "WebSocket: the caller's own socket (presence and inbox)",
		auth: false,
		query: TicketQuery,
		ok: { 101: null },
		errors: [401],
	},
	{
		method: "get",
		path: "/conversations/{id}/socket",
		tag: "realtime",
		summary: "WebSocket: the room of one conversation",
		auth: false,
		query: TicketQuery,
		ok: { 101: null },
		errors: [401, 404],
	},
	{
		method: "post",
		path: "/conversations",
		tag: "conversations",
		summary: "Start a direct conversation (unique per pair: 200 if it exists) or create a group",
		auth: true,
		body: "CreateConversationBody",
		ok: { 201: "ConversationResult", 200: "ConversationResult" },
		errors: [400, 404],
	},
	{
		method: "get",
		path: "/conversations",
		tag: "conversations",
		summary: "The caller's conversations, most recent activity first",
		auth: true,
		query: ListQuery,
		ok: { 200: "ConversationPage" },
		errors: [400],
	},
	{
		method: "get",
		path: "/conversations/{id}",
		tag: "conversations",
		summary: "One conversation with participants",
		auth: true,
		ok: { 200: "ConversationResult" },
		errors: [404],
	},
	{
		method: "patch",
		path: "/conversations/{id}",
		tag: "groups",
		summary: "Rename a group (admin only; a system message records it; the same title again changes nothing)",
		auth: true,
		body: "RenameConversationBody",
		ok: { 200: "ConversationResult" },
		errors: [400, 403, 404, 409],
	},
	{
		method: "get",
		path: "/conversations/{id}/messages",
		tag: "messages",
		summary: "History: newest first with cursor, or oldest first after a seq (catch-up)",
		auth: true,
		query: HistoryQuery,
		ok: { 200: "MessagePage" },
		errors: [400, 404],
	},
	{
		method: "post",
		path: "/conversations/{id}/messages",
		tag: "messages",
		summary: "Send a message; the same clientId again answers 200 with the stored message",
		auth: true,
		body: "SendMessageBody",
		ok: { 201: "MessageResult", 200: "MessageResult" },
		errors: [400, 404, 429],
	},
	{
		method: "delete",
		path: "/messages/{id}",
		tag: "messages",
		summary: "Delete for me (hide) or for everyone (sender, or a group admin)",
		auth: true,
		query: DeleteQuery,
		ok: { 204: null },
		errors: [400, 403, 404],
	},
	{
		method: "patch",
		path: "/messages/{id}",
		tag: "messages",
		summary: "Edit a message's text or caption (the sender, within 15 minutes); the same text again broadcasts nothing",
		auth: true,
		body: "EditMessageBody",
		ok: { 200: "MessageResult" },
		errors: [400, 403, 404, 409],
	},
	{
		method: "put",
		path: "/messages/{id}/reactions/{emoji}",
		tag: "messages",
		summary: "React with one emoji (URL-encoded, at most 32 bytes); idempotent; at most 20 distinct emoji",
		auth: true,
		ok: { 200: "ReactionsResult" },
		errors: [400, 404, 409],
	},
	{
		method: "delete",
		path: "/messages/{id}/reactions/{emoji}",
		tag: "messages",
		summary: "Take back a reaction; idempotent",
		auth: true,
		ok: { 200: "ReactionsResult" },
		errors: [400, 404, 409],
	},
	{
		method: "get",
		path: "/search/messages",
		tag: "messages",
		summary:
			"Full-text search (words and word prefixes, case- and accent-insensitive) in the caller's conversations, newest first",
		auth: true,
		query: MessageSearchQuery,
		ok: { 200: "SearchPage" },
		errors: [400, 404],
	},
	{
		method: "post",
		path: "/conversations/{id}/read",
		tag: "receipts",
		summary: "Move the caller's read watermark forward (default: latest)",
		auth: true,
		body: "ReadBody",
		bodyOptional: true,
		ok: { 200: "ReadResult" },
		errors: [400, 404],
	},
	{
		method: "post",
		path: "/conversations/{id}/delivered",
		tag: "receipts",
		summary: "Move the caller's delivered watermark forward (addition to the contract)",
		auth: true,
		body: "DeliveredBody",
		ok: { 200: "DeliveredResult" },
		errors: [400, 404],
	},
	{
		method: "put",
		path: "/conversations/{id}/mute",
		tag: "conversations",
		summary: "Mute, unmute, or toggle when `muted` is left out",
		auth: true,
		body: "MuteBody",
		bodyOptional: true,
		ok: { 200: "MuteResult" },
		errors: [400, 404],
	},
	{
		method: "post",
		path: "/conversations/{id}/members",
		tag: "groups",
		summary: "Add members (admin only; at most 256 in all)",
		auth: true,
		body: "AddMembersBody",
		ok: { 200: "ConversationResult" },
		errors: [400, 403, 404, 409],
	},
	{
		method: "delete",
		path: "/conversations/{id}/members/{userId}",
		tag: "groups",
		summary: "Remove a member (admin only; never the last admin)",
		auth: true,
		ok: { 204: null },
		errors: [403, 404, 409],
	},
	{
		method: "put",
		path: "/conversations/{id}/members/{userId}",
		tag: "groups",
		summary: "Change a member's role (admin only; never demote the last admin)",
		auth: true,
		body: "RoleBody",
		ok: { 200: "ParticipantResult" },
		errors: [400, 403, 404, 409],
	},
	{
		method: "post",
		path: "/conversations/{id}/leave",
		tag: "groups",
		summary: "Leave a group; the last admin hands admin to the longest-standing member",
		auth: true,
		ok: { 204: null },
		errors: [404, 409],
	},
	{
		method: "post",
		path: "/uploads",
		tag: "images",
		summary: "Ask for an upload URL for one image (≤ 10 MiB; jpeg, png, webp or gif)",
		auth: true,
		body: "UploadBody",
		ok: { 201: "UploadTarget" },
		errors: [400],
	},
	{
		method: "put",
		path: "/uploads/local/{key}",
		tag: "images",
		summary: "Signed upload target when R2 presigning is not configured (addition; no auth, the URL is signed)",
		auth: false,
		body: "binary",
		query: SignedQuery,
		ok: { 200: "UploadStored" },
		errors: [400, 404, 409, 413],
	},
	{
		method: "get",
		path: "/media/{key}",
		tag: "images",
		summary: "An image by signed, expiring URL (addition; no auth, members only receive the URL)",
		auth: false,
		query: SignedQuery,
		ok: { 200: "binary", 304: null },
		errors: [404],
	},
];

// ---------- building the document ----------
const STATUS_TEXT: Record<number, string> = {
	101: "Switching Protocols (WebSocket)",
	200: "OK",
	201: "Created",
	204: "No Content",
	304: "Not Modified",
	400: "invalid_request: `details.fields` names the bad fields",
	401: "unauthorized",
	403: "forbidden",
	404: "not_found (also for non-members: existence is not leaked)",
	409: "conflict",
	413: "payload_too_large",
	429: "rate_limited (with Retry-After)",
};

type JsonSchema = Record<string, unknown>;
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

function components(registrySchemas: Record<string, z.ZodType>, io: "input" | "output"): Record<string, JsonSchema> {
	const registry = z.registry<{ id: string }>();
	for (const [id, schema] of Object.entries(registrySchemas)) registry.add(schema, { id });
	const { schemas } = z.toJSONSchema(registry, {
		io,
		target: "draft-2020-12",
		unrepresentable: "any",
		uri: (id) => `#/components/schemas/${id}`,
		// The contract may add fields to its objects: answers are open, not closed, schemas.
		override: ({ jsonSchema }) => {
			if (jsonSchema.additionalProperties === false) delete jsonSchema.additionalProperties;
		},
	});
	const out: Record<string, JsonSchema> = {};
	for (const [id, schema] of Object.entries(schemas)) {
		const { $schema: _s, $id: _i, ...rest } = schema as JsonSchema;
		out[id] = rest;
	}
	return out;
}

function parameters(route: RouteSpec) {
	const inPath = [...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
		name,
		in: "path",
		required: true,
		schema: { type: "string" },
	}));
	const inQuery = Object.entries(route.query?.shape ?? {}).map(([name, schema]) => {
		const { $schema: _s, ...json } = z.toJSONSchema(schema as z.ZodType, { io: "input", unrepresentable: "any" });
		return { name, in: "query", required: !(schema as z.ZodType).safeParse(undefined).success, schema: json };
	});
	return [...inPath, ...inQuery];
}

function operation(route: RouteSpec) {
	const answers: Record<string, unknown> = {};
	for (const [status, name] of Object.entries(route.ok)) {
		const description = STATUS_TEXT[Number(status)] ?? "OK";
		if (name === null) answers[status] = { description };
		else if (name === "binary")
			answers[status] = { description, content: { "image/*": { schema: { type: "string", format: "binary" } } } };
		else answers[status] = { description, content: { "application/json": { schema: ref(name) } } };
	}
	const errors = new Set(route.errors ?? []);
	if (route.auth) errors.add(401);
	if (route.body && route.body !== "binary") errors.add(413);
	for (const status of [...errors].sort()) {
		answers[status] = {
			description: STATUS_TEXT[status] ?? "error",
			content: { "application/json": { schema: ref("ErrorEnvelope") } },
		};
	}
	const params = parameters(route);
	return {
		operationId: `${route.method}${route.path.replace(/[{}]/g, "").replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? "").toUpperCase())}`,
		summary: route.summary,
		tags: [route.tag],
		security: route.auth ? [{ bearer: [] }] : [],
		...(params.length > 0 ? { parameters: params } : {}),
		...(route.body === "binary"
			? {
					requestBody: {
						required: true,
						content: { "application/octet-stream": { schema: { type: "string", format: "binary" } } },
					},
				}
			: route.body
				? {
						requestBody: {
							required: !route.bodyOptional,
							content: { "application/json": { schema: ref(route.body) } },
						},
					}
				: {}),
		responses: answers,
	};
}

export function buildOpenApiDocument() {
	const paths: Record<string, Record<string, unknown>> = {};
	for (const route of ROUTES) {
		paths[route.path] ??= {};
		(paths[route.path] as Record<string, unknown>)[route.method] = operation(route);
	}
	return {
		openapi: "3.1.0",
		info: {
			title: "Campus Chat API",
			version: "1.0.0",
			description:
				"REST under /api/v1 as in CONTRACT.md. Errors are `{ error: { code, message, details? } }` with the code fixed by the status. Lists are cursor-paginated (`limit` 1–100, opaque `cursor`, `nextCursor` null at the end).",
		},
		servers: [{ url: "/api/v1" }],
		tags: [...new Set(ROUTES.map((r) => r.tag))].map((name) => ({ name })),
		components: {
			securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
			schemas: { ...components(responses, "output"), ...components(requests, "input") },
		},
		paths,
	};
}

let cached: ReturnType<typeof buildOpenApiDocument> | null = null;
/** Built once per isolate: the schemas do not change at run time. */
export function openApiDocument() {
	cached ??= buildOpenApiDocument();
	return cached;
}
