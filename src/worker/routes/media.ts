// GET /media/<key>?exp=&sig= — image bytes for an <img>. The signed URL is the credential (it is
// only ever handed to members, inside messages); without a valid one, once no live message
// references the key, or if the object is not the one checked on send, the answer is 404.
import { Hono } from "hono";
import type { AppEnv } from "../config";
import { notFound } from "../errors";
import { verifyMediaUrl } from "../media";
import { keyAfter } from "./uploads";

const MEDIA_PATH = "/api/v1/media/";
const MAX_CACHE_SECONDS = 3600;

export const mediaRoutes = new Hono<{ Bindings: AppEnv }>().get("/media/*", async (c) => {
	const key = keyAfter(c.req.path, MEDIA_PATH);
	const { exp, sig } = c.req.query();
	if (!key || !(await verifyMediaUrl(c.env, key, exp, sig))) throw notFound("media");
	// The etag pinned when the image was checked on send: only that object is ever served, so
	// bytes written to the key later (a repeated presigned PUT) answer 404, never a swapped file.
	const message = await c.env.DB.prepare(
		`SELECT m.image_content_type, u.etag FROM messages m JOIN uploads u ON u.key = m.image_key
		 WHERE m.image_key = ? AND m.deleted_at IS NULL LIMIT 1`,
	)
		.bind(key)
		.first<{ image_content_type: string | null; etag: string | null }>();
	if (!message?.etag) throw notFound("media");
	const pinned = message.etag;

	// A cached copy must not outlive the signature that allowed it.
	const secondsLeft = Math.max(0, Number(exp) - Math.floor(Date.now() / 1000));
	const headers = new Headers({
		// The type the bytes were sniffed as at send time, not what the uploader declared.
		"Content-Type": message.image_content_type ?? "application/octet-stream",
		"X-Content-Type-Options": "nosniff",
		"Content-Security-Policy": "default-src 'none'",
		"Cache-Control": `private, max-age=${Math.min(MAX_CACHE_SECONDS, secondsLeft)}`,
		ETag: `"${pinned}"`,
	});

	// If-None-Match naming the pinned object: 304 while that object is still there, without
	// reading its body.
	const ifNoneMatch = c.req.header("If-None-Match");
	if (ifNoneMatch && etagListIncludes(ifNoneMatch, pinned)) {
		const meta = await c.env.MEDIA.head(key);
		if (!meta || meta.etag !== pinned) throw notFound("media");
		return new Response(null, { status: 304, headers });
	}
	const object = await c.env.MEDIA.get(key, { onlyIf: { etagMatches: pinned } });
	if (!object || !("body" in object)) throw notFound("media");
	headers.set("Content-Length", String(object.size));
	return new Response(object.body, { headers });
});

/** Whether an If-None-Match value (`*`, or a list of quoted, maybe weak, etags) names `etag`. */
function etagListIncludes(header: string, etag: string): boolean {
	return header
		.split(",")
		.map((part) => part.trim().replace(/^W\//, ""))
		.some((tag) => tag === "*" || tag === `"${etag}"`);
}
