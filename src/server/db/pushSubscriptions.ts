// Web Push subscriptions: one row per browser PushSubscription, owned by the user who last
// subscribed it (an endpoint is unique, so a shared device follows whoever signed in).
import type { AppEnv } from "../config";
import { MUTED_NOW } from "./participants";

export interface PushSubscriptionRecord {
	id: string;
	user_id: string;
	endpoint: string;
	p256dh: string;
	auth: string;
}

/**
 * Stores the subscription for `userId`. `created` is false when the caller already had this
 * endpoint (its keys are refreshed); an endpoint another user had moves to the caller.
 */
export async function upsertPushSubscription(
	env: AppEnv,
	sub: { id: string; userId: string; endpoint: string; p256dh: string; auth: string; createdAt: string },
): Promise<{ id: string; created: boolean }> {
	const row = await env.DB.prepare(
		`INSERT INTO push_subscriptions (id, user_id, endpoint, p256dh, auth, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
		 ON CONFLICT (endpoint) DO UPDATE SET
		   id = CASE WHEN user_id = excluded.user_id THEN id ELSE excluded.id END,
		   created_at = CASE WHEN user_id = excluded.user_id THEN created_at ELSE excluded.created_at END,
		   user_id = excluded.user_id, p256dh = excluded.p256dh, auth = excluded.auth
		 RETURNING id`,
	)
		.bind(sub.id, sub.userId, sub.endpoint, sub.p256dh, sub.auth, sub.createdAt)
		.first<{ id: string }>();
	const id = row?.id ?? sub.id;
	return { id, created: id === sub.id };
}

/** Removes the caller's subscription for this endpoint (nothing if it is not theirs). */
export async function deletePushSubscription(env: AppEnv, userId: string, endpoint: string) {
	await env.DB.prepare("DELETE FROM push_subscriptions WHERE endpoint = ? AND user_id = ?")
		.bind(endpoint, userId)
		.run();
}

/** A push service answered 404/410: the subscription is gone for good. */
export async function deletePushSubscriptionById(env: AppEnv, id: string) {
	await env.DB.prepare("DELETE FROM push_subscriptions WHERE id = ?").bind(id).run();
}

/**
 * What a hub needs to push one message to its user, in one D1 round trip: the user's
 * subscriptions, whether the conversation is muted for them, its type and title, and the
 * sender's name. `conversation` is null when the user is no member, or is suspended (their
 * devices get nothing).
 */
export async function pushContext(env: AppEnv, userId: string, conversationId: string, senderId: string) {
	const db = env.DB;
	const [subs, conversation] = await db.batch<Record<string, unknown>>([
		db.prepare("SELECT id, user_id, endpoint, p256dh, auth FROM push_subscriptions WHERE user_id = ?").bind(userId),
		db
			.prepare(
				`SELECT c.type, c.title, ${MUTED_NOW("p")} AS muted, (SELECT display_name FROM users WHERE id = ?3) AS sender_name
				 FROM conversations c JOIN participants p ON p.conversation_id = c.id AND p.user_id = ?2
				 WHERE c.id = ?1 AND (SELECT suspended_at FROM users WHERE id = ?2) IS NULL`,
			)
			.bind(conversationId, userId, senderId),
	]);
	const info = conversation?.results[0] as
		| { type: "direct" | "group"; title: string | null; muted: number; sender_name: string | null }
		| undefined;
	return {
		subscriptions: (subs?.results ?? []) as unknown as PushSubscriptionRecord[],
		conversation: info
			? { type: info.type, title: info.title, muted: Boolean(info.muted), senderName: info.sender_name ?? "Someone" }
			: null,
	};
}
