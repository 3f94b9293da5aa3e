// Login sessions: every token names one (`sid`). Logging in or registering starts one; logout,
// logout-all and a password change revoke them in D1 (so the next request with the token is a
// 401) and ask the user's hub and rooms to close the sockets opened in them (code 4401).
import type { AppEnv } from "../server/config";
import { insertSession } from "../server/db/sessions";
import { issueToken, newSessionId, TOKEN_TTL_SECONDS } from "./auth";

// Closing sockets is shared with the Moderation object (suspensions), so it lives in src/durable.
export { endSocketsOfSessions } from "../durable/sessionEnds";

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
