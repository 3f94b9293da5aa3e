// DELETE /messages/:id — for me (hidden from my history) or for everyone; PATCH /messages/:id —
// edit; PUT/DELETE /messages/:id/reactions/:emoji. All go through the conversation's room,
// whose log knows the message even before D1 does, and answer once D1 has the change.
import { createRoute } from "@hono/zod-openapi";
import { conversationOfMessageId } from "../../durable/room/log";
import { roomStub } from "../../durable/rpc";
import type { AppEnv } from "../../server/config";
import { conversationOfVisibleMessage } from "../../server/db/messages";
import { isMember } from "../../server/db/participants";
import {
	DeleteQuery,
	EditMessageBody,
	ForwardBody,
	ForwardResult,
	IdParams,
	MAX_EMOJI_BYTES,
	MessageResult,
	ReactionParams,
	ReactionsResult,
	reactionEmoji,
	VoteBody,
	VoteResult,
} from "../../shared/schemas";
import type { AuthVariables } from "../auth";
import { ApiError, badRequest, notFound } from "../errors";
import { publicOrigin, unwrap } from "../http";
import { authed, errors, json, jsonBody, openApiRouter } from "../openapi";

/**
 * The conversation of a message the caller can see: from the id itself, or from D1 for older
 * ids (and for any id whose prefix is not a conversation of the caller's).
 */
export async function conversationOfMessage(env: AppEnv, messageId: string, userId: string): Promise<string> {
	const fromId = conversationOfMessageId(messageId);
	if (fromId && (await isMember(env, fromId, userId))) return fromId;
	const conversationId = await conversationOfVisibleMessage(env, messageId, userId);
	if (!conversationId) throw notFound("message");
	return conversationId;
}

/**
 * The `:emoji` path segment (URL-decoded by the router): one emoji of at most 32 bytes, else
 * 400, in its one spelling (`reactionEmoji`), so lookalikes count as the same reaction.
 */
function emojiParam(value: string): string {
	const emoji = reactionEmoji(value);
	if (emoji === null) {
		throw badRequest("emoji must be one emoji", {
			fields: [{ path: "emoji", message: `one emoji of at most ${MAX_EMOJI_BYTES} bytes, URL-encoded` }],
		});
	}
	return emoji;
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

const editMessage = createRoute({
	method: "patch",
	path: "/messages/{id}",
	tags: ["messages"],
	summary:
		"Edit a message's text or caption (the sender, within 15 minutes); the same text again answers 200 and broadcasts nothing",
	...authed,
	request: { params: IdParams, body: jsonBody(EditMessageBody) },
	responses: { 200: json(MessageResult), ...errors(400, 401, 403, 404, 409, 413) },
});

const addReaction = createRoute({
	method: "put",
	path: "/messages/{id}/reactions/{emoji}",
	tags: ["messages"],
	summary: "React with one emoji (URL-encoded, at most 32 bytes); idempotent; at most 20 distinct emoji",
	...authed,
	request: { params: ReactionParams },
	responses: { 200: json(ReactionsResult), ...errors(400, 401, 404, 409) },
});

const removeReaction = createRoute({
	method: "delete",
	path: "/messages/{id}/reactions/{emoji}",
	tags: ["messages"],
	summary: "Take back a reaction; idempotent",
	...authed,
	request: { params: ReactionParams },
	responses: { 200: json(ReactionsResult), ...errors(400, 401, 404, 409) },
});

const votePoll = createRoute({
	method: "put",
	path: "/messages/{id}/votes",
	tags: ["messages"],
	summary:
		"Issue 23.3: the caller's whole choice in a poll (optionIds; empty withdraws it); the same choice again changes nothing; 409 once closed",
	...authed,
	request: { params: IdParams, body: jsonBody(VoteBody) },
	responses: { 200: json(VoteResult), ...errors(400, 401, 403, 404, 409, 413) },
});

const closePoll = createRoute({
	method: "post",
	path: "/messages/{id}/poll/close",
	tags: ["messages"],
	summary: "Issue 23.3: close a poll (its creator, or a group admin); closing it again answers it as it is",
	...authed,
	request: { params: IdParams },
	responses: { 200: json(VoteResult), ...errors(401, 403, 404, 409) },
});

const forwardMessage = createRoute({
	method: "post",
	path: "/messages/{id}/forward",
	tags: ["messages"],
	summary:
		"Forward a message (text, image, file, voice) to 1 to 5 of the caller's chats, marked forwarded, sharing its media (issue 23); idempotent per chat on clientId",
	...authed,
	request: { params: IdParams, body: jsonBody(ForwardBody) },
	responses: {
		201: json(ForwardResult, "Created"),
		200: json(ForwardResult, "Already forwarded with this clientId"),
		...errors(400, 401, 403, 404, 409, 413, 429),
	},
});

export const messageRoutes = openApiRouter<{ Bindings: AppEnv; Variables: AuthVariables }>()
	.openapi(deleteMessage, async (c) => {
		const { id } = c.req.valid("param");
		const { scope } = c.req.valid("query");
		const me = c.get("userId");
		const conversationId = await conversationOfMessage(c.env, id, me);
		unwrap(await roomStub(c.env, conversationId).deleteMessage(me, id, scope));
		return c.body(null, 204);
	})
	.openapi(editMessage, async (c) => {
		const { id } = c.req.valid("param");
		const body = c.req.valid("json");
		const me = c.get("userId");
		const conversationId = await conversationOfMessage(c.env, id, me);
		const result = unwrap(
			await roomStub(c.env, conversationId).editMessage(me, id, body.text, publicOrigin(c), { viaRest: true }),
		);
		return c.json({ message: result.message }, 200);
	})
	// Issue 23: every target is checked (member, not blocked) before anything is written, so a
	// refusal leaves every chat as it was; the copies then go one chat at a time, in the order given.
	.openapi(forwardMessage, async (c) => {
		const { id } = c.req.valid("param");
		const { conversationIds, clientId } = c.req.valid("json");
		const me = c.get("userId");
		const origin = publicOrigin(c);
		const source = await conversationOfMessage(c.env, id, me);
		const copy = unwrap(await roomStub(c.env, source).forwardable(me, id));
		const strangers: string[] = [];
		for (const target of conversationIds) if (!(await isMember(c.env, target, me))) strangers.push(target);
		if (strangers.length > 0) throw new ApiError(404, "conversation not found", { conversationIds: strangers });
		const checks = await Promise.all(conversationIds.map((target) => roomStub(c.env, target).canForwardInto(me)));
		const refused = conversationIds.filter((_, i) => !checks[i]?.ok);
		const firstRefusal = checks.find((check) => !check.ok);
		if (firstRefusal && !firstRefusal.ok)
			throw new ApiError(firstRefusal.status, firstRefusal.message, { conversationIds: refused });
		const messages = [];
		let created = false;
		for (const target of conversationIds) {
			const result = unwrap(await roomStub(c.env, target).forwardInto(me, clientId, copy, origin));
			messages.push(result.message);
			created ||= result.created;
		}
		return c.json({ messages }, created ? 201 : 200);
	})
	.openapi(addReaction, async (c) => {
		const { id, emoji } = c.req.valid("param");
		const me = c.get("userId");
		const conversationId = await conversationOfMessage(c.env, id, me);
		const result = unwrap(
			await roomStub(c.env, conversationId).react(me, id, emojiParam(emoji), "add", { viaRest: true }),
		);
		return c.json(result, 200);
	})
	.openapi(removeReaction, async (c) => {
		const { id, emoji } = c.req.valid("param");
		const me = c.get("userId");
		const conversationId = await conversationOfMessage(c.env, id, me);
		const result = unwrap(
			await roomStub(c.env, conversationId).react(me, id, emojiParam(emoji), "remove", { viaRest: true }),
		);
		return c.json(result, 200);
	})
	.openapi(votePoll, async (c) => {
		const { id } = c.req.valid("param");
		const { optionIds } = c.req.valid("json");
		const me = c.get("userId");
		const conversationId = await conversationOfMessage(c.env, id, me);
		const result = unwrap(
			await roomStub(c.env, conversationId).vote(me, id, optionIds, publicOrigin(c), { viaRest: true }),
		);
		return c.json(result, 200);
	})
	.openapi(closePoll, async (c) => {
		const { id } = c.req.valid("param");
		const me = c.get("userId");
		const conversationId = await conversationOfMessage(c.env, id, me);
		const result = unwrap(await roomStub(c.env, conversationId).closePoll(me, id, publicOrigin(c), { viaRest: true }));
		return c.json(result, 200);
	});
