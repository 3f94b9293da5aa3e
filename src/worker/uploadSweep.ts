// The hourly cleanup (cron trigger): uploads nobody sent are deleted from R2 and D1, so abandoned
// picks in the composer do not accumulate storage.
import type { AppEnv } from "../server/config";
import {
	deleteAbandonedUpload,
	deleteUploads,
	expiredPendingUploads,
	markUploadCompleted,
	unusedUploads,
} from "../server/db/uploads";
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

	for (const key of await expiredPendingUploads(env, nowIso, BATCH)) {
		const object = await env.MEDIA.head(key);
		if (object) {
			await markUploadCompleted(env, key, object.uploaded.toISOString());
			result.completed += 1;
		} else {
			await deleteAbandonedUpload(env, key);
			result.abandoned += 1;
		}
	}

	// A message deleted for everyone no longer counts: its object is already gone (or should be).
	const keys = await unusedUploads(env, new Date(now - UNUSED_UPLOAD_TTL_MS).toISOString(), BATCH);
	if (keys.length > 0) {
		// Objects first: a row without an object is harmless, an object without a row would leak.
		await env.MEDIA.delete(keys);
		await deleteUploads(env, keys);
		result.removed = keys.length;
	}
	if (result.completed + result.abandoned + result.removed > 0) log.info("upload_sweep", { ...result });
	return result;
}
