import { is } from "drizzle-orm";
import { getTableConfig, SQLiteTable } from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import * as schema from "../src/server/db/schema";
import { env } from "./helpers";

interface ColumnInfo {
	name: string;
	type: string;
	notnull: number;
	pk: number;
}

const tables = (Object.values(schema) as unknown[])
	.filter((value): value is SQLiteTable => is(value, SQLiteTable))
	.map((table) => getTableConfig(table));

async function migratedColumns(table: string): Promise<Map<string, ColumnInfo>> {
	const { results } = await env.DB.prepare(`PRAGMA table_info(${JSON.stringify(table)})`).all<ColumnInfo>();
	return new Map(results.map((c) => [c.name, c]));
}

describe("drizzle schema and migrations", () => {
	it("describes the tables the migrations create", () => {
		expect(tables.map((t) => t.name).sort()).toEqual(
			[
				"auth_rate_limits",
				"conversation_invites",
				"conversations",
				"hidden_messages",
				"image_refs",
				"legacy_message_ids",
				"messages",
				"participants",
				"push_subscriptions",
				"realtime_tickets",
				"reports",
				"sessions",
				"uploads",
				"user_blocks",
				"users",
			].sort(),
		);
	});

	for (const table of tables) {
		it(`has every column of ${table.name} in the migrated D1, with the same type and nullability`, async () => {
			const migrated = await migratedColumns(table.name);
			expect(migrated.size, `${table.name} is missing from the migrations`).toBeGreaterThan(0);
			for (const column of table.columns) {
				const info = migrated.get(column.name);
				expect(info, `${table.name}.${column.name} is missing from the migrations`).toBeDefined();
				const sqlType = column.getSQLType().toUpperCase();
				expect(info?.type.toUpperCase(), `${table.name}.${column.name} type`).toBe(sqlType);
				// A primary key column is NOT NULL in drizzle; SQLite reports notnull only where it was written.
				const notNull = Boolean(info?.notnull) || (info?.pk ?? 0) > 0;
				expect(notNull, `${table.name}.${column.name} nullability`).toBe(column.notNull);
			}
		});
	}

	it("has no migrated table that the drizzle schema forgot, besides D1's own and the search index", async () => {
		const { results } = await env.DB.prepare(
			"SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'd1_%'",
		).all<{ name: string }>();
		const known = new Set(tables.map((t) => t.name));
		// messages_fts (FTS5, migration 0003) and its shadow tables are kept by triggers, not queried through drizzle.
		const searchIndex = (name: string) => name === "messages_fts" || name.startsWith("messages_fts_");
		expect(results.map((r) => r.name).filter((name) => !known.has(name) && !searchIndex(name))).toEqual([]);
	});
});
