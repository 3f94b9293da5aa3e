// Issue 21's admin command (POST /admin/messages-to-rooms, run by scripts/messages-to-rooms.mjs):
// what an older deployment still has in D1's `messages` moves into the rooms, then the table and
// its search index are dropped; history, the list, search, reports and older message ids keep
// working, and the command can be stopped and run again.
import { describe, expect, it } from "vitest";
import { api, env, registerUser, sendText, type TestUser } from "./helpers";

const ADMIN = { Authorization: `Bearer ${env.ADMIN_TOKEN}` };

/** A direct conversation that exists only in D1, as an older deployment left it (UUID message ids). */
async function olderConversation(a: TestUser, b: TestUser, texts: string[]) {
	const id = crypto.randomUUID();
	const now = new Date(Date.now() - 60_000).toISOString();
	const ids = texts.map(() => crypto.randomUUID());
	const insert = env.DB.prepare(
		`INSERT INTO messages (id, conversation_id, seq, sender_id, client_id, kind, text, created_at)
		 VALUES (?, ?, ?, ?, ?, 'text', ?, ?)`,
	);
	await env.DB.batch([
		env.DB.prepare(
			`INSERT INTO conversations (id, type, title, direct_key, created_by, created_at, last_activity_at, last_seq)
			 VALUES (?, 'direct', NULL, ?, ?, ?, ?, ?)`,
		).bind(id, [a.user.id, b.user.id].sort().join(":"), a.user.id, now, now, texts.length),
		env.DB.prepare(
			"INSERT INTO participants (conversation_id, user_id, role, joined_at) VALUES (?, ?, 'member', ?), (?, ?, 'member', ?)",
		).bind(id, a.user.id, now, id, b.user.id, now),
		...texts.map((text, i) => insert.bind(ids[i], id, i + 1, a.user.id, `old-${i}`, text, now)),
		env.DB.prepare("INSERT INTO hidden_messages (user_id, message_id, hidden_at) VALUES (?, ?, ?)").bind(
			b.user.id,
			ids[0],
			now,
		),
	]);
	return { id, ids };
}

const move = (body: unknown, headers: Record<string, string> = ADMIN) =>
	api("POST", "/admin/messages-to-rooms", { body, headers });

/** Migration 0007's fill statements (the INSERTs and UPDATEs that read D1's messages), run again over rows added since. */
async function fillLikeMigration0007() {
	const migration = env.TEST_MIGRATIONS.find((m) => m.name.startsWith("0007"));
	const fills = (migration?.queries ?? []).filter((q) =>
		/^\s*(INSERT|UPDATE)/i.test(q.replace(/^(\s*--[^\n]*\n)+/, "")),
	);
	expect(fills.length).toBeGreaterThan(0);
	await env.DB.batch(fills.map((q) => env.DB.prepare(q)));
}

describe("migration 0007 on an older deployment", () => {
	it("gives the list its last message and badges from D1's messages before any room loads", async () => {
		const [a, b] = await Promise.all([registerUser("Asha"), registerUser("Ben")]);
		const older = await olderConversation(a, b, ["one", "two", "three"]);
		await fillLikeMigration0007();
		const list = await api("GET", "/conversations", { token: b.token });
		// Ben hid "one" (not the latest): his badge leaves it out; his last message is the conversation's.
		expect(list.body.conversations.find((x: { id: string }) => x.id === older.id)).toMatchObject({
			unreadCount: 2,
			lastMessage: { text: "three", seq: 3 },
		});
		const mine = await api("GET", "/conversations", { token: a.token });
		expect(mine.body.conversations.find((x: { id: string }) => x.id === older.id)).toMatchObject({ unreadCount: 0 });
	});
});

describe("POST /admin/messages-to-rooms", () => {
	it("answers 401 without the admin token, even to a signed-in user, and refuses a bad body with 400", async () => {
		const user = await registerUser("Student");
		expect((await move({}, {})).status).toBe(401);
		expect((await move({}, { Authorization: `Bearer ${user.token}` })).status).toBe(401);
		expect((await move({ limit: 0 })).status).toBe(400);
	});

	it("moves every conversation into its room in restartable steps, then drops D1's messages", async () => {
		const [a, b] = await Promise.all([registerUser("Asha"), registerUser("Ben")]);
		const c = await registerUser("Chloe");
		const word = `mv${crypto.randomUUID().slice(0, 8)}`;
		const first = await olderConversation(a, b, [`${word} one`, `${word} two`, `${word} three`]);
		const second = await olderConversation(a, c, [`${word} four`]);
		// A step that stops after one conversation, and a restart from the beginning: both fine.
		const step = await move({ limit: 1 });
		expect(step.status).toBe(200);
		expect(step.body).toMatchObject({ moved: 1, dropped: false });
		let answer = await move({ limit: 1 });
		for (let i = 0; i < 10 && !answer.body.dropped; i++) answer = await move({ limit: 1, after: answer.body.next });
		expect(answer.body.dropped).toBe(true);
		const tables = await env.DB.prepare(
			"SELECT name FROM sqlite_master WHERE name IN ('messages', 'hidden_messages', 'messages_fts')",
		).all();
		expect(tables.results).toEqual([]);
		// Run again after the drop: nothing to do.
		expect((await move({})).body).toEqual({ moved: 0, next: null, dropped: true });

		// History, with Ben's hidden message still hidden from him.
		const history = await api("GET", `/conversations/${first.id}/messages?afterSeq=0`, { token: b.token });
		expect(history.body.messages.map((m: { text: string }) => m.text)).toEqual([`${word} two`, `${word} three`]);
		// The list: last message and badges.
		const list = await api("GET", "/conversations", { token: b.token });
		expect(list.body.conversations.find((x: { id: string }) => x.id === first.id)).toMatchObject({
			unreadCount: 2,
			lastMessage: { text: `${word} three` },
		});
		// Search in the rooms.
		const found = await api("GET", `/search/messages?q=${word}`, { token: a.token });
		expect(found.body.results.map((r: { message: { text: string } }) => r.message.text)).toEqual([
			`${word} four`,
			`${word} three`,
			`${word} two`,
			`${word} one`,
		]);
		// An older id (no conversation prefix) still reaches its room: react, report, delete.
		const [oldId] = second.ids;
		const reacted = await api("PUT", `/messages/${oldId}/reactions/${encodeURIComponent("👍")}`, { token: c.token });
		expect(reacted.status).toBe(200);
		const report = await api("POST", `/messages/${oldId}/report`, { token: c.token, body: { reason: "spam" } });
		expect(report.status).toBe(201);
		const copied = await env.DB.prepare("SELECT message_text, conversation_id FROM reports WHERE id = ?")
			.bind(report.body.report.id)
			.first();
		expect(copied).toEqual({ message_text: `${word} four`, conversation_id: second.id });
		expect((await api("DELETE", `/messages/${oldId}?scope=everyone`, { token: a.token })).status).toBe(204);
		// New messages after the move.
		expect((await sendText(b, first.id, "after the move")).seq).toBe(4);
	});
});
