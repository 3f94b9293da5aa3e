// Invite links to groups (issue 23.5, an addition to the contract): admins create, list and
// revoke them (D1 only, no room involved); anyone signed in previews a link (the group's name
// and member count, never its members) and joins through it, which the group's room does on
// its membership path (system line, `member:added`). A dead link (revoked, expired, used up)
// answers 404 with `details.reason`; a token nobody issued answers a plain 404.
import { createRoute } from "@hono/zod-openapi";
import { roomStub } from "../../durable/rpc";
import type { AppEnv } from "../../server/config";
import { loadConversation } from "../../server/db/conversations";
import {
	blockedByAMember,
	deadReason,
	type InviteRecord,
	insertInvite,
	inviteByTokenHash,
	invitePreviewOf,
	liveInvites,
	memberStanding,
	revokeInvite,
	toInvite,
} from "../../server/db/invites";
import { randomToken, sha256 } from "../../server/encoding";
import {
	ConversationResult,
	CreateInviteBody,
	IdParams,
	INVITE_MAX_MS,
	InviteList,
	InviteParams,
	InvitePreviewResult,
	InviteResult,
	InviteTokenParams,
	MAX_LIVE_INVITES,
} from "../../shared/schemas";
import type { AuthVariables } from "../auth";
import { ApiError, badRequest, conflict, forbidden, notFound } from "../errors";
import { publicOrigin, unwrap } from "../http";
import { authed, errors, json, jsonBody, openApiRouter } from "../openapi";

type Vars = { Bindings: AppEnv; Variables: AuthVariables };

const noContent = { description: "No Content" };

const create = createRoute({
	method: "post",
	path: "/conversations/{id}/invites",
	tags: ["groups"],
	summary: "Create an invite link to a group (admin only); the token is in this answer only",
	...authed,
	request: { params: IdParams, body: jsonBody(CreateInviteBody, false) },
	responses: { 201: json(InviteResult, "Created"), ...errors(400, 401, 403, 404, 409, 413) },
});
const list = createRoute({
	method: "get",
	path: "/conversations/{id}/invites",
	tags: ["groups"],
	summary: "The group's live invite links, newest first (admin only; no tokens)",
	...authed,
	request: { params: IdParams },
	responses: { 200: json(InviteList), ...errors(401, 403, 404, 409) },
});
const revoke = createRoute({
	method: "delete",
	path: "/conversations/{id}/invites/{inviteId}",
	tags: ["groups"],
	summary: "Revoke an invite link (admin only; idempotent)",
	...authed,
	request: { params: InviteParams },
	responses: { 204: noContent, ...errors(401, 403, 404, 409) },
});
const preview = createRoute({
	method: "get",
	path: "/invites/{token}",
	tags: ["groups"],
	summary: "What an invite link opens: the group's name and member count",
	...authed,
	request: { params: InviteTokenParams },
	responses: { 200: json(InvitePreviewResult), ...errors(401, 404) },
});
const join = createRoute({
	method: "post",
	path: "/invites/{token}/join",
	tags: ["groups"],
	summary: "Join a group by its invite link (already a member: 200 with the conversation)",
	...authed,
	request: { params: InviteTokenParams },
	responses: {
		201: json(ConversationResult, "Joined"),
		200: json(ConversationResult, "already a member"),
		...errors(401, 403, 404, 409),
	},
});

/** The caller must be an admin of this group: 404 for outsiders, 409 for a direct chat, 403 for members. */
async function requireGroupAdmin(env: AppEnv, conversationId: string, userId: string) {
	const standing = await memberStanding(env, conversationId, userId);
	if (!standing) throw notFound("conversation");
	if (standing.type !== "group") throw conflict("invite links are for groups only");
	if (standing.role !== "admin") throw forbidden("only a group admin can manage invite links");
}

/** When a new link stops working: in the future and at most a year ahead; null for never. */
function expiryOf(expiresAt: string | null | undefined): string | null {
	if (expiresAt === undefined || expiresAt === null) return null;
	const fail = (message: string) => badRequest(message, { fields: [{ path: "expiresAt", message }] });
	const at = Date.parse(expiresAt);
	const now = Date.now();
	if (at <= now) throw fail("must be in the future");
	if (at > now + INVITE_MAX_MS)
		throw fail("must be at most a year ahead (leave it out for a link that does not expire)");
	return new Date(at).toISOString();
}

/** The live link a token opens: 404 for a token nobody issued, 404 with the reason for a dead one. */
async function liveInviteOf(env: AppEnv, token: string): Promise<InviteRecord> {
	const invite = await inviteByTokenHash(env, await sha256(token));
	if (!invite) throw notFound("invite link");
	const reason = deadReason(invite, new Date().toISOString());
	if (reason) throw new ApiError(404, deadMessage[reason], { reason });
	return invite;
}

const deadMessage = {
	revoked: "this invite link was revoked",
	expired: "this invite link has expired",
	used_up: "this invite link has been used",
} as const;

export const inviteRoutes = openApiRouter<Vars>()
	.openapi(create, async (c) => {
		const { id } = c.req.valid("param");
		const body = c.req.valid("json");
		const me = c.get("userId");
		const expiresAt = expiryOf(body.expiresAt);
		await requireGroupAdmin(c.env, id, me);
		const token = randomToken(32);
		const row = await insertInvite(
			c.env,
			{
				id: crypto.randomUUID(),
				conversation_id: id,
				token_hash: await sha256(token),
				created_by: me,
				created_at: new Date().toISOString(),
				expires_at: expiresAt,
				max_uses: body.maxUses ?? null,
			},
			MAX_LIVE_INVITES,
		);
		if (!row) {
			throw conflict(`a group has at most ${MAX_LIVE_INVITES} live invite links: revoke one first`, {
				max: MAX_LIVE_INVITES,
			});
		}
		return c.json({ invite: { ...toInvite(row), token } }, 201);
	})
	.openapi(list, async (c) => {
		const { id } = c.req.valid("param");
		await requireGroupAdmin(c.env, id, c.get("userId"));
		const rows = await liveInvites(c.env, id, new Date().toISOString());
		return c.json({ invites: rows.map(toInvite) }, 200);
	})
	.openapi(revoke, async (c) => {
		const { id, inviteId } = c.req.valid("param");
		await requireGroupAdmin(c.env, id, c.get("userId"));
		if (!(await revokeInvite(c.env, id, inviteId, new Date().toISOString()))) throw notFound("invite link");
		return c.body(null, 204);
	})
	.openapi(preview, async (c) => {
		const { token } = c.req.valid("param");
		const invite = await liveInviteOf(c.env, token);
		const group = await invitePreviewOf(c.env, invite.conversation_id, c.get("userId"));
		if (!group) throw notFound("invite link");
		return c.json(
			{
				invite: {
					title: group.title,
					memberCount: group.member_count,
					expiresAt: invite.expires_at,
					member: Boolean(group.member),
				},
			},
			200,
		);
	})
	.openapi(join, async (c) => {
		const { token } = c.req.valid("param");
		const me = c.get("userId");
		const origin = publicOrigin(c);
		const invite = await liveInviteOf(c.env, token);
		const id = invite.conversation_id;
		const conversationOf = async () => {
			const conversation = await loadConversation(c.env, origin, id, me, { participants: true });
			if (!conversation) throw notFound("conversation");
			return conversation;
		};
		if (await memberStanding(c.env, id, me)) return c.json({ conversation: await conversationOf() }, 200);
		// A member who blocks the joiner keeps them out, as they could not be added by someone they
		// block (contract, "Blocks cover every write, and groups"); who it is is not said.
		if (await blockedByAMember(c.env, id, me)) {
			throw forbidden("someone in this group does not accept you: you cannot join it");
		}
		const result = unwrap(await roomStub(c.env, id).joinByInvite(me, invite.id, origin));
		return c.json({ conversation: await conversationOf() }, result.joined ? 201 : 200);
	});
