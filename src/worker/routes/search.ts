// GET /search/messages — full-text search over the caller's conversations, from D1's FTS5
// index (migrations/0003). D1 is at most one outbox flush (<= 250 ms) behind the rooms, so an
// edit or deletion leaves the results within the contract's second.
import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import type { AppEnv } from "../../server/config";
import { quotedMessages, searchMessages, searchScanFloor } from "../../server/db/messages";
import { isMember } from "../../server/db/participants";
import { ftsQuery, MAX_SCAN, snippetFor } from "../../server/search";
import { toMessage } from "../../server/views";
import { MessageSearchQuery, SearchPage } from "../../shared/schemas";
import type { AuthVariables } from "../auth";
import { decodeCursor, encodeCursor } from "../cursor";
import { notFound } from "../errors";
import { publicOrigin } from "../http";
import { authed, errors, json, openApiRouter } from "../openapi";
import { takeSearch } from "../rateLimit";

/** A page ends after this message: its D1 rowid (across conversations) or seq (within one). */
const SearchCursor = z.union([z.object({ row: z.number().int() }), z.object({ seq: z.number().int() })]);

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

export const searchRoutes = openApiRouter<{ Bindings: AppEnv; Variables: AuthVariables }>().openapi(
	searchRoute,
	async (c) => {
		const query = c.req.valid("query");
		const me = c.get("userId");
		await takeSearch(c.env, c.req.raw, me);
		if (query.conversationId !== undefined && !(await isMember(c.env, query.conversationId, me))) {
			throw notFound("conversation");
		}
		const after = query.cursor ? await decodeCursor(c.env, query.cursor, SearchCursor) : null;
		const match = ftsQuery(query.q);
		// Only punctuation: no word can match it.
		if (!match) return c.json({ results: [], nextCursor: null }, 200);
		const hits = await searchMessages(c.env.DB, {
			userId: me,
			match,
			conversationId: query.conversationId,
			limit: query.limit + 1,
			scan: MAX_SCAN,
			after,
		});
		const page = hits.slice(0, query.limit);
		const origin = publicOrigin(c);
		const quoted = await quotedMessages(c.env.DB, page, me);
		const results = await Promise.all(
			page.map(async ({ row: _row, ...record }) => ({
				message: await toMessage(c.env, origin, record, quoted),
				snippet: snippetFor(record.text ?? "", query.q),
			})),
		);
		const last = page.at(-1);
		let next: z.infer<typeof SearchCursor> | null =
			hits.length > query.limit && last ? (query.conversationId ? { seq: last.seq } : { row: last.row }) : null;
		if (!next && !query.conversationId) {
			// A short page across conversations may have stopped at the scan bound: the next page
			// goes on below where this one stopped walking (possibly with fewer results than asked).
			const below = after && "row" in after ? after.row : Number.MAX_SAFE_INTEGER;
			const floor = await searchScanFloor(c.env.DB, match, below, MAX_SCAN);
			if (floor !== null) next = { row: floor };
		}
		return c.json({ results, nextCursor: next ? await encodeCursor(c.env, next) : null }, 200);
	},
);
