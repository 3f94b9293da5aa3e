// Issue 21: each room indexes its own messages with FTS5 in its Durable Object SQLite. This
// checks the runtime's SQLite has FTS5 with the tokenizer the search rules need
// (unicode61 remove_diacritics 2: case- and accent-insensitive words and prefixes).
import { runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import type { ConversationRoom } from "../src/durable/ConversationRoom";
import { roomStub } from "../src/durable/rpc";
import { env } from "./helpers";

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
