// Message search: GET /search/messages over `messages` messages (default 100,000) in
// `conversations` conversations. Messages live only in their rooms (issue 21): the seed goes into
// D1's older `messages` table of the bench's wrangler dev (`wrangler d1 execute --local --file`,
// as an older deployment left them), then the admin command `POST /admin/messages-to-rooms`
// moves every conversation into its room (log + FTS5 index in the room's SQLite) and drops D1's
// message tables, as a deployment does once; the timed rounds then search rooms only.
// The searcher is a member of `memberOf` of those conversations; everything else belongs to
// seeded strangers, so the membership filter has real work to do. Text is drawn from a campus
// vocabulary with a Zipf-like spread (a few very common words, a long tail), with accents, and
// one planted rare word. Sequential requests after a warm-up; latency is the client round trip.
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { answers, sleep } from "../lib/server.mjs";
import { round, Samples } from "../lib/stats.mjs";

const VOCABULARY = (
	"the a to and you is it for on in of that we are at do this be have can with so just not what " +
	"exam lecture lab notes homework assignment deadline tomorrow today library study group meeting room " +
	"professor class slides quiz project report draft submit grade midterm final chapter question answer " +
	"café cafeteria lunch dinner coffee pizza weekend party bus train bike campus dorm hall kitchen " +
	"physics chemistry biology history économie mathématiques literature philosophy statistics algebra " +
	"thanks please sorry okay yes no maybe later soon now here there everyone anyone someone " +
	"tutorial seminar office hours email printer password wifi laptop charger calendar schedule"
).split(" ");
const RARE = "zanzibarite";

/** Deterministic PRNG, so every run seeds the same text. */
function prng(seed) {
	let s = seed >>> 0;
	return () => {
		s = (s + 0x6d2b79f5) >>> 0;
		let t = s;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

function sentence(rand) {
	const words = 4 + Math.floor(rand() * 18);
	const out = [];
	for (let i = 0; i < words; i++) {
		// Zipf-like: low indexes (the, a, to…) far more often than the tail.
		const index = Math.floor(VOCABULARY.length * rand() ** 2.2);
		out.push(VOCABULARY[index]);
	}
	if (rand() < 0.3) out[0] = out[0][0].toUpperCase() + out[0].slice(1);
	return `${out.join(" ")}${rand() < 0.3 ? "?" : "."}`;
}

const q = (s) => (s === null ? "NULL" : `'${String(s).replaceAll("'", "''")}'`);

/** The SQL that seeds users, conversations, participants and messages; returns the file path. */
function writeSeed(file, { searcherId, conversations, messages, memberOf }) {
	const rand = prng(13);
	const out = fs.openSync(file, "w");
	const now = Date.now();
	const strangers = Array.from({ length: 200 }, () => randomUUID());
	fs.writeSync(
		out,
		`INSERT INTO users (id, email, display_name, password_hash, created_at) VALUES ${strangers
			.map(
				(id, i) =>
					`(${q(id)}, ${q(`seed-${id}@bench.test`)}, ${q(`Seed ${i}`)}, 'seeded', ${q(new Date(now).toISOString())})`,
			)
			.join(",\n")};\n`,
	);
	const perConversation = Math.ceil(messages / conversations);
	const mine = [];
	const rooms = [];
	const created = new Date(now - 90 * 86400_000).toISOString();
	// A conversation's last activity is its last message's time (the seeded messages below).
	const slots = perConversation * conversations;
	const lastAt = (c) =>
		new Date(now - 90 * 86400_000 + ((perConversation * conversations + c) / slots) * 90 * 86400_000).toISOString();
	for (let c = 0; c < conversations; c++) {
		const id = randomUUID();
		const member = c % Math.max(1, Math.floor(conversations / memberOf)) === 0 && mine.length < memberOf;
		if (member) mine.push(id);
		const others = [0, 1, 2].map(() => strangers[Math.floor(rand() * strangers.length)]);
		const people = [...new Set(member ? [searcherId, ...others] : others)];
		rooms.push({ id, people });
		fs.writeSync(
			out,
			`INSERT INTO conversations (id, type, title, created_by, created_at, last_activity_at, last_seq) VALUES (${q(id)}, 'group', ${q(`Seeded ${c}`)}, ${q(people[0])}, ${q(created)}, ${q(lastAt(c))}, ${perConversation});\n` +
				`INSERT INTO participants (conversation_id, user_id, role, joined_at) VALUES ${people
					.map((u, i) => `(${q(id)}, ${q(u)}, ${i === 0 ? "'admin'" : "'member'"}, ${q(created)})`)
					.join(", ")};\n`,
		);
	}
	// Messages go in in time order across conversations, as the rooms' outboxes write them.
	let written = 0;
	let rows = [];
	const flush = () => {
		if (rows.length === 0) return;
		fs.writeSync(
			out,
			`INSERT INTO messages (id, conversation_id, seq, sender_id, client_id, kind, text, created_at, deleted_at) VALUES\n${rows.join(",\n")};\n`,
		);
		rows = [];
	};
	const total = perConversation * conversations;
	for (let seq = 1; seq <= perConversation; seq++) {
		for (let c = 0; c < conversations && written < messages; c++, written++) {
			const { id, people } = rooms[c];
			const at = new Date(now - 90 * 86400_000 + ((seq * conversations + c) / total) * 90 * 86400_000);
			let text = sentence(rand);
			if (rand() < 0.0002) text = `${text} ${RARE}`;
			const deleted = rand() < 0.01;
			rows.push(
				`(${q(`${id}_${seq}`)}, ${q(id)}, ${seq}, ${q(people[seq % people.length])}, ${q(`seed-${seq}`)}, 'text', ${q(deleted ? null : text)}, ${q(at.toISOString())}, ${q(deleted ? at.toISOString() : null)})`,
			);
			// D1 refuses a statement over 100 KB: 200 rows stay well under it.
			if (rows.length === 200) flush();
		}
	}
	flush();
	fs.closeSync(out);
	return { mine, written };
}

/** wrangler dev may reload while another wrangler wrote its local state: wait until it answers. */
async function waitHealthy(base, ms = 60_000) {
	const deadline = Date.now() + ms;
	for (;;) {
		if (await answers(`${base}/api/v1/health`)) return;
		if (Date.now() > deadline) throw new Error("search: the app did not answer after seeding");
		await sleep(300);
	}
}

export async function runSearch(
	target,
	{ messages, conversations, memberOf, samples, seedSql, adminToken, workDir, log },
) {
	const [searcher] = await target.registerUsers(1, { prefix: "search-" });
	const file = path.join(workDir, "search-seed.sql");
	const t0 = performance.now();
	const { mine, written } = writeSeed(file, { searcherId: searcher.id, conversations, messages, memberOf });
	const sizeMiB = fs.statSync(file).size / 2 ** 20;
	seedSql(file);
	await waitHealthy(target.base);
	const seedMs = performance.now() - t0;
	log?.(
		`  seeded ${written} messages in ${conversations} conversations (searcher in ${mine.length}; ${sizeMiB.toFixed(1)} MiB SQL) in ${(seedMs / 1000).toFixed(1)} s`,
	);
	// Every conversation into its room, as the admin command does for a deployment; D1's message
	// tables are dropped at the end, so nothing of the seed is left in D1.
	const t1 = performance.now();
	let after;
	let moved = 0;
	for (;;) {
		const step = await target.request("POST", "/admin/messages-to-rooms", {
			token: adminToken,
			body: after ? { after, limit: 50 } : { limit: 50 },
		});
		moved += step.moved;
		if (step.dropped) break;
		after = step.next;
	}
	const moveMs = performance.now() - t1;
	log?.(
		`  moved ${moved} conversations into their rooms (D1's message tables dropped) in ${(moveMs / 1000).toFixed(1)} s`,
	);

	const shapes = [
		{ label: "common word (the)", query: { q: "the" } },
		{ label: "mid word (exam)", query: { q: "exam" } },
		{ label: "two words (study group)", query: { q: "study group" } },
		{ label: "prefix (lect)", query: { q: "lect" } },
		{ label: "accent-free (cafe)", query: { q: "cafe" } },
		{ label: "rare word", query: { q: RARE } },
		{ label: "no match", query: { q: "xylophonic" } },
		{ label: "one conversation (the)", query: { q: "the", conversationId: mine[0] } },
		{ label: "page 2 (the)", query: { q: "the" }, secondPage: true },
	];
	// The first page of each shape (and the cursor for "page 2"), then the timed rounds: the shapes
	// interleaved, one request of each per round, so a burst of load on this machine lands on all
	// of them alike. `GET /me` is the floor: auth and one D1 read, no search.
	const prepared = [{ label: "floor: GET /me", path: "/me", query: {}, returned: null }];
	for (const shape of shapes) {
		let query = { ...shape.query, limit: 20 };
		const first = await target.request("GET", "/search/messages", { token: searcher.token, query });
		if (!Array.isArray(first.results)) throw new Error(`search failed: ${JSON.stringify(first).slice(0, 300)}`);
		if (shape.secondPage) {
			if (!first.nextCursor) throw new Error("search: no second page for a common word");
			query = { ...query, cursor: first.nextCursor };
		}
		prepared.push({ label: shape.label, path: "/search/messages", query, returned: first.results.length });
	}
	const samplesOf = prepared.map(() => new Samples(samples));
	for (let round = -10; round < samples; round++) {
		for (const [i, shape] of prepared.entries()) {
			const t0 = performance.now();
			await target.request("GET", shape.path, { token: searcher.token, query: shape.query });
			if (round >= 0) samplesOf[i].add(performance.now() - t0);
		}
	}
	const results = prepared.map((shape, i) => {
		const summary = samplesOf[i].summary();
		log?.(
			`  app   ${shape.label}${shape.returned === null ? "" : ` (${shape.returned} results)`}: p50 ${summary.p50} p90 ${summary.p90} p99 ${summary.p99} ms`,
		);
		return { label: shape.label, returned: shape.returned, ...summary };
	});
	return {
		messages: written,
		conversations,
		memberOf: mine.length,
		samples,
		seedMs: round(seedMs, 0),
		moveMs: round(moveMs, 0),
		shapes: results,
	};
}
