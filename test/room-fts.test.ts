// Issue 21: each room indexes its own messages with FTS5 in its Durable Object SQLite. This
// checks the runtime's SQLite has FTS5 with the tokenizer the search rules need
// (unicode61 remove_diacritics 2: case- and accent-insensitive words and prefixes), and that a
// room's search answers only what can still make a page across rooms.
import { runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import type { ConversationRoom } from "../src/durable/ConversationRoom";
import { roomStub } from "../src/durable/rpc";
import { ftsQuery } from "../src/server/search";
import { env, groupChat, registerUser, sendText } from "./helpers";

it("a room's SQLite has FTS5 with unicode61 remove_diacritics 2", async () => {
	const stub = roomStub(env, `fts-probe-${crypto.randomUUID()}`) as unknown as DurableObjectStub<ConversationRoom>;
	const found = await runInDurableObject(stub, (_room, state) => {
		const sql = state.storage.sql;
		sql.exec("CREATE VIRTUAL TABLE probe_fts USING fts5(text, tokenize = 'unicode61 remove_diacritics 2')");
		sql.exec("INSERT INTO probe_fts (rowid, text) VALUES (1, 'Rendez-vous au Café Crème'), (2, 'nothing here')");
		const rows = sql
			.exec<{ rowid: number }>(`SELECT rowid FROM probe_fts WHERE probe_fts MATCH '"cafe"* "CREM"*'`)
			.toArray();
		sql.exec("DROP TABLE probe_fts");
		return rows.map((r) => r.rowid);
	});
	expect(found).toEqual([1]);
});

it("a room's search answers only what can still make the page: its newest matches, none older than the page's cutoff", async () => {
	const me = await registerUser("Cutoff");
	const peer = await registerUser("CutoffPeer");
	const chat = await groupChat(me, [peer], "Cutoff");
	const sent = [];
	for (let i = 0; i < 4; i++) sent.push(await sendText(peer, chat.id, `cutoffword ${i}`));
	const stub = roomStub(env, chat.id);
	const match = ftsQuery("cutoffword") as string;
	const texts = (answer: Awaited<ReturnType<typeof stub.search>>) =>
		answer.ok ? answer.value.hits.map((h) => h.text) : answer;
	// Newest first, at most `limit`.
	expect(texts(await stub.search(me.user.id, match, 2, null))).toEqual(["cutoffword 3", "cutoffword 2"]);
	// Nothing older than the cutoff (the createdAt of message 1), whatever the limit.
	const cutoff = sent[1]?.createdAt as string;
	expect(texts(await stub.search(me.user.id, match, 20, null, cutoff))).toEqual([
		"cutoffword 3",
		"cutoffword 2",
		"cutoffword 1",
	]);
	// A non-member gets the room's 404, cutoff or not.
	const stranger = await registerUser("CutoffStranger");
	const refused = await stub.search(stranger.user.id, match, 20, null, cutoff);
	expect(refused.ok).toBe(false);
});
