// The wire contract (docs/contract.md) as zod schemas: request bodies, objects and socket
// frames. Worker, Durable Objects and the web app all import from here, so there is one copy.
import { z } from "zod";
import { nameHasForbidden, nameHasVisible } from "./text";

export const MAX_TEXT_LENGTH = 4000;
export const MAX_JSON_BODY_BYTES = 64 * 1024;
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
export const MAX_GROUP_MEMBERS = 256;
export const IMAGE_CONTENT_TYPES = ["image/jpeg", "image/png", "image/webp", "image/gif"] as const;
/**
 * Issue 23: documents a `file` message may carry (PDF, Office, OpenDocument, text, CSV, ZIP), up
 * to 25 MB (25,000,000 bytes, so a "26 MB" file is refused whichever megabyte is meant). Never
 * HTML, SVG or anything a browser would run: the media route serves these as attachments.
 */
export const FILE_CONTENT_TYPES = [
	"application/pdf",
	"application/msword",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	"application/vnd.ms-excel",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"application/vnd.ms-powerpoint",
	"application/vnd.openxmlformats-officedocument.presentationml.presentation",
	"application/vnd.oasis.opendocument.text",
	"application/vnd.oasis.opendocument.spreadsheet",
	"application/vnd.oasis.opendocument.presentation",
	"text/plain",
	"text/csv",
	"application/zip",
] as const;
export const MAX_FILE_BYTES = 25_000_000;
/** Issue 23: a `voice` message's recording (MediaRecorder: Opus in WebM or Ogg, AAC in MP4), up to 10 MiB and 5 minutes. */
export const VOICE_CONTENT_TYPES = ["audio/webm", "audio/ogg", "audio/mp4"] as const;
export const MAX_VOICE_BYTES = 10 * 1024 * 1024;
export const MAX_VOICE_MS = 5 * 60_000;
export const MAX_FILE_NAME_LENGTH = 200;
/** Issue 23: forward one message to at most this many chats at once. */
export const MAX_FORWARD_TARGETS = 5;
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

/**
 * Issue 23: what a `file` or `voice` message carries. `url` is signed and expiring like an
 * image's and downloads as `name`; `durationMs` only on voice notes.
 */
export const Attachment = z.object({
	key: z.string(),
	url: z.string(),
	name: z.string(),
	contentType: z.string(),
	size: z.number().int(),
	durationMs: z.number().int().optional(),
});
export type Attachment = z.infer<typeof Attachment>;

export const SystemEvent = z.object({
	event: z.enum(["joined", "left", "removed", "role_changed", "created", "renamed", "pinned", "only_admins_send"]),
	actorId: z.string(),
	targetId: z.string(),
	role: Role.optional(),
	/** `renamed`: the group's new title. */
	title: z.string().optional(),
	/** Issue 23.4, `pinned`: the message pinned (targetId is the actor). */
	messageId: z.string().optional(),
	/** `only_admins_send` (issue 23.5): the group's new setting. */
	onlyAdminsSend: z.boolean().optional(),
});
export type SystemEvent = z.infer<typeof SystemEvent>;

/** One emoji's reactions on a message (contract v2): who reacted, in order of reacting. */
export const Reaction = z.object({ emoji: z.string(), userIds: z.array(z.string()) });
export type Reaction = z.infer<typeof Reaction>;
export const MAX_REACTION_EMOJI = 20;
export const MAX_EMOJI_BYTES = 32;

/** Message kinds (one line per kind, so issue 23's merges stay simple). */
export const MessageKind = z.enum(["text", "image", "system", "poll", "file", "voice"]);
export type MessageKind = z.infer<typeof MessageKind>;

// ---------- issue 23.3: polls ----------
export const POLL_QUESTION_MAX = 300;
export const POLL_OPTION_MAX = 100;
export const POLL_MIN_OPTIONS = 2;
export const POLL_MAX_OPTIONS = 12;
/** One answer of a poll: who chose it, in the order they voted (`count` is `voterIds.length`). */
export const PollOption = z.object({
	id: z.string(),
	text: z.string(),
	count: z.number().int(),
	voterIds: z.array(z.string()),
});
export type PollOption = z.infer<typeof PollOption>;
/**
 * A `poll` message's poll, as it is now: the same object for every member (one shared
 * `message:updated` per change); a member's own choice is the options whose voterIds hold them.
 */
export const Poll = z.object({
	question: z.string(),
	multiple: z.boolean(),
	options: z.array(PollOption),
	/** Distinct members who voted (a multiple-choice voter counts once). */
	voterCount: z.number().int(),
	closedAt: z.string().nullable(),
	closedBy: z.string().nullable(),
});
export type Poll = z.infer<typeof Poll>;
/** The plain text a poll message carries for clients that know only v2 (and for pushes and the list). */
export function pollText(question: string): string {
	return `📊 Poll: ${question}`;
}

/** The message a reply quotes, as it is now: a deleted original shows `deletedAt` and no text. */
export const ReplyTo = z.object({
	id: z.string(),
	seq: z.number().int(),
	senderId: z.string(),
	kind: MessageKind,
	text: z.string().nullable(),
	deletedAt: z.string().nullable(),
	/** An addition: the reader deleted the original for themselves; its text is not shown (null). */
	hidden: z.literal(true).optional(),
});
export type ReplyTo = z.infer<typeof ReplyTo>;
export const REPLY_QUOTE_LENGTH = 200;
export const MAX_MENTIONS = 50;
/** PATCH /messages/:id (contract v2): the sender may edit for this long after `createdAt`. */
export const EDIT_WINDOW_MS = 15 * 60_000;

export const Message = z.object({
	id: z.string(),
	conversationId: z.string(),
	seq: z.number().int(),
	senderId: z.string(),
	clientId: z.string(),
	kind: MessageKind,
	text: z.string().nullable(),
	// `z.union([X, z.null()])` rather than `X.nullable()` for named objects: the OpenAPI generator
	// would otherwise mark the named component itself as nullable (same meaning, same type).
	image: z.union([ImageRef, z.null()]),
	createdAt: z.string(),
	deletedAt: z.string().nullable(),
	/** Added to the contract: what a `system` message records, for clients that render it. */
	system: z.union([SystemEvent, z.null()]).optional(),
	// Contract v2: always present in what the server sends; optional here so v1 payloads still parse.
	editedAt: z.string().nullable().optional(),
	replyTo: z.union([ReplyTo, z.null()]).optional(),
	mentions: z.array(z.string()).optional(),
	reactions: z.array(Reaction).optional(),
	/** Issue 23.3: a `poll` message's poll (null for every other kind, and once deleted). */
	poll: z.union([Poll, z.null()]).optional(),
	/** Issue 23: a `file` or `voice` message's media (null otherwise; absent from older servers). */
	attachment: z.union([Attachment, z.null()]).optional(),
	/** Issue 23: the message was forwarded from another chat (absent otherwise). */
	forwarded: z.literal(true).optional(),
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
	/** Contract v2: unread messages from others that mention the caller (always sent by the server). */
	unreadMentionCount: z.number().int().optional(),
	muted: z.boolean(),
	/** Added after v2 (issue 22.20): when a timed mute ends; null when muted until undone, or not muted. */
	mutedUntil: z.string().nullable().optional(),
	/** Added after v2 (issue 23.5): only the group's admins may send messages (always false for a direct chat). */
	onlyAdminsSend: z.boolean().optional(),
	participants: z.array(Participant).optional(),
});
export type Conversation = z.infer<typeof Conversation>;

// ---------- issue 23.4: pinned messages ----------
export const MAX_PINS = 10;
/** A pinned message, as it is now, with who pinned it and when. */
export const Pin = z.object({ message: Message, pinnedBy: z.string(), pinnedAt: z.string() });
export type Pin = z.infer<typeof Pin>;
export const PinList = z.object({ pins: z.array(Pin) });

// ---------- request bodies ----------
const email = z.string().trim().toLowerCase().pipe(z.email().max(254));
const id = z.string().min(1).max(64);

/** The rule for a password someone chooses (register, password change). */
const newPassword = z.string().min(8, "at least 8 characters").max(200);

/**
 * A name people see (display name, group title): trimmed, 1 to `max` characters, no control
 * or direction-override characters, and at least one visible character (src/shared/text.ts).
 */
function nameText(what: string, max: number) {
	return (
		z
			.string()
			.trim()
			.min(1, `${what} must not be empty`)
			.max(max, `${what} must be at most ${max} characters`)
			.refine((v) => !nameHasForbidden(v), `${what} must not contain control or direction-override characters`)
			// An empty name already failed min(1): one issue per field is enough.
			.refine((v) => v.length === 0 || nameHasVisible(v), `${what} must contain a visible character`)
	);
}
const displayName = nameText("displayName", 80);

export const RegisterBody = z.object({
	email,
	password: newPassword,
	displayName,
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
		title: nameText("title", 120),
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

/** Contract v2 send fields: the quoted message (of this conversation) and mentioned members. */
const replyFields = {
	replyToId: z.string().min(1).max(100).optional(),
	mentions: z.array(id).max(MAX_MENTIONS, `at most ${MAX_MENTIONS} mentions`).optional(),
};

/**
 * Issue 23.3: a new poll. Question 1-300 characters, 2-12 options of 1-100 characters each
 * (trimmed), no two options the same (ignoring case and surrounding spaces); single choice
 * unless `multiple`.
 */
export const CreatePoll = z.object({
	question: z
		.string()
		.trim()
		.min(1, "question must not be empty")
		.max(POLL_QUESTION_MAX, `question must be at most ${POLL_QUESTION_MAX} characters`),
	options: z
		.array(
			z
				.string()
				.trim()
				.min(1, "an option must not be empty")
				.max(POLL_OPTION_MAX, `an option must be at most ${POLL_OPTION_MAX} characters`),
		)
		.min(POLL_MIN_OPTIONS, `a poll has at least ${POLL_MIN_OPTIONS} options`)
		.max(POLL_MAX_OPTIONS, `a poll has at most ${POLL_MAX_OPTIONS} options`)
		.refine((options) => new Set(options.map((o) => o.toLowerCase())).size === options.length, "options must differ"),
	multiple: z.boolean().default(false),
});
export type CreatePoll = z.infer<typeof CreatePoll>;

/** Issue 23: a file's name as it downloads: 1 to 200 characters, no control or direction-override characters. */
const fileName = nameText("name", MAX_FILE_NAME_LENGTH);

/** Issue 23: a document (an upload of type FILE_CONTENT_TYPES) with its name and an optional caption. */
export const FileMessageBody = z.object({
	clientId,
	kind: z.literal("file"),
	attachmentKey: z.string().min(1).max(300),
	name: fileName,
	text: messageText.optional(),
	...replyFields,
});

/** Issue 23: a voice note (an upload of type VOICE_CONTENT_TYPES) and its length, 1 ms to 5 minutes. */
export const VoiceMessageBody = z.object({
	clientId,
	kind: z.literal("voice"),
	attachmentKey: z.string().min(1).max(300),
	durationMs: z
		.number()
		.int()
		.min(1, "durationMs must be above 0")
		.max(MAX_VOICE_MS, `durationMs must be at most ${MAX_VOICE_MS}`),
	...replyFields,
});

export const SendMessageBody = z.discriminatedUnion("kind", [
	z.object({ clientId, kind: z.literal("text"), text: messageText, ...replyFields }),
	z.object({
		clientId,
		kind: z.literal("image"),
		imageKey: z.string().min(1).max(300),
		text: messageText.optional(),
		...replyFields,
	}),
	z.object({ clientId, kind: z.literal("poll"), poll: CreatePoll, ...replyFields }),
	FileMessageBody,
	VoiceMessageBody,
]);
export type SendMessageBody = z.infer<typeof SendMessageBody>;

/** PUT /messages/:id/votes (issue 23.3): the caller's whole choice; empty withdraws it. */
export const VoteBody = z.object({
	optionIds: z
		.array(z.string().min(1).max(20))
		.max(POLL_MAX_OPTIONS)
		.refine((ids) => new Set(ids).size === ids.length, "optionIds must not repeat"),
});
export type VoteBody = z.infer<typeof VoteBody>;

/** PATCH /messages/:id (contract v2): the new text (or caption), as a send's text. */
export const EditMessageBody = z.object({ text: messageText });
export type EditMessageBody = z.infer<typeof EditMessageBody>;

const graphemes = typeof Intl !== "undefined" && "Segmenter" in Intl ? new Intl.Segmenter() : null;
const PICTOGRAPHIC = /\p{Extended_Pictographic}/u;
const FLAG = /^\p{Regional_Indicator}{2}$/u;
const KEYCAP = /^[0-9#*]\uFE0F?\u20E3$/u;
const utf8 = new TextEncoder();

/**
 * One emoji: a single grapheme cluster of at most 32 UTF-8 bytes that is pictographic (with any
 * skin tone, ZWJ sequence or variation selector), a flag (two regional indicators) or a keycap.
 */
export function isOneEmoji(value: string): boolean {
	if (value.length === 0 || utf8.encode(value).byteLength > MAX_EMOJI_BYTES) return false;
	if (graphemes && [...graphemes.segment(value)].length !== 1) return false;
	return PICTOGRAPHIC.test(value) || FLAG.test(value) || KEYCAP.test(value);
}
const TAG_SEQUENCE = /^\u{1F3F4}[\u{E0020}-\u{E007E}]+\u{E007F}$/u;
const TAGS = /[\u{E0000}-\u{E007F}]/gu;
const PRESENTATION_SELECTORS = /[\uFE0E\uFE0F]/gu;
/** A pictographic element with an optional skin tone, then more joined by ZWJ: nothing else. */
const PICTOGRAPHIC_SEQUENCE =
	/^\p{Extended_Pictographic}[\u{1F3FB}-\u{1F3FF}]?(?:\u200D\p{Extended_Pictographic}[\u{1F3FB}-\u{1F3FF}]?)*$/u;
const NEEDS_EMOJI_SELECTOR = /(\p{Extended_Pictographic})(?![\u{1F3FB}-\u{1F3FF}])/gu;

/**
 * The one spelling of a reaction emoji, or null when `value` is not one emoji. Characters that
 * do not change which emoji it is are dropped (tag characters outside a subdivision flag, text
 * and emoji presentation selectors) and U+FE0F is put back after each element that needs it;
 * anything else inside the cluster (combining marks, other selectors) is refused. So "👍" and
 * "👍" with an invisible tag are the same reaction, and lookalikes cannot fill a message's 20.
 */
export function reactionEmoji(value: string): string | null {
	if (!isOneEmoji(value)) return null;
	if (FLAG.test(value) || TAG_SEQUENCE.test(value)) return value;
	const keycap = KEYCAP.exec(value);
	if (keycap) return `${value[0]}\uFE0F\u20E3`;
	const bare = value.replace(TAGS, "").replace(PRESENTATION_SELECTORS, "");
	if (!PICTOGRAPHIC_SEQUENCE.test(bare)) return null;
	const canonical = bare.replace(NEEDS_EMOJI_SELECTOR, (element) =>
		/\p{Emoji_Presentation}/u.test(element) ? element : `${element}\uFE0F`,
	);
	return isOneEmoji(canonical) ? canonical : null;
}

const EMOJI_RULE = `one emoji of at most ${MAX_EMOJI_BYTES} bytes`;
/** A reaction's emoji, in its one spelling (`reactionEmoji`). */
export const Emoji = z.string().transform((value, ctx) => {
	const emoji = reactionEmoji(value);
	if (emoji === null) ctx.addIssue({ code: "custom", message: EMOJI_RULE });
	return emoji ?? z.NEVER;
});

export const ReadBody = z.object({ seq: z.number().int().min(0).optional() }).default({});
export const DeliveredBody = z.object({ seq: z.number().int().min(0) });
/** Longest timed mute (issue 22.20): a year; longer is "always" (`mutedUntil: null`). */
export const MUTE_MAX_MS = 366 * 24 * 60 * 60 * 1000;
export const MuteBody = z
	.object({
		muted: z.boolean().optional(),
		/** Added after v2: mute until this time (ISO-8601, in the future, at most a year ahead); null: until undone. */
		mutedUntil: z.iso.datetime({ offset: true }).nullable().optional(),
	})
	.default({});
export const AddMembersBody = z.object({ userIds: z.array(id).min(1).max(MAX_GROUP_MEMBERS) });
export const RoleBody = z.object({ role: Role });
export const MAX_TITLE_LENGTH = 100;
/**
 * PATCH /conversations/:id (contract v2): a group's new title, 1 to 100 characters after trimming;
 * and (issue 23.5) whether only admins may send. At least one of the two.
 */
export const RenameConversationBody = z
	.object({
		title: nameText("title", MAX_TITLE_LENGTH).optional(),
		onlyAdminsSend: z.boolean().optional(),
	})
	.refine((b) => b.title !== undefined || b.onlyAdminsSend !== undefined, {
		message: "give title, onlyAdminsSend or both",
		path: ["title"],
	});
export type RenameConversationBody = z.infer<typeof RenameConversationBody>;
export const UploadBody = z.object({
	contentType: z.string().min(1).max(100),
	size: z.number().int().min(1),
});

export const Limit = z.coerce.number().int().min(1).max(100).default(50);

/** GET /search/messages (contract v2). */
export const MessageSearchQuery = z.object({
	q: z.string().trim().min(1, "q must not be empty").max(200, "q must be at most 200 characters"),
	conversationId: id.optional(),
	limit: Limit,
	cursor: z.string().max(500).optional(),
});

/** PATCH /me (contract v2): a new display name and/or avatar (an upload of the caller's; null removes it). */
export const UpdateProfileBody = z
	.object({
		displayName: displayName.optional(),
		avatarImageKey: z.string().min(1).max(300).nullable().optional(),
	})
	.refine((body) => body.displayName !== undefined || body.avatarImageKey !== undefined, {
		message: "give displayName or avatarImageKey",
	});
export type UpdateProfileBody = z.infer<typeof UpdateProfileBody>;

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
	z.object({
		type: z.literal("message:edit"),
		ref: z.string().max(100).optional(),
		data: z.object({ messageId: z.string().min(1).max(100), text: messageText }),
	}),
	z.object({
		type: z.literal("reaction:add"),
		ref: z.string().max(100).optional(),
		data: z.object({ messageId: z.string().min(1).max(100), emoji: Emoji }),
	}),
	z.object({
		type: z.literal("reaction:remove"),
		ref: z.string().max(100).optional(),
		data: z.object({ messageId: z.string().min(1).max(100), emoji: Emoji }),
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
	/**
	 * An addition: the frame a server sends just before it closes a socket itself, with the close
	 * code and reason it is about to use, so a client can act on them (4401: sign in again) as
	 * soon as it reads them. A closing handshake may take long to end the connection (see
	 * `closeWithNotice` in src/durable/frames.ts); the close event then only confirms it.
	 */
	z.object({ type: z.literal("socket:closing"), data: z.object({ code: z.number().int(), reason: z.string() }) }),
	z.object({ type: z.literal("message:new"), data: z.object({ message: Message }) }),
	z.object({
		type: z.literal("message:deleted"),
		data: z.object({ conversationId: z.string(), messageId: z.string(), seq: z.number().int() }),
	}),
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
	z.object({ type: z.literal("message:delivered"), data: conversationSeq }),
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
	/** Added after v2 (issue 22.6): someone who shares a conversation changed their name or photo (no presence in it). */
	z.object({ type: z.literal("user:updated"), data: z.object({ user: User }) }),
	z.object({ type: z.literal("conversation:updated"), data: z.object({ conversation: Conversation }) }),
	/** Issue 23.4: the conversation's pins changed (newest pin first), to its room's sockets. */
	z.object({
		type: z.literal("conversation:pins"),
		data: z.object({ conversationId: z.string(), pins: z.array(Pin) }),
	}),
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
		// `details` (an addition, issue 23.5): the REST envelope's details, e.g. `{ reason: "only_admins_send" }`.
		error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
	}),
]);
export type ServerFrame = z.infer<typeof ServerFrame>;
/** A frame that tells of something that happened: everything but `batch`, `ack` and `error`. */
export type ServerEvent = Exclude<ServerFrame, { type: "batch" | "ack" | "error" | "socket:closing" }>;

export const ERROR_CODES = {
	400: "invalid_request",
	401: "unauthorized",
	403: "forbidden",
	404: "not_found",
	409: "conflict",
	413: "payload_too_large",
	429: "rate_limited",
	500: "internal_error",
	/** Added to the contract: a change was saved but not applied everywhere; retry after `Retry-After`. */
	503: "unavailable",
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
/** Issue 23.4: PUT/DELETE /conversations/:id/pins/:messageId. */
export const PinParams = z.object({ id: PathId, messageId: PathId });

export const ListQuery = z.object({ limit: Limit, cursor: z.string().max(500).optional() });
export const HistoryQuery = ListQuery.extend({
	afterSeq: z.coerce.number().int().min(0).optional(),
	/** Contract v2: seq < beforeSeq, newest first (to jump to a message, then page with afterSeq). */
	beforeSeq: z.coerce.number().int().min(1).optional(),
}).refine((q) => q.afterSeq === undefined || q.beforeSeq === undefined, {
	message: "give afterSeq or beforeSeq, not both",
	path: ["beforeSeq"],
});
/** PUT/DELETE /messages/:id/reactions/:emoji: the emoji is checked by the route (a bad one is 400, not 404). */
export const ReactionParams = z.object({ id: PathId, emoji: z.string() });
export const DeleteQuery = z.object({ scope: z.enum(["me", "everyone"]).default("me") });
/** Media and local upload URLs: the signature is the credential (checked by the route, so 404 when wrong). */
export const SignedQuery = z.object({ exp: z.string().optional(), sig: z.string().optional() });
/** GET /media/<key>: plus (issue 23) a file's download name, signed with the key, and `view=1` to show a PDF inline. */
export const MediaQuery = SignedQuery.extend({ name: z.string().optional(), view: z.string().optional() });
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
export const ReactionsResult = z.object({ reactions: z.array(Reaction) });
/** Issue 23.3: a vote's or a close's answer: the poll message as it is now, and the caller's choice. */
export const VoteResult = z.object({ message: Message, myOptionIds: z.array(z.string()) });
export const SearchPage = z.object({
	results: z.array(z.object({ message: Message, snippet: z.string() })),
	nextCursor,
});
export const ReadResult = z.object({ lastReadSeq: z.number().int() });
export const DeliveredResult = z.object({ lastDeliveredSeq: z.number().int() });
export const MuteResult = z.object({ muted: z.boolean(), mutedUntil: z.string().nullable() });
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

/** The body of a notification: text cut to this many characters. */
export const PUSH_BODY_MAX = 200;
/** The decrypted payload of a Web Push message (contract v2). */
export const PushPayload = z.object({
	type: z.literal("message"),
	conversationId: z.string(),
	messageId: z.string(),
	seq: z.number().int(),
	title: z.string(),
	body: z.string().max(PUSH_BODY_MAX),
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

/** Issue 23: POST /messages/:id/forward — the chats (1 to 5, the caller's) and one clientId for every copy. */
export const ForwardBody = z.object({
	conversationIds: z
		.array(id)
		.min(1, "give at least one conversation")
		.max(MAX_FORWARD_TARGETS, `at most ${MAX_FORWARD_TARGETS} conversations`)
		.refine((ids) => new Set(ids).size === ids.length, "conversationIds must not repeat"),
	clientId,
});
export type ForwardBody = z.infer<typeof ForwardBody>;
export const ForwardResult = z.object({ messages: z.array(Message) });

/** POST /admin/messages-to-rooms (issue 21, admin only): where the command continues, and how many conversations a call takes. */
export const MessagesToRoomsBody = z.object({
	after: z.string().max(200).optional(),
	limit: z.number().int().min(1).max(50).default(20),
});
export type MessagesToRoomsBody = z.infer<typeof MessagesToRoomsBody>;

/** What one call of the admin command did: conversations moved, where to continue (null: done), and whether D1's message tables are gone. */
export const MessagesToRoomsResult = z.object({
	moved: z.number().int(),
	next: z.string().nullable(),
	dropped: z.boolean(),
});

// ---------- invite links (issue 23.5, an addition) ----------
/** Live (not revoked, expired or used up) invite links a group may hold at once. */
export const MAX_LIVE_INVITES = 20;
/** Longest an invite link may be set to last: a year (leave `expiresAt` out for no end). */
export const INVITE_MAX_MS = 366 * 24 * 60 * 60 * 1000;
/** POST /conversations/:id/invites: when it stops working (optional) and how many joins it allows (optional; 1: single-use). */
export const CreateInviteBody = z
	.object({
		expiresAt: z.iso.datetime({ offset: true }).nullable().optional(),
		maxUses: z.number().int().min(1).max(MAX_GROUP_MEMBERS).nullable().optional(),
	})
	.default({});
export type CreateInviteBody = z.infer<typeof CreateInviteBody>;
/** An invite link as its group's admins list it; `token` only in the answer that created it (the link is `<app origin>/join/<token>`). */
export const Invite = z.object({
	id: z.string(),
	conversationId: z.string(),
	createdBy: z.string(),
	createdAt: z.string(),
	expiresAt: z.string().nullable(),
	maxUses: z.number().int().nullable(),
	uses: z.number().int(),
	token: z.string().optional(),
});
export type Invite = z.infer<typeof Invite>;
export const InviteResult = z.object({ invite: Invite });
export const InviteList = z.object({ invites: z.array(Invite) });
/** GET /invites/:token: what anyone signed in may see before joining (no member list). */
export const InvitePreview = z.object({
	title: z.string().nullable(),
	memberCount: z.number().int(),
	expiresAt: z.string().nullable(),
	/** The caller is already a member (joining answers the conversation at once). */
	member: z.boolean(),
});
export const InvitePreviewResult = z.object({ invite: InvitePreview });
/** An invite link's token: 43 base64url characters; anything else is simply not found. */
export const InviteTokenParams = z.object({ token: PathId });
export const InviteParams = z.object({ id: PathId, inviteId: PathId });
