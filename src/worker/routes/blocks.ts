// PUT/DELETE /users/:id/block and GET /me/blocks. While A blocks B, B cannot start or write in
// their direct chat (the pair's room keeps the flag, room/blocks.ts) and neither sees the
// other's presence (the contacts and participants queries leave it out). Groups are unaffected.
import { Hono } from "hono";
import { roomStub } from "../../durable/rpc";
import type { AppEnv } from "../../server/config";
import { listBlocked, setBlock } from "../../server/db/blocks";
import { userExists } from "../../server/db/users";
import { log } from "../../server/log";
import type { User } from "../../shared/schemas";
import { type AuthVariables, requireUser } from "../auth";
import { badRequest, notFound } from "../errors";
import { pathId } from "../http";

type Vars = { Bindings: AppEnv; Variables: AuthVariables };

async function changeBlock(env: AppEnv, blockerId: string, blockedId: string, blocked: boolean) {
	if (blockedId === blockerId) throw badRequest("you cannot block yourself");
	if (!(await userExists(env, blockedId))) throw notFound("user");
	const direct = await setBlock(env, blockerId, blockedId, blocked, new Date().toISOString());
	// D1 has it; the pair's direct room (if any) enforces it on send without reading D1.
	if (direct) await roomStub(env, direct).setBlocked(blockerId, blockedId, blocked);
	log.info(blocked ? "user_blocked" : "user_unblocked", { blockerId, blockedId, directConversationId: direct });
	return { blocked };
}

export const blockRoutes = new Hono<Vars>()
	.put("/users/:id/block", requireUser, async (c) =>
		c.json(await changeBlock(c.env, c.get("userId"), pathId(c, "id"), true)),
	)
	.delete("/users/:id/block", requireUser, async (c) =>
		c.json(await changeBlock(c.env, c.get("userId"), pathId(c, "id"), false)),
	)
	.get("/me/blocks", requireUser, async (c) => {
		const rows = await listBlocked(c.env, c.get("userId"));
		// Who they are, never their presence.
		const users: User[] = rows.map((r) => ({
			id: r.id,
			email: r.email,
			displayName: r.display_name,
			avatarUrl: r.avatar_url,
		}));
		return c.json({ users });
	});
