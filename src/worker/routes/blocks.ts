// PUT/DELETE /users/:id/block and GET /me/blocks. While A blocks B, B cannot start or write in
// their direct chat (the pair's room holds the flag, read from D1, room/blocks.ts) and neither sees the
// other's presence (the contacts and participants queries leave it out). Groups are unaffected.
import { createRoute } from "@hono/zod-openapi";
import { roomStub } from "../../durable/rpc";
import type { AppEnv } from "../../server/config";
import { listBlocked, setBlock } from "../../server/db/blocks";
import { userExists } from "../../server/db/users";
import { log } from "../../server/log";
import { toUser } from "../../server/views";
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

export const blockRoutes = openApiRouter<{ Bindings: AppEnv; Variables: AuthVariables }>()
	.openapi(blockUser, async (c) =>
		c.json(await changeBlock(c.env, c.get("userId"), c.req.valid("param").id, true), 200),
	)
	.openapi(unblockUser, async (c) =>
		c.json(await changeBlock(c.env, c.get("userId"), c.req.valid("param").id, false), 200),
	)
	.openapi(myBlocks, async (c) => {
		const rows = await listBlocked(c.env, c.get("userId"));
		// Who they are, never their presence.
		return c.json({ users: rows.map((row) => toUser({ ...row, presence_hidden: 1 })) }, 200);
	});
