// PUT/DELETE /users/:id/block and GET /me/blocks. While A blocks B, B cannot start or write in
// their direct chat (the pair's room keeps the flag, room/blocks.ts) and neither sees the
// other's presence (the contacts and participants queries leave it out). Groups are unaffected.
import { createRoute } from "@hono/zod-openapi";
import { roomStub } from "../../durable/rpc";
import type { AppEnv } from "../../server/config";
import { listBlocked, setBlock } from "../../server/db/blocks";
import { userExists } from "../../server/db/users";
import { log } from "../../server/log";
import { BlockResult, IdParams, type User, UserList } from "../../shared/schemas";
import type { AuthVariables } from "../auth";
import { badRequest, notFound } from "../errors";
import { authed, errors, json, openApiRouter } from "../openapi";

const blockUser = createRoute({
	method: "put",
	path: "/users/{id}/block",
	tags: ["safety"],
	summary: "Block a user (idempotent; yourself: 400)",
	...authed,
	request: { params: IdParams },
	responses: { 200: json(BlockResult), ...errors(400, 401, 404) },
});
const unblockUser = createRoute({
	method: "delete",
	path: "/users/{id}/block",
	tags: ["safety"],
	summary: "Unblock a user (idempotent)",
	...authed,
	request: { params: IdParams },
	responses: { 200: json(BlockResult), ...errors(400, 401, 404) },
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
	if (blockedId === blockerId) throw badRequest("you cannot block yourself");
	if (!(await userExists(env, blockedId))) throw notFound("user");
	const direct = await setBlock(env, blockerId, blockedId, blocked, new Date().toISOString());
	// D1 has it; the pair's direct room (if any) enforces it on send without reading D1.
	if (direct) await roomStub(env, direct).setBlocked(blockerId, blockedId, blocked);
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
		const users: User[] = rows.map((r) => ({
			id: r.id,
			email: r.email,
			displayName: r.display_name,
			avatarUrl: r.avatar_url,
		}));
		return c.json({ users }, 200);
	});
