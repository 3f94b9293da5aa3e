// Receipts: a member's `message:delivered` / `message:read` moves their watermark in the log
// (held in memory until the next flush) and queues a coalesced frame (room/receipts.ts).
import { fail, ok, type RoomResult } from "../rpc";
import type { RoomCore } from "./core";
import { isMember, load } from "./loading";

/** How a receipt arrived: over REST (answer once D1 has it) or on a room socket (no echo to it). */
export interface ReceiptOptions {
	viaRest?: boolean;
	via?: WebSocket;
}

export async function markRead(
	room: RoomCore,
	userId: string,
	seq: number | undefined,
	opts: ReceiptOptions = {},
): Promise<RoomResult<{ lastReadSeq: number }>> {
	const moved = await moveWatermark(room, userId, "read", seq, opts.via);
	if (!moved) return fail(404, "conversation not found");
	await room.visibleToRest(opts.viaRest);
	return ok({ lastReadSeq: moved.after.read });
}

export async function markDelivered(
	room: RoomCore,
	userId: string,
	seq: number,
	opts: ReceiptOptions = {},
): Promise<RoomResult<{ lastDeliveredSeq: number }>> {
	const moved = await moveWatermark(room, userId, "delivered", seq, opts.via);
	if (!moved) return fail(404, "conversation not found");
	await room.visibleToRest(opts.viaRest);
	return ok({ lastDeliveredSeq: moved.after.delivered });
}

/** A local write plus a coalesced frame: a receipt never waits on D1. */
async function moveWatermark(
	room: RoomCore,
	userId: string,
	which: "read" | "delivered",
	seq: number | undefined,
	via: WebSocket | undefined,
) {
	if (!(await load(room)) || !(await isMember(room, userId))) return null;
	const moved = room.roomLog.advanceWatermark(userId, which, seq);
	if (!moved) return null;
	const { before, after } = moved;
	const reporters = via ? [via] : [];
	if (after.read > before.read) {
		room.receipts.add({ userId, kind: "read", from: before.read, to: after.read, reporters });
	}
	if (after.delivered > before.delivered) {
		room.receipts.add({ userId, kind: "delivered", from: before.delivered, to: after.delivered, reporters });
	}
	if (after.read > before.read || after.delivered > before.delivered) room.afterWrite();
	return moved;
}

/** Watermarks as the room has them (ahead of D1 by at most one flush); null if it holds nothing. */
export function watermarks(room: RoomCore): Record<string, { lastReadSeq: number; lastDeliveredSeq: number }> | null {
	if (!room.roomLog.meta()) return null;
	return Object.fromEntries(
		room.roomLog
			.members()
			.map((m) => [m.user_id, { lastReadSeq: m.last_read_seq, lastDeliveredSeq: m.last_delivered_seq }]),
	);
}
