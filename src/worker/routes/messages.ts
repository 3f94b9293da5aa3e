// DELETE /messages/:id — for me (hidden from my history) or for everyone. Both go through the
// conversation's room, whose log knows the message even before D1 does.
import { Hono } from "hono";
import { z } from "zod";
import { conversationOfMessageId } from "../../durable/room/log";
import { roomStub } from "../../durable/rpc";
import type { AppEnv } from "../../server/config";
import { conversationOfVisibleMessage } from "../../server/db/messages";
import { isMember } from "../../server/db/participants";
import { type AuthVariables, requireUser } from "../auth";
import { notFound } from "../errors";
import { pathId, readQuery, unwrap } from "../http";

export const DeleteQuery = z.object({ scope: z.enum(["me", "everyone"]).default("me") });

/**
 * The conversation of a message the caller can see: from the id itself, or from D1 for older
 * ids (and for any id whose prefix is not a conversation of the caller's).
 */
async function conversationOfMessage(env: AppEnv, messageId: string, userId: string): Promise<string> {
	const fromId = conversationOfMessageId(messageId);
	if (fromId && (await isMember(env, fromId, userId))) return fromId;
	const conversationId = await conversationOfVisibleMessage(env, messageId, userId);
	if (!conversationId) throw notFound("message");
	return conversationId;
}

export const messageRoutes = new Hono<{ Bindings: AppEnv; Variables: AuthVariables }>()
	.use("/messages/*", requireUser)
	.delete("/messages/:id", async (c) => {
		const id = pathId(c, "id");
		const { scope } = readQuery(c, DeleteQuery);
		const me = c.get("userId");
		const conversationId = await conversationOfMessage(c.env, id, me);
		unwrap(await roomStub(c.env, conversationId).deleteMessage(me, id, scope));
		return c.body(null, 204);
	});
