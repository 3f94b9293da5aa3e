import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../src/worker/index";
import { createUploadTarget, r2S3Credentials } from "../src/worker/presign";
import { sweepUnusedUploads } from "../src/worker/uploadSweep";
import { api, directChat, env, expectError, registerUser } from "./helpers";
import { PNG_1X1, putUpload, requestUpload, sendImage, uploadImage } from "./image-helpers";

const MIB = 1024 * 1024;

describe("asking for an upload", () => {
	it.each(["image/jpeg", "image/png", "image/webp", "image/gif"])(
		"gives a signed PUT URL for %s with the headers to send and an expiry within 15 minutes",
		async (contentType) => {
			const me = await registerUser("Uploader");
			const res = await api("POST", "/uploads", { token: me.token, body: { contentType, size: 1234 } });
			expect(res.status).toBe(201);
			expect(res.body).toEqual({
				key: expect.stringMatching(new RegExp(`^u/${me.user.id}/[A-Za-z0-9_-]{32}$`)),
				uploadUrl: expect.stringMatching(/^https:\/\/chat\.test\/api\/v1\/uploads\/local\/u\//),
				method: "PUT",
				headers: { "Content-Type": contentType, "Content-Length": "1234" },
				expiresAt: expect.any(String),
			});
			const ttl = Date.parse(res.body.expiresAt) - Date.now();
			expect(ttl).toBeGreaterThan(0);
			expect(ttl).toBeLessThanOrEqual(15 * 60_000);
			const row = await env.DB.prepare(
				"SELECT uploader_id, content_type, size, completed_at FROM uploads WHERE key = ?",
			)
				.bind(res.body.key)
				.first();
			expect(row).toEqual({ uploader_id: me.user.id, content_type: contentType, size: 1234, completed_at: null });
		},
	);

	it("accepts exactly 10 MiB and refuses one byte more with 413", async () => {
		const me = await registerUser("Big");
		const ok = await api("POST", "/uploads", { token: me.token, body: { contentType: "image/png", size: 10 * MIB } });
		expect(ok.status).toBe(201);
		const res = await api("POST", "/uploads", {
			token: me.token,
			body: { contentType: "image/png", size: 10 * MIB + 1 },
		});
		expectError(res, 413, "payload_too_large");
	});

	it("refuses other types and bad bodies with 400 naming the field", async () => {
		const me = await registerUser("Types");
		for (const contentType of ["image/svg+xml", "text/html", "application/x-msdownload", "image/bmp", ""]) {
			const res = await api("POST", "/uploads", { token: me.token, body: { contentType, size: 100 } });
			expectError(res, 400, "invalid_request");
			expect(res.body.error.details.fields[0].path).toBe("contentType");
		}
		for (const body of [{}, { contentType: "image/png" }, { contentType: "image/png", size: 0 }, { size: 10 }]) {
			expectError(await api("POST", "/uploads", { token: me.token, body }), 400, "invalid_request");
		}
		expectError(
			await api("POST", "/uploads", { token: me.token, body: { contentType: "image/png", size: 1.5 } }),
			400,
			"invalid_request",
		);
		expectError(
			await api("POST", "/uploads", {
				token: me.token,
				rawBody: "{nope",
				headers: { "Content-Type": "application/json" },
			}),
			400,
			"invalid_request",
		);
	});

	it("needs a bearer token", async () => {
		expectError(await api("POST", "/uploads", { body: { contentType: "image/png", size: 10 } }), 401, "unauthorized");
	});
});

describe("uploading through the local signed URL", () => {
	it("stores exactly the PUT bytes with the signed type and marks the upload complete", async () => {
		const me = await registerUser("Put");
		const ticket = await requestUpload(me, "image/png", PNG_1X1.byteLength);
		const put = await putUpload(ticket, PNG_1X1);
		expect(put.status).toBe(200);
		expect(put.body).toEqual({ key: ticket.key });
		const object = await env.MEDIA.get(ticket.key);
		expect(new Uint8Array(await object!.arrayBuffer())).toEqual(PNG_1X1);
		expect(object!.httpMetadata?.contentType).toBe("image/png");
		const row = await env.DB.prepare("SELECT completed_at FROM uploads WHERE key = ?")
			.bind(ticket.key)
			.first<{ completed_at: string | null }>();
		expect(row?.completed_at).toEqual(expect.any(String));
	});

	it("refuses a body larger than signed, whether the Content-Length says so or not, and stores nothing", async () => {
		const me = await registerUser("Overflow");
		const ticket = await requestUpload(me, "image/png", PNG_1X1.byteLength);
		const bigger = new Uint8Array(PNG_1X1.byteLength + 10);
		bigger.set(PNG_1X1);
		const honest = await putUpload(ticket, bigger, { ...ticket.headers, "Content-Length": String(bigger.byteLength) });
		expectError(honest, 413, "payload_too_large");
		const lying = await putUpload(ticket, bigger);
		expectError(lying, 413, "payload_too_large");
		expect(await env.MEDIA.head(ticket.key)).toBeNull();
		// The URL still works for the right bytes afterwards.
		expect((await putUpload(ticket, PNG_1X1)).status).toBe(200);
	});

	it("refuses a body shorter than signed, or another Content-Type than signed", async () => {
		const me = await registerUser("Short");
		const ticket = await requestUpload(me, "image/png", PNG_1X1.byteLength);
		expectError(await putUpload(ticket, PNG_1X1.slice(0, 20)), 400, "invalid_request");
		expectError(
			await putUpload(ticket, PNG_1X1, { ...ticket.headers, "Content-Type": "image/gif" }),
			400,
			"invalid_request",
		);
		expect(await env.MEDIA.head(ticket.key)).toBeNull();
	});

	it("refuses a reused URL with 409 and leaves the first upload untouched", async () => {
		const me = await registerUser("Reuse");
		const ticket = await requestUpload(me, "image/png", PNG_1X1.byteLength);
		expect((await putUpload(ticket, PNG_1X1)).status).toBe(200);
		const other = PNG_1X1.slice();
		other[other.length - 1] = (other[other.length - 1] ?? 0) ^ 0xff;
		expectError(await putUpload(ticket, other), 409, "conflict");
		const object = await env.MEDIA.get(ticket.key);
		expect(new Uint8Array(await object!.arrayBuffer())).toEqual(PNG_1X1);
	});

	it("lets only one of two overlapping PUTs write: the second gets 409 while the first is still streaming", async () => {
		const me = await registerUser("Overlap");
		const ticket = await requestUpload(me, "image/png", PNG_1X1.byteLength);
		const slow = new FixedLengthStream(PNG_1X1.byteLength);
		const writer = slow.writable.getWriter();
		const first = exports.default.fetch(
			new Request(ticket.uploadUrl, { method: "PUT", headers: ticket.headers, body: slow.readable }),
		);
		await writer.write(PNG_1X1.slice(0, 8));
		// Wait until the first PUT holds the claim, then race it.
		for (let i = 0; i < 100; i++) {
			const row = await env.DB.prepare("SELECT claimed_at FROM uploads WHERE key = ?")
				.bind(ticket.key)
				.first<{ claimed_at: string | null }>();
			if (row?.claimed_at) break;
			await new Promise((r) => setTimeout(r, 10));
		}
		const html = new TextEncoder().encode("<html>".padEnd(PNG_1X1.byteLength, " "));
		expectError(await putUpload(ticket, html), 409, "conflict");
		await writer.write(PNG_1X1.slice(8));
		await writer.close();
		expect((await first).status).toBe(200);
		const object = await env.MEDIA.get(ticket.key);
		expect(new Uint8Array(await object!.arrayBuffer())).toEqual(PNG_1X1);
		const row = await env.DB.prepare("SELECT etag, completed_at FROM uploads WHERE key = ?")
			.bind(ticket.key)
			.first<{ etag: string; completed_at: string }>();
		expect(row?.etag).toBe(object!.etag);
		expect(row?.completed_at).toBeTruthy();
	});

	it("gives the URL back after a PUT that stored nothing, so the client can retry", async () => {
		const me = await registerUser("Retry");
		const ticket = await requestUpload(me, "image/png", PNG_1X1.byteLength);
		const short = PNG_1X1.slice(0, 10);
		expectError(
			await putUpload(ticket, short, { ...ticket.headers, "Content-Length": String(PNG_1X1.byteLength) }),
			400,
			"invalid_request",
		);
		expect((await putUpload(ticket, PNG_1X1)).status).toBe(200);
	});

	it("answers 404 to a forged, tampered, expired or unsigned URL", async () => {
		const me = await registerUser("Forge");
		const ticket = await requestUpload(me, "image/png", PNG_1X1.byteLength);
		const url = new URL(ticket.uploadUrl);
		const sig = url.searchParams.get("sig")!;
		const exp = url.searchParams.get("exp")!;
		const variants = [
			`${url.origin}${url.pathname}`,
			`${url.origin}${url.pathname}?exp=${exp}`,
			`${url.origin}${url.pathname}?exp=${exp}&sig=${sig.slice(0, -2)}AA`,
			`${url.origin}${url.pathname}?exp=${Number(exp) + 600}&sig=${sig}`,
			`${url.origin}${url.pathname}?exp=${Math.floor(Date.now() / 1000) - 1}&sig=${sig}`,
			// Another key of the same user, with this key's signature.
			`${url.origin}/api/v1/uploads/local/u/${me.user.id}/${"A".repeat(32)}?exp=${exp}&sig=${sig}`,
			`${url.origin}/api/v1/uploads/local/not-a-key?exp=${exp}&sig=${sig}`,
		];
		for (const variant of variants) {
			expectError(await putUpload(ticket, PNG_1X1, ticket.headers, variant), 404, "not_found");
		}
		expect(await env.MEDIA.head(ticket.key)).toBeNull();
	});
});

describe("presigned uploads straight to R2 (production)", () => {
	const r2Env = {
		...env,
		R2_ACCOUNT_ID: "0123456789abcdef0123456789abcdef",
		R2_BUCKET_NAME: "campus-chat-media",
		R2_ACCESS_KEY_ID: "test-access-key-id",
		R2_SECRET_ACCESS_KEY: "test-secret-access-key",
	};

	it("is used only when the account, bucket and both S3 keys are configured", () => {
		expect(r2S3Credentials(env)).toBeNull();
		expect(r2S3Credentials({ ...r2Env, R2_SECRET_ACCESS_KEY: "" })).toBeNull();
		expect(r2S3Credentials(r2Env)).not.toBeNull();
	});

	it("signs a PUT to <account>.r2.cloudflarestorage.com with Content-Type, Content-Length and If-None-Match in the signature", async () => {
		const key = `u/user-1/${"b".repeat(32)}`;
		const target = await createUploadTarget(r2Env, "https://chat.test", key, "image/webp", 5000);
		const url = new URL(target.uploadUrl);
		expect(url.protocol).toBe("https:");
		expect(url.host).toBe("0123456789abcdef0123456789abcdef.r2.cloudflarestorage.com");
		expect(url.pathname).toBe(`/campus-chat-media/${key}`);
		const q = url.searchParams;
		expect(q.get("X-Amz-Algorithm")).toBe("AWS4-HMAC-SHA256");
		expect(q.get("X-Amz-Credential")).toMatch(/^test-access-key-id\/\d{8}\/auto\/s3\/aws4_request$/);
		expect(q.get("X-Amz-SignedHeaders")?.split(";")).toEqual(
			expect.arrayContaining(["content-length", "content-type", "host", "if-none-match"]),
		);
		const expires = Number(q.get("X-Amz-Expires"));
		expect(expires).toBeGreaterThan(0);
		expect(expires).toBeLessThanOrEqual(15 * 60);
		expect(q.get("X-Amz-Signature")).toMatch(/^[0-9a-f]{64}$/);
		expect(target.uploadUrl).not.toContain("test-secret-access-key");
		// If-None-Match: * makes R2 refuse a second PUT of the URL once the object exists.
		expect(target.headers).toEqual({ "Content-Type": "image/webp", "Content-Length": "5000", "If-None-Match": "*" });
		const ttl = Date.parse(target.expiresAt) - Date.now();
		expect(ttl).toBeGreaterThan(0);
		expect(ttl).toBeLessThanOrEqual(expires * 1000);
	});

	it("gives a different signature for a different size or type", async () => {
		const key = `u/user-1/${"c".repeat(32)}`;
		const now = Date.now();
		const sigOf = async (type: string, size: number) =>
			new URL((await createUploadTarget(r2Env, "https://chat.test", key, type, size, now)).uploadUrl).searchParams.get(
				"X-Amz-Signature",
			);
		const base = await sigOf("image/png", 100);
		expect(await sigOf("image/png", 100)).toBe(base);
		expect(await sigOf("image/png", 101)).not.toBe(base);
		expect(await sigOf("image/gif", 100)).not.toBe(base);
	});
});

describe("cleaning up unused uploads", () => {
	const backdate = (key: string, hours: number) =>
		env.DB.prepare("UPDATE uploads SET created_at = ?, expires_at = ? WHERE key = ?")
			.bind(
				new Date(Date.now() - hours * 3600_000).toISOString(),
				new Date(Date.now() - hours * 3600_000).toISOString(),
				key,
			)
			.run();
	const rowExists = async (key: string) =>
		(await env.DB.prepare("SELECT 1 AS x FROM uploads WHERE key = ?").bind(key).first()) !== null;

	it("the hourly cron removes an old unsent upload but keeps a sent one and a recent one", async () => {
		const a = await registerUser("Sweep");
		const b = await registerUser("Friend");
		const chat = await directChat(a, b);
		const unsent = await uploadImage(a);
		const sent = await uploadImage(a);
		const recent = await uploadImage(a);
		expect((await sendImage(a, chat.id, sent)).status).toBe(201);
		await backdate(unsent, 25);
		await backdate(sent, 25);

		const ctx = createExecutionContext();
		await worker.scheduled(createScheduledController({ cron: "17 * * * *" }), env, ctx);
		await waitOnExecutionContext(ctx);

		expect(await env.MEDIA.head(unsent)).toBeNull();
		expect(await rowExists(unsent)).toBe(false);
		expect(await env.MEDIA.head(sent)).not.toBeNull();
		expect(await rowExists(sent)).toBe(true);
		expect(await env.MEDIA.head(recent)).not.toBeNull();
		expect(await rowExists(recent)).toBe(true);
		// The removed key can no longer be sent.
		const late = await sendImage(a, chat.id, unsent);
		expectError(late, 404, "not_found");
	});

	it("drops upload rows whose URL expired unused, and keeps ones whose bytes arrived straight in R2", async () => {
		const me = await registerUser("Abandon");
		const never = await requestUpload(me, "image/png", 100);
		const direct = await requestUpload(me, "image/png", PNG_1X1.byteLength);
		// As a presigned PUT to R2 would: the object arrives, the Worker is never told.
		await env.MEDIA.put(direct.key, PNG_1X1, { httpMetadata: { contentType: "image/png" } });
		const afterExpiry = Date.now() + 16 * 60_000;
		await sweepUnusedUploads(env, afterExpiry);
		expect(await rowExists(never.key)).toBe(false);
		expect(await rowExists(direct.key)).toBe(true);
		const row = await env.DB.prepare("SELECT completed_at FROM uploads WHERE key = ?")
			.bind(direct.key)
			.first<{ completed_at: string | null }>();
		expect(row?.completed_at).toEqual(expect.any(String));
	});
});

describe("upload rate limit", () => {
	it("lets one user ask for 100 upload URLs in ten minutes, then answers 429 with Retry-After", async () => {
		const user = await registerUser("Shutterbug");
		const ask = () => api("POST", "/uploads", { token: user.token, body: { contentType: "image/png", size: 100 } });
		for (let i = 0; i < 100; i++) expect((await ask()).status).toBe(201);
		const limited = await ask();
		expectError(limited, 429, "rate_limited");
		expect(Number(limited.headers.get("Retry-After"))).toBeGreaterThan(0);
		// someone else is not affected
		const other = await registerUser("Other");
		expect(
			(await api("POST", "/uploads", { token: other.token, body: { contentType: "image/png", size: 100 } })).status,
		).toBe(201);
	});
});
