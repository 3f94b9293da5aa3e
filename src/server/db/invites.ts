// Invite links to groups (issue 23.5): rows of `conversation_invites` (migration 0009). The
// token itself is never stored, only its SHA-256; a link is live while it is not revoked, not
// expired and not used up, and a join takes one use in the same statement that checks that.
import type { Invite } from "../../shared/schemas";
import type { AppEnv } from "../config";

export interface InviteRecord {
	id: string;
	conversation_id: string;
	created_by: string;
	created_at: string;
	expires_at: string | null;
	max_uses: number | null;
	uses: number;
	revoked_at: string | null;
}

const COLUMNS = "id, conversation_id, created_by, created_at, expires_at, max_uses, uses, revoked_at";
/** SQL: the invite row `i` still lets people in at time ?now (an ISO string bound by the caller). */
const LIVE = (now: string) =>
	`(i.revoked_at IS NULL AND (i.expires_at IS NULL OR i.expires_at > ${now}) AND (i.max_uses IS NULL OR i.uses < i.max_uses))`;

export const toInvite = (r: InviteRecord): Invite => ({
	id: r.id,
	conversationId: r.conversation_id,
	createdBy: r.created_by,
	createdAt: r.created_at,
	expiresAt: r.expires_at,
	maxUses: r.max_uses,
	uses: r.uses,
});

/** Why a link no longer lets anyone in, or null while it does. */
export function deadReason(r: InviteRecord, now: string): "revoked" | "expired" | "used_up" | null {
	if (r.revoked_at !== null) return "revoked";
	if (r.expires_at !== null && r.expires_at <= now) return "expired";
	if (r.max_uses !== null && r.uses >= r.max_uses) return "used_up";
	return null;
}

/** The caller's standing in a conversation: its type and their role, or null for a non-member. */
export async function memberStanding(env: AppEnv, conversationId: string, userId: string) {
	return env.DB.prepare(
		`SELECT c.type, c.title, p.role FROM participants p JOIN conversations c ON c.id = p.conversation_id
		 WHERE p.conversation_id = ? AND p.user_id = ?`,
	)
		.bind(conversationId, userId)
		.first<{ type: "direct" | "group"; title: string | null; role: "admin" | "member" }>();
}

/** Inserts a link unless the group already holds `maxLive` live ones; null when it does. */
export async function insertInvite(
	env: AppEnv,
	row: Omit<InviteRecord, "uses" | "revoked_at"> & { token_hash: string },
	maxLive: number,
): Promise<InviteRecord | null> {
	const inserted = await env.DB.prepare(
		`INSERT INTO conversation_invites (id, conversation_id, token_hash, created_by, created_at, expires_at, max_uses)
		 SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7
		 WHERE (SELECT COUNT(*) FROM conversation_invites i WHERE i.conversation_id = ?2 AND ${LIVE("?5")}) < ?8
		 RETURNING ${COLUMNS}`,
	)
		.bind(
			row.id,
			row.conversation_id,
			row.token_hash,
			row.created_by,
			row.created_at,
			row.expires_at,
			row.max_uses,
			maxLive,
		)
		.first<InviteRecord>();
	return inserted ?? null;
}

/** The group's live links, newest first. */
export async function liveInvites(env: AppEnv, conversationId: string, now: string): Promise<InviteRecord[]> {
	const { results } = await env.DB.prepare(
		`SELECT ${COLUMNS} FROM conversation_invites i WHERE i.conversation_id = ?1 AND ${LIVE("?2")}
		 ORDER BY i.created_at DESC, i.id DESC`,
	)
		.bind(conversationId, now)
		.all<InviteRecord>();
	return results;
}

/** Revokes one of the group's links (idempotent); false when the group has no such link. */
export async function revokeInvite(env: AppEnv, conversationId: string, inviteId: string, now: string) {
	const row = await env.DB.prepare(
		`UPDATE conversation_invites SET revoked_at = COALESCE(revoked_at, ?3)
		 WHERE id = ?1 AND conversation_id = ?2 RETURNING id`,
	)
		.bind(inviteId, conversationId, now)
		.first();
	return row !== null;
}

/** The link a token opens, live or not, or null for a token nobody issued. */
export async function inviteByTokenHash(env: AppEnv, tokenHash: string): Promise<InviteRecord | null> {
	return env.DB.prepare(`SELECT ${COLUMNS} FROM conversation_invites WHERE token_hash = ?`)
		.bind(tokenHash)
		.first<InviteRecord>();
}

/** Takes one use of a live link; false when it stopped being live (a race with another join, a revoke). */
export async function takeInviteUse(db: D1Database, inviteId: string, now: string): Promise<boolean> {
	const row = await db
		.prepare(`UPDATE conversation_invites AS i SET uses = uses + 1 WHERE i.id = ?1 AND ${LIVE("?2")} RETURNING id`)
		.bind(inviteId, now)
		.first();
	return row !== null;
}

/** Gives back a use taken for a join that then failed. */
export async function returnInviteUse(db: D1Database, inviteId: string): Promise<void> {
	await db.prepare("UPDATE conversation_invites SET uses = MAX(uses - 1, 0) WHERE id = ?").bind(inviteId).run();
}

/** The group's name and member count, for a link's preview. */
export async function invitePreviewOf(env: AppEnv, conversationId: string, viewerId: string) {
	return env.DB.prepare(
		`SELECT c.title, (SELECT COUNT(*) FROM participants p WHERE p.conversation_id = c.id) AS member_count,
		   EXISTS (SELECT 1 FROM participants p WHERE p.conversation_id = c.id AND p.user_id = ?2) AS member
		 FROM conversations c WHERE c.id = ?1 AND c.type = 'group'`,
	)
		.bind(conversationId, viewerId)
		.first<{ title: string | null; member_count: number; member: number }>();
}

/** Whether any member of the conversation blocks `userId` (who then may not join by a link). */
export async function blockedByAMember(env: AppEnv, conversationId: string, userId: string): Promise<boolean> {
	const row = await env.DB.prepare(
		`SELECT 1 AS b FROM user_blocks b JOIN participants p ON p.user_id = b.blocker_id
		 WHERE p.conversation_id = ? AND b.blocked_id = ? LIMIT 1`,
	)
		.bind(conversationId, userId)
		.first();
	return row !== null;
}
