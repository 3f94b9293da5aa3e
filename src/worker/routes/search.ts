// GET /search/messages — full-text search over the caller's conversations. Each room indexes its
// own messages (FTS5 in its SQLite, src/durable/room/search.ts; issue 21): the route asks the
// caller's rooms in waves, most recently active first (16, 16, 32, 64…, each wave's rooms in
// parallel), stopping once the page is full and no room left can beat it (or just the room named
// by `conversationId`), merges their newest-first pages and cuts one page with a cursor. Rooms answer from their log, which is
// the source of truth, so an edit or deletion leaves the results at once.
import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import type { SearchCursor } from "../../durable/room/search";
import { roomStub } from "../../durable/rpc";
import type { AppEnv } from "../../server/config";
import type { MessageSnapshot } from "../../server/db/messages";
import { conversationsByActivity, isMember } from "../../server/db/participants";
import { log } from "../../server/log";
import { ftsQuery, snippetFor } from "../../server/search";
import { toMessage } from "../../server/views";
import { MessageSearchQuery, SearchPage } from "../../shared/schemas";
import type { AuthVariables } from "../auth";
import { decodeCursor, encodeCursor } from "../cursor";
import { notFound } from "../errors";
import { publicOrigin } from "../http";
import { authed, errors, json, openApiRouter } from "../openapi";
import { chargeSearchRooms, takeSearch } from "../rateLimit";

/** A page ends after this message: its createdAt, conversation id and seq (the results' order). */
const SearchCursorSchema: z.ZodType<SearchCursor> = z.object({ at: z.string(), c: z.string(), s: z.number().int() });

const searchRoute = createRoute({
	method: "get",
	path: "/search/messages",
	tags: ["messages"],
	summary:
		"Full-text search (whole words and word prefixes, case- and accent-insensitive) in the caller's conversations, newest first, with plain-text snippets",
	...authed,
	request: { query: MessageSearchQuery },
	responses: { 200: json(SearchPage), ...errors(400, 401, 404, 429) },
});

/**
 * Rooms are asked in waves, most recently active first: 16, 16 again, then each wave twice the
 * one before (16, 16, 32, 64…: a word found nowhere asks 300 rooms in 6 round trips, while a
 * common word usually stops after the second wave, once the first has set the page's cutoff).
 * Chosen by measurement (docs/benchmarks.md "Search").
 */
const WAVES = [16, 16];

/** The size of wave `i` (0-based). */
const waveSize = (i: number) => WAVES[i] ?? (WAVES.at(-1) as number) * 2 ** (i - WAVES.length + 1);

/** Newest first: createdAt, then conversation id, then seq, all descending (the cursor's order). */
function newerFirst(a: MessageSnapshot, b: MessageSnapshot): number {
	if (a.created_at !== b.created_at) return a.created_at < b.created_at ? 1 : -1;
	if (a.conversation_id !== b.conversation_id) return a.conversation_id < b.conversation_id ? 1 : -1;
	return b.seq - a.seq;
}

export const searchRoutes = openApiRouter<{ Bindings: AppEnv; Variables: AuthVariables }>().openapi(
	searchRoute,
	async (c) => {
		const query = c.req.valid("query");
		const me = c.get("userId");
		await takeSearch(c.env, c.req.raw, me);
		if (query.conversationId !== undefined && !(await isMember(c.env, query.conversationId, me))) {
			throw notFound("conversation");
		}
		const after = query.cursor ? await decodeCursor(c.env, query.cursor, SearchCursorSchema) : null;
		const match = ftsQuery(query.q);
		// Only punctuation: no word can match it.
		if (!match) return c.json({ results: [], nextCursor: null }, 200);
		// Every room answers its own newest `limit + 1` below the cursor (and not older than the
		// page's cutoff so far); the merged page is then exact.
		let roomsAsked = 0;
		const ask = async (ids: string[], notBefore: string | null) => {
			roomsAsked += ids.length;
			return (
				await Promise.all(
					ids.map(async (id) => {
						const answer = await roomStub(c.env, id).search(me, match, query.limit + 1, after, notBefore);
						if (!answer.ok && answer.status !== 404) {
							log.warn("search_room_failed", { conversationId: id, status: answer.status });
						}
						return answer.ok ? answer.value.hits : [];
					}),
				)
			).flat();
		};
		let hits: MessageSnapshot[];
		if (query.conversationId !== undefined) hits = await ask([query.conversationId], null);
		else {
			// The most recently active rooms first, in growing waves; a room whose last activity is
			// older than the page's (limit + 1)th result so far cannot add to it (no room holds a
			// message newer than its last activity), and neither can any room after it.
			const rooms = await conversationsByActivity(c.env, me);
			hits = [];
			let next = 0;
			for (let i = 0; next < rooms.length; i++) {
				const wave = waveSize(i);
				const cutoff = hits[query.limit]?.created_at ?? null;
				const batch = rooms.slice(next, next + wave).filter((r) => !cutoff || r.last_activity_at >= cutoff);
				if (batch.length === 0) break;
				next += wave;
				hits.push(
					...(await ask(
						batch.map((r) => r.id),
						cutoff,
					)),
				);
				hits.sort(newerFirst);
				hits.length = Math.min(hits.length, query.limit + 1);
			}
		}
		hits.sort(newerFirst);
		// What this search cost counts against the user's next ones (after the answer: no wait for it).
		c.executionCtx.waitUntil(
			chargeSearchRooms(c.env, me, roomsAsked).catch((err) =>
				log.warn("search_charge_failed", { userId: me, error: String(err) }),
			),
		);
		const page = hits.slice(0, query.limit);
		const origin = publicOrigin(c);
		const results = await Promise.all(
			page.map(async ({ quoted, ...record }) => ({
				message: await toMessage(c.env, origin, record, new Map(quoted ? [[quoted.id, quoted]] : [])),
				snippet: snippetFor(record.text ?? "", query.q),
			})),
		);
		const last = page.at(-1);
		const next: SearchCursor | null =
			hits.length > query.limit && last ? { at: last.created_at, c: last.conversation_id, s: last.seq } : null;
		return c.json({ results, nextCursor: next ? await encodeCursor(c.env, next) : null }, 200);
	},
);
