// Conversations, history, sending, receipts, mute and group membership. Everything that is
// broadcast goes through the conversation's room (the single writer); the list and conversation
// views come from D1, history and watermarks from the room, whose log is ahead of D1.
import { Hono } from "hono";
import { z } from "zod";
import { roomStub } from "../../durable/rpc";
import type { AppEnv } from "../../server/config";
import {
	createDirectConversation,
	createGroupConversation,
	listConversations,
	loadConversation,
} from "../../server/db/conversations";
import { isMember, setMuted } from "../../server/db/participants";
import { unknownUserIds, userExists } from "../../server/db/users";
import {
	AddMembersBody,
	CreateConversationBody,
	DeliveredBody,
	Limit,
	MAX_GROUP_MEMBERS,
	MuteBody,
	ReadBody,
	RenameConversationBody,
	RoleBody,
	SendMessageBody,
} from "../../shared/schemas";
import { type AuthVariables, requireUser } from "../auth";
import { ConversationCursor, decodeCursor, encodeCursor, MessageCursor } from "../cursor";
import { ApiError, badRequest, notFound } from "../errors";
import { pathId, publicOrigin, readJson, readQuery, unwrap } from "../http";

export const ListQuery = z.object({ limit: Limit, cursor: z.string().max(500).optional() });
export const HistoryQuery = ListQuery.extend({
	afterSeq: z.coerce.number().int().min(0).optional(),
	/** Contract v2: seq < beforeSeq, newest first (to jump to a message, then page with afterSeq). */
	beforeSeq: z.coerce.number().int().min(1).optional(),
}).refine((q) => q.afterSeq === undefined || q.beforeSeq === undefined, {
	message: "give afterSeq or beforeSeq, not both",
	path: ["beforeSeq"],
});

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

export const conversationRoutes = new Hono<Vars>()
	.use("/conversations/*", requireUser)
	.use("/conversations", requireUser)
	.post("/conversations", async (c) => {
		const body = await readJson(c, CreateConversationBody);
		const me = c.get("userId");
		const origin = publicOrigin(c);
		const now = new Date().toISOString();
		const id = crypto.randomUUID();

		if (body.type === "direct") {
			if (body.userId === me) throw badRequest("cannot start a direct conversation with yourself");
			if (!(await userExists(c.env, body.userId))) throw notFound("user");
			const directKey = [me, body.userId].sort().join(":");
			const existing = await createDirectConversation(c.env, {
				id,
				directKey,
				createdBy: me,
				createdAt: now,
				memberIds: [me, body.userId],
			});
			if (!existing) throw notFound("conversation");
			const conversation = await conversationOrNotFound(c.env, origin, existing, me);
			if (existing !== id) return c.json({ conversation }, 200);
			c.executionCtx.waitUntil(roomStub(c.env, id).conversationCreated(origin));
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
		await createGroupConversation(c.env, { id, title: body.title, createdBy: me, createdAt: now, memberIds });
		// The group's first line ("… created the group", seq 1) is in the room and D1 before the
		// creator hears 201, so the answer and every later read already have it.
		unwrap(await roomStub(c.env, id).groupCreated(me, origin));
		const conversation = await conversationOrNotFound(c.env, origin, id, me);
		return c.json({ conversation }, 201);
	})
	.get("/conversations", async (c) => {
		const query = readQuery(c, ListQuery);
		const after = query.cursor ? await decodeCursor(c.env, query.cursor, ConversationCursor) : null;
		const page = await listConversations(c.env, publicOrigin(c), c.get("userId"), query.limit, after);
		return c.json({
			conversations: page.conversations,
			nextCursor: page.next ? await encodeCursor(c.env, page.next) : null,
		});
	})
	.get("/conversations/:id", async (c) => {
		const conversation = await conversationOrNotFound(c.env, publicOrigin(c), pathId(c, "id"), c.get("userId"));
		return c.json({ conversation });
	})
	.patch("/conversations/:id", async (c) => {
		const id = pathId(c, "id");
		const body = await readJson(c, RenameConversationBody);
		const me = c.get("userId");
		const origin = publicOrigin(c);
		const room = await memberRoom(c.env, id, me);
		unwrap(await room.rename(me, body.title, origin));
		return c.json({ conversation: await conversationOrNotFound(c.env, origin, id, me) });
	})
	.get("/conversations/:id/messages", async (c) => {
		const id = pathId(c, "id");
		const query = readQuery(c, HistoryQuery);
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
		return c.json({ messages: page.messages, nextCursor: page.next ? await encodeCursor(c.env, page.next) : null });
	})
	.post("/conversations/:id/messages", async (c) => {
		const id = pathId(c, "id");
		const body = await readJson(c, SendMessageBody);
		const me = c.get("userId");
		const room = await memberRoom(c.env, id, me);
		const result = unwrap(await room.send(me, body, publicOrigin(c), { viaRest: true }));
		return c.json({ message: result.message }, result.created ? 201 : 200);
	})
	.post("/conversations/:id/read", async (c) => {
		const id = pathId(c, "id");
		const body = await readJson(c, ReadBody);
		const me = c.get("userId");
		const room = await memberRoom(c.env, id, me);
		return c.json(unwrap(await room.markRead(me, body.seq, { viaRest: true })));
	})
	.post("/conversations/:id/delivered", async (c) => {
		const id = pathId(c, "id");
		const body = await readJson(c, DeliveredBody);
		const me = c.get("userId");
		const room = await memberRoom(c.env, id, me);
		return c.json(unwrap(await room.markDelivered(me, body.seq, { viaRest: true })));
	})
	.put("/conversations/:id/mute", async (c) => {
		const id = pathId(c, "id");
		const body = await readJson(c, MuteBody);
		const me = c.get("userId");
		const muted = await setMuted(c.env, id, me, body.muted);
		if (muted === null) throw notFound("conversation");
		c.executionCtx.waitUntil(roomStub(c.env, id).conversationChangedFor(me, { muted }));
		return c.json({ muted });
	})
	.post("/conversations/:id/members", async (c) => {
		const id = pathId(c, "id");
		const body = await readJson(c, AddMembersBody);
		const origin = publicOrigin(c);
		const room = await memberRoom(c.env, id, c.get("userId"));
		unwrap(await room.addMembers(c.get("userId"), body.userIds, origin));
		return c.json({ conversation: await conversationOrNotFound(c.env, origin, id, c.get("userId")) });
	})
	.delete("/conversations/:id/members/:userId", async (c) => {
		const id = pathId(c, "id");
		const target = pathId(c, "userId");
		const room = await memberRoom(c.env, id, c.get("userId"));
		unwrap(await room.removeMember(c.get("userId"), target, publicOrigin(c)));
		return c.body(null, 204);
	})
	.put("/conversations/:id/members/:userId", async (c) => {
		const id = pathId(c, "id");
		const target = pathId(c, "userId");
		const body = await readJson(c, RoleBody);
		const room = await memberRoom(c.env, id, c.get("userId"));
		return c.json(unwrap(await room.setRole(c.get("userId"), target, body.role, publicOrigin(c))));
	})
	.post("/conversations/:id/leave", async (c) => {
		const id = pathId(c, "id");
		const room = await memberRoom(c.env, id, c.get("userId"));
		unwrap(await room.leave(c.get("userId"), publicOrigin(c)));
		return c.body(null, 204);
	});
