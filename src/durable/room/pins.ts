// Pinned messages (issue 23.4): admins of a group, or either person in a direct chat, pin up to
// 10 of the conversation's messages (not system or deleted ones). Pins live in the room's SQLite
// (`pins`), never in D1. Pinning writes a `pinned` system message ("Asha pinned a message");
// every change sends the room's sockets `conversation:pins` with the whole list, newest first.
// A message deleted for everyone leaves the pins (room/messages.ts calls `pinsChanged`).
import { displayNames } from "../../server/db/users";
import { MAX_PINS, type Pin, type ServerEvent, type SystemEvent } from "../../shared/schemas";
import { systemSentence } from "../../shared/system";
import { fail, ok, type RoomResult } from "../rpc";
import type { RoomCore } from "./core";
import { isMember, load } from "./loading";
import { broadcastInOrder, messageOut, publish } from "./publishing";

/** The pins as the contract's objects, newest pin first; the messages as they are now. */
async function pinList(room: RoomCore, origin: string): Promise<Pin[]> {
	const pins = [];
	for (const row of room.roomLog.pins()) {
		const record = room.roomLog.byId(row.message_id);
		if (!record) continue;
		pins.push({ message: await messageOut(room, record, origin), pinnedBy: row.pinned_by, pinnedAt: row.pinned_at });
	}
	return pins;
}

/** The pins as one member sees them: a message they deleted for themselves is not in their bar. */
function seenBy(room: RoomCore, pins: Pin[], userId: string): Pin[] {
	return pins.filter((p) => !room.roomLog.hiddenFor(userId, p.message.seq));
}

/** A member's view of the pins (404 for anyone else). */
export async function listPins(room: RoomCore, userId: string, origin: string): Promise<RoomResult<{ pins: Pin[] }>> {
	const meta = await load(room, origin);
	if (!meta || !(await isMember(room, userId))) return fail(404, "conversation not found");
	return ok({ pins: seenBy(room, await pinList(room, origin), userId) });
}

/** Who may pin: an admin of a group, either person in a direct chat; and the message, if it can be pinned. */
async function pinTarget(room: RoomCore, actorId: string, messageId: string, origin: string) {
	const meta = await load(room, origin);
	const actor = meta && (await isMember(room, actorId)) ? room.roomLog.member(actorId) : null;
	if (!meta || !actor) return fail(404, "conversation not found");
	const blocked = await room.blocks.refuseWrite(meta.type, actorId);
	if (blocked) return blocked;
	if (meta.type === "group" && actor.role !== "admin") return fail(403, "only a group admin can pin or unpin messages");
	const record = room.roomLog.byId(messageId);
	if (!record) return fail(404, "message not found");
	return ok({ meta, record });
}

/**
 * The room's sockets hear the new list (in order after every frame already on its way); a member
 * who deleted a pinned message for themselves hears their own list without it.
 */
export async function pinsChanged(room: RoomCore, origin: string): Promise<Pin[]> {
	const pins = await pinList(room, origin);
	const frame = (list: Pin[]): ServerEvent => ({
		type: "conversation:pins",
		data: { conversationId: room.conversationId, pins: list },
	});
	const hiders = new Set(pins.flatMap((p) => room.roomLog.hidersOf(p.message.id)));
	const copies = new Map([...hiders].map((userId) => [userId, frame(seenBy(room, pins, userId))] as const));
	await broadcastInOrder(room, frame(pins), copies);
	return pins;
}

/** One member's sockets hear their own list again (after they deleted a pinned message for themselves). */
export async function pinsShownTo(room: RoomCore, userId: string, origin: string): Promise<void> {
	const pins = seenBy(room, await pinList(room, origin), userId);
	const event: ServerEvent = { type: "conversation:pins", data: { conversationId: room.conversationId, pins } };
	room.sockets.sendToUser(userId, [{ event }]);
}

/** Pins a message (idempotent: pinned already answers the list as it is); the 11th is 409. */
export async function pin(
	room: RoomCore,
	actorId: string,
	messageId: string,
	origin: string,
): Promise<RoomResult<{ pins: Pin[] }>> {
	const target = await pinTarget(room, actorId, messageId, origin);
	if (!target.ok) return target;
	const { record } = target.value;
	if (record.kind === "system") return fail(409, "system messages cannot be pinned");
	if (record.deleted_at) return fail(409, "the message was deleted");
	const added = room.roomLog.addPin(messageId, actorId, new Date().toISOString(), MAX_PINS);
	if (added === "full") return fail(409, `a conversation has at most ${MAX_PINS} pinned messages`);
	if (added === "already") return ok({ pins: seenBy(room, await pinList(room, origin), actorId) });
	const system: SystemEvent = { event: "pinned", actorId, targetId: actorId, messageId };
	const names = await displayNames(room.env.DB, [actorId]);
	const line = room.roomLog.append(
		{
			senderId: actorId,
			clientId: `system:${crypto.randomUUID()}`,
			kind: "system",
			text: systemSentence(system, names),
			image: null,
			system,
		},
		new Date().toISOString(),
	);
	room.afterWrite();
	await publish(room, line, origin);
	const pins = await pinsChanged(room, origin);
	await room.visibleToRest(true);
	return ok({ pins: seenBy(room, pins, actorId) });
}

/** Unpins a message (idempotent). */
export async function unpin(
	room: RoomCore,
	actorId: string,
	messageId: string,
	origin: string,
): Promise<RoomResult<{ pins: Pin[] }>> {
	const target = await pinTarget(room, actorId, messageId, origin);
	if (!target.ok) return target;
	if (!room.roomLog.removePin(messageId)) return ok({ pins: seenBy(room, await pinList(room, origin), actorId) });
	return ok({ pins: seenBy(room, await pinsChanged(room, origin), actorId) });
}
