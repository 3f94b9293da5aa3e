// The wire contract (../shared/CONTRACT.md) as zod schemas: request bodies, objects and socket
// frames. Worker, Durable Objects and the web app all import from here, so there is one copy.
import { z } from "zod";

export const MAX_TEXT_LENGTH = 4000;
export const MAX_JSON_BODY_BYTES = 64 * 1024;
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
export const MAX_GROUP_MEMBERS = 256;
export const IMAGE_CONTENT_TYPES = ["image/jpeg", "image/png", "image/webp", "image/gif"] as const;
export const TYPING_EXPIRY_MS = 2000;

// ---------- objects ----------
export const User = z.object({
	id: z.string(),
	email: z.string(),
	displayName: z.string(),
	avatarUrl: z.string().nullable(),
	/** Added to the contract: presence as last known, for "last seen" in headers. */
	online: z.boolean().optional(),
	lastSeenAt: z.string().nullable().optional(),
});
export type User = z.infer<typeof User>;

export const Role = z.enum(["admin", "member"]);
export type Role = z.infer<typeof Role>;

export const Participant = z.object({
	user: User,
	role: Role,
	joinedAt: z.string(),
	lastReadSeq: z.number().int(),
	lastDeliveredSeq: z.number().int(),
});
export type Participant = z.infer<typeof Participant>;

export const ImageRef = z.object({
	key: z.string(),
	url: z.string(),
	contentType: z.string(),
	size: z.number().int(),
});
export type ImageRef = z.infer<typeof ImageRef>;

export const SystemEvent = z.object({
	event: z.enum(["joined", "left", "removed", "role_changed", "created", "renamed"]),
	actorId: z.string(),
	targetId: z.string(),
	role: Role.optional(),
	/** `renamed`: the group's new title. */
	title: z.string().optional(),
});
export type SystemEvent = z.infer<typeof SystemEvent>;

/** Contract v2: one emoji and who reacted with it, in order of first use. */
export const Reaction = z.object({ emoji: z.string(), userIds: z.array(z.string()) });
export type Reaction = z.infer<typeof Reaction>;

/** Contract v2: the quoted message as it is now (text at most 200 characters). */
export const ReplyTo = z.object({
	id: z.string(),
	seq: z.number().int(),
	senderId: z.string(),
	kind: z.enum(["text", "image", "system"]),
	text: z.string().nullable(),
	deletedAt: z.string().nullable(),
});
export type ReplyTo = z.infer<typeof ReplyTo>;
/** PATCH /messages/:id (contract v2): the sender may edit for this long after `createdAt`. */
export const EDIT_WINDOW_MS = 15 * 60_000;

export const Message = z.object({
	id: z.string(),
	conversationId: z.string(),
	seq: z.number().int(),
	senderId: z.string(),
	clientId: z.string(),
	kind: z.enum(["text", "image", "system"]),
	text: z.string().nullable(),
	// `z.union([X, z.null()])` rather than `X.nullable()` for named objects: the OpenAPI generator
	// would otherwise mark the named component itself as nullable (same meaning, same type).
	image: z.union([ImageRef, z.null()]),
	createdAt: z.string(),
	deletedAt: z.string().nullable(),
	/** Added to the contract: what a `system` message records, for clients that render it. */
	system: z.union([SystemEvent, z.null()]).optional(),
	// Contract v2 (optional here so a v1 answer still parses).
	editedAt: z.string().nullable().optional(),
	replyTo: z.union([ReplyTo, z.null()]).optional(),
	mentions: z.array(z.string()).optional(),
	reactions: z.array(Reaction).optional(),
});
export type Message = z.infer<typeof Message>;

export const Conversation = z.object({
	id: z.string(),
	type: z.enum(["direct", "group"]),
	title: z.string().nullable(),
	createdAt: z.string(),
	lastActivityAt: z.string(),
	lastMessage: z.union([Message, z.null()]),
	unreadCount: z.number().int(),
	muted: z.boolean(),
	participants: z.array(Participant).optional(),
	/** Contract v2: unread messages from others that mention the caller. */
	unreadMentionCount: z.number().int().optional(),
});
export type Conversation = z.infer<typeof Conversation>;

// ---------- request bodies ----------
const email = z.string().trim().toLowerCase().pipe(z.email().max(254));
const id = z.string().min(1).max(64);

/** The rule for a password someone chooses (register, password change). */
const newPassword = z.string().min(8, "at least 8 characters").max(200);

export const RegisterBody = z.object({
	email,
	password: newPassword,
	displayName: z.string().trim().min(1).max(80),
});
export const LoginBody = z.object({
	email,
	password: z.string().min(1).max(200),
});

/** PUT /me/password (contract v2 sessions): every other session of the caller ends. */
export const ChangePasswordBody = z.object({
	currentPassword: z.string().min(1).max(200),
	newPassword,
});

/** GET /users?q=: at least 2 characters, so one-letter queries cannot list every account. */
export const UserSearchQuery = z.object({ q: z.string().trim().min(2, "at least 2 characters").max(100) });
export const MAX_USER_SEARCH_RESULTS = 20;

export const CreateConversationBody = z.discriminatedUnion("type", [
	z.object({ type: z.literal("direct"), userId: id }),
	z.object({
		type: z.literal("group"),
		title: z.string().trim().min(1).max(120),
		memberIds: z.array(id).max(MAX_GROUP_MEMBERS - 1),
	}),
]);
export type CreateConversationBody = z.infer<typeof CreateConversationBody>;

const messageText = z
	.string()
	.trim()
	.min(1, "text must not be empty")
	.max(MAX_TEXT_LENGTH, `text must be at most ${MAX_TEXT_LENGTH} characters`);
const clientId = z.string().trim().min(1).max(100);

export const SendMessageBody = z.discriminatedUnion("kind", [
	z.object({ clientId, kind: z.literal("text"), text: messageText }),
	z.object({
		clientId,
		kind: z.literal("image"),
		imageKey: z.string().min(1).max(300),
		text: messageText.optional(),
	}),
]);
export type SendMessageBody = z.infer<typeof SendMessageBody>;

export const ReadBody = z.object({ seq: z.number().int().min(0).optional() }).default({});
export const DeliveredBody = z.object({ seq: z.number().int().min(0) });
export const MuteBody = z.object({ muted: z.boolean().optional() }).default({});
export const AddMembersBody = z.object({ userIds: z.array(id).min(1).max(MAX_GROUP_MEMBERS) });
export const RoleBody = z.object({ role: Role });
export const MAX_TITLE_LENGTH = 100;
/** PATCH /conversations/:id (contract v2): a group's new title, 1 to 100 characters after trimming. */
export const RenameConversationBody = z.object({
	title: z
		.string()
		.trim()
		.min(1, "title must not be empty")
		.max(MAX_TITLE_LENGTH, `title must be at most ${MAX_TITLE_LENGTH} characters`),
});
export type RenameConversationBody = z.infer<typeof RenameConversationBody>;
export const UploadBody = z.object({
	contentType: z.string().min(1).max(100),
	size: z.number().int().min(1),
});

export const Limit = z.coerce.number().int().min(1).max(100).default(50);

// ---------- socket frames ----------
export const ClientFrame = z.discriminatedUnion("type", [
	z.object({ type: z.literal("message:send"), ref: z.string().max(100).optional(), data: SendMessageBody }),
	z.object({
		type: z.literal("message:delivered"),
		ref: z.string().max(100).optional(),
		/** conversationId is needed only on the realtime socket (an addition to the contract). */
		data: z.object({ seq: z.number().int().min(0), conversationId: id.optional() }),
	}),
	z.object({
		type: z.literal("message:read"),
		ref: z.string().max(100).optional(),
		data: z.object({ seq: z.number().int().min(0), conversationId: id.optional() }),
	}),
	z.object({ type: z.literal("typing:start"), ref: z.string().max(100).optional(), data: z.object({}).optional() }),
	z.object({ type: z.literal("typing:stop"), ref: z.string().max(100).optional(), data: z.object({}).optional() }),
	z.object({ type: z.literal("ping"), ref: z.string().max(100).optional() }),
]);
export type ClientFrame = z.infer<typeof ClientFrame>;

const conversationSeq = z.object({ conversationId: z.string(), userId: z.string(), seq: z.number().int() });

/**
 * Every frame the server sends, as one union: the events, plus `batch` (contract v2: several
 * complete frames for one socket at once, handled in order), `ack` and `error` answering a
 * client frame's `ref`. The room and hub build frames of this type; the web client parses with it.
 */
export const ServerFrame = z.discriminatedUnion("type", [
	z.object({ type: z.literal("message:new"), data: z.object({ message: Message }) }),
	z.object({
		type: z.literal("message:deleted"),
		data: z.object({ conversationId: z.string(), messageId: z.string(), seq: z.number().int() }),
	}),
	z.object({ type: z.literal("message:delivered"), data: conversationSeq }),
	z.object({ type: z.literal("message:updated"), data: z.object({ message: Message }) }),
	z.object({
		type: z.literal("message:reactions"),
		data: z.object({
			conversationId: z.string(),
			messageId: z.string(),
			seq: z.number().int(),
			reactions: z.array(Reaction),
		}),
	}),
	z.object({ type: z.literal("message:read"), data: conversationSeq }),
	z.object({
		type: z.literal("user:typing"),
		data: z.object({ conversationId: z.string(), userId: z.string(), typing: z.boolean() }),
	}),
	z.object({ type: z.literal("user:online"), data: z.object({ userId: z.string() }) }),
	z.object({
		type: z.literal("user:offline"),
		// Sent as a string or left out; a null from an older server reads as left out.
		data: z.object({
			userId: z.string(),
			lastSeenAt: z
				.string()
				.nullish()
				.transform((value) => value ?? undefined)
				.optional(),
		}),
	}),
	z.object({ type: z.literal("conversation:updated"), data: z.object({ conversation: Conversation }) }),
	z.object({
		type: z.literal("member:added"),
		data: z.object({ conversationId: z.string(), participant: Participant }),
	}),
	z.object({
		type: z.literal("member:updated"),
		data: z.object({ conversationId: z.string(), participant: Participant }),
	}),
	z.object({ type: z.literal("member:removed"), data: z.object({ conversationId: z.string(), userId: z.string() }) }),
	z.object({
		type: z.literal("batch"),
		get data() {
			return z.array(ServerFrame);
		},
	}),
	z.object({ type: z.literal("ack"), ref: z.string(), data: z.unknown() }),
	z.object({
		type: z.literal("error"),
		ref: z.string().optional(),
		error: z.object({ code: z.string(), message: z.string() }),
	}),
]);
export type ServerFrame = z.infer<typeof ServerFrame>;
/** A frame that tells of something that happened: everything but `batch`, `ack` and `error`. */
export type ServerEvent = Exclude<ServerFrame, { type: "batch" | "ack" | "error" }>;

export const ERROR_CODES = {
	400: "invalid_request",
	401: "unauthorized",
	403: "forbidden",
	404: "not_found",
	409: "conflict",
	413: "payload_too_large",
	429: "rate_limited",
	500: "internal_error",
} as const;
export type ErrorStatus = keyof typeof ERROR_CODES;

// ---------- REST inputs and answers (the routes declare these; the web client reads them) ----------
/** A path id (`:id`, `:userId`): anything that cannot be one is simply not found (404, not 400). */
export const PathId = z
	.string()
	.min(1)
	.max(64)
	.regex(/^[A-Za-z0-9_-]+$/);
export const IdParams = z.object({ id: PathId });
export const MemberParams = z.object({ id: PathId, userId: PathId });

export const ListQuery = z.object({ limit: Limit, cursor: z.string().max(500).optional() });
export const HistoryQuery = ListQuery.extend({ afterSeq: z.coerce.number().int().min(0).optional() });
export const DeleteQuery = z.object({ scope: z.enum(["me", "everyone"]).default("me") });
/** Media and local upload URLs: the signature is the credential (checked by the route, so 404 when wrong). */
export const SignedQuery = z.object({ exp: z.string().optional(), sig: z.string().optional() });
/** Socket handshakes: a single-use ticket from POST /realtime/ticket (or a bearer header). */
export const TicketQuery = z.object({ ticket: z.string().optional() });

const nextCursor = z.string().nullable();
export const AuthResult = z.object({ user: User, token: z.string() });
export const UserResult = z.object({ user: User });
export const UserList = z.object({ users: z.array(User) });
export const Ticket = z.object({ ticket: z.string(), expiresAt: z.string() });
export const ConversationResult = z.object({ conversation: Conversation });
export const ConversationPage = z.object({ conversations: z.array(Conversation), nextCursor });
export const MessagePage = z.object({ messages: z.array(Message), nextCursor });
export const MessageResult = z.object({ message: Message });
export const ReadResult = z.object({ lastReadSeq: z.number().int() });
export const DeliveredResult = z.object({ lastDeliveredSeq: z.number().int() });
export const MuteResult = z.object({ muted: z.boolean() });
export const ParticipantResult = z.object({ participant: Participant });
export const UploadTarget = z.object({
	key: z.string(),
	uploadUrl: z.string(),
	method: z.literal("PUT"),
	headers: z.record(z.string(), z.string()),
	expiresAt: z.string(),
});
export type UploadTarget = z.infer<typeof UploadTarget>;
export const UploadStored = z.object({ key: z.string() });
export const Health = z.object({ ok: z.literal(true) });
export const ErrorEnvelope = z.object({
	error: z.object({
		code: z.enum(Object.values(ERROR_CODES) as [string, ...string[]]),
		message: z.string(),
		details: z.unknown().optional(),
	}),
});
/** An object key in a media or local upload path (`u/<user>/<random>`, slashes included). */
export const KeyParams = z.object({ key: z.string() });

// ---------- v2: Web Push, blocking, reports ----------

/** A browser `PushSubscription` as `JSON.stringify(subscription)` gives it (extra fields ignored). */
export const PushSubscriptionBody = z.object({
	endpoint: z.string().url().max(2048),
	expirationTime: z.number().nullable().optional(),
	keys: z.object({
		/** The browser's P-256 public key, base64url, uncompressed (65 bytes). */
		p256dh: z.string().regex(/^[A-Za-z0-9_-]{86,88}={0,2}$/, "p256dh must be a base64url uncompressed P-256 key"),
		/** The 16-byte auth secret, base64url. */
		auth: z.string().regex(/^[A-Za-z0-9_-]{22,24}={0,2}$/, "auth must be a base64url 16-byte secret"),
	}),
});
export type PushSubscriptionBody = z.infer<typeof PushSubscriptionBody>;

export const PushUnsubscribeBody = z.object({ endpoint: z.string().url().max(2048) });

/** The decrypted payload of a Web Push message (contract v2). */
export const PushPayload = z.object({
	type: z.literal("message"),
	conversationId: z.string(),
	messageId: z.string(),
	seq: z.number().int(),
	title: z.string(),
	body: z.string().max(200),
});
export type PushPayload = z.infer<typeof PushPayload>;

export const ReportReason = z.enum(["spam", "harassment", "other"]);
export const ReportBody = z.object({
	reason: ReportReason,
	note: z.string().max(1000).optional(),
});
export type ReportBody = z.infer<typeof ReportBody>;
export const Report = z.object({ id: z.string(), createdAt: z.string() });
export type Report = z.infer<typeof Report>;
export const VapidPublicKey = z.object({ publicKey: z.string() });
export const PushSubscriptionResult = z.object({ subscription: z.object({ id: z.string() }) });
export const BlockResult = z.object({ blocked: z.boolean() });
export const ReportResult = z.object({ report: Report });
