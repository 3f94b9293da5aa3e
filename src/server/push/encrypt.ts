// RFC 8291 message encryption for Web Push, content coding `aes128gcm` (RFC 8188), with Web
// Crypto only: an ephemeral ECDH P-256 key per message, the key and nonce from HKDF-SHA-256
// keyed by the subscription's `auth` secret, and one AES-128-GCM record.

const encoder = new TextEncoder();
/** Record size written in the header; a push message is one record, well under it. */
const RECORD_SIZE = 4096;

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
	const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
	let at = 0;
	for (const p of parts) {
		out.set(p, at);
		at += p.length;
	}
	return out;
}

async function hkdf(salt: Uint8Array, ikm: Uint8Array, info: Uint8Array, bytes: number): Promise<Uint8Array> {
	const key = await crypto.subtle.importKey("raw", concat(ikm), "HKDF", false, ["deriveBits"]);
	const bits = await crypto.subtle.deriveBits(
		{ name: "HKDF", hash: "SHA-256", salt: concat(salt), info: concat(info) },
		key,
		bytes * 8,
	);
	return new Uint8Array(bits);
}

/**
 * Whether `bytes` is an uncompressed P-256 point on the curve: Web Crypto refuses to import any
 * other, so a subscription whose key would make every later push fail is refused up front.
 */
export async function isP256Point(bytes: Uint8Array): Promise<boolean> {
	if (bytes.length !== 65 || bytes[0] !== 0x04) return false;
	try {
		await crypto.subtle.importKey("raw", concat(bytes), { name: "ECDH", namedCurve: "P-256" }, false, []);
		return true;
	} catch {
		return false;
	}
}

/**
 * The body of a push request: `salt(16) | rs(4) | idlen(1) | keyid(65: our ephemeral public
 * key) | AES-128-GCM(plaintext | 0x02)`. `uaPublic` is the subscription's `p256dh` (65 bytes,
 * uncompressed), `authSecret` its `auth` (16 bytes).
 */
export async function encryptPushPayload(
	plaintext: Uint8Array,
	uaPublic: Uint8Array,
	authSecret: Uint8Array,
): Promise<Uint8Array> {
	if (uaPublic.length !== 65 || uaPublic[0] !== 0x04) throw new Error("p256dh is not an uncompressed P-256 point");
	if (authSecret.length < 16) throw new Error("auth secret is shorter than 16 bytes");
	const ephemeral = (await crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, [
		"deriveBits",
	])) as CryptoKeyPair;
	const asPublic = new Uint8Array((await crypto.subtle.exportKey("raw", ephemeral.publicKey)) as ArrayBuffer);
	const uaKey = await crypto.subtle.importKey(
		"raw",
		concat(uaPublic),
		{ name: "ECDH", namedCurve: "P-256" },
		false,
		[],
	);
	// workerd's types spell the ECDH `public` member `$public`; the runtime reads `public`.
	const ecdh = { name: "ECDH", public: uaKey } as unknown as SubtleCryptoDeriveKeyAlgorithm;
	const ecdhSecret = new Uint8Array(await crypto.subtle.deriveBits(ecdh, ephemeral.privateKey, 256));
	// RFC 8291 §3.3: IKM from the shared secret, keyed by the auth secret and bound to both keys.
	const keyInfo = concat(encoder.encode("WebPush: info\0"), uaPublic, asPublic);
	const ikm = await hkdf(authSecret, ecdhSecret, keyInfo, 32);
	// RFC 8188 §2.2: content-encryption key and nonce from a random salt.
	const salt = crypto.getRandomValues(new Uint8Array(16));
	const cek = await hkdf(salt, ikm, encoder.encode("Content-Encoding: aes128gcm\0"), 16);
	const nonce = await hkdf(salt, ikm, encoder.encode("Content-Encoding: nonce\0"), 12);
	const aesKey = await crypto.subtle.importKey("raw", concat(cek), "AES-GCM", false, ["encrypt"]);
	// The last (and only) record ends with the delimiter 0x02 and no further padding.
	const record = new Uint8Array(
		await crypto.subtle.encrypt({ name: "AES-GCM", iv: concat(nonce) }, aesKey, concat(plaintext, Uint8Array.of(2))),
	);
	if (record.length + 86 > RECORD_SIZE) throw new Error("push payload too large for one record");
	const header = new Uint8Array(21);
	header.set(salt, 0);
	new DataView(header.buffer).setUint32(16, RECORD_SIZE);
	header[20] = asPublic.length;
	return concat(header, asPublic, record);
}
