// Membership rows: who is in which conversation, with which role, and their mute flag.
import { eq } from "drizzle-orm";
import type { Role } from "../../shared/schemas";
import type { AppEnv } from "../config";
import type { MemberRecord } from "../views";
import { orm } from "./client";
import { participants } from "./schema";

/** The caller's role in the conversation, or null for a non-member. */
export async function isMember(env: AppEnv, conversationId: string, userId: string) {
	return env.DB.prepare("SELECT role FROM participants WHERE conversation_id = ? AND user_id = ?")
		.bind(conversationId, userId)
		.first<{ role: "admin" | "member" }>();
}

/** Every conversation the user is a member of. */
export async function conversationIdsOf(env: AppEnv, userId: string): Promise<string[]> {
	const rows = await orm(env)
		.select({ conversationId: participants.conversationId })
		.from(participants)
		.where(eq(participants.userId, userId));
	return rows.map((row) => row.conversationId);
}

/**
 * The user's conversations with their last activity, most recent first: search asks the rooms in
 * this order, as a room holds no message newer than its conversation's last activity.
 */
export async function conversationsByActivity(env: AppEnv, userId: string) {
	const { results } = await env.DB.prepare(
		`SELECT c.id, c.last_activity_at FROM participants p JOIN conversations c ON c.id = p.conversation_id
		 WHERE p.user_id = ? ORDER BY c.last_activity_at DESC, c.id DESC`,
	)
		.bind(userId)
		.all<{ id: string; last_activity_at: string }>();
	return results;
}

/** SQL: whether the participant row `p` is muted now (a timed mute that has ended is not). */
export const MUTED_NOW = (p: string) =>
	`(${p}.muted = 1 AND (${p}.muted_until IS NULL OR ${p}.muted_until > strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))`;

/**
 * Sets the member's mute (until `until`, an ISO time, or until undone when null), or toggles it
 * when `muted` is undefined (on: until undone); an ended timed mute toggles on. Null for a non-member.
 */
export async function setMuted(
	env: AppEnv,
	conversationId: string,
	userId: string,
	muted: boolean | undefined,
	until: string | null = null,
): Promise<{ muted: boolean; mutedUntil: string | null } | null> {
	const row = await env.DB.prepare(
		`UPDATE participants AS p SET
		   muted = CASE WHEN ?3 IS NULL THEN 1 - ${MUTED_NOW("p")} ELSE ?3 END,
		   muted_until = CASE WHEN ?3 = 1 THEN ?4 ELSE NULL END
		 WHERE conversation_id = ?1 AND user_id = ?2 RETURNING muted, muted_until`,
	)
		.bind(conversationId, userId, muted === undefined ? null : muted ? 1 : 0, until)
		.first<{ muted: number; muted_until: string | null }>();
	if (row === null) return null;
	return { muted: Boolean(row.muted), mutedUntil: row.muted ? row.muted_until : null };
}

/** One member's row as a flush writes it: watermarks, and the badges and last visible message the room computed. */
export interface MemberFigures {
	user_id: string;
	last_read_seq: number;
	last_delivered_seq: number;
	unread_count: number;
	unread_mention_count: number;
	/** `participants.last_visible`: null, a message snapshot's JSON, or 'none'. */
	last_visible: string | null;
}

/**
 * Moves members' read and delivered watermarks, only ever forward (the outbox may replay), and
 * sets their badges and last visible message as the room has them now (it is their only writer).
 */
export function memberFiguresStatement(db: D1Database, conversationId: string, rows: MemberFigures[]) {
	return db
		.prepare(
			`UPDATE participants SET
			   last_read_seq = MAX(participants.last_read_seq, j.value ->> 'r'),
			   last_delivered_seq = MAX(participants.last_delivered_seq, j.value ->> 'd'),
			   unread_count = j.value ->> 'n', unread_mention_count = j.value ->> 'm', last_visible = j.value ->> 'o'
			 FROM json_each(?2) AS j
			 WHERE participants.conversation_id = ?1 AND participants.user_id = j.value ->> 'u'`,
		)
		.bind(
			conversationId,
			JSON.stringify(
				rows.map((w) => ({
					u: w.user_id,
					r: w.last_read_seq,
					d: w.last_delivered_seq,
					n: w.unread_count,
					m: w.unread_mention_count,
					o: w.last_visible,
				})),
			),
		);
}

/**
 * The members whose hubs get the inbox: those online, and those with a Web Push subscription
 * (their hub pushes a new message when they have no socket open).
 */
export function onlineMembersStatement(db: D1Database, conversationId: string) {
	return db
		.prepare(
			`SELECT p.user_id FROM participants p JOIN users u ON u.id = p.user_id
			 WHERE p.conversation_id = ?
			   AND (u.online = 1 OR EXISTS (SELECT 1 FROM push_subscriptions s WHERE s.user_id = p.user_id))`,
		)
		.bind(conversationId);
}

/** The conversation's participants rows as the room's log imports them (`MemberRecord`). */
export function membersStatement(db: D1Database, conversationId: string) {
	return db
		.prepare(
			"SELECT user_id, role, joined_at, last_read_seq, last_delivered_seq, muted FROM participants WHERE conversation_id = ?",
		)
		.bind(conversationId);
}

export async function readMembers(db: D1Database, conversationId: string): Promise<MemberRecord[]> {
	const { results } = await membersStatement(db, conversationId).all<MemberRecord>();
	return results;
}

export async function insertMembers(db: D1Database, conversationId: string, userIds: string[], joinedAt: string) {
	const insert = db.prepare(
		"INSERT OR IGNORE INTO participants (conversation_id, user_id, role, joined_at) VALUES (?, ?, 'member', ?)",
	);
	await db.batch(userIds.map((id) => insert.bind(conversationId, id, joinedAt)));
}

export async function deleteMember(db: D1Database, conversationId: string, userId: string) {
	await db
		.prepare("DELETE FROM participants WHERE conversation_id = ? AND user_id = ?")
		.bind(conversationId, userId)
		.run();
}

export async function updateRole(db: D1Database, conversationId: string, userId: string, role: Role) {
	await db
		.prepare("UPDATE participants SET role = ? WHERE conversation_id = ? AND user_id = ?")
		.bind(role, conversationId, userId)
		.run();
}
