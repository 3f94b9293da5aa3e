// Forwarding (issue 23): the source room hands out a copy of a message its member can see, and
// each target room appends it as the forwarder's own message, marked `forwarded`, with the same
// media key (no re-upload: the target's `image_refs` row keeps the object served while any
// message uses it). Idempotent per target on (forwarder, clientId), like a send.
import { rateLimitsOn } from "../../server/config";
import { log } from "../../server/log";
import { takeToken } from "../../server/tokenBucket";
import type { Message } from "../../shared/schemas";
import { fail, ok, type RoomResult } from "../rpc";
import type { RoomCore } from "./core";
import { isMember, load } from "./loading";
import { announcementRefusal } from "./messages";
import { messageOut, publish } from "./publishing";

/** What a forward copies: the kind, text (a caption too) and media, never the quote, mentions or reactions. */
export interface ForwardCopy {
	kind: "text" | "image" | "file" | "voice";
	text: string | null;
	image: { key: string; contentType: string; size: number } | null;
	attachment: { name: string; durationMs?: number } | null;
}

const FORWARDS_PER_SECOND = 20;
const FORWARD_BURST = 200;

/** The copy of `messageId` for `userId` to forward: 404 if they cannot see it, 409 for a system or deleted message. */
export async function forwardable(room: RoomCore, userId: string, messageId: string): Promise<RoomResult<ForwardCopy>> {
	const meta = await load(room);
	if (!meta || !(await isMember(room, userId))) return fail(404, "message not found");
	const record = room.roomLog.byId(messageId);
	if (!record || room.roomLog.hiddenFor(userId, record.seq)) return fail(404, "message not found");
	if (record.kind === "system") return fail(409, "system messages cannot be forwarded");
	// A poll's votes belong to its conversation: it is not copied elsewhere.
	if (record.kind === "poll") return fail(409, "polls cannot be forwarded");
	if (record.deleted_at) return fail(409, "the message was deleted");
	const media =
		record.image_key && record.image_content_type && record.image_size !== null
			? { key: record.image_key, contentType: record.image_content_type, size: record.image_size }
			: null;
	if (record.kind !== "text" && !media) return fail(409, "the message has nothing to forward");
	return ok({
		kind: record.kind,
		text: record.text,
		image: record.kind === "text" ? null : media,
		attachment: record.attachment ? (JSON.parse(record.attachment) as ForwardCopy["attachment"]) : null,
	});
}

/** Whether `senderId` may forward into this room now: a member (404) whom no block refuses (403). */
export async function canForwardInto(room: RoomCore, senderId: string): Promise<RoomResult<null>> {
	const meta = await load(room);
	if (!meta || !(await isMember(room, senderId))) return fail(404, "conversation not found");
	const blocked = await room.blocks.refuseWrite(meta.type, senderId);
	return blocked ?? announcementRefusal(room, meta, senderId) ?? ok(null);
}

/** Appends the copy as `senderId`'s forwarded message; the same clientId again answers the stored one. */
export async function forwardInto(
	room: RoomCore,
	senderId: string,
	clientId: string,
	copy: ForwardCopy,
	origin: string,
): Promise<RoomResult<{ message: Message; created: boolean }>> {
	const meta = await load(room, origin);
	if (!meta || !(await isMember(room, senderId))) return fail(404, "conversation not found");
	await room.blocks.load(meta.type);
	const stored = room.roomLog.byClientId(senderId, clientId);
	if (stored) {
		await room.visibleToRest(true);
		return ok({ message: await messageOut(room, stored, origin), created: false });
	}
	const blocked = room.blocks.writeRefusal(meta.type, senderId) ?? announcementRefusal(room, meta, senderId);
	if (blocked) return blocked;
	if (rateLimitsOn(room.env) && !takeToken(room.userBuckets, senderId, FORWARDS_PER_SECOND, FORWARD_BURST))
		return fail(429, "sending too fast, slow down");
	const record = room.roomLog.append(
		{
			senderId,
			clientId,
			kind: copy.kind,
			text: copy.text,
			image: copy.image,
			attachment: copy.attachment,
			system: null,
			forwarded: true,
		},
		new Date().toISOString(),
	);
	room.afterWrite();
	const message = await publish(room, record, origin);
	// Answered once D1 has it: its image_refs row keeps the shared media served from then on.
	await room.visibleToRest(true);
	log.info("message_forwarded", { conversationId: meta.conversation_id, messageId: record.id });
	return ok({ message, created: true });
}
