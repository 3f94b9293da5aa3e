// Web Push: the VAPID public key a browser subscribes with, and the caller's subscriptions (one
// per browser or device). Pushes themselves are sent by the user's hub (src/server/push/).
import { Hono } from "hono";
import type { AppEnv } from "../../server/config";
import { deletePushSubscription, upsertPushSubscription } from "../../server/db/pushSubscriptions";
import { fromBase64url } from "../../server/encoding";
import { log } from "../../server/log";
import { isAllowedPushEndpoint } from "../../server/push/send";
import { vapidKeys } from "../../server/push/vapid";
import { PushSubscriptionBody, PushUnsubscribeBody } from "../../shared/schemas";
import { type AuthVariables, requireUser } from "../auth";
import { badRequest, notFound } from "../errors";
import { readJson } from "../http";

export const pushRoutes = new Hono<{ Bindings: AppEnv; Variables: AuthVariables }>()
	.use("/push/*", requireUser)
	.get("/push/vapid-public-key", async (c) => {
		const keys = vapidKeys(c.env);
		if (!keys) throw notFound("Web Push is not configured on this server; a VAPID key");
		return c.json({ publicKey: (await keys).publicKey });
	})
	.post("/push/subscriptions", async (c) => {
		const body = await readJson(c, PushSubscriptionBody);
		if (!isAllowedPushEndpoint(c.env, body.endpoint)) {
			throw badRequest("endpoint is not an https URL of a known push service", {
				fields: [{ path: "endpoint", message: "not a known push service" }],
			});
		}
		const p256dh = fromBase64url(body.keys.p256dh.replace(/=+$/, ""));
		const auth = fromBase64url(body.keys.auth.replace(/=+$/, ""));
		const bad = [
			...(p256dh?.length === 65 && p256dh[0] === 4 ? [] : [{ path: "keys.p256dh", message: "not a P-256 point" }]),
			...(auth?.length === 16 ? [] : [{ path: "keys.auth", message: "not 16 bytes" }]),
		];
		if (bad.length > 0) throw badRequest("invalid subscription keys", { fields: bad });
		const userId = c.get("userId");
		const { id, created } = await upsertPushSubscription(c.env, {
			id: crypto.randomUUID(),
			userId,
			endpoint: body.endpoint,
			p256dh: body.keys.p256dh.replace(/=+$/, ""),
			auth: body.keys.auth.replace(/=+$/, ""),
			createdAt: new Date().toISOString(),
		});
		if (created) log.info("push_subscribed", { userId, subscriptionId: id, host: new URL(body.endpoint).host });
		return c.json({ subscription: { id } }, created ? 201 : 200);
	})
	.delete("/push/subscriptions", async (c) => {
		const body = await readJson(c, PushUnsubscribeBody);
		await deletePushSubscription(c.env, c.get("userId"), body.endpoint);
		return c.body(null, 204);
	});
