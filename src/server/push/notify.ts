// Which new messages become a push for one user, and sending them: called by the user's hub
// when it has no realtime socket open (src/durable/UserHub.ts), outside any room's send path.

import { mediaLabel } from "../../shared/media";
import { type Message, PUSH_BODY_MAX, type PushPayload } from "../../shared/schemas";
import { cutGraphemes, isolate } from "../../shared/text";
import type { AppEnv } from "../config";
import { deletePushSubscriptionById, pushContext } from "../db/pushSubscriptions";
import { log } from "../log";
import { pushTopic, sendPush } from "./send";
import { vapidKeys } from "./vapid";

/** What the notification shows: text only, never image data, cut between graphemes (never inside an emoji). */
export function pushBody(message: Message): string {
	const text = message.text?.trim() ?? "";
	const media = mediaLabel(message);
	if (media) return cutGraphemes(text ? `${media}: ${text}` : media, PUSH_BODY_MAX);
	return cutGraphemes(text || (message.kind === "image" ? "Sent a photo" : "New message"), PUSH_BODY_MAX);
}

/**
 * The notification's title: the sender's name, or "Sender in Group". Each name is isolated
 * (FSI…PDI, the string form of `<bdi>`), since a title is plain text: a name ending in U+202E
 * must not flip the words after it.
 */
export function pushTitle(senderName: string, group: { title: string | null } | null): string {
	if (!group) return isolate(senderName);
	return `${isolate(senderName)} in ${group.title === null ? "a group" : isolate(group.title)}`;
}

/**
 * Pushes each message from someone else to every subscription of `userId`, unless the
 * conversation is muted for them and the message does not mention them. A 404 or 410 from
 * the push service deletes that subscription.
 */
export async function pushNewMessages(env: AppEnv, userId: string, messages: Message[]): Promise<void> {
	const keysPromise = vapidKeys(env);
	if (!keysPromise) return;
	const candidates = messages.filter((m) => m.senderId !== userId && m.kind !== "system" && m.deletedAt === null);
	if (candidates.length === 0) return;
	const keys = await keysPromise;
	// A delivery usually holds several messages of one room: one D1 read per conversation and sender.
	const contexts = new Map<string, ReturnType<typeof pushContext>>();
	const gone = new Set<string>();
	for (const message of candidates) {
		const key = `${message.conversationId}\n${message.senderId}`;
		let pending = contexts.get(key);
		if (!pending) {
			pending = pushContext(env, userId, message.conversationId, message.senderId);
			contexts.set(key, pending);
		}
		const context = await pending;
		if (!context.conversation || context.subscriptions.length === 0) continue;
		const { conversation } = context;
		const mentioned = message.mentions?.includes(userId) ?? false;
		if (conversation.muted && !mentioned) continue;
		const payload: PushPayload = {
			type: "message",
			conversationId: message.conversationId,
			messageId: message.id,
			seq: message.seq,
			title: pushTitle(conversation.senderName, conversation.type === "group" ? conversation : null),
			body: pushBody(message),
		};
		const topic = await pushTopic(message.conversationId);
		const outcomes = await Promise.all(
			context.subscriptions
				.filter((sub) => !gone.has(sub.id))
				.map(async (sub) => {
					const outcome = await sendPush(env, keys, sub, payload, topic);
					if (outcome === "gone") {
						gone.add(sub.id);
						await deletePushSubscriptionById(env, sub.id);
						log.info("push_subscription_gone", { userId, subscriptionId: sub.id });
					}
					return outcome;
				}),
		);
		log.info("push_sent", {
			userId,
			conversationId: message.conversationId,
			seq: message.seq,
			mentioned,
			sent: outcomes.filter((o) => o === "sent").length,
			of: outcomes.length,
		});
	}
}
