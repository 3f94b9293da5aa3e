// Web Push: the VAPID public key a browser subscribes with, and the caller's subscriptions (one
// per browser or device). Pushes themselves are sent by the user's hub (src/server/push/).
import { createRoute } from "@hono/zod-openapi";
import type { AppEnv } from "../../server/config";
import { deletePushSubscription, upsertPushSubscription } from "../../server/db/pushSubscriptions";
import { fromBase64url } from "../../server/encoding";
import { log } from "../../server/log";
import { isP256Point } from "../../server/push/encrypt";
import { isAllowedPushEndpoint } from "../../server/push/send";
import { vapidKeys } from "../../server/push/vapid";
import {
	PushSubscriptionBody,
	PushSubscriptionResult,
	PushUnsubscribeBody,
	VapidPublicKey,
} from "../../shared/schemas";
import type { AuthVariables } from "../auth";
import { badRequest, notFound } from "../errors";
import { authed, errors, json, jsonBody, openApiRouter } from "../openapi";

const vapidPublicKey = createRoute({
	method: "get",
	path: "/push/vapid-public-key",
	tags: ["push"],
	summary: "The VAPID public key to subscribe with (404 when Web Push is not configured)",
	...authed,
	responses: { 200: json(VapidPublicKey), ...errors(401, 404) },
});
const subscribe = createRoute({
	method: "post",
	path: "/push/subscriptions",
	tags: ["push"],
	summary:
		"Subscribe this browser or device (200 when it already is); outside development only https endpoints of known push services",
	...authed,
	request: { body: jsonBody(PushSubscriptionBody) },
	responses: {
		201: json(PushSubscriptionResult, "Created"),
		200: json(PushSubscriptionResult),
		...errors(400, 401, 413),
	},
});
const unsubscribe = createRoute({
	method: "delete",
	path: "/push/subscriptions",
	tags: ["push"],
	summary: "Unsubscribe this endpoint",
	...authed,
	request: { body: jsonBody(PushUnsubscribeBody) },
	responses: { 204: { description: "No Content" }, ...errors(400, 401, 413) },
});

/** base64url without padding, as stored (browsers send it either way). */
const unpadded = (text: string) => text.replace(/=+$/, "");

export const pushRoutes = openApiRouter<{ Bindings: AppEnv; Variables: AuthVariables }>()
	.openapi(vapidPublicKey, async (c) => {
		const keys = vapidKeys(c.env);
		if (!keys) throw notFound("Web Push is not configured on this server; a VAPID key");
		return c.json({ publicKey: (await keys).publicKey }, 200);
	})
	.openapi(subscribe, async (c) => {
		const body = c.req.valid("json");
		if (!isAllowedPushEndpoint(c.env, body.endpoint)) {
			throw badRequest("endpoint is not an https URL of a known push service", {
				fields: [{ path: "endpoint", message: "not a known push service" }],
			});
		}
		const p256dh = fromBase64url(unpadded(body.keys.p256dh));
		const auth = fromBase64url(unpadded(body.keys.auth));
		const bad = [
			...(p256dh && (await isP256Point(p256dh)) ? [] : [{ path: "keys.p256dh", message: "not a P-256 point" }]),
			...(auth?.length === 16 ? [] : [{ path: "keys.auth", message: "not 16 bytes" }]),
		];
		if (bad.length > 0) throw badRequest("invalid subscription keys", { fields: bad });
		const userId = c.get("userId");
		const { id, created } = await upsertPushSubscription(c.env, {
			id: crypto.randomUUID(),
			userId,
			endpoint: body.endpoint,
			p256dh: unpadded(body.keys.p256dh),
			auth: unpadded(body.keys.auth),
			createdAt: new Date().toISOString(),
		});
		if (!created) return c.json({ subscription: { id } }, 200);
		log.info("push_subscribed", { userId, subscriptionId: id, host: new URL(body.endpoint).host });
		return c.json({ subscription: { id } }, 201);
	})
	.openapi(unsubscribe, async (c) => {
		await deletePushSubscription(c.env, c.get("userId"), c.req.valid("json").endpoint);
		return c.body(null, 204);
	});
