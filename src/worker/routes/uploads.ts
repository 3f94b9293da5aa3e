// POST /uploads (a signed place to PUT one image) and, when R2 S3 credentials are not configured,
// the Worker-side PUT target that streams the bytes into the MEDIA binding.
import { createRoute } from "@hono/zod-openapi";
import { isFileContentType, isVoiceContentType } from "../../server/attachments";
import type { AppEnv } from "../../server/config";
import {
	claimUpload,
	completeUpload,
	findUpload,
	insertUpload,
	releaseClaim,
	type UploadRow,
} from "../../server/db/uploads";
import { isImageContentType, uploaderOfKey } from "../../server/images";
import {
	FILE_CONTENT_TYPES,
	IMAGE_CONTENT_TYPES,
	KeyParams,
	MAX_FILE_BYTES,
	MAX_IMAGE_BYTES,
	MAX_VOICE_BYTES,
	SignedQuery,
	UploadBody,
	UploadStored,
	UploadTarget,
	VOICE_CONTENT_TYPES,
} from "../../shared/schemas";
import type { AuthVariables } from "../auth";
import { ApiError, badRequest, conflict, notFound } from "../errors";
import { publicOrigin } from "../http";
import { authed, errors, json, jsonBody, open, openApiRouter } from "../openapi";
import { createUploadTarget, LOCAL_UPLOAD_PATH, newUploadKey, verifyLocalUploadUrl } from "../presign";
import { takeFromLimit, UPLOADS_PER_USER } from "../rateLimit";

/** The object key in a path like `/api/v1/uploads/local/u/<user>/<random>`, or null. */
export function keyAfter(path: string, prefix: string): string | null {
	if (!path.startsWith(prefix)) return null;
	try {
		const key = path.slice(prefix.length).split("/").map(decodeURIComponent).join("/");
		return uploaderOfKey(key) ? key : null;
	} catch {
		return null;
	}
}

/** Zeros written at a time to finish the stream of a refused body (see storeExactly). */
const PAD_CHUNK_BYTES = 64 * 1024;

/**
 * Streams `body` into R2 as exactly `size` bytes and returns the stored object's etag. A FixedLengthStream lets R2 accept a stream of
 * known length; the copy loop stops at the first byte too many, so an oversized body is never
 * buffered. A body that is not exactly the signed size stores nothing: the stream R2 reads is
 * finished with zeros and the object deleted before the refusal, because a put whose stream is
 * aborted fails inside the runtime's R2 pump, where no JavaScript can catch it (locally it is
 * printed as an uncaught "Network connection lost").
 */
async function storeExactly(env: AppEnv, upload: UploadRow, body: ReadableStream<Uint8Array>): Promise<string> {
	const sized = new FixedLengthStream(upload.size);
	const stored = env.MEDIA.put(upload.key, sized.readable, { httpMetadata: { contentType: upload.content_type } });
	const writer = sized.writable.getWriter();
	const reader = body.getReader();
	let received = 0;
	let written = 0;
	let failure: ApiError | null = null;
	try {
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			received += value.byteLength;
			if (received > upload.size) {
				failure = new ApiError(413, `the body is larger than the signed ${upload.size} bytes`);
				break;
			}
			await writer.write(value);
			written += value.byteLength;
		}
		if (!failure && received < upload.size)
			failure = badRequest(`the body must be exactly the signed ${upload.size} bytes`);
	} catch {
		failure = badRequest(`the body must be exactly the signed ${upload.size} bytes`);
	}
	if (failure) {
		await reader.cancel().catch(() => undefined);
		try {
			for (let left = upload.size - written; left > 0; left -= PAD_CHUNK_BYTES) {
				await writer.write(new Uint8Array(Math.min(PAD_CHUNK_BYTES, left)));
			}
			await writer.close();
			await stored;
		} catch {
			await Promise.allSettled([writer.abort(failure), stored]);
		}
		await env.MEDIA.delete(upload.key);
		throw failure;
	}
	await writer.close();
	const object = await stored;
	if (!object) throw new Error(`R2 stored nothing for ${upload.key}`);
	return object.etag;
}

/** Each kind's limit (issue 23: images keep theirs; documents up to 25 MB, voice notes 10 MiB); null for a type no message takes. */
function uploadLimit(contentType: string): { bytes: number; message: string } | null {
	if (isImageContentType(contentType))
		return { bytes: MAX_IMAGE_BYTES, message: "images are limited to 10 MiB (10,485,760 bytes)" };
	if (isFileContentType(contentType))
		return { bytes: MAX_FILE_BYTES, message: "files are limited to 25 MB (25,000,000 bytes)" };
	if (isVoiceContentType(contentType))
		return { bytes: MAX_VOICE_BYTES, message: "voice notes are limited to 10 MiB (10,485,760 bytes)" };
	return null;
}

const createUpload = createRoute({
	method: "post",
	path: "/uploads",
	tags: ["images"],
	summary:
		"Ask for an upload URL for one image (≤ 10 MiB; jpeg, png, webp or gif), document (≤ 25 MB, issue 23) or voice note (≤ 10 MiB, issue 23)",
	...authed,
	request: { body: jsonBody(UploadBody) },
	responses: { 201: json(UploadTarget, "Created"), ...errors(400, 401, 413, 429) },
});
/** `{key{.+}}`: the key spans several path segments (the document shows it as `{key}`). */
const localUpload = createRoute({
	method: "put",
	path: "/uploads/local/{key{.+}}",
	tags: ["images"],
	summary: "Signed upload target when R2 presigning is not configured (addition; no auth, the URL is signed)",
	...open,
	request: {
		params: KeyParams,
		query: SignedQuery,
		body: {
			required: true,
			description: "exactly the signed number of bytes, with the signed Content-Type",
			content: { "*/*": { schema: { type: "string", format: "binary" } } },
		},
	},
	responses: { 200: json(UploadStored), ...errors(400, 404, 409, 413) },
});

export const uploadRoutes = openApiRouter<{ Bindings: AppEnv; Variables: AuthVariables }>()
	.openapi(createUpload, async (c) => {
		const body = c.req.valid("json");
		const contentType = body.contentType.trim().toLowerCase();
		const limit = uploadLimit(contentType);
		if (!limit) {
			const allowed = [...IMAGE_CONTENT_TYPES, ...FILE_CONTENT_TYPES, ...VOICE_CONTENT_TYPES];
			const message = `contentType must be one of ${allowed.join(", ")}`;
			throw badRequest(message, { fields: [{ path: "contentType", message }] });
		}
		if (body.size > limit.bytes) throw new ApiError(413, limit.message, { maxBytes: limit.bytes });
		await takeFromLimit(c.env, `upload:${c.get("userId")}`, UPLOADS_PER_USER);
		const key = newUploadKey(c.get("userId"));
		const target = await createUploadTarget(c.env, publicOrigin(c), key, contentType, body.size);
		await insertUpload(c.env, {
			key,
			uploaderId: c.get("userId"),
			contentType,
			size: body.size,
			createdAt: new Date().toISOString(),
			expiresAt: target.expiresAt,
		});
		return c.json(
			{
				key,
				uploadUrl: target.uploadUrl,
				method: "PUT" as const,
				headers: target.headers,
				expiresAt: target.expiresAt,
			},
			201,
		);
	})
	// No bearer header here: the signed URL is the credential, as with a presigned R2 URL.
	.openapi(localUpload, async (c) => {
		const key = keyAfter(c.req.path, LOCAL_UPLOAD_PATH);
		if (!key) throw notFound("upload");
		const upload = await findUpload(c.env, key);
		const { exp, sig } = c.req.valid("query");
		const signed =
			upload &&
			(await verifyLocalUploadUrl(c.env, { key, size: upload.size, contentType: upload.content_type }, exp, sig));
		if (!upload || !signed) throw notFound("upload");
		if (upload.completed_at || upload.claimed_at) throw conflict("this upload URL has already been used");
		if (c.req.header("Content-Type") !== upload.content_type) {
			throw badRequest(`Content-Type must be ${upload.content_type}, as signed`);
		}
		const declared = Number(c.req.header("Content-Length"));
		if (!Number.isInteger(declared) || declared < upload.size) {
			throw badRequest(`Content-Length must be ${upload.size}, as signed`);
		}
		if (declared > upload.size) throw new ApiError(413, `the body is larger than the signed ${upload.size} bytes`);
		if (!c.req.raw.body) throw badRequest("the request has no body");
		const claimedAt = new Date().toISOString();
		if (!(await claimUpload(c.env, key, claimedAt))) throw conflict("this upload URL has already been used");
		let etag: string;
		try {
			etag = await storeExactly(c.env, upload, c.req.raw.body);
		} catch (err) {
			await releaseClaim(c.env, key, claimedAt);
			throw err;
		}
		// The etag of what was stored: the send check and the media route accept only this object.
		await completeUpload(c.env, key, etag, new Date().toISOString());
		return c.json({ key }, 200);
	});
