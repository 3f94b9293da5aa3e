// PUT/DELETE /users/:id/block and GET /me/blocks. While A blocks B, B cannot start or write in
// their direct chat (the pair's room holds the flag, read from D1, room/blocks.ts) and neither sees the
// other's presence (the contacts and participants queries leave it out). Groups are unaffected.
import { createRoute } from "@hono/zod-openapi";
import { hubStub, roomStub } from "../../durable/rpc";
import { CONTACT_GROUP_MAX } from "../../durable/UserHub";
import type { AppEnv } from "../../server/config";
import { listBlocked, setBlock } from "../../server/db/blocks";
import { presenceBetween, userExists } from "../../server/db/users";
import { log } from "../../server/log";
import { toUser } from "../../server/views";
import type { ServerEvent } from "../../shared/schemas";
import { BlockResult, IdParams, UserList } from "../../shared/schemas";
import type { AuthVariables } from "../auth";
import { ApiError, badRequest, notFound } from "../errors";
import { authed, errors, json, openApiRouter } from "../openapi";

const blockUser = createRoute({
	method: "put",
	path: "/users/{id}/block",
	tags: ["safety"],
	summary: "Block a user (idempotent; yourself: 400)",
	...authed,
	request: { params: IdParams },
	responses: { 200: json(BlockResult), ...errors(400, 401, 404, 503) },
});
const unblockUser = createRoute({
	method: "delete",
	path: "/users/{id}/block",
	tags: ["safety"],
	summary: "Unblock a user (idempotent)",
	...authed,
	request: { params: IdParams },
	responses: { 200: json(BlockResult), ...errors(400, 401, 404, 503) },
});
const myBlocks = createRoute({
	method: "get",
	path: "/me/blocks",
	tags: ["safety"],
	summary: "The users the caller blocks (no presence)",
	...authed,
	responses: { 200: json(UserList), ...errors(401) },
});

async function changeBlock(env: AppEnv, blockerId: string, blockedId: string, blocked: boolean) {
	if (blockedId === blockerId) {
		throw badRequest("you cannot block yourself", { fields: [{ path: "id", message: "is your own id" }] });
	}
	if (!(await userExists(env, blockedId))) throw notFound("user");
	const direct = await setBlock(env, blockerId, blockedId, blocked, new Date().toISOString());
	// D1 has it; the pair's direct room (if any) reads it again and enforces it on send. If the
	// room cannot be told, the caller is asked to retry (the call is idempotent): until then the
	// room may go by what it read before, at the latest until it next wakes and reads D1.
	if (direct) {
		const reached = await roomStub(env, direct)
			.blocksChanged()
			.then((result) => (result.ok ? null : result.message))
			.catch((err: unknown) => String(err));
		if (reached !== null) {
			log.error("block_room_update_failed", {
				blockerId,
				blockedId,
				blocked,
				directConversationId: direct,
				error: reached,
			});
			throw new ApiError(503, "the change is saved but did not reach your conversation yet; try again", undefined, 1);
		}
	}
	log.info(blocked ? "user_blocked" : "user_unblocked", { blockerId, blockedId, directConversationId: direct });
	return { blocked };
}

/**
 * Presence follows a block at once (issue 22.5), not at the next reload: on a block each of the
 * pair gets the other's `user:offline` with no `lastSeenAt` (presence hidden, as a snapshot
 * shows it); on an unblock that makes them contacts again, each gets the other's state.
 */
async function announceBlockPresence(env: AppEnv, blockerId: string, blockedId: string, blocked: boolean) {
	const tell = (to: string, event: ServerEvent) =>
		hubStub(env, to)
			.presence(event)
			.catch((err: unknown) => log.warn("block_presence_failed", { to, error: String(err) }));
	try {
		if (blocked) {
			await Promise.all([
				tell(blockedId, { type: "user:offline", data: { userId: blockerId } }),
				tell(blockerId, { type: "user:offline", data: { userId: blockedId } }),
			]);
			return;
		}
		const rows = await presenceBetween(env, blockerId, blockedId, CONTACT_GROUP_MAX);
		await Promise.all(
			rows.map((row) =>
				tell(
					row.id === blockerId ? blockedId : blockerId,
					row.online
						? { type: "user:online", data: { userId: row.id } }
						: { type: "user:offline", data: { userId: row.id, lastSeenAt: row.last_seen_at ?? undefined } },
				),
			),
		);
	} catch (err) {
		log.error("block_presence_failed", { blockerId, blockedId, blocked, error: String(err) });
	}
}

export const blockRoutes = openApiRouter<{ Bindings: AppEnv; Variables: AuthVariables }>()
	.openapi(blockUser, async (c) => {
		const result = await changeBlock(c.env, c.get("userId"), c.req.valid("param").id, true);
		c.executionCtx.waitUntil(announceBlockPresence(c.env, c.get("userId"), c.req.valid("param").id, true));
		return c.json(result, 200);
	})
	.openapi(unblockUser, async (c) => {
		const result = await changeBlock(c.env, c.get("userId"), c.req.valid("param").id, false);
		c.executionCtx.waitUntil(announceBlockPresence(c.env, c.get("userId"), c.req.valid("param").id, false));
		return c.json(result, 200);
	})
	.openapi(myBlocks, async (c) => {
		const rows = await listBlocked(c.env, c.get("userId"));
		// Who they are, never their presence.
		return c.json({ users: rows.map((row) => toUser({ ...row, presence_hidden: 1 })) }, 200);
	});
