// Closing the sockets of ended sessions (logout, password change, suspension): on the user's
// hub and on the room of every conversation they are in, with code 4401. Used by the Worker's
// session routes and by the Moderation object, so it lives below both.
import type { AppEnv } from "../server/config";
import { conversationIdsOf } from "../server/db/participants";
import { log } from "../server/log";
import { hubStub, roomStub } from "./rpc";

/**
 * Closes the sockets of the ended sessions (all of the user's when `sessionIds` is null), in
 * parallel. The sessions are already dead in D1, so a failure here is logged, not answered:
 * the token is refused either way, and each socket also closes on its own when its token
 * would have expired.
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
