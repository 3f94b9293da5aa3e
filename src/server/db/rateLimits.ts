// Fixed-window counters (auth_rate_limits) for the auth and upload endpoints.
import type { AppEnv } from "../config";

export interface CounterHit {
	bucket: string;
	/** The event's time, ISO. */
	at: string;
	/** Window starts at or before this (ISO) have closed: the count starts again at 1. */
	cutoff: string;
	/** How much the event counts (default 1; 0 reads the count without adding to it). */
	amount?: number;
}

/**
 * Counts one event (or `amount`) in each bucket and reads each new count back in the same statement (one
 * batch, each counter atomic), so concurrent requests each see a distinct count: of 40
 * parallel attempts against a limit of 10, exactly 10 see 1..10. (Reading first and counting
 * later let all 40 through.)
 */
export async function countEvents(env: AppEnv, hits: CounterHit[]) {
	const results = await env.DB.batch<{ count: number; window_start: string }>(
		hits.map(({ bucket, at, cutoff, amount = 1 }) =>
			env.DB.prepare(
				`INSERT INTO auth_rate_limits (bucket, window_start, count) VALUES (?1, ?2, ?4)
				 ON CONFLICT (bucket) DO UPDATE SET
				   count = CASE WHEN window_start > ?3 THEN count + ?4 ELSE ?4 END,
				   window_start = CASE WHEN window_start > ?3 THEN window_start ELSE ?2 END
				 RETURNING count, window_start`,
			).bind(bucket, at, cutoff, amount),
		),
	);
	return results.map((result) => result.results[0]);
}

/** Takes one event back from each bucket (never below zero), in one batch. */
export async function uncountEvents(env: AppEnv, buckets: string[]): Promise<void> {
	await env.DB.batch(
		buckets.map((bucket) =>
			env.DB.prepare("UPDATE auth_rate_limits SET count = MAX(count - 1, 0) WHERE bucket = ?").bind(bucket),
		),
	);
}

/** Housekeeping for the hourly cron: counters whose window closed long ago (windows last at most an hour). */
export async function deleteOldRateLimitWindows(env: AppEnv, before: string) {
	const result = await env.DB.prepare("DELETE FROM auth_rate_limits WHERE window_start < ?").bind(before).run();
	return result.meta.changes ?? 0;
}
