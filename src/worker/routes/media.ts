// GET /media/<key>?exp=&sig= — image bytes for an <img>. The signed URL is the credential (it is
// only ever handed to members, inside messages); without a valid one, once no live message
// references the key, or if the object is not the one checked on send, the answer is 404.
import { createRoute } from "@hono/zod-openapi";
import type { AppEnv } from "../../server/config";
import { liveImage } from "../../server/db/messages";
import { pinLegacyEtag } from "../../server/db/uploads";
import { sniffImageType } from "../../server/images";
import { verifyMediaUrl } from "../../server/media";
import { KeyParams, SignedQuery } from "../../shared/schemas";
import { notFound } from "../errors";
import { errors, open, openApiRouter } from "../openapi";
import { keyAfter } from "./uploads";

const MEDIA_PATH = "/api/v1/media/";
const MAX_CACHE_SECONDS = 3600;

/** `{key{.+}}`: the key spans several path segments (the document shows it as `{key}`). */
const media = createRoute({
	method: "get",
	path: "/media/{key{.+}}",
	tags: ["images"],
	summary: "An image by signed, expiring URL (addition; no auth, members only receive the URL)",
	...open,
	request: { params: KeyParams, query: SignedQuery },
	responses: {
		200: { description: "the image", content: { "image/*": { schema: { type: "string", format: "binary" } } } },
		304: { description: "Not Modified (If-None-Match named the pinned object)" },
		...errors(404),
	},
});

export const mediaRoutes = openApiRouter<{ Bindings: AppEnv }>().openapi(media, async (c) => {
	const key = keyAfter(c.req.path, MEDIA_PATH);
	const { exp, sig } = c.req.valid("query");
	if (!key || !(await verifyMediaUrl(c.env, key, exp, sig))) throw notFound("media");
	// The etag pinned when the image was checked on send: only that object is ever served, so
	// bytes written to the key later (a repeated presigned PUT) answer 404, never a swapped file.
	const message = await liveImage(c.env, key);
	if (!message) throw notFound("media");
	const pinned = message.etag ?? (await pinLegacyImage(c.env, key, message.image_content_type));
	if (!pinned) throw notFound("media");

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

/**
 * Images sent before etags were pinned (migration 0002) are pinned on first view: only if the
 * object there now still is an image of the type checked at send time, so old messages keep
 * their pictures and a swapped file is never served.
 */
async function pinLegacyImage(env: AppEnv, key: string, contentType: string | null): Promise<string | null> {
	const meta = await env.MEDIA.head(key);
	if (!meta || meta.size === 0) return null;
	const head = await env.MEDIA.get(key, {
		range: { offset: 0, length: Math.min(16, meta.size) },
		onlyIf: { etagMatches: meta.etag },
	});
	if (!head || !("body" in head)) return null;
	if (sniffImageType(new Uint8Array(await head.arrayBuffer())) !== contentType) return null;
	return pinLegacyEtag(env, key, meta.etag);
}
