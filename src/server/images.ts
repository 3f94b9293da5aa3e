// Image checks shared by the upload routes and the send path: key format, allowed types, and
// the first bytes of what was really uploaded (a text file renamed .png is not an image).
import { IMAGE_CONTENT_TYPES, MAX_IMAGE_BYTES } from "../shared/schemas";
import type { AppEnv } from "./config";
import { findUploadForSend, pinEtagForSend } from "./db/uploads";

export type ImageContentType = (typeof IMAGE_CONTENT_TYPES)[number];

export function isImageContentType(value: string): value is ImageContentType {
	return (IMAGE_CONTENT_TYPES as readonly string[]).includes(value);
}

/** The image type the bytes really are, or null. */
export function sniffImageType(head: Uint8Array): ImageContentType | null {
	const starts = (...bytes: number[]) => bytes.every((b, i) => head[i] === b);
	if (starts(0xff, 0xd8, 0xff)) return "image/jpeg";
	if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "image/png";
	if (starts(0x47, 0x49, 0x46, 0x38) && (head[4] === 0x37 || head[4] === 0x39) && head[5] === 0x61) return "image/gif";
	if (starts(0x52, 0x49, 0x46, 0x46) && head[8] === 0x57 && head[9] === 0x45 && head[10] === 0x42 && head[11] === 0x50)
		return "image/webp";
	return null;
}

/** Upload keys are `u/<uploader id>/<random>`: namespaced by uploader and unguessable. */
export function uploaderOfKey(key: string): string | null {
	const match = /^u\/([A-Za-z0-9-]{1,64})\/([A-Za-z0-9_-]{16,64})$/.exec(key);
	return match?.[1] ?? null;
}

export type ImageCheck =
	| {
			ok: true;
			contentType: ImageContentType;
			size: number;
			/** The R2 etag of the bytes that were checked: the only object the media route will serve. */
			etag: string;
	  }
	| { ok: false; status: 400 | 404 | 413; message: string };

/** What a send checks of an upload besides whose it is: its limit and what its first bytes must be. */
export interface UploadRule<T extends string> {
	maxBytes: number;
	tooLarge: string;
	/** The type the first bytes (and the declared type) make it, or null when they do not fit. */
	sniff: (head: Uint8Array, declared: string) => T | null;
	notThat: string;
}

const IMAGE_RULE: UploadRule<ImageContentType> = {
	maxBytes: MAX_IMAGE_BYTES,
	tooLarge: "image larger than 10 MiB",
	sniff: (head) => sniffImageType(head),
	notThat: "the uploaded file is not a JPEG, PNG, WebP or GIF image",
};

/**
 * Uploads may be sent for 23 h; the hourly sweep removes unreferenced ones after 24 h, so a
 * send can never race the sweep for the same object.
 */
export const UPLOAD_SEND_WINDOW_MS = 23 * 3600_000;

const CHANGED = "the upload changed after it was stored; upload it again";

/**
 * May `senderId` send the object at `key` as an image message? On success the object's etag is
 * pinned on the upload row (the first check pins it; later sends of the same key must find the
 * same bytes), so bytes written after the check are never served.
 */
export async function checkImageForMessage(env: AppEnv, key: string, senderId: string): Promise<ImageCheck> {
	return checkUploadForMessage(env, key, senderId, IMAGE_RULE);
}

/** `checkImageForMessage` for any kind of upload: `rule` says how large and what it must be. */
export async function checkUploadForMessage<T extends string>(
	env: AppEnv,
	key: string,
	senderId: string,
	rule: UploadRule<T>,
): Promise<
	{ ok: true; contentType: T; size: number; etag: string } | { ok: false; status: 400 | 404 | 413; message: string }
> {
	if (uploaderOfKey(key) !== senderId) return { ok: false, status: 404, message: "upload not found" };
	// Only keys handed out by POST /uploads count, never an object someone placed there otherwise.
	const upload = await findUploadForSend(env, key);
	if (!upload || upload.uploader_id !== senderId) return { ok: false, status: 404, message: "upload not found" };
	if (Date.parse(upload.created_at) < Date.now() - UPLOAD_SEND_WINDOW_MS)
		return { ok: false, status: 404, message: "upload expired; upload the file again" };
	const meta = await env.MEDIA.head(key);
	if (!meta) return { ok: false, status: 400, message: "the file has not been uploaded yet" };
	if (upload.etag !== null && meta.etag !== upload.etag) return { ok: false, status: 400, message: CHANGED };
	if (meta.size > rule.maxBytes) return { ok: false, status: 413, message: rule.tooLarge };
	if (meta.size !== upload.size)
		return { ok: false, status: 400, message: "the upload does not have the declared size" };
	// Read only the first bytes, and never past the end (a tiny file must not fail the range read);
	// only from the object just measured, not one written in between.
	const object = await env.MEDIA.get(key, {
		range: { offset: 0, length: Math.min(SNIFF_BYTES, meta.size) },
		onlyIf: { etagMatches: meta.etag },
	});
	if (!object) return { ok: false, status: 400, message: "the file has not been uploaded yet" };
	if (!("body" in object)) return { ok: false, status: 400, message: CHANGED };
	const sniffed = rule.sniff(new Uint8Array(await object.arrayBuffer()), upload.content_type);
	if (!sniffed) return { ok: false, status: 400, message: rule.notThat };
	if (!(await pinEtagForSend(env, key, meta.etag))) return { ok: false, status: 400, message: CHANGED };
	return { ok: true, contentType: sniffed, size: meta.size, etag: meta.etag };
}

/** How many first bytes a send reads to tell what an upload is. */
const SNIFF_BYTES = 64;
