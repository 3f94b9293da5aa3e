// REST client for /api/v1 (CONTRACT.md). Every response is parsed with the shared zod schemas,
// and the error envelope becomes a thrown ApiError the UI can show as is.
import { z } from "zod";
import { Conversation, Message, Participant, Reaction, User } from "../shared/schemas";

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

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

async function request<T>(method: Method, path: string, schema: z.ZodType<T>, body?: unknown): Promise<T> {
	const headers: Record<string, string> = { accept: "application/json" };
	if (token) headers.authorization = `Bearer ${token}`;
	if (body !== undefined) headers["content-type"] = "application/json";
	let response: Response;
	try {
		response = await fetch(`${API_BASE}${path}`, {
			method,
			headers,
			body: body === undefined ? undefined : JSON.stringify(body),
		});
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
		if (response.status === 401 && token && onUnauthorized) onUnauthorized();
		const envelope = ErrorEnvelope.safeParse(json);
		if (envelope.success) {
			const { code, message, details } = envelope.data.error;
			throw new ApiError(response.status, code, message, details);
		}
		throw new ApiError(response.status, "http_error", `Request failed (${response.status})`);
	}
	const parsed = schema.safeParse(json);
	if (!parsed.success) {
		console.error("Unexpected response shape", method, path, parsed.error);
		throw new ApiError(response.status, "bad_response", "The server sent an unexpected response.");
	}
	return parsed.data;
}

const Empty = z.unknown();
const AuthResult = z.object({ user: User, token: z.string() });
const ConversationPage = z.object({
	conversations: z.array(Conversation),
	nextCursor: z.string().nullable(),
});
const MessagePage = z.object({ messages: z.array(Message), nextCursor: z.string().nullable() });
const OneConversation = z.object({ conversation: Conversation });
const OneMessage = z.object({ message: Message });
const Upload = z.object({
	key: z.string(),
	uploadUrl: z.string(),
	method: z.string(),
	headers: z.record(z.string(), z.string()),
	expiresAt: z.string(),
});
export type Upload = z.infer<typeof Upload>;

const q = (params: Record<string, string | number | undefined>) => {
	const search = new URLSearchParams();
	for (const [key, value] of Object.entries(params)) if (value !== undefined) search.set(key, String(value));
	const s = search.toString();
	return s ? `?${s}` : "";
};
const enc = encodeURIComponent;

export const api = {
	register: (email: string, password: string, displayName: string) =>
		request("POST", "/auth/register", AuthResult, { email, password, displayName }),
	login: (email: string, password: string) => request("POST", "/auth/login", AuthResult, { email, password }),
	me: () => request("GET", "/me", z.object({ user: User })),
	searchUsers: (query: string) => request("GET", `/users${q({ q: query })}`, z.object({ users: z.array(User) })),
	realtimeTicket: () => request("POST", "/realtime/ticket", z.object({ ticket: z.string(), expiresAt: z.string() })),
	listConversations: (cursor?: string) =>
		request("GET", `/conversations${q({ limit: 100, cursor })}`, ConversationPage),
	getConversation: (id: string) => request("GET", `/conversations/${enc(id)}`, OneConversation),
	createDirect: (userId: string) => request("POST", "/conversations", OneConversation, { type: "direct", userId }),
	createGroup: (title: string, memberIds: string[]) =>
		request("POST", "/conversations", OneConversation, { type: "group", title, memberIds }),
	messagesBefore: (id: string, cursor?: string, limit = 50) =>
		request("GET", `/conversations/${enc(id)}/messages${q({ limit, cursor })}`, MessagePage),
	messagesAfter: (id: string, afterSeq: number, limit = 100) =>
		request("GET", `/conversations/${enc(id)}/messages${q({ afterSeq, limit })}`, MessagePage),
	sendMessage: (
		id: string,
		body: (
			| { clientId: string; kind: "text"; text: string }
			| { clientId: string; kind: "image"; imageKey: string; text?: string }
		) & { replyToId?: string; mentions?: string[] },
	) => request("POST", `/conversations/${enc(id)}/messages`, OneMessage, body),
	deleteMessage: (messageId: string, scope: "me" | "everyone") =>
		request("DELETE", `/messages/${enc(messageId)}${q({ scope })}`, Empty),
	markRead: (id: string, seq?: number) =>
		request(
			"POST",
			`/conversations/${enc(id)}/read`,
			z.object({ lastReadSeq: z.number() }),
			seq === undefined ? {} : { seq },
		),
	setMuted: (id: string, muted: boolean) =>
		request("PUT", `/conversations/${enc(id)}/mute`, z.object({ muted: z.boolean() }), { muted }),
	renameConversation: (id: string, title: string) =>
		request("PATCH", `/conversations/${enc(id)}`, OneConversation, { title }),
	addMembers: (id: string, userIds: string[]) =>
		request("POST", `/conversations/${enc(id)}/members`, OneConversation, { userIds }),
	removeMember: (id: string, userId: string) =>
		request("DELETE", `/conversations/${enc(id)}/members/${enc(userId)}`, Empty),
	setRole: (id: string, userId: string, role: "admin" | "member") =>
		request("PUT", `/conversations/${enc(id)}/members/${enc(userId)}`, z.object({ participant: Participant }), {
			role,
		}),
	leave: (id: string) => request("POST", `/conversations/${enc(id)}/leave`, Empty),
	createUpload: (contentType: string, size: number) => request("POST", "/uploads", Upload, { contentType, size }),
};

/**
 * PUT the file's bytes to the presigned URL with exactly the returned headers and no auth.
 * XMLHttpRequest rather than fetch because only it reports upload progress.
 */
export function uploadFile(upload: Upload, file: Blob, onProgress: (fraction: number) => void): Promise<void> {
	return new Promise((resolve, reject) => {
		const xhr = new XMLHttpRequest();
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

// ---------- contract v2: edits, reactions, search, reports, profile, jumping in history ----------
const Reactions = z.object({ reactions: z.array(Reaction) });
const SearchPage = z.object({
	results: z.array(z.object({ message: Message, snippet: z.string() })),
	nextCursor: z.string().nullable(),
});
export type SearchResult = z.infer<typeof SearchPage>["results"][number];
export type ReportReason = "spam" | "harassment" | "other";

export const apiV2 = {
	editMessage: (messageId: string, text: string) =>
		request("PATCH", `/messages/${enc(messageId)}`, OneMessage, { text }),
	addReaction: (messageId: string, emoji: string) =>
		request("PUT", `/messages/${enc(messageId)}/reactions/${enc(emoji)}`, Reactions),
	removeReaction: (messageId: string, emoji: string) =>
		request("DELETE", `/messages/${enc(messageId)}/reactions/${enc(emoji)}`, Reactions),
	/** Newest first, messages with seq below `beforeSeq`: walking back to a quoted or found message. */
	messagesBeforeSeq: (id: string, beforeSeq: number, limit = 100) =>
		request("GET", `/conversations/${enc(id)}/messages${q({ beforeSeq, limit })}`, MessagePage),
	searchMessages: (query: string, options: { conversationId?: string; cursor?: string; limit?: number } = {}) =>
		request(
			"GET",
			`/search/messages${q({ q: query, conversationId: options.conversationId, limit: options.limit ?? 20, cursor: options.cursor })}`,
			SearchPage,
		),
	reportMessage: (messageId: string, reason: ReportReason, note?: string) =>
		request(
			"POST",
			`/messages/${enc(messageId)}/report`,
			z.object({ report: z.object({ id: z.string(), createdAt: z.string() }) }),
			{ reason, ...(note ? { note } : {}) },
		),
	updateProfile: (patch: { displayName?: string; avatarImageKey?: string | null }) =>
		request("PATCH", "/me", z.object({ user: User }), patch),
};
