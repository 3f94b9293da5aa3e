// Blocks in a direct conversation's room: while one member blocks the other, the blocked one
// cannot write here (403); the conversation stays readable. Groups are not affected.
//
// One rule for every write: `refuseWrite` (or `writeRefusal` where the caller has loaded
// already). Sending, editing, reactions (adding and removing) and typing all go through it, and
// so must any write added later; only what stays the blocked member's own (receipts, hiding a
// message for themselves, deleting their own message for everyone) is not refused.
//
// D1's user_blocks is the truth; the room keeps the pair's blocks in memory only, so it never
// trusts a copy older than its own wake-up. It reads them from D1 when it is not sure: on the
// first send after the object starts, and whenever a block route tells it D1 changed
// (`refresh`). A refresh that fails leaves the room unsure, so the next send reads D1 again
// instead of going by the old state. Every other send checks memory: no D1 read per send.
import { blocksAmong } from "../../server/db/blocks";
import { fail, type RoomResult } from "../rpc";

/** The one 403 every refused write gets, whatever the write. */
export const BLOCKED_WRITE = "you cannot write in this conversation";

export class RoomBlocks {
	/** Who is blocked by the other member, as last read from D1; null while the room is not sure. */
	private blocked: Set<string> | null = null;
	/** Bumped by every refresh: a read that started before one must not store what it found. */
	private generation = 0;

	constructor(
		private readonly d1: () => D1Database,
		/** The conversation's member ids, asked for only when D1 is read. */
		private readonly memberIds: () => string[],
	) {}

	/**
	 * Makes sure the room knows the pair's blocks (a no-op when it does, and for groups). Awaited
	 * before a send reads its log, so the check itself stays synchronous.
	 */
	async load(type: string) {
		if (type !== "direct") return;
		while (this.blocked === null) await this.read();
	}

	private async read() {
		const generation = this.generation;
		const pairs = await blocksAmong(this.d1(), this.memberIds());
		if (generation === this.generation) this.blocked = new Set(pairs.map((p) => p.blocked_id));
	}

	/**
	 * Whether a member of this direct conversation blocks `senderId`; synchronous, so a send
	 * checks it between reading and writing its log without an await. Needs `load` first.
	 */
	blocksSender(type: string, senderId: string): boolean {
		if (type !== "direct") return false;
		if (this.blocked === null) throw new Error("room blocks read before load()");
		return this.blocked.has(senderId);
	}

	/**
	 * The block rule for any write `actorId` makes in this conversation: the 403 when the other
	 * member of this direct conversation blocks them, else null. Needs `load` first (sync, so a
	 * send checks it between reading and writing its log).
	 */
	writeRefusal(type: string, actorId: string): RoomResult<never> | null {
		return this.blocksSender(type, actorId) ? fail(403, BLOCKED_WRITE) : null;
	}

	/** `writeRefusal` after making sure the blocks are known: what every write but send awaits. */
	async refuseWrite(type: string, actorId: string): Promise<RoomResult<never> | null> {
		await this.load(type);
		return this.writeRefusal(type, actorId);
	}

	/** A block route changed D1: forget what the room knew and read it again (throws if D1 fails). */
	async refresh() {
		this.generation += 1;
		this.blocked = null;
		await this.read();
	}
}
