// Reactions (contract v2): add or remove the actor's emoji on a message, idempotent both ways;
// `message:reactions` goes to the room only when something changed.

import { reactionsOf } from "../../server/views";
import { MAX_REACTION_EMOJI, type Reaction } from "../../shared/schemas";
import { fail, ok, type RoomResult } from "../rpc";
import type { RoomCore } from "./core";
import { isMember, load } from "./loading";
import { broadcastInOrder } from "./publishing";

/**
 * Adds or removes the actor's reaction; idempotent both ways, and `message:reactions` goes to
 * the room only when something changed. At most 20 distinct emoji per message.
 */
export async function react(
	room: RoomCore,
	actorId: string,
	messageId: string,
	emoji: string,
	change: "add" | "remove",
	opts: { viaRest?: boolean } = {},
): Promise<RoomResult<{ reactions: Reaction[] }>> {
	const meta = await load(room);
	const record = meta && (await isMember(room, actorId)) ? room.roomLog.byId(messageId) : null;
	if (!meta || !record) return fail(404, "message not found");
	const blocked = await room.blocks.refuseWrite(meta.type, actorId);
	if (blocked) return blocked;
	if (record.kind === "system") return fail(409, "system messages take no reactions");
	if (record.deleted_at) return fail(409, "the message was deleted");
	const reactions = reactionsOf(record);
	const next = change === "add" ? withReaction(reactions, emoji, actorId) : withoutReaction(reactions, emoji, actorId);
	if (next === "full") {
		return fail(409, `a message has at most ${MAX_REACTION_EMOJI} different emoji`);
	}
	if (next !== reactions) {
		room.roomLog.setReactions(messageId, next.length > 0 ? JSON.stringify(next) : null);
		room.afterWrite();
		await broadcastInOrder(room, {
			type: "message:reactions",
			data: { conversationId: meta.conversation_id, messageId, seq: record.seq, reactions: next },
		});
	}
	await room.visibleToRest(opts.viaRest);
	return ok({ reactions: next });
}

/** The reactions with `userId`'s `emoji` added (the same list when already there), or "full". */
function withReaction(reactions: Reaction[], emoji: string, userId: string): Reaction[] | "full" {
	const entry = reactions.find((r) => r.emoji === emoji);
	if (entry?.userIds.includes(userId)) return reactions;
	if (entry) return reactions.map((r) => (r === entry ? { emoji, userIds: [...r.userIds, userId] } : r));
	if (reactions.length >= MAX_REACTION_EMOJI) return "full";
	return [...reactions, { emoji, userIds: [userId] }];
}

/** The reactions without `userId`'s `emoji` (the same list when it was not there); empty emoji go. */
function withoutReaction(reactions: Reaction[], emoji: string, userId: string): Reaction[] {
	const entry = reactions.find((r) => r.emoji === emoji);
	if (!entry?.userIds.includes(userId)) return reactions;
	return reactions
		.map((r) => (r === entry ? { emoji, userIds: r.userIds.filter((u) => u !== userId) } : r))
		.filter((r) => r.userIds.length > 0);
}
