// Web Push (contract v2): subscriptions per device, and a push for each new message to members
// with no realtime socket open, unless muted (and not mentioned). Each test subscribes with its
// OWN P-256 key pair and auth secret at the stand-in push service (test/push-service.ts, a real
// HTTP server the Worker fetches) and decrypts what arrives per RFC 8291, with code written here
// independently of the server's.
import { importJWK, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { hubStub } from "../src/durable/rpc";
import { isAllowedPushEndpoint } from "../src/server/push/send";
import { type Message, PushPayload } from "../src/shared/schemas";
import { isolate } from "../src/shared/text";
import { api, directChat, env, expectError, groupChat, registerUser, sendText, type TestUser } from "./helpers";
import { realtimeSocket } from "./sockets";

const b64u = (bytes: ArrayBuffer | Uint8Array) =>
	btoa(String.fromCharCode(...new Uint8Array(bytes)))
		.replaceAll("+", "-")
		.replaceAll("/", "_")
		.replace(/=+$/, "");
const unb64u = (text: string) =>
	Uint8Array.from(atob(text.replaceAll("-", "+").replaceAll("_", "/")), (c) => c.charCodeAt(0));

interface Device {
	endpoint: string;
	path: string;
	keys: CryptoKeyPair;
	publicKey: Uint8Array;
	auth: Uint8Array;
}

interface Recorded {
	headers: Record<string, string>;
	body: string;
}

/** A browser's side: its own key pair and auth secret, and an endpoint at the stand-in service. */
async function newDevice(): Promise<Device> {
	const keys = (await crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, [
		"deriveBits",
	])) as CryptoKeyPair;
	const publicKey = new Uint8Array((await crypto.subtle.exportKey("raw", keys.publicKey)) as ArrayBuffer);
	const path = `/push/${crypto.randomUUID()}`;
	return {
		endpoint: `${env.PUSH_SERVICE_URL}${path}`,
		path,
		keys,
		publicKey,
		auth: crypto.getRandomValues(new Uint8Array(16)),
	};
}

async function subscribe(user: TestUser, device: Device) {
	return api("POST", "/push/subscriptions", {
		token: user.token,
		body: { endpoint: device.endpoint, keys: { p256dh: b64u(device.publicKey), auth: b64u(device.auth) } },
	});
}

async function received(device: Device): Promise<Recorded[]> {
	const res = await fetch(`${env.PUSH_SERVICE_URL}/_log${device.path}`);
	return res.json();
}

/** Waits (generously) until the push service has `count` requests for this device. */
async function waitForPushes(device: Device, count: number, ms = 10_000): Promise<Recorded[]> {
	const deadline = Date.now() + ms;
	for (;;) {
		const got = await received(device);
		if (got.length >= count) return got;
		if (Date.now() > deadline) throw new Error(`timed out: ${got.length}/${count} pushes`);
		await new Promise((r) => setTimeout(r, 50));
	}
}

async function hkdf(salt: Uint8Array, ikm: Uint8Array, info: Uint8Array, length: number) {
	// Extract then expand by hand with HMAC (RFC 5869), not Web Crypto's HKDF the server uses.
	const hmac = async (key: Uint8Array, data: Uint8Array) => {
		const k = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
		return new Uint8Array(await crypto.subtle.sign("HMAC", k, data));
	};
	const prk = await hmac(salt, ikm);
	const t1 = await hmac(prk, new Uint8Array([...info, 1]));
	return t1.slice(0, length);
}

/** RFC 8291 / RFC 8188 decryption as a browser does it. */
async function decrypt(device: Device, record: Recorded): Promise<unknown> {
	const body = Uint8Array.from(atob(record.body), (c) => c.charCodeAt(0));
	const salt = body.slice(0, 16);
	const rs = new DataView(body.buffer, body.byteOffset).getUint32(16);
	const idlen = body[20] ?? 0;
	const serverPublic = body.slice(21, 21 + idlen);
	const ciphertext = body.slice(21 + idlen);
	expect(rs).toBeGreaterThanOrEqual(18);
	expect(idlen).toBe(65);
	const serverKey = await crypto.subtle.importKey(
		"raw",
		serverPublic,
		{ name: "ECDH", namedCurve: "P-256" },
		false,
		[],
	);
	const ecdh = { name: "ECDH", public: serverKey } as unknown as SubtleCryptoDeriveKeyAlgorithm;
	const shared = new Uint8Array(await crypto.subtle.deriveBits(ecdh, device.keys.privateKey, 256));
	const enc = new TextEncoder();
	const keyInfo = new Uint8Array([...enc.encode("WebPush: info\0"), ...device.publicKey, ...serverPublic]);
	const ikm = await hkdf(device.auth, shared, keyInfo, 32);
	const cek = await hkdf(salt, ikm, enc.encode("Content-Encoding: aes128gcm\0"), 16);
	const nonce = await hkdf(salt, ikm, enc.encode("Content-Encoding: nonce\0"), 12);
	const key = await crypto.subtle.importKey("raw", cek, "AES-GCM", false, ["decrypt"]);
	const padded = new Uint8Array(await crypto.subtle.decrypt({ name: "AES-GCM", iv: nonce }, key, ciphertext));
	// Strip the padding: trailing zeros, then the last-record delimiter 0x02.
	let end = padded.length - 1;
	while (end >= 0 && padded[end] === 0) end -= 1;
	expect(padded[end]).toBe(2);
	return JSON.parse(new TextDecoder().decode(padded.slice(0, end)));
}

async function payloads(device: Device, records: Recorded[]) {
	return Promise.all(records.map(async (r) => PushPayload.parse(await decrypt(device, r))));
}

async function subscribedPair() {
	const a = await registerUser("PushSender");
	const b = await registerUser("PushReader");
	const device = await newDevice();
	expect((await subscribe(b, device)).status).toBe(201);
	return { a, b, device };
}

describe("push subscriptions", () => {
	it("hands out the VAPID public key as an uncompressed P-256 point", async () => {
		const a = await registerUser("PushKey");
		const res = await api("GET", "/push/vapid-public-key", { token: a.token });
		expect(res.status).toBe(200);
		expect(res.body.publicKey).toBe(env.VAPID_PUBLIC_KEY);
		expect(unb64u(res.body.publicKey)).toHaveLength(65);
		expect((await api("GET", "/push/vapid-public-key")).status).toBe(401);
	});

	it("subscribing is 201, the same endpoint again 200 with the same id, and unsubscribing 204", async () => {
		const a = await registerUser("PushSub");
		const device = await newDevice();
		const first = await subscribe(a, device);
		expect(first.status).toBe(201);
		expect(typeof first.body.subscription.id).toBe("string");
		const again = await subscribe(a, device);
		expect(again.status).toBe(200);
		expect(again.body.subscription.id).toBe(first.body.subscription.id);
		const del = await api("DELETE", "/push/subscriptions", { token: a.token, body: { endpoint: device.endpoint } });
		expect(del.status).toBe(204);
		const gone = await env.DB.prepare("SELECT COUNT(*) AS n FROM push_subscriptions WHERE endpoint = ?")
			.bind(device.endpoint)
			.first<{ n: number }>();
		expect(gone?.n).toBe(0);
		expect((await subscribe(a, device)).status).toBe(201);
	});

	it("rejects bad keys and endpoints with 400 naming the fields", async () => {
		const a = await registerUser("PushBad");
		const device = await newDevice();
		const badKeys = await api("POST", "/push/subscriptions", {
			token: a.token,
			body: { endpoint: device.endpoint, keys: { p256dh: "short", auth: b64u(device.auth) } },
		});
		expectError(badKeys, 400, "invalid_request");
		expect(JSON.stringify(badKeys.body.error.details)).toContain("keys.p256dh");
		const notUrl = await api("POST", "/push/subscriptions", {
			token: a.token,
			body: { endpoint: "javascript:alert(1)", keys: { p256dh: b64u(device.publicKey), auth: b64u(device.auth) } },
		});
		expectError(notUrl, 400, "invalid_request");
		expectError(await api("DELETE", "/push/subscriptions", { token: a.token, body: {} }), 400, "invalid_request");
	});

	it("accepts only https endpoints of known push services outside development", () => {
		const production = { ...env, APP_ENV: "production" };
		expect(isAllowedPushEndpoint(production, "https://fcm.googleapis.com/fcm/send/abc")).toBe(true);
		expect(isAllowedPushEndpoint(production, "https://updates.push.services.mozilla.com/wpush/v2/abc")).toBe(true);
		expect(isAllowedPushEndpoint(production, "https://wns2-par02p.notify.windows.com/w/?token=abc")).toBe(true);
		expect(isAllowedPushEndpoint(production, "https://web.push.apple.com/abc")).toBe(true);
		expect(isAllowedPushEndpoint(production, "http://fcm.googleapis.com/fcm/send/abc")).toBe(false);
		expect(isAllowedPushEndpoint(production, "https://evil.example/fcm.googleapis.com")).toBe(false);
		expect(isAllowedPushEndpoint(production, "https://fcm.googleapis.com.evil.example/x")).toBe(false);
		expect(isAllowedPushEndpoint(production, "https://169.254.169.254/latest")).toBe(false);
		expect(isAllowedPushEndpoint(production, env.PUSH_SERVICE_URL)).toBe(false);
	});
});

describe("a push per new message", () => {
	it("reaches an offline member as an aes128gcm payload with TTL, Topic and a verifiable VAPID header", async () => {
		const { a, b, device } = await subscribedPair();
		const chat = await directChat(a, b);
		const sent = await sendText(a, chat.id, "Are you coming to the lab?");
		const [record] = await waitForPushes(device, 1);
		if (!record) throw new Error("no push");
		expect(record.headers["content-encoding"]).toBe("aes128gcm");
		expect(Number(record.headers.ttl)).toBeGreaterThan(0);
		expect(record.headers.topic).toMatch(/^[A-Za-z0-9_-]{1,32}$/);
		const [payload] = await payloads(device, [record]);
		expect(payload).toEqual({
			type: "message",
			conversationId: chat.id,
			messageId: sent.id,
			seq: sent.seq,
			title: isolate(a.user.displayName),
			body: "Are you coming to the lab?",
		});
		// VAPID (RFC 8292): an ES256 JWT for the push service's origin, checked with the public key.
		const match = record.headers.authorization?.match(/^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/);
		expect(match?.[2]).toBe(env.VAPID_PUBLIC_KEY);
		const point = unb64u(env.VAPID_PUBLIC_KEY);
		const key = await importJWK(
			{ kty: "EC", crv: "P-256", x: b64u(point.slice(1, 33)), y: b64u(point.slice(33)) },
			"ES256",
		);
		const { payload: claims } = await jwtVerify(match?.[1] ?? "", key, {
			algorithms: ["ES256"],
			audience: new URL(env.PUSH_SERVICE_URL).origin,
		});
		expect(claims.sub).toBe("mailto:tests@campus.test");
		expect((claims.exp ?? 0) * 1000).toBeLessThanOrEqual(Date.now() + 24 * 3600 * 1000);
	});

	it("titles a group push 'Sender in Group', keeps one Topic per conversation, and never pushes to the sender", async () => {
		const { a, b, device } = await subscribedPair();
		const senderDevice = await newDevice();
		expect((await subscribe(a, senderDevice)).status).toBe(201);
		const group = await groupChat(a, [b], "Robotics Club");
		const long = "x".repeat(500);
		await sendText(a, group.id, "first");
		await sendText(a, group.id, long);
		const records = await waitForPushes(device, 2);
		const [first, second] = await payloads(device, records);
		// Each name is isolated (FSI…PDI): a title is plain text, and a name must not reorder it.
		expect(first?.title).toBe(`${isolate(a.user.displayName)} in ${isolate("Robotics Club")}`);
		expect(second?.body.length).toBeLessThanOrEqual(200);
		expect(records[0]?.headers.topic).toBe(records[1]?.headers.topic);
		const other = await directChat(a, b);
		await sendText(a, other.id, "elsewhere");
		const [, , third] = await waitForPushes(device, 3);
		expect(third?.headers.topic).not.toBe(records[0]?.headers.topic);
		expect(await received(senderDevice)).toEqual([]);
	});

	it("does not push to a member with a realtime socket open", async () => {
		const { a, b, device } = await subscribedPair();
		const chat = await directChat(a, b);
		const socket = await realtimeSocket(b);
		const whileOnline = await sendText(a, chat.id, "you are online");
		// The hub has this message once the socket has it: it was not pushed.
		await socket.waitFor((f) => f.type === "message:new" && f.data.message.id === whileOnline.id);
		socket.close();
		await waitUntil(async () => {
			const row = await env.DB.prepare("SELECT online FROM users WHERE id = ?")
				.bind(b.user.id)
				.first<{ online: number }>();
			return row?.online === 0;
		});
		const whileOffline = await sendText(a, chat.id, "now you are not");
		const records = await waitForPushes(device, 1);
		expect((await payloads(device, records)).map((p) => p.messageId)).toEqual([whileOffline.id]);
	});

	it("stays silent for a muted conversation unless the message mentions the member", async () => {
		const { a, b, device } = await subscribedPair();
		const chat = await groupChat(a, [b], "Muted group");
		expect(
			(await api("PUT", `/conversations/${chat.id}/mute`, { token: b.token, body: { muted: true } })).body,
		).toEqual({
			muted: true,
			mutedUntil: null,
		});
		const plain = await sendText(a, chat.id, "nobody in particular");
		const mentioning = await sendText(a, chat.id, "hey you");
		// The room delivers both to b's hub (muted: no push). The same messages as they arrive once
		// they carry `mentions`, handed to the hub in one delivery: pushed in order, so when the
		// mentioning one has arrived, the plain one was already decided.
		const events = [plain, { ...mentioning, mentions: [b.user.id] } as Message].map((message) => ({
			type: "message:new" as const,
			data: { message },
		}));
		await hubStub(env, b.user.id).push(events);
		const records = await waitForPushes(device, 1);
		expect((await payloads(device, records)).map((p) => p.messageId)).toEqual([mentioning.id]);
	});

	it("end to end: a muted member with no socket gets a push only for the REST send that mentions them", async () => {
		const { a, b, device } = await subscribedPair();
		const c = await registerUser("PushBystander");
		const chat = await groupChat(a, [b, c], "Muted end to end");
		expect((await api("PUT", `/conversations/${chat.id}/mute`, { token: b.token, body: { muted: true } })).status).toBe(
			200,
		);
		const send = async (text: string, mentions?: string[]) => {
			const res = await api<{ message: Message }>("POST", `/conversations/${chat.id}/messages`, {
				token: a.token,
				body: { clientId: crypto.randomUUID(), kind: "text", text, ...(mentions ? { mentions } : {}) },
			});
			expect(res.status).toBe(201);
			return res.body.message;
		};
		// Each REST send answers after its flush, and the hub pushes one delivery after another: when
		// a later push has arrived, every earlier message was already decided.
		await send("nobody in particular");
		await send("only for Bystander", [c.user.id]);
		const mentioning = await send("hey @PushReader", [b.user.id]);
		expect(mentioning.mentions).toEqual([b.user.id]);
		await send("back to everyone");
		const last = await send("you again", [c.user.id, b.user.id]);
		const records = await waitForPushes(device, 2);
		const pushed = await payloads(device, records);
		expect(pushed.map((p) => p.messageId)).toEqual([mentioning.id, last.id]);
		expect(pushed[0]).toMatchObject({ conversationId: chat.id, body: "hey @PushReader" });
	});

	it("refuses a p256dh that is 65 bytes but not a point on P-256 (400), so no push to it can fail forever", async () => {
		const a = await registerUser("OffCurve");
		const device = await newDevice();
		const offCurve = new Uint8Array(65);
		offCurve[0] = 4;
		offCurve.fill(1, 1);
		const res = await api("POST", "/push/subscriptions", {
			token: a.token,
			body: { endpoint: device.endpoint, keys: { p256dh: b64u(offCurve), auth: b64u(device.auth) } },
		});
		expectError(res, 400, "invalid_request");
		expect(res.body.error.details.fields).toEqual([{ path: "keys.p256dh", message: "not a P-256 point" }]);
		const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM push_subscriptions WHERE endpoint = ?")
			.bind(device.endpoint)
			.first<{ n: number }>();
		expect(row?.n).toBe(0);
	});

	it("cuts a long body between graphemes: 60 family emoji never end in half of one", async () => {
		const { a, b, device } = await subscribedPair();
		const chat = await directChat(a, b);
		const family = "👨‍👩‍👧‍👦";
		await sendText(a, chat.id, family.repeat(60));
		const [payload] = await payloads(device, await waitForPushes(device, 1));
		const body = payload?.body ?? "";
		expect(body.length).toBeLessThanOrEqual(200);
		expect(body.endsWith("…")).toBe(true);
		// Whole families only, and no lone surrogate anywhere (a lone one breaks well-formedness).
		expect(body.slice(0, -1)).toBe(family.repeat(body.slice(0, -1).length / family.length));
		expect(body.isWellFormed()).toBe(true);
	});

	it("isolates names in the title, so a name ending in U+202E cannot flip the group's title", async () => {
		const { a, b, device } = await subscribedPair();
		// The name rules refuse U+202E now; an older account may still have one.
		await env.DB.prepare("UPDATE users SET display_name = ? WHERE id = ?").bind("Mallory\u202e", a.user.id).run();
		const group = await groupChat(a, [b], "Chess");
		await sendText(a, group.id, "move");
		const [payload] = await payloads(device, await waitForPushes(device, 1));
		expect(payload?.title).toBe("\u2068Mallory\u202e\u2069 in \u2068Chess\u2069");
	});

	it("does not follow a push service's redirect: the push fails and the redirect's target gets nothing", async () => {
		const { a, b, device } = await subscribedPair();
		const elsewhere = await newDevice();
		await fetch(`${env.PUSH_SERVICE_URL}/_status${device.path}`, {
			method: "POST",
			body: JSON.stringify({ status: 307, location: elsewhere.endpoint }),
		});
		const chat = await directChat(a, b);
		await sendText(a, chat.id, "redirect me");
		await waitForPushes(device, 1);
		// A second push reaching the device shows the first delivery is over; nothing went elsewhere.
		await fetch(`${env.PUSH_SERVICE_URL}/_status${device.path}`, {
			method: "POST",
			body: JSON.stringify({ status: 201 }),
		});
		await sendText(a, chat.id, "second");
		await waitForPushes(device, 2);
		expect(await received(elsewhere)).toEqual([]);
		// A redirect is a failed push, not "gone": the subscription stays.
		const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM push_subscriptions WHERE endpoint = ?")
			.bind(device.endpoint)
			.first<{ n: number }>();
		expect(row?.n).toBe(1);
	});

	it("deletes a subscription the push service answers 410 for", async () => {
		const { a, b, device } = await subscribedPair();
		await fetch(`${env.PUSH_SERVICE_URL}/_status${device.path}`, {
			method: "POST",
			body: JSON.stringify({ status: 410 }),
		});
		const chat = await directChat(a, b);
		await sendText(a, chat.id, "are you there?");
		await waitForPushes(device, 1);
		await waitUntil(async () => {
			const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM push_subscriptions WHERE endpoint = ?")
				.bind(device.endpoint)
				.first<{ n: number }>();
			return row?.n === 0;
		});
	});
});

async function waitUntil(check: () => Promise<boolean>, ms = 10_000) {
	const deadline = Date.now() + ms;
	while (!(await check())) {
		if (Date.now() > deadline) throw new Error("timed out waiting");
		await new Promise((r) => setTimeout(r, 50));
	}
}
