// What every concern of a room shares: the log, the outbox, the receipt and inbox windows, the
// sockets and blocks, the few pieces of in-memory state that span calls (import in progress,
// publish order, member-change order, REST buckets), and the helpers each write calls after it
// (a flush soon, an alarm as a backstop, REST answering once D1 has it). ConversationRoom.ts
// holds one and hands it to the concern modules beside this file.
import type { AppEnv } from "../../server/config";
import { log } from "../../server/log";
import type { TokenBucket } from "../../server/tokenBucket";
import type { ServerEvent } from "../../shared/schemas";
import { RoomBlocks } from "./blocks";
import { HubMailboxes } from "./inbox";
import { type Meta, RoomLog } from "./log";
import { Outbox, REST_FLUSH_WAIT_MS } from "./outbox";
import { fanOutToMembers, sendReceipts } from "./publishing";
import { ReceiptWindow } from "./receipts";
import { RoomSockets } from "./sockets";

/** If the object is evicted between a write and its flush, this alarm brings it back. */
const BACKSTOP_MS = 1_000;

export class RoomCore {
	readonly roomLog: RoomLog;
	readonly outbox: Outbox;
	readonly receipts: ReceiptWindow;
	readonly hubs: HubMailboxes;
	readonly sockets: RoomSockets;
	readonly blocks: RoomBlocks;
	loading: Promise<Meta | null> | null = null;
	userBuckets = new Map<string, TokenBucket>();
	/** Broadcasts run in the order seqs were assigned, even when building one awaits. */
	publishing: Promise<unknown> = Promise.resolve();
	/** Member changes read, check and then write across awaits: they run one at a time. */
	memberChanges: Promise<unknown> = Promise.resolve();
	/** Events for the next inbox fan-out besides messages (member changes), and who else gets them. */
	inboxExtra: { events: ServerEvent[]; users: Set<string> } = { events: [], users: new Set() };
	private alarmAt: number | null | undefined;

	constructor(
		readonly ctx: DurableObjectState,
		readonly env: AppEnv,
		/** The D1 the outbox and blocks use (tests swap it on the room to make D1 fail). */
		readonly d1: () => D1Database,
	) {
		this.roomLog = new RoomLog(ctx.storage);
		this.sockets = new RoomSockets(ctx, () => this.conversationId);
		this.outbox = new Outbox(
			this.roomLog,
			(report) => fanOutToMembers(this, report),
			(at) => this.setAlarmBy(at),
			() => this.d1(),
		);
		this.receipts = new ReceiptWindow((moves) => sendReceipts(this, moves));
		this.hubs = new HubMailboxes(env, (promise) => ctx.waitUntil(promise));
		this.blocks = new RoomBlocks(
			() => this.d1(),
			() => this.memberIds(),
		);
	}

	/** Read from the object's name once: every receipt window and typing frame asks for it. */
	private id: string | undefined;

	get conversationId(): string {
		if (this.id !== undefined) return this.id;
		const name = this.ctx.id.name;
		if (!name?.startsWith("conversation:")) throw new Error("a room is named conversation:<id>");
		this.id = name.slice("conversation:".length);
		return this.id;
	}

	memberIds(): string[] {
		return this.roomLog.members().map((m) => m.user_id);
	}

	/** Makes sure the alarm fires no later than `at`. */
	async setAlarmBy(at: number) {
		if (this.alarmAt === undefined) this.alarmAt = await this.ctx.storage.getAlarm();
		if (this.alarmAt !== null && this.alarmAt <= at) return;
		this.alarmAt = at;
		await this.ctx.storage.setAlarm(at);
	}

	/** The alarm fired: the next `setAlarmBy` sets a new one. */
	alarmFired() {
		this.alarmAt = null;
	}

	/** After every local write: a flush soon, and an alarm in case this object is evicted first. */
	afterWrite() {
		this.outbox.schedule();
		this.ctx.waitUntil(this.setAlarmBy(Date.now() + BACKSTOP_MS));
	}

	/** REST writes answer once every REST read can see them (contract: consistency). */
	async visibleToRest(viaRest: boolean | undefined) {
		if (!viaRest) return;
		if (!(await this.outbox.whenFlushed(REST_FLUSH_WAIT_MS))) {
			log.warn("rest_answered_before_d1", { conversationId: this.conversationId });
		}
	}
}
