// DELETE /messages/:id — for me (hidden from my history) or for everyone; PATCH /messages/:id —
// edit; PUT/DELETE /messages/:id/reactions/:emoji. All go through the conversation's room,
// whose log knows the message even before D1 does, and answer once D1 has the change.
import { Hono } from "hono";
import { z } from "zod";
import { conversationOfMessageId } from "../../durable/room/log";
import { roomStub } from "../../durable/rpc";
import type { AppEnv } from "../../server/config";
import { conversationOfVisibleMessage } from "../../server/db/messages";
import { isMember } from "../../server/db/participants";
import { EditMessageBody, isOneEmoji, MAX_EMOJI_BYTES } from "../../shared/schemas";
import { type AuthVariables, requireUser } from "../auth";
import { badRequest, notFound } from "../errors";
import { pathId, publicOrigin, readJson, readQuery, unwrap } from "../http";

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
	})
	.patch("/messages/:id", async (c) => {
		const id = pathId(c, "id");
		const body = await readJson(c, EditMessageBody);
		const me = c.get("userId");
		const conversationId = await conversationOfMessage(c.env, id, me);
		const result = unwrap(
			await roomStub(c.env, conversationId).editMessage(me, id, body.text, publicOrigin(c), { viaRest: true }),
		);
		return c.json({ message: result.message });
	})
	.put("/messages/:id/reactions/:emoji", async (c) => {
		const id = pathId(c, "id");
		const emoji = emojiParam(c.req.param("emoji"));
		const me = c.get("userId");
		const conversationId = await conversationOfMessage(c.env, id, me);
		return c.json(unwrap(await roomStub(c.env, conversationId).react(me, id, emoji, "add", { viaRest: true })));
	})
	.delete("/messages/:id/reactions/:emoji", async (c) => {
		const id = pathId(c, "id");
		const emoji = emojiParam(c.req.param("emoji"));
		const me = c.get("userId");
		const conversationId = await conversationOfMessage(c.env, id, me);
		return c.json(unwrap(await roomStub(c.env, conversationId).react(me, id, emoji, "remove", { viaRest: true })));
	});

/** The `:emoji` path segment (URL-decoded by the router): one emoji of at most 32 bytes, else 400. */
function emojiParam(value: string | undefined): string {
	if (value === undefined || !isOneEmoji(value)) {
		throw badRequest("emoji must be one emoji", {
			fields: [{ path: "emoji", message: `one emoji of at most ${MAX_EMOJI_BYTES} bytes, URL-encoded` }],
		});
	}
	return value;
}
