// GET /media/<key>?exp=&sig= — image bytes for an <img>. The signed URL is the credential (it is
// only ever handed to members, inside messages); without a valid one, or once no live message
// references the key, the answer is 404 whatever the reason.
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
	const message = await c.env.DB.prepare(
		"SELECT image_content_type FROM messages WHERE image_key = ? AND deleted_at IS NULL LIMIT 1",
	)
		.bind(key)
		.first<{ image_content_type: string | null }>();
	if (!message) throw notFound("media");

	// Only If-None-Match is honoured; R2 answers it without reading the body.
	const conditional = new Headers();
	const ifNoneMatch = c.req.header("If-None-Match");
	if (ifNoneMatch) conditional.set("If-None-Match", ifNoneMatch);
	const object = await c.env.MEDIA.get(key, { onlyIf: conditional });
	if (!object) throw notFound("media");

	// A cached copy must not outlive the signature that allowed it.
	const secondsLeft = Math.max(0, Number(exp) - Math.floor(Date.now() / 1000));
	const headers = new Headers({
		// The type the bytes were sniffed as at send time, not what the uploader declared.
		"Content-Type": message.image_content_type ?? object.httpMetadata?.contentType ?? "application/octet-stream",
		"X-Content-Type-Options": "nosniff",
		"Content-Security-Policy": "default-src 'none'",
		"Cache-Control": `private, max-age=${Math.min(MAX_CACHE_SECONDS, secondsLeft)}`,
		ETag: object.httpEtag,
	});
	if (!("body" in object)) return new Response(null, { status: 304, headers });
	headers.set("Content-Length", String(object.size));
	return new Response(object.body, { headers });
});
