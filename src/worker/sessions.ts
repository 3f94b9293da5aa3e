// Login sessions: every token names one (`sid`). Logging in or registering starts one; logout,
// logout-all and a password change revoke them in D1 (so the next request with the token is a
// 401) and ask the user's hub and rooms to close the sockets opened in them (code 4401).
import { hubStub, roomStub } from "../durable/rpc";
import type { AppEnv } from "../server/config";
import { conversationIdsOf } from "../server/db/participants";
import { insertSession } from "../server/db/sessions";
import { log } from "../server/log";
import { issueToken, newSessionId, TOKEN_TTL_SECONDS } from "./auth";

/** Starts a session for `userId` and returns its token. */
export async function startSession(env: AppEnv, userId: string, now = Date.now()): Promise<string> {
	const sessionId = newSessionId();
	// Whole seconds, as the token's `exp`: the row and the token agree to the millisecond.
	const expiresAt = (Math.floor(now / 1000) + TOKEN_TTL_SECONDS) * 1000;
	await insertSession(env, {
		id: sessionId,
		userId,
		createdAt: new Date(now).toISOString(),
		expiresAt: new Date(expiresAt).toISOString(),
	});
	return issueToken(env, userId, sessionId, expiresAt);
}

/**
 * Closes the sockets of the ended sessions: on the user's hub and on the room of every
 * conversation they are a member of, in parallel. The sessions are already revoked in D1, so a
 * failure here is logged, not answered: the token is dead either way, and each socket also
 * closes on its own when its token would have expired.
 */
export async function endSocketsOfSessions(env: AppEnv, userId: string, sessionIds: string[] | null): Promise<void> {
	if (sessionIds !== null && sessionIds.length === 0) return;
	const conversationIds = await conversationIdsOf(env, userId);
	const settled = await Promise.allSettled([
		hubStub(env, userId).endSessions(userId, sessionIds),
		...conversationIds.map((id) => roomStub(env, id).endSessions(userId, sessionIds)),
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
