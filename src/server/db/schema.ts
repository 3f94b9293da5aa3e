// drizzle-orm view of the tables created by migrations/*.sql (the SQL files are the source of
// truth for DDL; test/schema.test.ts checks that every column here exists there).
import { integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const users = sqliteTable("users", {
	id: text("id").primaryKey(),
	email: text("email").notNull(),
	displayName: text("display_name").notNull(),
	avatarUrl: text("avatar_url"),
	avatarKey: text("avatar_key"),
	avatarContentType: text("avatar_content_type"),
	passwordHash: text("password_hash").notNull(),
	createdAt: text("created_at").notNull(),
	lastSeenAt: text("last_seen_at"),
	online: integer("online", { mode: "boolean" }).notNull().default(false),
	suspendedAt: text("suspended_at"),
});

export const conversations = sqliteTable("conversations", {
	id: text("id").primaryKey(),
	type: text("type", { enum: ["direct", "group"] }).notNull(),
	title: text("title"),
	directKey: text("direct_key"),
	createdBy: text("created_by").notNull(),
	createdAt: text("created_at").notNull(),
	lastActivityAt: text("last_activity_at").notNull(),
	lastSeq: integer("last_seq").notNull().default(0),
	/** The list's last-message snapshot, written by the room (migration 0007). */
	lastMessage: text("last_message"),
	/** Issue 23.5: only admins may send (migration 0009). */
	onlyAdminsSend: integer("only_admins_send").notNull().default(0),
});

export const participants = sqliteTable(
	"participants",
	{
		conversationId: text("conversation_id").notNull(),
		userId: text("user_id").notNull(),
		role: text("role", { enum: ["admin", "member"] }).notNull(),
		joinedAt: text("joined_at").notNull(),
		lastReadSeq: integer("last_read_seq").notNull().default(0),
		lastDeliveredSeq: integer("last_delivered_seq").notNull().default(0),
		muted: integer("muted", { mode: "boolean" }).notNull().default(false),
		mutedUntil: text("muted_until"),
		/** The member's badges and own last visible message, written by the room (migration 0007). */
		unreadCount: integer("unread_count").notNull().default(0),
		unreadMentionCount: integer("unread_mention_count").notNull().default(0),
		lastVisible: text("last_visible"),
		/** Listed before the conversation has a message: the member opened it (migration 0007). */
		listed: integer("listed", { mode: "boolean" }).notNull().default(true),
	},
	(t) => [primaryKey({ columns: [t.conversationId, t.userId] })],
);

/**
 * D1's copy of messages from before issue 21: read only by a room importing an older
 * deployment's conversation, until the admin command (scripts/messages-to-rooms.mjs) drops it.
 */
export const messages = sqliteTable("messages", {
	id: text("id").primaryKey(),
	conversationId: text("conversation_id").notNull(),
	seq: integer("seq").notNull(),
	senderId: text("sender_id").notNull(),
	clientId: text("client_id").notNull(),
	kind: text("kind", { enum: ["text", "image", "system"] }).notNull(),
	text: text("text"),
	imageKey: text("image_key"),
	imageContentType: text("image_content_type"),
	imageSize: integer("image_size"),
	system: text("system"),
	createdAt: text("created_at").notNull(),
	deletedAt: text("deleted_at"),
	editedAt: text("edited_at"),
	replyToId: text("reply_to_id"),
	/** JSON array of mentioned user ids, or NULL. */
	mentions: text("mentions"),
	/** JSON array of `{ emoji, userIds }` in order of first use, or NULL. */
	reactions: text("reactions"),
});

export const hiddenMessages = sqliteTable(
	"hidden_messages",
	{
		userId: text("user_id").notNull(),
		messageId: text("message_id").notNull(),
		hiddenAt: text("hidden_at").notNull(),
	},
	(t) => [primaryKey({ columns: [t.userId, t.messageId] })],
);

/** The live image messages, one row each (migration 0007): the media route and the upload sweep read it. */
export const imageRefs = sqliteTable(
	"image_refs",
	{
		imageKey: text("image_key").notNull(),
		messageId: text("message_id").notNull(),
		conversationId: text("conversation_id").notNull(),
		contentType: text("content_type"),
	},
	(t) => [primaryKey({ columns: [t.imageKey, t.messageId] })],
);

/** The conversation of each message id that does not start with it (ids from before the room rebuild). */
export const legacyMessageIds = sqliteTable("legacy_message_ids", {
	id: text("id").primaryKey(),
	conversationId: text("conversation_id").notNull(),
});

export const uploads = sqliteTable("uploads", {
	key: text("key").primaryKey(),
	uploaderId: text("uploader_id").notNull(),
	contentType: text("content_type").notNull(),
	size: integer("size").notNull(),
	createdAt: text("created_at").notNull(),
	expiresAt: text("expires_at").notNull(),
	completedAt: text("completed_at"),
	claimedAt: text("claimed_at"),
	etag: text("etag"),
});

export const realtimeTickets = sqliteTable("realtime_tickets", {
	ticketHash: text("ticket_hash").primaryKey(),
	userId: text("user_id").notNull(),
	expiresAt: text("expires_at").notNull(),
	usedAt: text("used_at"),
	sessionId: text("session_id"),
});

export const sessions = sqliteTable("sessions", {
	id: text("id").primaryKey(),
	userId: text("user_id").notNull(),
	createdAt: text("created_at").notNull(),
	expiresAt: text("expires_at").notNull(),
	revokedAt: text("revoked_at"),
});

export const authRateLimits = sqliteTable("auth_rate_limits", {
	bucket: text("bucket").primaryKey(),
	windowStart: text("window_start").notNull(),
	count: integer("count").notNull(),
});

export const pushSubscriptions = sqliteTable("push_subscriptions", {
	id: text("id").primaryKey(),
	userId: text("user_id").notNull(),
	endpoint: text("endpoint").notNull(),
	p256dh: text("p256dh").notNull(),
	auth: text("auth").notNull(),
	createdAt: text("created_at").notNull(),
});

export const userBlocks = sqliteTable(
	"user_blocks",
	{
		blockerId: text("blocker_id").notNull(),
		blockedId: text("blocked_id").notNull(),
		createdAt: text("created_at").notNull(),
	},
	(t) => [primaryKey({ columns: [t.blockerId, t.blockedId] })],
);

export const reports = sqliteTable("reports", {
	id: text("id").primaryKey(),
	messageId: text("message_id").notNull(),
	conversationId: text("conversation_id").notNull(),
	senderId: text("sender_id").notNull(),
	reporterId: text("reporter_id").notNull(),
	reason: text("reason", { enum: ["spam", "harassment", "other"] }).notNull(),
	note: text("note"),
	messageText: text("message_text"),
	status: text("status", { enum: ["open", "closed"] })
		.notNull()
		.default("open"),
	createdAt: text("created_at").notNull(),
	closedAt: text("closed_at"),
});

/** Invite links to a group (issue 23.5, migration 0009); only the token's SHA-256 is stored. */
export const conversationInvites = sqliteTable("conversation_invites", {
	id: text("id").primaryKey(),
	conversationId: text("conversation_id").notNull(),
	tokenHash: text("token_hash").notNull(),
	createdBy: text("created_by").notNull(),
	createdAt: text("created_at").notNull(),
	expiresAt: text("expires_at"),
	maxUses: integer("max_uses"),
	uses: integer("uses").notNull().default(0),
	revokedAt: text("revoked_at"),
});

export type UserRow = typeof users.$inferSelect;
export type ConversationRow = typeof conversations.$inferSelect;
export type ParticipantRow = typeof participants.$inferSelect;
export type MessageRow = typeof messages.$inferSelect;
