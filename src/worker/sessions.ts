// Login sessions: every token names one (`sid`). Logging in or registering starts one; logout,
// logout-all and a password change revoke them in D1 (so the next request with the token is a
// 401) and ask the user's hub and rooms to close the sockets opened in them (code 4401).
import { hubStub, roomStub } from "../durable/rpc";
import type { AppEnv } from "../server/config";
import { log } from "../server/log";
import { issueToken, newSessionId, TOKEN_TTL_SECONDS } from "./auth";

/** Starts a session for `userId` and returns its token. */
export async function startSession(env: AppEnv, userId: string, now = Date.now()): Promise<string> {
	const sessionId = newSessionId();
	// Whole seconds, as the token's `exp`: the row and the token agree to the millisecond.
	const expiresAt = (Math.floor(now / 1000) + TOKEN_TTL_SECONDS) * 1000;
	await env.DB.prepare("INSERT INTO sessions (id, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)")
		.bind(sessionId, userId, new Date(now).toISOString(), new Date(expiresAt).toISOString())
		.run();
	return issueToken(env, userId, sessionId, expiresAt);
}

/** Revokes one session of the user (logout). */
export async function revokeSession(env: AppEnv, userId: string, sessionId: string): Promise<void> {
	await env.DB.prepare("UPDATE sessions SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL")
		.bind(new Date().toISOString(), sessionId, userId)
		.run();
}

/** Revokes every live session of the user (logout-all). */
export async function revokeAllSessions(env: AppEnv, userId: string): Promise<void> {
	await env.DB.prepare("UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL")
		.bind(new Date().toISOString(), userId)
		.run();
}

/** The statement that revokes every live session of the user but `keep`, returning their ids. */
export function revokeOtherSessionsStatement(env: AppEnv, userId: string, keep: string): D1PreparedStatement {
	return env.DB.prepare(
		"UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND id != ? AND revoked_at IS NULL RETURNING id",
	).bind(new Date().toISOString(), userId, keep);
}

/**
 * Closes the sockets of the ended sessions: on the user's hub and on the room of every
 * conversation they are a member of, in parallel. The sessions are already revoked in D1, so a
 * failure here is logged, not answered: the token is dead either way, and each socket also
 * closes on its own when its token would have expired.
 */
export async function endSocketsOfSessions(env: AppEnv, userId: string, sessionIds: string[] | null): Promise<void> {
	if (sessionIds !== null && sessionIds.length === 0) return;
	const { results } = await env.DB.prepare("SELECT conversation_id FROM participants WHERE user_id = ?")
		.bind(userId)
		.all<{ conversation_id: string }>();
	const settled = await Promise.allSettled([
		hubStub(env, userId).endSessions(userId, sessionIds),
		...results.map((row) => roomStub(env, row.conversation_id).endSessions(userId, sessionIds)),
	]);
	const failed = settled.filter((s) => s.status === "rejected");
	if (failed.length > 0) {
		const first = failed[0] as PromiseRejectedResult;
		log.error("end_sessions_failed", {
			userId,
			failed: failed.length,
			of: settled.length,
			error: first.reason instanceof Error ? first.reason.message : String(first.reason),
		});
	}
}
