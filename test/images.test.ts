import { describe, expect, it } from "vitest";
import { signMediaUrl } from "../src/server/media";
import { api, directChat, env, expectError, groupChat, registerUser } from "./helpers";
import { fetchUrl, PNG_1X1, putUpload, requestUpload, sendImage, uploadImage } from "./image-helpers";

const tamper = (url: string, change: (q: URLSearchParams) => void) => {
	const u = new URL(url);
	change(u.searchParams);
	return u.toString();
};

describe("image messages", () => {
	it("sends an uploaded PNG as a message with its key, signed URL, type and size", async () => {
		const a = await registerUser("Sender");
		const b = await registerUser("Receiver");
		const chat = await directChat(a, b);
		const key = await uploadImage(a);
		const res = await sendImage(a, chat.id, key, "our lab results");
		expect(res.status).toBe(201);
		const { message } = res.body;
		expect(message).toMatchObject({ kind: "image", text: "our lab results", senderId: a.user.id });
		expect(message.image).toEqual({
			key,
			url: expect.stringMatching(/^https:\/\/chat\.test\/api\/v1\/media\/u\/.+\?exp=\d+&sig=[\w-]+$/),
			contentType: "image/png",
			size: PNG_1X1.byteLength,
		});
		const exp = Number(new URL(message.image!.url).searchParams.get("exp")) * 1000;
		expect(exp - Date.now()).toBeGreaterThan(0);
		expect(exp - Date.now()).toBeLessThanOrEqual(24 * 3600_000);
		const history = await api("GET", `/conversations/${chat.id}/messages`, { token: b.token });
		expect(history.body.messages[0].image).toMatchObject({ key, contentType: "image/png", size: PNG_1X1.byteLength });
	});

	it("refuses a text file uploaded as image/png with 400", async () => {
		const a = await registerUser("Sneaky");
		const b = await registerUser("Target");
		const chat = await directChat(a, b);
		const text = new TextEncoder().encode("just some notes, definitely not a picture");
		const key = await uploadImage(a, text, "image/png");
		const res = await sendImage(a, chat.id, key);
		expectError(res, 400, "invalid_request");
		expect(res.body.error?.message).toMatch(/not a JPEG, PNG, WebP or GIF/);
	});

	it("refuses a tiny file too short to be any image with 400", async () => {
		const a = await registerUser("Tiny");
		const b = await registerUser("Peer");
		const chat = await directChat(a, b);
		const key = await uploadImage(a, new Uint8Array([0x89, 0x50]), "image/png");
		expectError(await sendImage(a, chat.id, key), 400, "invalid_request");
	});

	it("refuses someone else's upload, an unknown key and a key never uploaded through /uploads with 404", async () => {
		const a = await registerUser("Owner");
		const b = await registerUser("Thief");
		const chat = await directChat(a, b);
		const key = await uploadImage(a);
		expectError(await sendImage(b, chat.id, key), 404, "not_found");
		expectError(await sendImage(b, chat.id, `u/${b.user.id}/${"x".repeat(32)}`), 404, "not_found");
		// An object in the bucket under the sender's prefix is not enough without an uploads row.
		const planted = `u/${b.user.id}/${"p".repeat(32)}`;
		await env.MEDIA.put(planted, PNG_1X1);
		expectError(await sendImage(b, chat.id, planted), 404, "not_found");
		expectError(await sendImage(b, chat.id, "../../etc/passwd"), 404, "not_found");
	});

	it("refuses a key whose bytes were never uploaded with 400", async () => {
		const a = await registerUser("Early");
		const b = await registerUser("Waiting");
		const chat = await directChat(a, b);
		const ticket = await requestUpload(a, "image/png", PNG_1X1.byteLength);
		expectError(await sendImage(a, chat.id, ticket.key), 400, "invalid_request");
		expect((await putUpload(ticket, PNG_1X1)).status).toBe(200);
		expect((await sendImage(a, chat.id, ticket.key)).status).toBe(201);
	});
});

describe("serving images", () => {
	async function sentImage() {
		const a = await registerUser("Photographer");
		const b = await registerUser("Viewer");
		const chat = await directChat(a, b);
		const key = await uploadImage(a);
		const { message } = (await sendImage(a, chat.id, key)).body;
		return { a, b, chat, key, message, url: message.image!.url };
	}

	it("lets the other member load image.url with no headers: the same bytes, nosniff, CSP, ETag, bounded caching", async () => {
		const { b, chat } = await sentImage();
		const history = await api("GET", `/conversations/${chat.id}/messages`, { token: b.token });
		const url: string = history.body.messages[0].image.url;
		const res = await fetchUrl(url);
		expect(res.status).toBe(200);
		expect(res.bytes).toEqual(PNG_1X1);
		expect(res.headers.get("Content-Type")).toBe("image/png");
		expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
		expect(res.headers.get("Content-Security-Policy")).toBe("default-src 'none'");
		expect(res.headers.get("ETag")).toMatch(/^".+"$/);
		const maxAge = Number(/max-age=(\d+)/.exec(res.headers.get("Cache-Control") ?? "")?.[1]);
		expect(res.headers.get("Cache-Control")).toMatch(/^private/);
		expect(maxAge).toBeGreaterThan(0);
		expect(maxAge * 1000).toBeLessThanOrEqual(Number(new URL(url).searchParams.get("exp")) * 1000 - Date.now() + 1000);
	});

	it("answers 304 with no body when If-None-Match carries the ETag", async () => {
		const { url } = await sentImage();
		const first = await fetchUrl(url);
		const etag = first.headers.get("ETag")!;
		const again = await fetchUrl(url, { headers: { "If-None-Match": etag } });
		expect(again.status).toBe(304);
		expect(again.bytes.byteLength).toBe(0);
		expect(again.headers.get("ETag")).toBe(etag);
		const stale = await fetchUrl(url, { headers: { "If-None-Match": '"something-else"' } });
		expect(stale.status).toBe(200);
	});

	it("never gives a non-member a URL: their history request is 404", async () => {
		const { chat } = await sentImage();
		const outsider = await registerUser("Outsider");
		expectError(await api("GET", `/conversations/${chat.id}/messages`, { token: outsider.token }), 404, "not_found");
	});

	it("answers 404 to a URL with a tampered, missing or expired signature", async () => {
		const { url, key } = await sentImage();
		const exp = Number(new URL(url).searchParams.get("exp"));
		const variants = [
			tamper(url, (q) => q.delete("sig")),
			tamper(url, (q) => q.delete("exp")),
			tamper(url, (q) => q.set("sig", `${q.get("sig")!.slice(0, -2)}AA`)),
			tamper(url, (q) => q.set("exp", String(exp + 3600))),
			tamper(url, (q) => q.set("exp", String(Math.floor(Date.now() / 1000) - 60))),
			`https://chat.test/api/v1/media/${key}`,
		];
		for (const variant of variants) {
			const res = await fetchUrl(variant);
			expectError(res, 404, "not_found");
			expect(res.headers.get("ETag")).toBeNull();
		}
	});

	it("answers 404 for a validly signed key that no message references", async () => {
		const { a, url } = await sentImage();
		const unsent = await uploadImage(a);
		// A correctly signed URL for a key that was uploaded but never sent.
		const signed = await signMediaUrl(env, "https://chat.test", unsent);
		expect(signed).not.toBe(url);
		expectError(await fetchUrl(signed), 404, "not_found");
	});

	it("answers 404 once the image message is deleted for everyone, and the object is gone", async () => {
		const { a, key, message, url } = await sentImage();
		expect((await fetchUrl(url)).status).toBe(200);
		const del = await api("DELETE", `/messages/${message.id}?scope=everyone`, { token: a.token });
		expect(del.status).toBe(204);
		expectError(await fetchUrl(url), 404, "not_found");
		await expect.poll(() => env.MEDIA.head(key)).toBeNull();
	});

	it("keeps serving an image sent twice when only one of the two messages is deleted for everyone", async () => {
		const { a, b, key, message, chat } = await sentImage();
		const conversationId = chat.id;
		const again = await sendImage(a, conversationId, key, "same photo again");
		expect(again.status).toBe(201);
		expect((await api("DELETE", `/messages/${message.id}?scope=everyone`, { token: a.token })).status).toBe(204);
		const history = await api("GET", `/conversations/${conversationId}/messages`, { token: b.token });
		const live = history.body.messages.find((m: { id: string }) => m.id === again.body.message.id);
		const res = await fetchUrl(live.image.url);
		expect(res.status).toBe(200);
		expect(res.bytes).toEqual(PNG_1X1);
	});

	it("serves a group image to every member", async () => {
		const admin = await registerUser("Admin");
		const m1 = await registerUser("MemberOne");
		const m2 = await registerUser("MemberTwo");
		const group = await groupChat(admin, [m1, m2]);
		const key = await uploadImage(m1);
		expect((await sendImage(m1, group.id, key)).status).toBe(201);
		for (const member of [admin, m2]) {
			const history = await api("GET", `/conversations/${group.id}/messages`, { token: member.token });
			const res = await fetchUrl(history.body.messages[0].image.url);
			expect(res.status).toBe(200);
			expect(res.bytes).toEqual(PNG_1X1);
		}
	});
});

describe("the bytes that were checked are the bytes served", () => {
	const HTML = new TextEncoder().encode("<html><script>alert(1)</script></html>");

	async function sentPng() {
		const a = await registerUser("Pinned");
		const b = await registerUser("Viewer");
		const chat = await directChat(a, b);
		const key = await uploadImage(a);
		const res = await sendImage(a, chat.id, key);
		expect(res.status).toBe(201);
		return { a, chat, key, url: res.body.message.image!.url };
	}

	it("pins the etag of the checked object on the upload", async () => {
		const { key } = await sentPng();
		const row = await env.DB.prepare("SELECT etag FROM uploads WHERE key = ?").bind(key).first<{ etag: string }>();
		expect(row?.etag).toBe((await env.MEDIA.head(key))?.etag);
	});

	it("answers 404, never other bytes, once the object was replaced after the send (a repeated presigned PUT)", async () => {
		const { url, key } = await sentPng();
		const etag = (await fetchUrl(url)).headers.get("ETag")!;
		// What a second PUT to a still-valid presigned R2 URL would do.
		await env.MEDIA.put(key, HTML, { httpMetadata: { contentType: "image/png" } });
		const res = await fetchUrl(url);
		expectError(res, 404, "not_found");
		expect(new TextDecoder().decode(res.bytes)).not.toContain("<script>");
		expectError(await fetchUrl(url, { headers: { "If-None-Match": etag } }), 404, "not_found");
	});

	it("keeps showing an image sent before etags were pinned, pinning it on first view", async () => {
		const { url, key } = await sentPng();
		await env.DB.prepare("UPDATE uploads SET etag = NULL WHERE key = ?").bind(key).run();
		const res = await fetchUrl(url);
		expect(res.status).toBe(200);
		expect(res.bytes).toEqual(PNG_1X1);
		const row = await env.DB.prepare("SELECT etag FROM uploads WHERE key = ?").bind(key).first<{ etag: string }>();
		expect(row?.etag).toBe((await env.MEDIA.head(key))?.etag);
	});

	it("never pins an unpinned image whose bytes are no longer an image", async () => {
		const { url, key } = await sentPng();
		await env.DB.prepare("UPDATE uploads SET etag = NULL WHERE key = ?").bind(key).run();
		await env.MEDIA.put(key, HTML, { httpMetadata: { contentType: "image/png" } });
		expectError(await fetchUrl(url), 404, "not_found");
	});

	it("refuses to send the key again once its bytes changed", async () => {
		const { a, chat, key } = await sentPng();
		const replacement = PNG_1X1.slice();
		replacement[replacement.length - 1] = (replacement[replacement.length - 1] ?? 0) ^ 0xff;
		await env.MEDIA.put(key, replacement, { httpMetadata: { contentType: "image/png" } });
		expectError(await sendImage(a, chat.id, key), 400, "invalid_request");
	});

	it("refuses to send a locally uploaded key whose object is not the one the PUT stored", async () => {
		const a = await registerUser("Swapper");
		const b = await registerUser("Friend");
		const chat = await directChat(a, b);
		const key = await uploadImage(a);
		const replacement = PNG_1X1.slice();
		replacement[replacement.length - 1] = (replacement[replacement.length - 1] ?? 0) ^ 0xff;
		await env.MEDIA.put(key, replacement, { httpMetadata: { contentType: "image/png" } });
		expectError(await sendImage(a, chat.id, key), 400, "invalid_request");
	});
});
