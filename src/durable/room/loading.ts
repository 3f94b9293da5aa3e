// Loading a room: the conversation's meta, imported from D1 on the room's first real work, and
// membership, re-read from D1 when the log does not know a user (D1 is where the Worker and
// admins change it).
import { readConversationForImport } from "../../server/db/conversations";
import { readMembers } from "../../server/db/participants";
import { log } from "../../server/log";
import type { RoomCore } from "./core";
import type { Meta } from "./log";

/**
 * The conversation's meta, importing it from D1 on the room's first real work. A room for a
 * conversation that does not exist writes nothing and answers null.
 */
export function load(room: RoomCore, origin?: string): Promise<Meta | null> {
	const meta = room.roomLog.meta();
	if (meta) {
		if (origin && meta.origin !== origin) room.roomLog.setOrigin(origin);
		return Promise.resolve(origin ? { ...meta, origin } : meta);
	}
	room.loading ??= (async () => {
		const data = await readConversationForImport(room.env.DB, room.conversationId);
		if (!data) return null;
		// Another request may have imported while this one awaited D1.
		if (!room.roomLog.meta()) {
			room.roomLog.importConversation(data, origin ?? "");
			log.info("room_imported", { conversationId: room.conversationId, messages: data.messages.length });
			// D1's list figures for imported messages come from the log from now on.
			if (data.messages.length > 0) room.outbox.schedule({ figures: true });
		}
		return room.roomLog.meta();
	})().finally(() => {
		room.loading = null;
	});
	return room.loading;
}

/** Re-reads membership from D1 (where the Worker and admins query it) into the log. */
export async function syncMembers(room: RoomCore) {
	room.roomLog.syncMembers(await readMembers(room.env.DB, room.conversationId));
}

/** Is `userId` a member? A miss is checked against D1 once, so a member added there is seen. */
export async function isMember(room: RoomCore, userId: string): Promise<boolean> {
	if (room.roomLog.member(userId)) return true;
	await syncMembers(room);
	return room.roomLog.member(userId) !== null;
}
