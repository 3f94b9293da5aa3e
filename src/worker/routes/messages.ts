// DELETE /messages/:id — for me (hidden from my history) or for everyone. Both go through the
// conversation's room, whose log knows the message even before D1 does.
import { createRoute } from "@hono/zod-openapi";
import { conversationOfMessageId } from "../../durable/room/log";
import { roomStub } from "../../durable/rpc";
import type { AppEnv } from "../../server/config";
import { conversationOfVisibleMessage } from "../../server/db/messages";
import { isMember } from "../../server/db/participants";
import { DeleteQuery, IdParams } from "../../shared/schemas";
import type { AuthVariables } from "../auth";
import { notFound } from "../errors";
import { unwrap } from "../http";
import { authed, errors, openApiRouter } from "../openapi";

export { DeleteQuery };

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

const deleteMessage = createRoute({
	method: "delete",
	path: "/messages/{id}",
	tags: ["messages"],
	summary: "Delete for me (hide) or for everyone (sender, or a group admin)",
	...authed,
	request: { params: IdParams, query: DeleteQuery },
	responses: { 204: { description: "No Content" }, ...errors(400, 401, 403, 404) },
});

export const messageRoutes = openApiRouter<{ Bindings: AppEnv; Variables: AuthVariables }>().openapi(
	deleteMessage,
	async (c) => {
		const { id } = c.req.valid("param");
		const { scope } = c.req.valid("query");
		const me = c.get("userId");
		const conversationId = await conversationOfMessage(c.env, id, me);
		unwrap(await roomStub(c.env, conversationId).deleteMessage(me, id, scope));
		return c.body(null, 204);
	},
);
