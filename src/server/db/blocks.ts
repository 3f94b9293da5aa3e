// Blocks between users: while A blocks B, B cannot start or write in their direct chat and
// neither sees the other's presence (contract v2). Groups are not affected.
import type { AppEnv } from "../config";
import type { UserRecord } from "../views";

/** Blocks or unblocks; idempotent. Returns the direct conversation of the pair, if any. */
export async function setBlock(
	env: AppEnv,
	blockerId: string,
	blockedId: string,
	blocked: boolean,
	at: string,
): Promise<string | null> {
	const db = env.DB;
	const directKey = [blockerId, blockedId].sort().join(":");
	const [, direct] = await db.batch<{ id: string }>([
		blocked
			? db
					.prepare(
						"INSERT INTO user_blocks (blocker_id, blocked_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
					)
					.bind(blockerId, blockedId, at)
			: db.prepare("DELETE FROM user_blocks WHERE blocker_id = ? AND blocked_id = ?").bind(blockerId, blockedId),
		db.prepare("SELECT id FROM conversations WHERE direct_key = ?").bind(directKey),
	]);
	return direct?.results[0]?.id ?? null;
}

/** The users `userId` blocks, most recent first. */
export async function listBlocked(env: AppEnv, userId: string): Promise<UserRecord[]> {
	const { results } = await env.DB.prepare(
		`SELECT u.id, u.email, u.display_name, u.avatar_url FROM user_blocks b JOIN users u ON u.id = b.blocked_id
		 WHERE b.blocker_id = ? ORDER BY b.created_at DESC, u.id`,
	)
		.bind(userId)
		.all<UserRecord>();
	return results;
}

/** Whether `blockerId` blocks `blockedId`. */
export async function isBlocking(env: AppEnv, blockerId: string, blockedId: string): Promise<boolean> {
	const row = await env.DB.prepare("SELECT 1 AS b FROM user_blocks WHERE blocker_id = ? AND blocked_id = ?")
		.bind(blockerId, blockedId)
		.first();
	return row !== null;
}

/** Those of `userIds` who block `blockedId`: the people `blockedId` may not put in a group. */
export async function blockersOf(env: AppEnv, blockedId: string, userIds: string[]): Promise<string[]> {
	if (userIds.length === 0) return [];
	const { results } = await env.DB.prepare(
		"SELECT blocker_id FROM user_blocks WHERE blocked_id = ?1 AND blocker_id IN (SELECT value FROM json_each(?2))",
	)
		.bind(blockedId, JSON.stringify(userIds))
		.all<{ blocker_id: string }>();
	return results.map((r) => r.blocker_id);
}

/** Who, of `userIds`, blocks whom: the pairs a direct room imports. */
export async function blocksAmong(
	db: D1Database,
	userIds: string[],
): Promise<{ blocker_id: string; blocked_id: string }[]> {
	const { results } = await db
		.prepare(
			`SELECT blocker_id, blocked_id FROM user_blocks
			 WHERE blocker_id IN (SELECT value FROM json_each(?1)) AND blocked_id IN (SELECT value FROM json_each(?1))`,
		)
		.bind(JSON.stringify(userIds))
		.all<{ blocker_id: string; blocked_id: string }>();
	return results;
}

/**
 * SQL for "`a` and `b` block each other in either direction", for presence queries: true when
 * either has blocked the other. `a` and `b` are SQL expressions.
 */
export const eitherBlocks = (a: string, b: string) =>
	`EXISTS (SELECT 1 FROM user_blocks ub WHERE (ub.blocker_id = ${a} AND ub.blocked_id = ${b}) OR (ub.blocker_id = ${b} AND ub.blocked_id = ${a}))`;
