// The hourly cron's housekeeping besides uploads: ended sessions, spent socket tickets and old
// rate-limit windows, so these tables hold what is live, not every login ever made.
import type { AppEnv } from "../server/config";
import { deleteOldRateLimitWindows } from "../server/db/rateLimits";
import { deleteEndedSessionsAndTickets } from "../server/db/sessions";
import { log } from "../server/log";

const DAY_MS = 24 * 3600_000;

export async function sweepEndedSessions(env: AppEnv, now = Date.now()) {
	const ended = await deleteEndedSessionsAndTickets(env, new Date(now).toISOString());
	const rateLimitWindows = await deleteOldRateLimitWindows(env, new Date(now - DAY_MS).toISOString());
	log.info("housekeeping_swept", { ...ended, rateLimitWindows });
	return { ...ended, rateLimitWindows };
}
