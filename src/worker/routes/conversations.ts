// Conversations, history, sending, receipts, mute and group membership. Everything that is
// broadcast goes through the conversation's room (the single writer); the list and conversation
// views come from D1, history and watermarks from the room, whose log is ahead of D1.
import { createRoute } from "@hono/zod-openapi";
import { roomStub } from "../../durable/rpc";
import type { AppEnv } from "../../server/config";
import { blockersOf, isBlocking } from "../../server/db/blocks";
import {
	createDirectConversation,
	createGroupConversation,
	listConversations,
	loadConversation,
	markListed,
} from "../../server/db/conversations";
import { isMember, setMuted } from "../../server/db/participants";
import { unknownUserIds, userExists } from "../../server/db/users";
import {
	AddMembersBody,
	ConversationPage,
	ConversationResult,
	CreateConversationBody,
	DeliveredBody,
	DeliveredResult,
	HistoryQuery,
	IdParams,
	ListQuery,
	MAX_GROUP_MEMBERS,
	MemberParams,
	MessagePage,
	MessageResult,
	MUTE_MAX_MS,
	MuteBody,
	MuteResult,
	ParticipantResult,
	ReadBody,
	ReadResult,
	RenameConversationBody,
	RoleBody,
	SendMessageBody,
} from "../../shared/schemas";
import type { AuthVariables } from "../auth";
import { ConversationCursor, decodeCursor, encodeCursor, MessageCursor } from "../cursor";
import { ApiError, badRequest, forbidden, notFound } from "../errors";
import { publicOrigin, unwrap } from "../http";
import { authed, errors, json, jsonBody, openApiRouter } from "../openapi";

type Vars = { Bindings: AppEnv; Variables: AuthVariables };

/** The conversation with participants; watermarks come from the room, which is ahead of D1. */
async function conversationOrNotFound(env: AppEnv, origin: string, id: string, userId: string) {
	const [conversation, marks] = await Promise.all([
		loadConversation(env, origin, id, userId, { participants: true }),
		isMember(env, id, userId).then((member) => (member ? roomStub(env, id).watermarks() : null)),
	]);
	if (!conversation) throw notFound("conversation");
	if (!marks || !conversation.participants) return conversation;
	return {
		...conversation,
		participants: conversation.participants.map((p) => ({ ...p, ...marks[p.user.id] })),
	};
}

/** The room of a conversation the caller belongs to; outsiders get 404 and never reach a room. */
async function memberRoom(env: AppEnv, id: string, userId: string) {
	if (!(await isMember(env, id, userId))) throw notFound("conversation");
	return roomStub(env, id);
}

const noContent = { description: "No Content" };

const create = createRoute({
	method: "post",
	path: "/conversations",
	tags: ["conversations"],
	summary: "Start a direct conversation (unique per pair: 200 if it exists) or create a group",
	...authed,
	request: { body: jsonBody(CreateConversationBody) },
	responses: {
		201: json(ConversationResult, "Created"),
		200: json(ConversationResult, "the direct conversation already existed"),
		...errors(400, 401, 403, 404, 413),
	},
});
const list = createRoute({
	method: "get",
	path: "/conversations",
	tags: ["conversations"],
	summary: "The caller's conversations, most recent activity first",
	...authed,
	request: { query: ListQuery },
	responses: { 200: json(ConversationPage), ...errors(400, 401) },
});
const getOne = createRoute({
	method: "get",
	path: "/conversations/{id}",
	tags: ["conversations"],
	summary: "One conversation with participants",
	...authed,
	request: { params: IdParams },
	responses: { 200: json(ConversationResult), ...errors(401, 404) },
});
const rename = createRoute({
	method: "patch",
	path: "/conversations/{id}",
	tags: ["groups"],
	summary:
		"Rename a group and/or set whether only admins send (admin only; a system message records each change; the same value again changes nothing)",
	...authed,
	request: { params: IdParams, body: jsonBody(RenameConversationBody) },
	responses: { 200: json(ConversationResult), ...errors(400, 401, 403, 404, 409, 413) },
});
const history = createRoute({
	method: "get",
	path: "/conversations/{id}/messages",
	tags: ["messages"],
	summary:
		"History: newest first with cursor (or below beforeSeq, to jump to a message), or oldest first after a seq (catch-up)",
	...authed,
	request: { params: IdParams, query: HistoryQuery },
	responses: { 200: json(MessagePage), ...errors(400, 401, 404) },
});
const send = createRoute({
	method: "post",
	path: "/conversations/{id}/messages",
	tags: ["messages"],
	summary: "Send a message; the same clientId again answers 200 with the stored message",
	...authed,
	request: { params: IdParams, body: jsonBody(SendMessageBody) },
	responses: {
		201: json(MessageResult, "Created"),
		200: json(MessageResult, "this clientId was already sent: the stored message"),
		...errors(400, 401, 404, 413, 429),
	},
});
const read = createRoute({
	method: "post",
	path: "/conversations/{id}/read",
	tags: ["receipts"],
	summary: "Move the caller's read watermark forward (default: latest)",
	...authed,
	request: { params: IdParams, body: jsonBody(ReadBody, false) },
	responses: { 200: json(ReadResult), ...errors(400, 401, 404, 413) },
});
const delivered = createRoute({
	method: "post",
	path: "/conversations/{id}/delivered",
	tags: ["receipts"],
	summary: "Move the caller's delivered watermark forward (addition to the contract)",
	...authed,
	request: { params: IdParams, body: jsonBody(DeliveredBody) },
	responses: { 200: json(DeliveredResult), ...errors(400, 401, 404, 413) },
});
const mute = createRoute({
	method: "put",
	path: "/conversations/{id}/mute",
	tags: ["conversations"],
	summary: "Mute (until `mutedUntil`, or until undone), unmute, or toggle when both are left out",
	...authed,
	request: { params: IdParams, body: jsonBody(MuteBody, false) },
	responses: { 200: json(MuteResult), ...errors(400, 401, 404, 413) },
});
const addMembers = createRoute({
	method: "post",
	path: "/conversations/{id}/members",
	tags: ["groups"],
	summary: "Add members (admin only; at most 256 in all)",
	...authed,
	request: { params: IdParams, body: jsonBody(AddMembersBody) },
	responses: { 200: json(ConversationResult), ...errors(400, 401, 403, 404, 409, 413) },
});
const removeMember = createRoute({
	method: "delete",
	path: "/conversations/{id}/members/{userId}",
	tags: ["groups"],
	summary: "Remove a member (admin only; never the last admin)",
	...authed,
	request: { params: MemberParams },
	responses: { 204: noContent, ...errors(401, 403, 404, 409) },
});
const setRole = createRoute({
	method: "put",
	path: "/conversations/{id}/members/{userId}",
	tags: ["groups"],
	summary: "Change a member's role (admin only; never demote the last admin)",
	...authed,
	request: { params: MemberParams, body: jsonBody(RoleBody) },
	responses: { 200: json(ParticipantResult), ...errors(400, 401, 403, 404, 409, 413) },
});
const leave = createRoute({
	method: "post",
	path: "/conversations/{id}/leave",
	tags: ["groups"],
	summary: "Leave a group; the last admin hands admin to the longest-standing member",
	...authed,
	request: { params: IdParams },
	responses: { 204: noContent, ...errors(401, 404, 409) },
});

/**
 * Nobody can put someone who blocks them into a group, new or existing (403 naming them, as
 * WhatsApp-like apps refuse it): a block would otherwise be stepped around by a group of two
 * that mentions the blocker. Groups both were in before the block are not affected.
 */
async function refuseBlockers(env: AppEnv, actorId: string, userIds: string[]) {
	const blockers = await blockersOf(env, actorId, userIds);
	if (blockers.length > 0)
		throw new ApiError(403, "these people do not accept being added by you", { userIds: blockers });
}

export const conversationRoutes = openApiRouter<Vars>()
	.openapi(create, async (c) => {
		const body = c.req.valid("json");
		const me = c.get("userId");
		const origin = publicOrigin(c);
		const now = new Date().toISOString();
		const id = crypto.randomUUID();

		if (body.type === "direct") {
			if (body.userId === me) {
				throw badRequest("cannot start a direct conversation with yourself", {
					fields: [{ path: "userId", message: "is your own id" }],
				});
			}
			if (!(await userExists(c.env, body.userId))) throw notFound("user");
			if (await isBlocking(c.env, body.userId, me)) throw forbidden("this user does not accept conversations from you");
			const directKey = [me, body.userId].sort().join(":");
			const existing = await createDirectConversation(c.env, {
				id,
				directKey,
				createdBy: me,
				createdAt: now,
				memberIds: [me, body.userId],
			});
			if (!existing) throw notFound("conversation");
			// Opening the pair's chat lists it for the caller, even before it has a message.
			if (existing !== id) await markListed(c.env, existing, me);
			const conversation = await conversationOrNotFound(c.env, origin, existing, me);
			if (existing !== id) return c.json({ conversation }, 200);
			c.executionCtx.waitUntil(roomStub(c.env, id).conversationCreated(origin, me));
			return c.json({ conversation }, 201);
		}

		const memberIds = [...new Set(body.memberIds)].filter((m) => m !== me);
		if (memberIds.length + 1 > MAX_GROUP_MEMBERS) {
			throw badRequest(`a group has at most ${MAX_GROUP_MEMBERS} members`, {
				fields: [{ path: "memberIds", message: `at most ${MAX_GROUP_MEMBERS - 1} others` }],
			});
		}
		const unknown = await unknownUserIds(c.env, memberIds);
		if (unknown.length > 0) throw new ApiError(404, "user not found", { userIds: unknown });
		await refuseBlockers(c.env, me, memberIds);
		await createGroupConversation(c.env, { id, title: body.title, createdBy: me, createdAt: now, memberIds });
		// The group's first line ("… created the group", seq 1) is in the room and D1 before the
		// creator hears 201, so the answer and every later read already have it.
		unwrap(await roomStub(c.env, id).groupCreated(me, origin));
		const conversation = await conversationOrNotFound(c.env, origin, id, me);
		return c.json({ conversation }, 201);
	})
	.openapi(list, async (c) => {
		const query = c.req.valid("query");
		const after = query.cursor ? await decodeCursor(c.env, query.cursor, ConversationCursor) : null;
		const page = await listConversations(c.env, publicOrigin(c), c.get("userId"), query.limit, after);
		return c.json(
			{ conversations: page.conversations, nextCursor: page.next ? await encodeCursor(c.env, page.next) : null },
			200,
		);
	})
	.openapi(getOne, async (c) => {
		const { id } = c.req.valid("param");
		const conversation = await conversationOrNotFound(c.env, publicOrigin(c), id, c.get("userId"));
		return c.json({ conversation }, 200);
	})
	.openapi(rename, async (c) => {
		const { id } = c.req.valid("param");
		const body = c.req.valid("json");
		const me = c.get("userId");
		const origin = publicOrigin(c);
		const room = await memberRoom(c.env, id, me);
		if (body.title !== undefined) unwrap(await room.rename(me, body.title, origin));
		if (body.onlyAdminsSend !== undefined) unwrap(await room.onlyAdminsSend(me, body.onlyAdminsSend, origin));
		return c.json({ conversation: await conversationOrNotFound(c.env, origin, id, me) }, 200);
	})
	.openapi(history, async (c) => {
		const { id } = c.req.valid("param");
		const query = c.req.valid("query");
		const me = c.get("userId");
		const position = query.cursor
			? await decodeCursor(c.env, query.cursor, MessageCursor)
			: query.afterSeq !== undefined
				? { after: query.afterSeq }
				: query.beforeSeq !== undefined
					? { before: query.beforeSeq }
					: null;
		// The room's log answers: it has every acknowledged message, even one D1 has not seen yet.
		const room = await memberRoom(c.env, id, me);
		const page = unwrap(await room.history(me, query.limit, position, publicOrigin(c)));
		return c.json(
			{ messages: page.messages, nextCursor: page.next ? await encodeCursor(c.env, page.next) : null },
			200,
		);
	})
	.openapi(send, async (c) => {
		const { id } = c.req.valid("param");
		const body = c.req.valid("json");
		const me = c.get("userId");
		const room = await memberRoom(c.env, id, me);
		const result = unwrap(await room.send(me, body, publicOrigin(c), { viaRest: true }));
		return result.created ? c.json({ message: result.message }, 201) : c.json({ message: result.message }, 200);
	})
	.openapi(read, async (c) => {
		const { id } = c.req.valid("param");
		const body = c.req.valid("json");
		const me = c.get("userId");
		const room = await memberRoom(c.env, id, me);
		return c.json(unwrap(await room.markRead(me, body.seq, { viaRest: true })), 200);
	})
	.openapi(delivered, async (c) => {
		const { id } = c.req.valid("param");
		const body = c.req.valid("json");
		const me = c.get("userId");
		const room = await memberRoom(c.env, id, me);
		return c.json(unwrap(await room.markDelivered(me, body.seq, { viaRest: true })), 200);
	})
	.openapi(mute, async (c) => {
		const { id } = c.req.valid("param");
		const body = c.req.valid("json");
		const me = c.get("userId");
		const until = muteEnd(body);
		const result = await setMuted(c.env, id, me, until ? true : body.muted, until);
		if (result === null) throw notFound("conversation");
		c.executionCtx.waitUntil(roomStub(c.env, id).conversationChangedFor(me, result));
		return c.json(result, 200);
	})
	.openapi(addMembers, async (c) => {
		const { id } = c.req.valid("param");
		const body = c.req.valid("json");
		const origin = publicOrigin(c);
		const room = await memberRoom(c.env, id, c.get("userId"));
		await refuseBlockers(c.env, c.get("userId"), body.userIds);
		unwrap(await room.addMembers(c.get("userId"), body.userIds, origin));
		return c.json({ conversation: await conversationOrNotFound(c.env, origin, id, c.get("userId")) }, 200);
	})
	.openapi(removeMember, async (c) => {
		const { id, userId: target } = c.req.valid("param");
		const room = await memberRoom(c.env, id, c.get("userId"));
		unwrap(await room.removeMember(c.get("userId"), target, publicOrigin(c)));
		return c.body(null, 204);
	})
	.openapi(setRole, async (c) => {
		const { id, userId: target } = c.req.valid("param");
		const body = c.req.valid("json");
		const room = await memberRoom(c.env, id, c.get("userId"));
		return c.json(unwrap(await room.setRole(c.get("userId"), target, body.role, publicOrigin(c))), 200);
	})
	.openapi(leave, async (c) => {
		const { id } = c.req.valid("param");
		const room = await memberRoom(c.env, id, c.get("userId"));
		unwrap(await room.leave(c.get("userId"), publicOrigin(c)));
		return c.body(null, 204);
	});

/**
 * When a timed mute (issue 22.20) ends, as a canonical ISO time: in the future and at most
 * MUTE_MAX_MS ahead; null for none. `muted: false` with a time contradicts itself (400).
 */
function muteEnd(body: { muted?: boolean; mutedUntil?: string | null }): string | null {
	if (body.mutedUntil === undefined || body.mutedUntil === null) return null;
	const fail = (message: string) => badRequest(message, { fields: [{ path: "mutedUntil", message }] });
	if (body.muted === false) throw fail("cannot be given with muted: false");
	const at = Date.parse(body.mutedUntil);
	const now = Date.now();
	if (at <= now) throw fail("must be in the future");
	if (at > now + MUTE_MAX_MS) throw fail("must be at most a year ahead (leave it null to mute until undone)");
	return new Date(at).toISOString();
}
