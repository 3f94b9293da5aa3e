// Blocks in a direct conversation's room: while one member blocks the other, the blocked one
// cannot send here (403); the conversation stays readable. The send path must not read D1, so
// the room keeps the pair's blocks in its own SQLite: loaded from D1 once (a room that predates
// the block, or that was just imported), then kept current by the block routes through
// `ConversationRoom.setBlocked`. Groups are not affected.
import { blocksAmong } from "../../server/db/blocks";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS room_blocks (
  blocker_id TEXT NOT NULL,
  blocked_id TEXT NOT NULL,
  PRIMARY KEY (blocker_id, blocked_id)
);
CREATE TABLE IF NOT EXISTS room_blocks_loaded (id INTEGER PRIMARY KEY CHECK (id = 1))`;

export class RoomBlocks {
	/** Set once the table holds what D1 had: the hot path then costs one local read. */
	private loaded = false;

	constructor(
		private readonly storage: DurableObjectStorage,
		private readonly d1: () => D1Database,
	) {}

	private get sql() {
		return this.storage.sql;
	}

	/**
	 * Reads the pair's blocks from D1 into the room the first time (a no-op afterwards, and for
	 * groups). Awaited before a send reads its log, so the check itself stays synchronous.
	 */
	async load(type: string, memberIds: string[]) {
		if (this.loaded || type !== "direct") return;
		for (const statement of SCHEMA.split(";")) this.sql.exec(statement);
		if (this.sql.exec("SELECT 1 FROM room_blocks_loaded").toArray().length > 0) {
			this.loaded = true;
			return;
		}
		const pairs = await blocksAmong(this.d1(), memberIds);
		this.storage.transactionSync(() => {
			for (const p of pairs) {
				this.sql.exec(
					"INSERT OR IGNORE INTO room_blocks (blocker_id, blocked_id) VALUES (?, ?)",
					p.blocker_id,
					p.blocked_id,
				);
			}
			this.sql.exec("INSERT OR IGNORE INTO room_blocks_loaded (id) VALUES (1)");
		});
		this.loaded = true;
	}

	/**
	 * Whether a member of this direct conversation blocks `senderId`; synchronous, so a send
	 * checks it between reading and writing its log without an await. Needs `load` first.
	 */
	blocksSender(type: string, senderId: string): boolean {
		if (type !== "direct") return false;
		if (!this.loaded) throw new Error("room blocks read before load()");
		return this.sql.exec("SELECT 1 FROM room_blocks WHERE blocked_id = ?", senderId).toArray().length > 0;
	}

	/** The block routes changed D1; the room follows. */
	async set(memberIds: string[], blockerId: string, blockedId: string, blocked: boolean) {
		await this.load("direct", memberIds);
		if (blocked) {
			this.sql.exec("INSERT OR IGNORE INTO room_blocks (blocker_id, blocked_id) VALUES (?, ?)", blockerId, blockedId);
		} else {
			this.sql.exec("DELETE FROM room_blocks WHERE blocker_id = ? AND blocked_id = ?", blockerId, blockedId);
		}
	}
}
