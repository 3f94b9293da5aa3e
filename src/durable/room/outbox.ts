// The D1 outbox: what D1 keeps of the room's log, written in batches of idempotent statements.
// Since issue 21 no message row reaches D1: a flush writes the conversation's last seq, activity
// and last-message snapshot, each member's watermarks with the badges and last visible message
// the room computed for them (only members whose figures changed), and the live images' rows. At most one flush runs at a time and flushes start at most every
// FLUSH_INTERVAL_MS under load (the first after a quiet spell starts at once). A failed
// flush leaves everything marked unflushed; the room's alarm retries with backoff, so D1
// converges after an outage and after an eviction that came between an ack and a flush.
import { advanceConversationStatement } from "../../server/db/conversations";
import { imageRefsStatements } from "../../server/db/messages";
import { type MemberFigures, memberFiguresStatement, onlineMembersStatement } from "../../server/db/participants";
import { log } from "../../server/log";
import type { MessageRecord } from "../../server/views";
import type { RoomLog } from "./log";

/** A REST write answers once D1 has it (contract: consistency); past this it answers anyway. */
export const REST_FLUSH_WAIT_MS = 10_000;

export const FLUSH_INTERVAL_MS = 250;
/** A REST write waits for its flush: it need not wait a whole interval behind socket traffic. */
const REST_FLUSH_INTERVAL_MS = 50;
const MAX_MESSAGES_PER_FLUSH = 200;
const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 30_000;

/** What one successful flush carried, for the inbox fan-out that follows it. */
export interface FlushReport {
	/** Messages D1 had never seen before this flush, in seq order. */
	created: MessageRecord[];
	/** Something visible in the list changed (a new, deleted or hidden message, the last message edited or reacted to). */
	changed: boolean;
	/** Members online right now, as D1 knows it (asked in the same round trip). */
	online: string[];
}

export class Outbox {
	private running: Promise<boolean> | null = null;
	private again = false;
	private timer: ReturnType<typeof setTimeout> | undefined;
	private timerAt = 0;
	private lastStart = 0;
	private failures = 0;
	/** Waiters for "a flush that started after my write has finished". */
	private waiters: { resolve: (ok: boolean) => void }[] = [];
	private pendingWaiters: { resolve: (ok: boolean) => void }[] = [];
	/** Inbox work requested without a log change (members changed, conversation created). */
	private refreshRequested = false;
	/** Every member's figures and the snapshot to be compared with D1's (after an import). */
	private figuresRequested = false;
	flushes = 0;
	/** D1 statements sent and rows they wrote (D1's `meta.rows_written`), for the benchmark's stats. */
	d1Statements = 0;
	d1RowsWritten = 0;

	constructor(
		private readonly roomLog: RoomLog,
		private readonly onFlushed: (report: FlushReport) => void,
		private readonly scheduleRetry: (at: number) => Promise<void>,
		/** The D1 to write to: env.DB, asked for at each flush so a test can make it fail for a while. */
		private readonly db: () => D1Database,
	) {}

	/**
	 * Schedules a flush: at once after a quiet spell, else one interval after the last one
	 * started (a shorter one when a REST call is waiting for it).
	 */
	schedule(opts: { refreshInbox?: boolean; restWaiting?: boolean; figures?: boolean } = {}) {
		if (opts.refreshInbox) this.refreshRequested = true;
		if (opts.figures) this.figuresRequested = true;
		if (this.running) {
			this.again = true;
			return;
		}
		const interval = opts.restWaiting ? REST_FLUSH_INTERVAL_MS : FLUSH_INTERVAL_MS;
		const at = Math.max(Date.now(), this.lastStart + interval);
		if (this.timer) {
			if (this.timerAt <= at) return;
			clearTimeout(this.timer);
		}
		this.timerAt = at;
		this.timer = setTimeout(() => {
			this.timer = undefined;
			void this.run();
		}, at - Date.now());
	}

	/** Resolves true once everything written before this call is in D1 (false after `ms`). */
	whenFlushed(ms: number): Promise<boolean> {
		return new Promise<boolean>((resolve) => {
			const timeout = setTimeout(() => resolve(false), ms);
			const waiter = {
				resolve: (ok: boolean) => {
					clearTimeout(timeout);
					resolve(ok);
				},
			};
			// A flush already running may have read the log before this write: wait for the next one.
			if (this.running) this.pendingWaiters.push(waiter);
			else this.waiters.push(waiter);
			this.schedule({ restWaiting: true });
		});
	}

	/** Runs one flush now (the alarm's entry point); true when D1 has everything. */
	async run(): Promise<boolean> {
		if (this.running) {
			this.again = true;
			return this.running;
		}
		this.lastStart = Date.now();
		const waiters = this.waiters.splice(0);
		this.running = this.flushOnce();
		let ok = false;
		try {
			ok = await this.running;
		} finally {
			this.running = null;
		}
		for (const w of waiters) w.resolve(ok);
		this.waiters.push(...this.pendingWaiters.splice(0));
		if (ok) {
			this.failures = 0;
			if (this.again || this.waiters.length > 0 || this.roomLog.hasUnflushed()) {
				this.again = false;
				this.schedule({ restWaiting: this.waiters.length > 0 });
			}
		} else {
			this.failures += 1;
			const backoff = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** (this.failures - 1));
			await this.scheduleRetry(Date.now() + backoff);
		}
		return ok;
	}

	private async flushOnce(): Promise<boolean> {
		const meta = this.roomLog.meta();
		if (!meta) return true;
		this.roomLog.persistWatermarks();
		const messages = this.roomLog.unflushedMessages(MAX_MESSAGES_PER_FLUSH);
		const watermarks = this.roomLog.unflushedWatermarks();
		const hidden = this.roomLog.unflushedHidden();
		const refresh = this.refreshRequested;
		this.refreshRequested = false;
		const recount = this.figuresRequested;
		this.figuresRequested = false;
		if (messages.length === 0 && watermarks.length === 0 && hidden.length === 0 && !refresh && !recount) return true;
		const db = this.db();
		const id = meta.conversation_id;
		const latest = this.roomLog.latestMessage();
		const snapshot = this.roomLog.snapshot(latest);
		const d1 = this.roomLog.d1Figures();
		const snapshotChanged = snapshot !== d1.lastMessage;
		// Whose badges or last visible message may have changed: everyone's when a message came,
		// went or the latest changed (or member changes asked for a refresh); else the members
		// whose watermarks moved, those who hid something now, and (after any edit or reaction)
		// those with a last visible message of their own.
		const hid = this.roomLog.usersWhoHid();
		const everyone =
			refresh || recount || snapshotChanged || messages.some((m) => m.flushed_version === 0 || m.deleted_at !== null);
		const concerned = new Set([
			...watermarks.map((w) => w.user_id),
			...hidden.map((h) => h.user_id),
			...(messages.length > 0 ? hid : []),
		]);
		const moved = new Set(watermarks.map((w) => w.user_id));
		const figureRows: MemberFigures[] = [];
		const figuresWritten: { user_id: string; json: string }[] = [];
		const counts = everyone ? this.roomLog.unreadCountsOfAll() : null;
		for (const member of this.roomLog.members()) {
			if (!everyone && !concerned.has(member.user_id)) continue;
			const figures = this.roomLog.figures(member, latest, hid, counts?.get(member.user_id));
			const json = JSON.stringify(figures);
			if (json === d1.members.get(member.user_id) && !moved.has(member.user_id)) continue;
			figureRows.push({
				user_id: member.user_id,
				last_read_seq: member.last_read_seq,
				last_delivered_seq: member.last_delivered_seq,
				...figures,
			});
			figuresWritten.push({ user_id: member.user_id, json });
		}
		const statements: D1PreparedStatement[] = [];
		// One statement per kind of row, each taking its rows as one JSON array: a flush is one
		// D1 round trip of at most five statements, however busy the room was.
		if (snapshotChanged || messages.some((m) => m.flushed_version === 0)) {
			statements.push(advanceConversationStatement(db, id, meta.last_seq, meta.last_activity_at, snapshot));
		}
		if (figureRows.length > 0) statements.push(memberFiguresStatement(db, id, figureRows));
		statements.push(...imageRefsStatements(db, id, messages));
		// Who is online rides in the same round trip: the inbox goes to online members only. It
		// carries only what members' lists show: new messages, deletions (unread counts change),
		// hides, and changes to the conversation's last message. A reaction to or an edit of an
		// older message is news for the room's sockets alone (contract v2), whatever the group's size.
		const listChanged = messages.some(
			(m) => m.flushed_version === 0 || m.deleted_at !== null || m.seq === meta.last_seq,
		);
		const wantsInbox = listChanged || hidden.length > 0 || refresh;
		if (wantsInbox) statements.push(onlineMembersStatement(db, id));
		let results: D1Result[] = [];
		try {
			if (statements.length > 0) results = await db.batch(statements);
		} catch (err) {
			this.refreshRequested ||= refresh;
			this.figuresRequested ||= recount;
			log.error("outbox_flush_failed", {
				conversationId: id,
				messages: messages.length,
				watermarks: watermarks.length,
				error: String(err),
			});
			return false;
		}
		this.flushes += 1;
		this.d1Statements += statements.length;
		for (const r of results) this.d1RowsWritten += r.meta?.rows_written ?? 0;
		this.roomLog.markFlushed(messages, watermarks, hidden, {
			lastMessage: snapshotChanged ? snapshot : undefined,
			figures: figuresWritten,
		});
		const online = wantsInbox ? ((results.at(-1)?.results ?? []) as { user_id: string }[]).map((r) => r.user_id) : [];
		if (wantsInbox) {
			this.onFlushed({
				created: messages.filter((m) => m.flushed_version === 0),
				changed: wantsInbox,
				online,
			});
		}
		return true;
	}
}
