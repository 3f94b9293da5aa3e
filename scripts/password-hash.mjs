// A password hash in the Worker's format (`pbkdf2-sha256$<iterations>$<salt>$<hash>`, as
// src/worker/auth.ts writes it), for an admin resetting a forgotten password from the D1 console
// (README, "Moderation"). `node scripts/password-hash.mjs` makes a temporary password and prints
// it with its hash; `node scripts/password-hash.mjs 'chosen password'` hashes that one.
// Web Crypto only, so the tests run the same function inside workerd.

const ITERATIONS = 100_000;

const base64url = (bytes) =>
	btoa(String.fromCharCode(...bytes))
		.replace(/\+/g, "-")
		.replace(/\//g, "_")
		.replace(/=+$/, "");

export async function passwordHash(password) {
	const salt = crypto.getRandomValues(new Uint8Array(16));
	const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(password), "PBKDF2", false, ["deriveBits"]);
	const bits = await crypto.subtle.deriveBits(
		{ name: "PBKDF2", hash: "SHA-256", salt, iterations: ITERATIONS },
		key,
		256,
	);
	return `pbkdf2-sha256$${ITERATIONS}$${base64url(salt)}$${base64url(new Uint8Array(bits))}`;
}

/** 12 letters and digits without look-alikes (no 0/O, 1/l/I), easy to read out to a student. */
export function temporaryPassword() {
	const alphabet = "abcdefghijkmnpqrstuvwxyz23456789";
	return [...crypto.getRandomValues(new Uint8Array(12))].map((b) => alphabet[b % alphabet.length]).join("");
}

if (typeof process !== "undefined" && process.argv?.[1]?.endsWith("password-hash.mjs")) {
	const password = process.argv[2] ?? temporaryPassword();
	if (password.length < 8) {
		console.error("A password needs at least 8 characters.");
		process.exit(1);
	}
	if (!process.argv[2]) console.log(`temporary password: ${password}`);
	console.log(`hash: ${await passwordHash(password)}`);
}
