// The hourly cleanup (cron trigger): uploads nobody sent are deleted from R2 and D1, so abandoned
// picks in the composer do not accumulate storage.
import type { AppEnv } from "../server/config";
import { log } from "../server/log";

export const UNUSED_UPLOAD_TTL_MS = 24 * 3600_000;
const BATCH = 200;

export interface SweepResult {
	/** Rows past their URL's expiry whose object had arrived (a direct-to-R2 PUT never reports back). */
	completed: number;
	/** Rows past their URL's expiry with no object: the upload never happened. */
	abandoned: number;
	/** Objects and rows older than 24 h that no live message references. */
	removed: number;
}

export async function sweepUnusedUploads(env: AppEnv, now = Date.now()): Promise<SweepResult> {
	const result: SweepResult = { completed: 0, abandoned: 0, removed: 0 };
	const nowIso = new Date(now).toISOString();

	const pending = await env.DB.prepare(
		"SELECT key FROM uploads WHERE completed_at IS NULL AND expires_at < ? ORDER BY created_at LIMIT ?",
	)
		.bind(nowIso, BATCH)
		.all<{ key: string }>();
	for (const { key } of pending.results) {
		const object = await env.MEDIA.head(key);
		if (object) {
			await env.DB.prepare("UPDATE uploads SET completed_at = ? WHERE key = ? AND completed_at IS NULL")
				.bind(object.uploaded.toISOString(), key)
				.run();
			result.completed += 1;
		} else {
			await env.DB.prepare("DELETE FROM uploads WHERE key = ? AND completed_at IS NULL").bind(key).run();
			result.abandoned += 1;
		}
	}

	// A message deleted for everyone no longer counts: its object is already gone (or should be).
	const stale = await env.DB.prepare(
		`SELECT u.key FROM uploads u
		 WHERE u.created_at < ?
		   AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.image_key = u.key AND m.deleted_at IS NULL)
		 ORDER BY u.created_at LIMIT ?`,
	)
		.bind(new Date(now - UNUSED_UPLOAD_TTL_MS).toISOString(), BATCH)
		.all<{ key: string }>();
	const keys = stale.results.map((row) => row.key);
	if (keys.length > 0) {
		// Objects first: a row without an object is harmless, an object without a row would leak.
		await env.MEDIA.delete(keys);
		await env.DB.batch(keys.map((key) => env.DB.prepare("DELETE FROM uploads WHERE key = ?").bind(key)));
		result.removed = keys.length;
	}
	if (result.completed + result.abandoned + result.removed > 0) log.info("upload_sweep", { ...result });
	return result;
}
