// Accounts: registration, look-ups, the password, search, and presence as stored in D1.
import { eq } from "drizzle-orm";
import type { AppEnv } from "../config";
import { USER_COLUMNS, type UserRecord } from "../views";
import { eitherBlocks } from "./blocks";
import { orm } from "./client";
import { users } from "./schema";
import { revokeOtherSessionsStatement } from "./sessions";

/** Creates the account unless the email is taken (then null), in one statement. */
export async function insertUser(
	env: AppEnv,
	user: { id: string; email: string; displayName: string; passwordHash: string; createdAt: string },
) {
	return env.DB.prepare(
		`INSERT INTO users (id, email, display_name, password_hash, created_at) VALUES (?, ?, ?, ?, ?)
		 ON CONFLICT (email) DO NOTHING RETURNING ${USER_COLUMNS}`,
	)
		.bind(user.id, user.email, user.displayName, user.passwordHash, user.createdAt)
		.first<UserRecord>();
}

export async function findUserByEmail(env: AppEnv, email: string) {
	return env.DB.prepare(`SELECT ${USER_COLUMNS}, password_hash, suspended_at FROM users WHERE email = ?`)
		.bind(email)
		.first<UserRecord & { password_hash: string; suspended_at: string | null }>();
}

export async function findUser(env: AppEnv, userId: string) {
	return env.DB.prepare(`SELECT ${USER_COLUMNS} FROM users WHERE id = ?`).bind(userId).first<UserRecord>();
}

export async function userExists(env: AppEnv, userId: string): Promise<boolean> {
	const row = await orm(env).select({ id: users.id }).from(users).where(eq(users.id, userId)).get();
	return row !== undefined;
}

/** The ids in `userIds` that name no account, in one query. */
export async function unknownUserIds(env: AppEnv, userIds: string[]): Promise<string[]> {
	const { results: known } = await env.DB.prepare(
		"SELECT value AS id FROM json_each(?) WHERE value IN (SELECT id FROM users)",
	)
		.bind(JSON.stringify(userIds))
		.all<{ id: string }>();
	return userIds.filter((m) => !known.some((k) => k.id === m));
}

export async function passwordHashOf(env: AppEnv, userId: string): Promise<string | null> {
	const row = await orm(env).select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, userId)).get();
	return row?.passwordHash ?? null;
}

/**
 * Sets the new password hash and revokes every other live session of the user, in one batch;
 * returns the revoked session ids.
 */
export async function changePassword(
	env: AppEnv,
	userId: string,
	passwordHash: string,
	keepSession: string,
	at: string,
): Promise<string[]> {
	const [, revoked] = await env.DB.batch<{ id: string }>([
		env.DB.prepare("UPDATE users SET password_hash = ? WHERE id = ?").bind(passwordHash, userId),
		revokeOtherSessionsStatement(env, userId, keepSession, at),
	]);
	return (revoked?.results ?? []).map((r) => r.id);
}

/** Users other than `userId` whose email, name or a later word of the name starts with `q`. */
export async function searchUsers(env: AppEnv, userId: string, q: string, limit: number) {
	const prefix = `${q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
	const { results } = await env.DB.prepare(
		`SELECT id, email, display_name, avatar_url FROM users
		 WHERE id != ?1 AND (email LIKE ?2 ESCAPE '\\' OR display_name LIKE ?2 ESCAPE '\\' OR display_name LIKE '% ' || ?2 ESCAPE '\\')
		 ORDER BY display_name COLLATE NOCASE, id LIMIT ?3`,
	)
		.bind(userId, prefix, limit)
		.all<UserRecord>();
	return results;
}

/**
 * One D1 round trip (a batch): stores the user's presence and finds the contacts who are online
 * to hear it (a shared conversation of at most `groupMax` members, minus anyone either of the
 * two has blocked).
 */
export async function storePresence(
	env: AppEnv,
	userId: string,
	online: boolean,
	at: string,
	groupMax: number,
): Promise<string[]> {
	const db = env.DB;
	const [, contacts] = await db.batch<{ user_id: string }>([
		db.prepare("UPDATE users SET online = ?, last_seen_at = ? WHERE id = ?").bind(online ? 1 : 0, at, userId),
		db
			.prepare(
				`SELECT DISTINCT p2.user_id FROM participants p1
				 JOIN participants p2 ON p2.conversation_id = p1.conversation_id AND p2.user_id != p1.user_id
				 JOIN users u ON u.id = p2.user_id AND u.online = 1
				 WHERE p1.user_id = ?1
				   AND (SELECT COUNT(*) FROM participants p3 WHERE p3.conversation_id = p1.conversation_id) <= ?2
				   AND NOT ${eitherBlocks("?1", "p2.user_id")}`,
			)
			.bind(userId, groupMax),
	]);
	return (contacts?.results ?? []).map((r) => r.user_id);
}

/**
 * Who should hear that this user's name or photo changed (issue 22.6): everyone online who
 * shares a conversation with them, any size of group (they all show the name).
 */
export async function onlineSharers(env: AppEnv, userId: string): Promise<string[]> {
	const { results } = await env.DB.prepare(
		`SELECT DISTINCT p2.user_id FROM participants p1
		 JOIN participants p2 ON p2.conversation_id = p1.conversation_id AND p2.user_id != p1.user_id
		 JOIN users u ON u.id = p2.user_id AND u.online = 1
		 WHERE p1.user_id = ?`,
	)
		.bind(userId)
		.all<{ user_id: string }>();
	return results.map((r) => r.user_id);
}

/**
 * After an unblock: each of the pair's presence as the other may now see it (they are contacts,
 * as storePresence counts them, and neither blocks the other), else nothing.
 */
export async function presenceBetween(
	env: AppEnv,
	a: string,
	b: string,
	groupMax: number,
): Promise<{ id: string; online: number; last_seen_at: string | null }[]> {
	const { results } = await env.DB.prepare(
		`SELECT u.id, u.online, u.last_seen_at FROM users u
		 WHERE u.id IN (?1, ?2) AND NOT ${eitherBlocks("?1", "?2")}
		   AND EXISTS (SELECT 1 FROM participants p1
		     JOIN participants p2 ON p2.conversation_id = p1.conversation_id AND p2.user_id = ?2
		     WHERE p1.user_id = ?1
		       AND (SELECT COUNT(*) FROM participants p3 WHERE p3.conversation_id = p1.conversation_id) <= ?3)`,
	)
		.bind(a, b, groupMax)
		.all<{ id: string; online: number; last_seen_at: string | null }>();
	return results;
}

export async function displayNames(db: D1Database, userIds: string[]): Promise<Map<string, string>> {
	const { results } = await db
		.prepare("SELECT id, display_name FROM users WHERE id IN (SELECT value FROM json_each(?))")
		.bind(JSON.stringify(userIds))
		.all<{ id: string; display_name: string }>();
	return new Map(results.map((r) => [r.id, r.display_name]));
}

/** The Moderation object's once-a-second query; test/moderation.test.ts checks its plan uses the partial index. */
export const SUSPENDED_USERS_SQL = "SELECT id, suspended_at FROM users WHERE suspended_at IS NOT NULL";

/** Every suspended account and since when (the partial index `users_suspended_idx` holds only these). */
export async function suspendedUsers(env: AppEnv): Promise<{ id: string; suspended_at: string }[]> {
	const { results } = await env.DB.prepare(SUSPENDED_USERS_SQL).all<{
		id: string;
		suspended_at: string;
	}>();
	return results;
}

/**
 * PATCH /me: a new display name and/or avatar (key, sniffed type and signed URL; null removes
 * it). Returns the user as stored now, or null if the account is gone.
 */
export async function updateProfile(
	env: AppEnv,
	userId: string,
	change: { displayName?: string; avatar?: { key: string; contentType: string; url: string } | null },
) {
	const avatar = change.avatar;
	return env.DB.prepare(
		`UPDATE users SET display_name = COALESCE(?2, display_name),
		   avatar_key = CASE WHEN ?3 THEN ?4 ELSE avatar_key END,
		   avatar_content_type = CASE WHEN ?3 THEN ?5 ELSE avatar_content_type END,
		   avatar_url = CASE WHEN ?3 THEN ?6 ELSE avatar_url END
		 WHERE id = ?1 RETURNING ${USER_COLUMNS}`,
	)
		.bind(
			userId,
			change.displayName ?? null,
			avatar === undefined ? 0 : 1,
			avatar?.key ?? null,
			avatar?.contentType ?? null,
			avatar?.url ?? null,
		)
		.first<UserRecord>();
}
