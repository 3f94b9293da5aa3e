// Local set-up shared by `npm start` and the browser tests: a .dev.vars with a random JWT
// secret and a Web Push (VAPID) key pair, local D1 migrations, and demo students (idempotent; no
// Cloudflare account needed). `node scripts/local-setup.mjs --vapid` prints a fresh VAPID pair
// for `wrangler secret put`.
import { spawnSync } from "node:child_process";
import { generateKeyPairSync, pbkdf2Sync, randomBytes } from "node:crypto";
import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const DEMO_PASSWORD = "password123";
export const DEMO_USERS = [
	{ id: "demo-asha", email: "asha@campus.test", displayName: "Asha Patel" },
	{ id: "demo-ben", email: "ben@campus.test", displayName: "Ben Okafor" },
	{ id: "demo-chloe", email: "chloe@campus.test", displayName: "Chloe Martin" },
	{ id: "demo-diego", email: "diego@campus.test", displayName: "Diego Ruiz" },
];

// No metrics, no prompts, and no fetch of the `Request.cf` placeholder from the network
// (miniflare's CLOUDFLARE_CF_FETCH_ENABLED): a first run offline prints no network error.
export const quietEnv = {
	...process.env,
	WRANGLER_SEND_METRICS: "false",
	CLOUDFLARE_CF_FETCH_ENABLED: process.env.CLOUDFLARE_CF_FETCH_ENABLED ?? "false",
	CI: process.env.CI ?? "true",
};

/**
 * Runs a set-up step with its output captured (wrangler prints each migration's JSON result
 * table): one line when it works, the whole output when it fails.
 */
export function run(cmd, args, label = `${cmd} ${args.join(" ")}`) {
	const res = spawnSync(cmd, args, { stdio: ["ignore", "pipe", "pipe"], env: quietEnv, encoding: "utf8" });
	if (res.status !== 0) {
		process.stderr.write(`${res.stdout ?? ""}${res.stderr ?? ""}`);
		throw new Error(`${label} failed with exit code ${res.status}`);
	}
	console.log(`${label}: done`);
}

/** A VAPID key pair as the Worker reads it: base64url uncompressed public point and raw private scalar. */
export function vapidKeyPair() {
	const jwk = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ format: "jwk" });
	const point = Buffer.concat([Buffer.of(4), Buffer.from(jwk.x, "base64url"), Buffer.from(jwk.y, "base64url")]);
	return { publicKey: point.toString("base64url"), privateKey: jwk.d };
}

export function ensureDevVars() {
	if (!existsSync(".dev.vars") || !/JWT_SECRET=.{32,}/.test(readFileSync(".dev.vars", "utf8"))) {
		writeFileSync(
			".dev.vars",
			`# Local secrets for wrangler dev (not committed)\nJWT_SECRET=${randomBytes(32).toString("base64url")}\n`,
		);
		console.log("created .dev.vars with a random JWT_SECRET");
	}
	// Added to an older .dev.vars too, so `npm start` on an existing clone gets Web Push.
	if (!/VAPID_PRIVATE_KEY=\S+/.test(readFileSync(".dev.vars", "utf8"))) {
		const { publicKey, privateKey } = vapidKeyPair();
		appendFileSync(".dev.vars", `VAPID_PUBLIC_KEY=${publicKey}\nVAPID_PRIVATE_KEY=${privateKey}\n`);
		console.log("added a Web Push (VAPID) key pair to .dev.vars");
	}
}

function hash(password) {
	const salt = randomBytes(16);
	const derived = pbkdf2Sync(password, salt, 100_000, 32, "sha256");
	return `pbkdf2-sha256$100000$${salt.toString("base64url")}$${derived.toString("base64url")}`;
}

const q = (value) => (value === null ? "NULL" : `'${String(value).replaceAll("'", "''")}'`);

/** Migration 0007's statements that fill the list's figures from D1's `messages` (after its marker line). */
const FILL_FROM_D1_MESSAGES = readFileSync(new URL("../migrations/0007_messages_in_rooms.sql", import.meta.url), "utf8")
	.split("-- What D1 already holds")[1]
	.replace(/^[^\n]*\n/, "");

/** Demo students, a study group and a direct chat with a few messages. */
export function seedSql() {
	const now = Date.now();
	const at = (minutesAgo) => new Date(now - minutesAgo * 60_000).toISOString();
	const lines = [];
	for (const u of DEMO_USERS) {
		lines.push(
			`INSERT OR IGNORE INTO users (id, email, display_name, password_hash, created_at) VALUES (${q(u.id)}, ${q(u.email)}, ${q(u.displayName)}, ${q(hash(DEMO_PASSWORD))}, ${q(at(120))});`,
		);
	}
	const group = "demo-group-cs101";
	const direct = "demo-direct-asha-ben";
	const groupMessages = [
		["demo-asha", "Welcome to the CS101 study group! 👋"],
		["demo-ben", "Thanks! Is the problem set due Friday?"],
		["demo-chloe", "Friday 5pm, I checked the syllabus."],
	];
	const directMessages = [
		["demo-ben", "Hey Asha, are you coming to the library later?"],
		["demo-asha", "Yes, around 4. Save me a seat!"],
	];
	lines.push(
		`INSERT OR IGNORE INTO conversations (id, type, title, direct_key, created_by, created_at, last_activity_at, last_seq) VALUES (${q(group)}, 'group', 'CS101 Study Group', NULL, 'demo-asha', ${q(at(60))}, ${q(at(30))}, ${groupMessages.length});`,
		`INSERT OR IGNORE INTO conversations (id, type, title, direct_key, created_by, created_at, last_activity_at, last_seq) VALUES (${q(direct)}, 'direct', NULL, 'demo-asha:demo-ben', 'demo-ben', ${q(at(50))}, ${q(at(20))}, ${directMessages.length});`,
	);
	for (const u of DEMO_USERS) {
		const role = u.id === "demo-asha" ? "admin" : "member";
		lines.push(
			`INSERT OR IGNORE INTO participants (conversation_id, user_id, role, joined_at) VALUES (${q(group)}, ${q(u.id)}, ${q(role)}, ${q(at(60))});`,
		);
	}
	for (const u of ["demo-asha", "demo-ben"]) {
		lines.push(
			`INSERT OR IGNORE INTO participants (conversation_id, user_id, role, joined_at) VALUES (${q(direct)}, ${q(u)}, 'member', ${q(at(50))});`,
		);
	}
	const messages = (conversationId, list, lastMinutesAgo) =>
		list.map(([sender, text], i) => {
			const seq = i + 1;
			return `INSERT OR IGNORE INTO messages (id, conversation_id, seq, sender_id, client_id, kind, text, created_at) VALUES (${q(`${conversationId}-m${seq}`)}, ${q(conversationId)}, ${seq}, ${q(sender)}, ${q(`seed-${seq}`)}, 'text', ${q(text)}, ${q(at(lastMinutesAgo + list.length - seq))});`;
		});
	lines.push(...messages(group, groupMessages, 30), ...messages(direct, directMessages, 20));
	// The demo messages are in D1's older `messages` table, which each room imports on its first
	// load (issue 21); the list's snapshot and badges are filled from them the way migration 0007
	// fills an older deployment's.
	lines.push(FILL_FROM_D1_MESSAGES);
	return lines.join("\n");
}

/** Applies migrations and seeds demo data into the local D1 (optionally at a persist dir). */
export function prepareLocalDatabase(persistTo) {
	const persist = persistTo ? ["--persist-to", persistTo] : [];
	run("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local", ...persist], "D1 migrations (local)");
	const file = join(mkdtempSync(join(tmpdir(), "campus-chat-seed-")), "seed.sql");
	writeFileSync(file, seedSql());
	run("npx", ["wrangler", "d1", "execute", "DB", "--local", ...persist, "--file", file], "demo students (local D1)");
}

// `node scripts/local-setup.mjs --vapid`: a key pair to paste into `wrangler secret put`.
if (process.argv[1]?.endsWith("local-setup.mjs") && process.argv.includes("--vapid")) {
	const { publicKey, privateKey } = vapidKeyPair();
	console.log(`VAPID_PUBLIC_KEY=${publicKey}\nVAPID_PRIVATE_KEY=${privateKey}`);
}
