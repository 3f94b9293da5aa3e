// Messages: send (validated, sequenced, stored, broadcast; idempotent on sender and clientId),
// edit within 15 minutes, delete for me or for everyone, and a member's history from the log.

import { FILE_RULE, VOICE_RULE, voiceFileName } from "../../server/attachments";
import { rateLimitsOn } from "../../server/config";
import { imageUsedInD1 } from "../../server/db/messages";
import { checkImageForMessage, checkUploadForMessage } from "../../server/images";
import { log } from "../../server/log";
import { takeToken } from "../../server/tokenBucket";
import { type MessageRecord, toMessage } from "../../server/views";
import { EDIT_WINDOW_MS, type Message, type SendMessageBody, type ServerEvent } from "../../shared/schemas";
import { fail, ok, type RoomResult } from "../rpc";
import type { RoomCore } from "./core";
import { isMember, load } from "./loading";
import type { Meta, NewMessage } from "./log";
import { pinsChanged, pinsShownTo } from "./pins";
import { newPoll } from "./polls";
import { broadcastInOrder, messageOut, notifyMembers, publish } from "./publishing";

const REST_SENDS_PER_SECOND = 20;
const REST_SEND_BURST = 200;

export type HistoryPosition = { before: number } | { after: number } | null;

/** Validates, sequences, stores and broadcasts one message; idempotent on (sender, clientId). */
export async function send(
	room: RoomCore,
	senderId: string,
	body: SendMessageBody,
	origin: string,
	opts: { viaRest?: boolean } = {},
): Promise<RoomResult<{ message: Message; created: boolean }>> {
	const meta = await load(room, origin);
	if (!meta || !(await isMember(room, senderId))) return fail(404, "conversation not found");
	await room.blocks.load(meta.type);
	const stored = room.roomLog.byClientId(senderId, body.clientId);
	if (stored) {
		await room.visibleToRest(opts.viaRest);
		return ok({ message: await messageOut(room, stored, origin, senderId), created: false });
	}
	const blocked = room.blocks.writeRefusal(meta.type, senderId);
	if (blocked) return blocked;
	const adminsOnly = announcementRefusal(room, meta, senderId);
	if (adminsOnly) return adminsOnly;
	const invalid = checkReplyAndMentions(room, body);
	if (invalid) return invalid;
	if (opts.viaRest && rateLimitsOn(room.env)) {
		if (!takeToken(room.userBuckets, senderId, REST_SENDS_PER_SECOND, REST_SEND_BURST))
			return fail(429, "sending too fast, slow down");
	}
	let image: NewMessage["image"] = null;
	let attachment: NewMessage["attachment"] = null;
	if (body.kind === "image" || body.kind === "file" || body.kind === "voice") {
		const key = body.kind === "image" ? body.imageKey : body.attachmentKey;
		const check =
			body.kind === "image"
				? await checkImageForMessage(room.env, key, senderId)
				: await checkUploadForMessage<string>(room.env, key, senderId, body.kind === "file" ? FILE_RULE : VOICE_RULE);
		if (!check.ok) return fail(check.status, check.message);
		image = { key, contentType: check.contentType, size: check.size };
		if (body.kind === "file") attachment = { name: body.name };
		if (body.kind === "voice")
			attachment = {
				name: voiceFileName(check.contentType as Parameters<typeof voiceFileName>[0]),
				durationMs: body.durationMs,
			};
		// The same clientId may have been stored, or the sender removed, while the image was checked.
		const raced = room.roomLog.byClientId(senderId, body.clientId);
		if (raced) return ok({ message: await messageOut(room, raced, origin, senderId), created: false });
		if (!room.roomLog.member(senderId)) return fail(404, "conversation not found");
	}
	const poll = body.kind === "poll" ? newPoll(body.poll) : null;
	const record = room.roomLog.append(
		{
			senderId,
			clientId: body.clientId,
			kind: body.kind,
			text: body.kind === "poll" ? (poll?.text ?? null) : "text" in body ? (body.text ?? null) : null,
			image,
			attachment,
			poll: poll?.poll ?? null,
			system: null,
			replyToId: body.replyToId ?? null,
			mentions: [...new Set(body.mentions ?? [])],
		},
		new Date().toISOString(),
	);
	room.afterWrite();
	const message = await publish(room, record, origin);
	await room.visibleToRest(opts.viaRest);
	return ok({ message, created: true });
}

/**
 * An announcement group (issue 23.5) refuses a message from anyone but an admin: a send, a poll
 * or a forwarded copy. The flag and the roles are in memory, no D1 read.
 */
export function announcementRefusal(room: RoomCore, meta: Meta, senderId: string): RoomResult<never> | null {
	if (!meta.only_admins_send || room.roomLog.member(senderId)?.role === "admin") return null;
	return fail(403, "only admins can send messages in this group", { reason: "only_admins_send" });
}

/** Contract v2: `replyToId` names a message of this conversation, `mentions` current members. */
function checkReplyAndMentions(room: RoomCore, body: SendMessageBody): RoomResult<never> | null {
	if (body.replyToId !== undefined && !room.roomLog.byId(body.replyToId)) {
		return fail(400, "replyToId is not a message of this conversation", {
			fields: [{ path: "replyToId", message: "not a message of this conversation" }],
		});
	}
	const strangers = (body.mentions ?? []).filter((userId) => !room.roomLog.member(userId));
	if (strangers.length > 0) {
		return fail(400, "mentions must be current members", {
			fields: [{ path: "mentions", message: "not members of this conversation" }],
			userIds: strangers,
		});
	}
	return null;
}

/** One member's history from the log: newest first before a seq, or oldest first after one. */
export async function history(
	room: RoomCore,
	userId: string,
	limit: number,
	position: HistoryPosition,
	origin: string,
): Promise<RoomResult<{ messages: Message[]; next: HistoryPosition }>> {
	const meta = await load(room, origin);
	if (!meta || !(await isMember(room, userId))) return fail(404, "conversation not found");
	const rows = room.roomLog.history(userId, limit + 1, position);
	const page = rows.slice(0, limit);
	const quoted = room.roomLog.quoted(page, userId);
	const messages = await Promise.all(page.map((row) => toMessage(room.env, origin, row, quoted)));
	const last = page.at(-1);
	const after = position !== null && "after" in position;
	const next = rows.length > limit && last ? (after ? { after: last.seq } : { before: last.seq }) : null;
	return ok({ messages, next });
}

/**
 * A new text (or caption) for the sender's own message, within 15 minutes of sending. The same
 * text again answers the message as it is and broadcasts nothing. `message:updated` goes to
 * the room, and to members' realtime sockets when it is the conversation's last message.
 */
export async function editMessage(
	room: RoomCore,
	actorId: string,
	messageId: string,
	text: string,
	origin: string,
	opts: { viaRest?: boolean } = {},
): Promise<RoomResult<{ message: Message; changed: boolean }>> {
	const meta = await load(room, origin);
	const record = meta && (await isMember(room, actorId)) ? room.roomLog.byId(messageId) : null;
	if (!meta || !record) return fail(404, "message not found");
	const blocked = await room.blocks.refuseWrite(meta.type, actorId);
	if (blocked) return blocked;
	if (record.sender_id !== actorId) return fail(403, "only the sender can edit a message");
	if (record.kind === "system") return fail(409, "system messages cannot be edited");
	if (record.kind === "poll") return fail(409, "a poll cannot be edited");
	if (record.deleted_at) return fail(409, "the message was deleted");
	if (Date.now() - Date.parse(record.created_at) > EDIT_WINDOW_MS) {
		return fail(403, "a message can be edited only within 15 minutes of sending it");
	}
	if (record.text === text) {
		await room.visibleToRest(opts.viaRest);
		return ok({ message: await messageOut(room, record, origin, actorId), changed: false });
	}
	room.roomLog.edit(messageId, text, new Date().toISOString());
	room.afterWrite();
	const edited = room.roomLog.byId(messageId);
	if (!edited) return fail(404, "message not found");
	const message = await messageOut(room, edited, origin);
	const event: ServerEvent = { type: "message:updated", data: { message } };
	await broadcastInOrder(room, event);
	if (room.roomLog.latestMessage()?.id === messageId) notifyMembers(room, [event]);
	log.info("message_edited", { conversationId: meta.conversation_id, messageId });
	await room.visibleToRest(opts.viaRest);
	// The editor's own answer shows the quote as they see it (the broadcast gave each reader theirs).
	const theirs = edited.reply_to_id ? await messageOut(room, edited, origin, actorId) : message;
	return ok({ message: theirs, changed: true });
}

/** Delete for me (hidden from the caller's history) or for everyone (sender or group admin). */
export async function deleteMessage(
	room: RoomCore,
	actorId: string,
	messageId: string,
	scope: "me" | "everyone",
): Promise<RoomResult<null>> {
	const meta = await load(room);
	const actor = meta && (await isMember(room, actorId)) ? room.roomLog.member(actorId) : null;
	const record = actor ? room.roomLog.byId(messageId) : null;
	if (!meta || !actor || !record) return fail(404, "message not found");
	const now = new Date().toISOString();
	if (scope === "me") {
		room.roomLog.hide(actorId, record, now);
		room.afterWrite();
		// Issue 23.4: a pinned message the member deleted for themselves leaves their own bar.
		if (room.roomLog.pins().some((p) => p.message_id === messageId)) await pinsShownTo(room, actorId, meta.origin);
		await room.visibleToRest(true);
		return ok(null);
	}
	if (record.kind === "system") return fail(403, "system messages cannot be deleted for everyone");
	const isAdmin = meta.type === "group" && actor.role === "admin";
	if (record.sender_id !== actorId && !isAdmin) {
		return fail(403, "only the sender or a group admin can delete a message for everyone");
	}
	if (record.deleted_at) return ok(null);
	room.roomLog.markDeleted(messageId, now);
	room.afterWrite();
	room.sockets.broadcast({
		type: "message:deleted",
		data: { conversationId: meta.conversation_id, messageId, seq: record.seq },
	});
	// Issue 23.4: a message deleted for everyone leaves the pins.
	if (room.roomLog.removePin(messageId)) await pinsChanged(room, meta.origin);
	await room.visibleToRest(true);
	if (record.image_key) room.ctx.waitUntil(deleteImageIfUnused(room, record.image_key));
	return ok(null);
}

/** The same upload may be sent more than once, even elsewhere; its object goes with the last live use. */
async function deleteImageIfUnused(room: RoomCore, key: string) {
	try {
		if (room.roomLog.imageStillUsed(key) || (await imageUsedInD1(room.env.DB, key))) return;
		await room.env.MEDIA.delete(key);
	} catch (err) {
		log.warn("image_delete_failed", { key, error: String(err) });
	}
}

/** What a report copies of a message a member can see (reports live in D1); null when there is none. */
export async function reportable(room: RoomCore, userId: string, messageId: string): Promise<MessageRecord | null> {
	const meta = await load(room);
	if (!meta || !(await isMember(room, userId))) return null;
	return room.roomLog.byId(messageId);
}
