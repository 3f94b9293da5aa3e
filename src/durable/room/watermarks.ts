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

/**
 * A receipt on a room socket, when the room is loaded and knows the member (the usual case):
 * the watermark moves in memory (max only) and the move joins the receipt window; nothing is
 * read from or written to SQLite, D1 or another object here. A receipt that is not ahead of the
 * watermark changes nothing. Null when the room must load or ask D1 first (the async path).
 */
export function receiptNow(
	room: RoomCore,
	userId: string,
	which: "read" | "delivered",
	seq: number,
	via: WebSocket,
): RoomResult<{ lastReadSeq: number } | { lastDeliveredSeq: number }> | null {
	if (!room.roomLog.loaded() || !room.roomLog.watermarksOf(userId)) return null;
	const moved = moveNow(room, userId, which, seq, via);
	if (!moved) return null;
	return ok(which === "read" ? { lastReadSeq: moved.after.read } : { lastDeliveredSeq: moved.after.delivered });
}

/** The move itself; the receipt window writes the log and schedules the outbox once per window. */
function moveNow(
	room: RoomCore,
	userId: string,
	which: "read" | "delivered",
	seq: number | undefined,
	via: WebSocket | undefined,
) {
	const moved = room.roomLog.advanceWatermark(userId, which, seq);
	if (!moved) return null;
	const { before, after } = moved;
	if (after.read > before.read) room.receipts.add(userId, "read", before.read, after.read, via);
	if (after.delivered > before.delivered) {
		room.receipts.add(userId, "delivered", before.delivered, after.delivered, via);
	}
	return moved;
}

/** A receipt never waits on D1; it loads the room and checks membership first when it must. */
async function moveWatermark(
	room: RoomCore,
	userId: string,
	which: "read" | "delivered",
	seq: number | undefined,
	via: WebSocket | undefined,
) {
	if (!(await load(room)) || !(await isMember(room, userId))) return null;
	return moveNow(room, userId, which, seq, via);
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
