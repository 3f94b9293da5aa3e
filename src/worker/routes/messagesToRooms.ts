// POST /admin/messages-to-rooms — the admin command that finishes issue 21 on a deployment that
// still has messages in D1 (scripts/messages-to-rooms.mjs calls it until it says `dropped`).
// Each call takes the next conversations (by id) that D1's `messages` has rows of: their room
// imports them if its log is empty (rooms that already have a log hold everything D1 has) and
// writes the list's figures to D1; the route keeps the older message ids' routes and checks the
// room holds D1's highest seq. When no conversation is left it drops D1's message tables. Every
// step is idempotent, so the command can stop anywhere and be run again from the start.
// Authorised by the ADMIN_TOKEN secret only: any other bearer is 401; with no ADMIN_TOKEN
// configured the route does not exist (404).
import { createRoute } from "@hono/zod-openapi";
import { roomStub } from "../../durable/rpc";
import type { AppEnv } from "../../server/config";
import {
	conversationsWithLegacyMessages,
	dropLegacyMessages,
	keepLegacyMessageIds,
	legacyMessagesPresent,
} from "../../server/db/legacyMessages";
import { timingSafeEqual } from "../../server/encoding";
import { log } from "../../server/log";
import { MessagesToRoomsBody, MessagesToRoomsResult } from "../../shared/schemas";
import { ApiError, notFound } from "../errors";
import { errors, json, jsonBody, openApiRouter } from "../openapi";

const moveRoute = createRoute({
	method: "post",
	path: "/admin/messages-to-rooms",
	tags: ["admin"],
	summary:
		"Admin (ADMIN_TOKEN): move the next conversations' messages from D1 into their rooms; drop D1's message tables when none is left",
	security: [{ adminToken: [] as string[] }],
	request: { body: jsonBody(MessagesToRoomsBody) },
	responses: { 200: json(MessagesToRoomsResult), ...errors(400, 401, 404, 503) },
});

const encoder = new TextEncoder();

/** Whether the request carries the admin token; throws 404 when none is configured. */
function isAdmin(env: AppEnv, header: string | undefined): boolean {
	const token = env.ADMIN_TOKEN;
	if (!token || token.length < 32) throw notFound("route");
	if (!header?.startsWith("Bearer ")) return false;
	return timingSafeEqual(encoder.encode(header.slice("Bearer ".length)), encoder.encode(token));
}

export const messagesToRoomsRoutes = openApiRouter<{ Bindings: AppEnv }>().openapi(moveRoute, async (c) => {
	if (!isAdmin(c.env, c.req.header("Authorization"))) throw new ApiError(401, "admin token required");
	const body = c.req.valid("json");
	if (!(await legacyMessagesPresent(c.env))) return c.json({ moved: 0, next: null, dropped: true }, 200);
	const limit = body.limit;
	const page = await conversationsWithLegacyMessages(c.env, body.after ?? "", limit);
	for (const { conversation_id: id, max_seq: maxSeq } of page) {
		await keepLegacyMessageIds(c.env, id);
		const moved = await roomStub(c.env, id).moveFromD1();
		if (!moved.ok || moved.lastSeq < maxSeq) {
			log.error("messages_to_rooms_failed", { conversationId: id, roomLastSeq: moved.lastSeq, d1MaxSeq: maxSeq });
			throw new ApiError(503, `conversation ${id} could not be moved yet; run the command again`);
		}
	}
	if (page.length === limit) {
		const next = page.at(-1)?.conversation_id ?? null;
		log.info("messages_to_rooms_progress", { moved: page.length, next });
		return c.json({ moved: page.length, next, dropped: false }, 200);
	}
	await dropLegacyMessages(c.env);
	log.info("messages_to_rooms_done", { moved: page.length });
	return c.json({ moved: page.length, next: null, dropped: true }, 200);
});
