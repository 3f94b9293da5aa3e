// GET /media/<key>?exp=&sig= — image bytes for an <img>. The signed URL is the credential (it is
// only ever handed to members, inside messages); without a valid one, once no live message
// references the key, or if the object is not the one checked on send, the answer is 404.
import { createRoute } from "@hono/zod-openapi";
import { contentDisposition } from "../../server/attachments";
import type { AppEnv } from "../../server/config";
import { liveImage } from "../../server/db/messages";
import { pinLegacyEtag } from "../../server/db/uploads";
import { isImageContentType, sniffImageType } from "../../server/images";
import { verifyMediaUrl } from "../../server/media";
import { KeyParams, MediaQuery } from "../../shared/schemas";
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
	request: { params: KeyParams, query: MediaQuery },
	responses: {
		200: {
			description: "the image, file or voice note (files download as attachments under their name)",
			content: { "*/*": { schema: { type: "string", format: "binary" } } },
		},
		206: { description: "one byte range (Range: bytes=…)" },
		304: { description: "Not Modified (If-None-Match named the pinned object)" },
		...errors(404),
	},
});

export const mediaRoutes = openApiRouter<{ Bindings: AppEnv }>().openapi(media, async (c) => {
	const key = keyAfter(c.req.path, MEDIA_PATH);
	const { exp, sig, name, view } = c.req.valid("query");
	if (!key || !(await verifyMediaUrl(c.env, key, exp, sig, name))) throw notFound("media");
	// The etag pinned when the image was checked on send: only that object is ever served, so
	// bytes written to the key later (a repeated presigned PUT) answer 404, never a swapped file.
	const message = await liveImage(c.env, key);
	if (!message) throw notFound("media");
	const pinned = message.etag ?? (await pinLegacyImage(c.env, key, message.image_content_type));
	if (!pinned) throw notFound("media");

	// A cached copy must not outlive the signature that allowed it.
	const secondsLeft = Math.max(0, Number(exp) - Math.floor(Date.now() / 1000));
	const contentType = message.image_content_type ?? "application/octet-stream";
	const headers = new Headers({
		// The type the bytes were sniffed as at send time, not what the uploader declared.
		"Content-Type": contentType,
		"X-Content-Type-Options": "nosniff",
		"Content-Security-Policy": "default-src 'none'",
		"Cache-Control": `private, max-age=${Math.min(MAX_CACHE_SECONDS, secondsLeft)}`,
		ETag: `"${pinned}"`,
		"Accept-Ranges": "bytes",
	});
	// Issue 23: files and voice notes always download under their own name; only a PDF asked
	// for with `view=1` shows inline (a preview), still under `default-src 'none'`.
	if (!isImageContentType(contentType)) {
		const inline = view === "1" && contentType === "application/pdf";
		headers.set("Content-Disposition", contentDisposition(name ?? "download", inline ? "inline" : "attachment"));
	}

	// If-None-Match naming the pinned object: 304 while that object is still there, without
	// reading its body.
	const ifNoneMatch = c.req.header("If-None-Match");
	if (ifNoneMatch && etagListIncludes(ifNoneMatch, pinned)) {
		const meta = await c.env.MEDIA.head(key);
		if (!meta || meta.etag !== pinned) throw notFound("media");
		return new Response(null, { status: 304, headers });
	}
	// One byte range (a voice note's player seeks with these); anything else gets the whole object.
	const range = parseRange(c.req.header("Range"));
	const object = await c.env.MEDIA.get(key, {
		onlyIf: { etagMatches: pinned },
		...(range
			? { range: range.suffix ? { suffix: range.suffix } : { offset: range.start, length: range.length } }
			: {}),
	}).catch((err: unknown) => {
		// R2 refuses a range that starts past the end.
		if (range) return "unsatisfiable" as const;
		throw err;
	});
	if (object === "unsatisfiable") return new Response(null, { status: 416, headers: { "Content-Range": "bytes */*" } });
	if (!object || !("body" in object)) throw notFound("media");
	const served = object.range as { offset?: number; length?: number } | undefined;
	if (range && served && served.offset !== undefined && served.length !== undefined) {
		if (served.offset >= object.size) {
			return new Response(null, { status: 416, headers: { "Content-Range": `bytes */${object.size}` } });
		}
		headers.set("Content-Length", String(served.length));
		headers.set("Content-Range", `bytes ${served.offset}-${served.offset + served.length - 1}/${object.size}`);
		return new Response(object.body, { status: 206, headers });
	}
	headers.set("Content-Length", String(object.size));
	return new Response(object.body, { headers });
});

/** `bytes=a-b`, `bytes=a-` or `bytes=-n` (one range only); null for none or anything else. */
function parseRange(header: string | undefined): { start: number; length?: number; suffix?: number } | null {
	const match = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
	if (!match || (match[1] === "" && match[2] === "")) return null;
	if (match[1] === "") return { start: 0, suffix: Number(match[2]) };
	const start = Number(match[1]);
	if (match[2] === "") return { start };
	const end = Number(match[2]);
	return end >= start ? { start, length: end - start + 1 } : null;
}

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
