// Issue 23.4: pinned messages. GET /conversations/:id/pins (newest pin first) and PUT/DELETE
// /conversations/:id/pins/:messageId, through the conversation's room once D1 says the caller is
// a member (outsiders get 404 and never reach a room).
import { createRoute } from "@hono/zod-openapi";
import { roomStub } from "../../durable/rpc";
import type { AppEnv } from "../../server/config";
import { isMember } from "../../server/db/participants";
import { IdParams, PinList, PinParams } from "../../shared/schemas";
import type { AuthVariables } from "../auth";
import { notFound } from "../errors";
import { publicOrigin, unwrap } from "../http";
import { authed, errors, json, openApiRouter } from "../openapi";

async function memberRoom(env: AppEnv, id: string, userId: string) {
	if (!(await isMember(env, id, userId))) throw notFound("conversation");
	return roomStub(env, id);
}

const listPins = createRoute({
	method: "get",
	path: "/conversations/{id}/pins",
	tags: ["messages"],
	summary: "Issue 23.4: the conversation's pinned messages, newest pin first",
	...authed,
	request: { params: IdParams },
	responses: { 200: json(PinList), ...errors(401, 404) },
});

const pinMessage = createRoute({
	method: "put",
	path: "/conversations/{id}/pins/{messageId}",
	tags: ["messages"],
	summary:
		"Issue 23.4: pin a message (a group admin, or either person in a direct chat); idempotent; at most 10; not system or deleted messages",
	...authed,
	request: { params: PinParams },
	responses: { 200: json(PinList), ...errors(401, 403, 404, 409) },
});

const unpinMessage = createRoute({
	method: "delete",
	path: "/conversations/{id}/pins/{messageId}",
	tags: ["messages"],
	summary: "Issue 23.4: unpin a message (who may pin); idempotent",
	...authed,
	request: { params: PinParams },
	responses: { 200: json(PinList), ...errors(401, 403, 404) },
});

export const pinRoutes = openApiRouter<{ Bindings: AppEnv; Variables: AuthVariables }>()
	.openapi(listPins, async (c) => {
		const { id } = c.req.valid("param");
		const room = await memberRoom(c.env, id, c.get("userId"));
		return c.json(unwrap(await room.listPins(c.get("userId"), publicOrigin(c))), 200);
	})
	.openapi(pinMessage, async (c) => {
		const { id, messageId } = c.req.valid("param");
		const room = await memberRoom(c.env, id, c.get("userId"));
		return c.json(unwrap(await room.pin(c.get("userId"), messageId, publicOrigin(c))), 200);
	})
	.openapi(unpinMessage, async (c) => {
		const { id, messageId } = c.req.valid("param");
		const room = await memberRoom(c.env, id, c.get("userId"));
		return c.json(unwrap(await room.unpin(c.get("userId"), messageId, publicOrigin(c))), 200);
	});
