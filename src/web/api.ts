// REST client for /api/v1 (docs/contract.md), typed from the worker's routes: `hc<AppType>` knows
// every route's path, params, query, body and answers, so a call that does not match a route's
// declaration does not compile. Every answer is still parsed at run time with the shared zod
// schemas (whose types must match the route's declared answer), and the error envelope becomes a
// thrown ApiError the UI can show as is.
//
// AppType comes from ./.app-types/, declarations emitted from src/worker/app.ts by
// `npm run types:app` (run by `npm run typecheck`; git-ignored). Only types cross over: the
// import is erased, so no worker code reaches the bundle.
import { type ClientResponse, hc } from "hono/client";
import type { SuccessStatusCode } from "hono/utils/http-status";
import { z } from "zod";
import {
	AuthResult,
	BlockResult,
	ConversationPage,
	ConversationResult,
	ForwardResult,
	InviteList,
	InvitePreviewResult,
	InviteResult,
	MessagePage,
	MessageResult,
	MuteResult,
	ParticipantResult,
	PinList,
	type PushSubscriptionBody,
	PushSubscriptionResult,
	ReactionsResult,
	ReadResult,
	type ReportBody,
	ReportResult,
	SearchPage,
	Ticket,
	UploadTarget,
	UserList,
	UserResult,
	VapidPublicKey,
	VoteResult,
} from "../shared/schemas";
import type { AppType } from "./.app-types/worker/app";

/** Build-time API origin (VITE_API_ORIGIN), e.g. https://chat-api.example.edu; empty = same origin. */
const apiOrigin = (import.meta.env.VITE_API_ORIGIN ?? "").replace(/\/+$/, "");
export const API_BASE = `${apiOrigin}/api/v1`;

/** ws(s):// URL for a socket path under /api/v1. */
export function socketUrl(path: string): string {
	const base = new URL(API_BASE, window.location.href);
	base.protocol = base.protocol === "https:" ? "wss:" : "ws:";
	return `${base.toString().replace(/\/+$/, "")}${path}`;
}

export class ApiError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
		readonly details?: unknown,
	) {
		super(message);
		this.name = "ApiError";
	}
}

const ErrorEnvelope = z.object({
	error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});

let token: string | null = null;
let onUnauthorized: (() => void) | null = null;

export function setToken(value: string | null): void {
	token = value;
}
/** Called when an authenticated request answers 401 (expired or revoked session). */
export function setUnauthorizedHandler(handler: (() => void) | null): void {
	onUnauthorized = handler;
}

/** A socket said the session is over (closed with 4401): handled like a 401 from a request. */
export function sessionEnded(): void {
	if (token && onUnauthorized) onUnauthorized();
}

const client = hc<AppType>(apiOrigin, {
	headers: (): Record<string, string> =>
		token ? { accept: "application/json", authorization: `Bearer ${token}` } : { accept: "application/json" },
});
const v1 = client.api.v1;

/** The body a route declares for its success statuses. */
type Ok<R> = R extends ClientResponse<infer T, infer S, string> ? (S extends SuccessStatusCode ? T : never) : never;

/**
 * Sends one request and reads its answer: the success body parsed with `schema` (typed as what
 * the route declares), or the error envelope thrown as ApiError. Without `schema` (204 routes)
 * the answer's body, if any, is returned as is.
 */
async function call<R extends ClientResponse<unknown, number, string>>(
	send: () => Promise<R>,
	schema?: z.ZodType<Ok<R>>,
	/** A 401 that is about the request, not the session (a wrong current password): it does not sign out. */
	ownUnauthorized?: (error: ApiError) => boolean,
): Promise<Ok<R>> {
	let response: Response;
	try {
		response = (await send()) as unknown as Response;
	} catch {
		throw new ApiError(0, "network_error", "You appear to be offline. Check your connection and try again.");
	}
	const text = await response.text();
	let json: unknown = null;
	if (text) {
		try {
			json = JSON.parse(text);
		} catch {
			json = null;
		}
	}
	if (!response.ok) {
		const envelope = ErrorEnvelope.safeParse(json);
		const error = envelope.success
			? new ApiError(
					response.status,
					envelope.data.error.code,
					envelope.data.error.message,
					envelope.data.error.details,
				)
			: new ApiError(response.status, "http_error", `Request failed (${response.status})`);
		if (response.status === 401 && token && onUnauthorized && !ownUnauthorized?.(error)) onUnauthorized();
		throw error;
	}
	if (!schema) return json as Ok<R>;
	const parsed = schema.safeParse(json);
	if (!parsed.success) {
		console.error("Unexpected response shape", response.url, parsed.error);
		throw new ApiError(response.status, "bad_response", "The server sent an unexpected response.");
	}
	return parsed.data;
}

/** PUT /me/password's 401 for a wrong current password (details.fields names it), not a dead session. */
const FieldDetails = z.object({ fields: z.array(z.object({ path: z.unknown() })) });
export function isWrongCurrentPassword(error: ApiError): boolean {
	const details = FieldDetails.safeParse(error.details);
	return error.status === 401 && details.success && details.data.fields.some((f) => f.path === "currentPassword");
}

export type Upload = UploadTarget;
const enc = encodeURIComponent;
/** `/conversations/:id…`: the id goes in `param` (encoded here; the client does not encode). */
const conversation = v1.conversations[":id"];

export const api = {
	register: (email: string, password: string, displayName: string) =>
		call(() => v1.auth.register.$post({ json: { email, password, displayName } }), AuthResult),
	login: (email: string, password: string) =>
		call(() => v1.auth.login.$post({ json: { email, password } }), AuthResult),
	me: () => call(() => v1.me.$get(), UserResult),
	/** 204; a wrong current password is 401 naming `currentPassword`, which keeps this session. */
	changePassword: (currentPassword: string, newPassword: string) =>
		call(() => v1.me.password.$put({ json: { currentPassword, newPassword } }), undefined, isWrongCurrentPassword),
	searchUsers: (query: string) => call(() => v1.users.$get({ query: { q: query } }), UserList),
	realtimeTicket: () => call(() => v1.realtime.ticket.$post(), Ticket),
	listConversations: (cursor?: string) =>
		call(() => v1.conversations.$get({ query: { limit: 100, cursor } }), ConversationPage),
	getConversation: (id: string) => call(() => conversation.$get({ param: { id: enc(id) } }), ConversationResult),
	createDirect: (userId: string) =>
		call(() => v1.conversations.$post({ json: { type: "direct", userId } }), ConversationResult),
	createGroup: (title: string, memberIds: string[]) =>
		call(() => v1.conversations.$post({ json: { type: "group", title, memberIds } }), ConversationResult),
	messagesBefore: (id: string, cursor?: string, limit = 50) =>
		call(() => conversation.messages.$get({ param: { id: enc(id) }, query: { limit, cursor } }), MessagePage),
	messagesAfter: (id: string, afterSeq: number, limit = 100) =>
		call(() => conversation.messages.$get({ param: { id: enc(id) }, query: { afterSeq, limit } }), MessagePage),
	sendMessage: (
		id: string,
		body: (
			| { clientId: string; kind: "text"; text: string }
			| { clientId: string; kind: "image"; imageKey: string; text?: string }
			| { clientId: string; kind: "poll"; poll: { question: string; options: string[]; multiple: boolean } }
			| { clientId: string; kind: "file"; attachmentKey: string; name: string; text?: string }
			| { clientId: string; kind: "voice"; attachmentKey: string; durationMs: number }
		) & { replyToId?: string; mentions?: string[] },
	) => call(() => conversation.messages.$post({ param: { id: enc(id) }, json: body }), MessageResult),
	deleteMessage: (messageId: string, scope: "me" | "everyone") =>
		call(() => v1.messages[":id"].$delete({ param: { id: enc(messageId) }, query: { scope } })),
	markRead: (id: string, seq?: number) =>
		call(() => conversation.read.$post({ param: { id: enc(id) }, json: seq === undefined ? {} : { seq } }), ReadResult),
	/** `mutedUntil` (issue 22.20): when the mute ends (ISO time); null or left out: until undone. */
	setMuted: (id: string, muted: boolean, mutedUntil: string | null = null) =>
		call(
			() => conversation.mute.$put({ param: { id: enc(id) }, json: muted && mutedUntil ? { mutedUntil } : { muted } }),
			MuteResult,
		),
	renameConversation: (id: string, title: string) =>
		call(() => conversation.$patch({ param: { id: enc(id) }, json: { title } }), ConversationResult),
	/** Issue 23.5: an announcement group (only admins send) or not. */
	setOnlyAdminsSend: (id: string, onlyAdminsSend: boolean) =>
		call(() => conversation.$patch({ param: { id: enc(id) }, json: { onlyAdminsSend } }), ConversationResult),
	addMembers: (id: string, userIds: string[]) =>
		call(() => conversation.members.$post({ param: { id: enc(id) }, json: { userIds } }), ConversationResult),
	removeMember: (id: string, userId: string) =>
		call(() => conversation.members[":userId"].$delete({ param: { id: enc(id), userId: enc(userId) } })),
	setRole: (id: string, userId: string, role: "admin" | "member") =>
		call(
			() => conversation.members[":userId"].$put({ param: { id: enc(id), userId: enc(userId) }, json: { role } }),
			ParticipantResult,
		),
	leave: (id: string) => call(() => conversation.leave.$post({ param: { id: enc(id) } })),
	createUpload: (contentType: string, size: number) =>
		call(() => v1.uploads.$post({ json: { contentType, size } }), UploadTarget),
	// Invite links (issue 23.5).
	createInvite: (id: string, body: { expiresAt?: string; maxUses?: number }) =>
		call(() => conversation.invites.$post({ param: { id: enc(id) }, json: body }), InviteResult),
	listInvites: (id: string) => call(() => conversation.invites.$get({ param: { id: enc(id) } }), InviteList),
	revokeInvite: (id: string, inviteId: string) =>
		call(() => conversation.invites[":inviteId"].$delete({ param: { id: enc(id), inviteId: enc(inviteId) } })),
	previewInvite: (token: string) =>
		call(() => v1.invites[":token"].$get({ param: { token: enc(token) } }), InvitePreviewResult),
	joinInvite: (token: string) =>
		call(() => v1.invites[":token"].join.$post({ param: { token: enc(token) } }), ConversationResult),
};

/**
 * PUT the file's bytes to the presigned URL with exactly the returned headers and no auth.
 * XMLHttpRequest rather than fetch because only it reports upload progress.
 */
export function uploadFile(
	upload: Upload,
	file: Blob,
	onProgress: (fraction: number) => void,
	signal?: AbortSignal,
): Promise<void> {
	return new Promise((resolve, reject) => {
		const xhr = new XMLHttpRequest();
		// Issue 23: Cancel on an uploading file stops the PUT at once.
		signal?.addEventListener("abort", () => xhr.abort(), { once: true });
		xhr.onabort = () => reject(new DOMException("The upload was cancelled", "AbortError"));
		xhr.open(upload.method || "PUT", upload.uploadUrl);
		for (const [name, value] of Object.entries(upload.headers)) {
			// The browser sets Content-Length itself from the body; it refuses to let scripts set it.
			if (name.toLowerCase() === "content-length") continue;
			xhr.setRequestHeader(name, value);
		}
		xhr.upload.onprogress = (event) => {
			if (event.lengthComputable) onProgress(event.loaded / event.total);
		};
		xhr.onload = () => {
			if (xhr.status >= 200 && xhr.status < 300) {
				onProgress(1);
				resolve();
			} else reject(new ApiError(xhr.status, "upload_failed", `Upload failed (${xhr.status})`));
		};
		xhr.onerror = () => reject(new ApiError(0, "network_error", "Upload failed: network error"));
		xhr.send(file);
	});
}

// ---------- blocking and Web Push (CONTRACT v2) ----------
export type { PushSubscriptionBody } from "../shared/schemas";

export const safetyApi = {
	block: (userId: string) => call(() => v1.users[":id"].block.$put({ param: { id: enc(userId) } }), BlockResult),
	unblock: (userId: string) => call(() => v1.users[":id"].block.$delete({ param: { id: enc(userId) } }), BlockResult),
	blocks: () => call(() => v1.me.blocks.$get(), UserList),
	vapidPublicKey: () => call(() => v1.push["vapid-public-key"].$get(), VapidPublicKey),
	savePushSubscription: (subscription: PushSubscriptionBody) =>
		call(() => v1.push.subscriptions.$post({ json: subscription }), PushSubscriptionResult),
	deletePushSubscription: (endpoint: string) => call(() => v1.push.subscriptions.$delete({ json: { endpoint } })),
};

// ---------- contract v2: edits, reactions, search, reports, profile, jumping in history ----------
export type SearchResult = z.infer<typeof SearchPage>["results"][number];
export type ReportReason = ReportBody["reason"];
const message = v1.messages[":id"];

export const apiV2 = {
	editMessage: (messageId: string, text: string) =>
		call(() => message.$patch({ param: { id: enc(messageId) }, json: { text } }), MessageResult),
	addReaction: (messageId: string, emoji: string) =>
		call(() => message.reactions[":emoji"].$put({ param: { id: enc(messageId), emoji: enc(emoji) } }), ReactionsResult),
	removeReaction: (messageId: string, emoji: string) =>
		call(
			() => message.reactions[":emoji"].$delete({ param: { id: enc(messageId), emoji: enc(emoji) } }),
			ReactionsResult,
		),
	/** Newest first, messages with seq below `beforeSeq`: walking back to a quoted or found message. */
	messagesBeforeSeq: (id: string, beforeSeq: number, limit = 100) =>
		call(() => conversation.messages.$get({ param: { id: enc(id) }, query: { beforeSeq, limit } }), MessagePage),
	searchMessages: (q: string, options: { conversationId?: string; cursor?: string; limit?: number } = {}) =>
		call(
			() =>
				v1.search.messages.$get({
					query: { q, conversationId: options.conversationId, limit: options.limit ?? 20, cursor: options.cursor },
				}),
			SearchPage,
		),
	reportMessage: (messageId: string, reason: ReportReason, note?: string) =>
		call(
			() => message.report.$post({ param: { id: enc(messageId) }, json: { reason, ...(note ? { note } : {}) } }),
			ReportResult,
		),
	/** Issue 23: the message to 1 to 5 of my chats; the same clientId again answers the same copies. */
	forwardMessage: (messageId: string, conversationIds: string[], clientId: string) =>
		call(
			() => message.forward.$post({ param: { id: enc(messageId) }, json: { conversationIds, clientId } }),
			ForwardResult,
		),
	updateProfile: (patch: { displayName?: string; avatarImageKey?: string | null }) =>
		call(() => v1.me.$patch({ json: patch }), UserResult),
};

// ---------- issue 23.4: pinned messages ----------
const pinsOf = v1.conversations[":id"].pins;
export const pinApi = {
	list: (conversationId: string) => call(() => pinsOf.$get({ param: { id: enc(conversationId) } }), PinList),
	pin: (conversationId: string, messageId: string) =>
		call(() => pinsOf[":messageId"].$put({ param: { id: enc(conversationId), messageId: enc(messageId) } }), PinList),
	unpin: (conversationId: string, messageId: string) =>
		call(
			() => pinsOf[":messageId"].$delete({ param: { id: enc(conversationId), messageId: enc(messageId) } }),
			PinList,
		),
};

// ---------- issue 23.3: polls ----------
export const pollApi = {
	/** The caller's whole choice (empty withdraws it). */
	vote: (messageId: string, optionIds: string[]) =>
		call(() => message.votes.$put({ param: { id: enc(messageId) }, json: { optionIds } }), VoteResult),
	close: (messageId: string) => call(() => message.poll.close.$post({ param: { id: enc(messageId) } }), VoteResult),
};
