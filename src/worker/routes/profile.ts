// PATCH /me — the caller's display name and avatar. An avatar is an upload of the caller's own,
// checked like an image message (type sniffed, bytes pinned by etag) and served by the media
// route while it is the avatar; `avatarUrl` is its signed URL, loadable by an <img>.
import { createRoute } from "@hono/zod-openapi";
import { hubStub } from "../../durable/rpc";
import type { AppEnv } from "../../server/config";
import { onlineSharers, updateProfile } from "../../server/db/users";
import { checkImageForMessage } from "../../server/images";
import { log } from "../../server/log";
import { AVATAR_URL_LIFETIME_MS, signMediaUrl } from "../../server/media";
import { toUser } from "../../server/views";
import type { User } from "../../shared/schemas";
import { UpdateProfileBody, UserResult } from "../../shared/schemas";
import type { AuthVariables } from "../auth";
import { ApiError } from "../errors";
import { publicOrigin } from "../http";
import { authed, errors, json, jsonBody, openApiRouter } from "../openapi";

const updateMe = createRoute({
	method: "patch",
	path: "/me",
	tags: ["auth"],
	summary: "Change the caller's display name and/or avatar (an upload of the caller's own; null removes it)",
	...authed,
	request: { body: jsonBody(UpdateProfileBody) },
	responses: { 200: json(UserResult), ...errors(400, 401, 404, 413) },
});

export const profileRoutes = openApiRouter<{ Bindings: AppEnv; Variables: AuthVariables }>().openapi(
	updateMe,
	async (c) => {
		const body = c.req.valid("json");
		const me = c.get("userId");
		let avatar: { key: string; contentType: string; url: string } | null | undefined;
		if (body.avatarImageKey === null) avatar = null;
		else if (body.avatarImageKey !== undefined) {
			const key = body.avatarImageKey;
			const check = await checkImageForMessage(c.env, key, me);
			if (!check.ok) {
				throw new ApiError(check.status, check.message, {
					fields: [{ path: "avatarImageKey", message: check.message }],
				});
			}
			const url = await signMediaUrl(c.env, publicOrigin(c), key, Date.now() + AVATAR_URL_LIFETIME_MS);
			avatar = { key, contentType: check.contentType, url };
		}
		const row = await updateProfile(c.env, me, { displayName: body.displayName, avatar });
		if (!row) throw new ApiError(401, "account no longer exists");
		log.info("profile_updated", {
			userId: me,
			displayName: body.displayName !== undefined,
			avatar: avatar !== undefined,
		});
		const user = toUser(row);
		// Everyone online who shares a conversation hears it live, after the answer (issue 22.6).
		c.executionCtx.waitUntil(announceProfile(c.env, user));
		return c.json({ user }, 200);
	},
);

/**
 * `user:updated` (no presence in it) to the hubs of everyone online who shares a conversation,
 * and to the user's own hub, so their other tabs and devices show it too.
 */
async function announceProfile(env: AppEnv, user: User): Promise<void> {
	const { online: _, lastSeenAt: __, ...profile } = user;
	try {
		const recipients = [...(await onlineSharers(env, user.id)), user.id];
		await Promise.all(
			recipients.map((to) =>
				hubStub(env, to)
					.userUpdated({ type: "user:updated", data: { user: profile } })
					.catch((err: unknown) => log.warn("profile_push_failed", { to, error: String(err) })),
			),
		);
		log.info("profile_announced", { userId: user.id, recipients: recipients.length });
	} catch (err) {
		log.error("profile_announce_failed", { userId: user.id, error: String(err) });
	}
}
