// Uploads: one row per presigned PUT handed out, claimed by exactly one PUT, pinned to the etag
// of what was stored, and swept when no message uses it.
import { and, eq, isNull } from "drizzle-orm";
import type { AppEnv } from "../config";
import { orm } from "./client";
import { uploads } from "./schema";

export interface UploadRow {
	key: string;
	content_type: string;
	size: number;
	completed_at: string | null;
	claimed_at: string | null;
}

export async function insertUpload(
	env: AppEnv,
	upload: { key: string; uploaderId: string; contentType: string; size: number; createdAt: string; expiresAt: string },
) {
	await orm(env).insert(uploads).values(upload).run();
}

export async function findUpload(env: AppEnv, key: string) {
	return env.DB.prepare("SELECT key, content_type, size, completed_at, claimed_at FROM uploads WHERE key = ?")
		.bind(key)
		.first<UploadRow>();
}

/** What sending an image checks: whose upload it is, its size, age and pinned etag. */
export async function findUploadForSend(env: AppEnv, key: string) {
	return env.DB.prepare("SELECT uploader_id, content_type, size, created_at, etag FROM uploads WHERE key = ?")
		.bind(key)
		.first<{ uploader_id: string; content_type: string; size: number; created_at: string; etag: string | null }>();
}

/**
 * Claims the upload for this PUT: a conditional UPDATE that exactly one request wins, before
 * any byte is written. A second PUT, concurrent or later, finds it claimed and gets 409, so the
 * bytes cannot be replaced after they were checked and sent.
 */
export async function claimUpload(env: AppEnv, key: string, claimedAt: string): Promise<boolean> {
	const row = await env.DB.prepare(
		"UPDATE uploads SET claimed_at = ? WHERE key = ? AND claimed_at IS NULL AND completed_at IS NULL RETURNING key",
	)
		.bind(claimedAt, key)
		.first<{ key: string }>();
	return row !== null;
}

/** Gives a claim back after a PUT that stored nothing (bad body), so the client may try again. */
export async function releaseClaim(env: AppEnv, key: string, claimedAt: string): Promise<void> {
	await env.DB.prepare("UPDATE uploads SET claimed_at = NULL WHERE key = ? AND claimed_at = ? AND completed_at IS NULL")
		.bind(key, claimedAt)
		.run();
}

export async function completeUpload(env: AppEnv, key: string, etag: string, at: string): Promise<void> {
	await orm(env).update(uploads).set({ completedAt: at, etag }).where(eq(uploads.key, key)).run();
}

/** Pins the etag checked at send time; false if another object's etag is pinned already. */
export async function pinEtagForSend(env: AppEnv, key: string, etag: string): Promise<boolean> {
	const pinned = await env.DB.prepare(
		"UPDATE uploads SET etag = ?1 WHERE key = ?2 AND (etag IS NULL OR etag = ?1) RETURNING key",
	)
		.bind(etag, key)
		.first<{ key: string }>();
	return pinned !== null;
}

/** Pins an etag on a row that has none yet (images sent before etags); the pinned etag or null. */
export async function pinLegacyEtag(env: AppEnv, key: string, etag: string): Promise<string | null> {
	const pinned = await env.DB.prepare("UPDATE uploads SET etag = ?1 WHERE key = ?2 AND etag IS NULL RETURNING etag")
		.bind(etag, key)
		.first<{ etag: string }>();
	return pinned?.etag ?? null;
}

/** Uploads whose URL expired with no completed PUT recorded, oldest first. */
export async function expiredPendingUploads(env: AppEnv, now: string, limit: number): Promise<string[]> {
	const { results } = await env.DB.prepare(
		"SELECT key FROM uploads WHERE completed_at IS NULL AND expires_at < ? ORDER BY created_at LIMIT ?",
	)
		.bind(now, limit)
		.all<{ key: string }>();
	return results.map((row) => row.key);
}

export async function markUploadCompleted(env: AppEnv, key: string, at: string): Promise<void> {
	await orm(env)
		.update(uploads)
		.set({ completedAt: at })
		.where(and(eq(uploads.key, key), isNull(uploads.completedAt)))
		.run();
}

export async function deleteAbandonedUpload(env: AppEnv, key: string): Promise<void> {
	await orm(env)
		.delete(uploads)
		.where(and(eq(uploads.key, key), isNull(uploads.completedAt)))
		.run();
}

/** Uploads created before `before` that no live message references, oldest first. */
export async function unusedUploads(env: AppEnv, before: string, limit: number): Promise<string[]> {
	const { results } = await env.DB.prepare(
		`SELECT u.key FROM uploads u
		 WHERE u.created_at < ?
		   AND NOT EXISTS (SELECT 1 FROM image_refs r WHERE r.image_key = u.key)
		   AND NOT EXISTS (SELECT 1 FROM users a WHERE a.avatar_key = u.key)
		 ORDER BY u.created_at LIMIT ?`,
	)
		.bind(before, limit)
		.all<{ key: string }>();
	return results.map((row) => row.key);
}

/** Deletes the rows of these uploads, in one batch. */
export async function deleteUploads(env: AppEnv, keys: string[]): Promise<void> {
	await env.DB.batch(keys.map((key) => env.DB.prepare("DELETE FROM uploads WHERE key = ?").bind(key)));
}
