// Inbox delivery from a room to members' UserHubs, coalesced per hub: events for one hub wait
// for the room's inbox window (the first after a quiet spell goes at once) and for any delivery
// to that hub still in flight, then go as one RPC, so a hub hears from a busy room at most a few
// times a second whatever the message and receipt rates. An older `conversation:updated` for
// this conversation is dropped for the newer one, and one equal to the last this hub was sent
// is not sent again (a member whose list did not change costs no RPC). The frame crosses the
// RPC as text: each event shared by many hubs (a `message:new`) is serialised once per window,
// and the hub sends the text to its sockets as it is.

import type { AppEnv } from "../../server/config";
import { log } from "../../server/log";
import type { ServerEvent } from "../../shared/schemas";
import { WindowTimer } from "../coalesce";
import { hubStub } from "../rpc";

export const INBOX_WINDOW_MS = 250;
/**
 * Rooms that reach more hubs than this wait longer between deliveries: a hub delivery is an RPC
 * and costs far more than a socket frame (a 256-member room's hub calls were the largest item
 * of its profile). The list still hears of a message within a second of its ack: a flush
 * starts at most 250 ms after it, and its deliveries within this window.
 */
const BUSY_HUBS = 32;
const BUSY_INBOX_WINDOW_MS = 750;
/** Deliveries a room has in flight at once: a window's worth goes out in waves, so the room's
 * own broadcasts slip in between instead of queueing behind hundreds of hub calls. */
const MAX_IN_FLIGHT = 16;

interface Mailbox {
	inFlight: boolean;
	queued: ServerEvent[];
}

export class HubMailboxes {
	private boxes = new Map<string, Mailbox>();
	private stubs = new Map<string, ReturnType<typeof hubStub>>();
	/** The last `conversation:updated` each hub was sent, as text: an equal one is not sent again. */
	private lastViews = new Map<string, string>();
	/** Events serialised in this window, shared by every hub that gets them. */
	private texts = new WeakMap<ServerEvent, string>();
	private readonly timer = new WindowTimer(
		() => (this.boxes.size > BUSY_HUBS ? BUSY_INBOX_WINDOW_MS : INBOX_WINDOW_MS),
		() => this.sendWindow(),
	);
	/** Deliveries started, for the benchmark's stats. */
	deliveries = 0;

	constructor(
		private readonly env: AppEnv,
		private readonly waitUntil: (promise: Promise<unknown>) => void,
	) {}

	deliver(userId: string, events: ServerEvent[]) {
		if (events.length === 0) return;
		let box = this.boxes.get(userId);
		if (!box) {
			box = { inFlight: false, queued: [] };
			this.boxes.set(userId, box);
		}
		for (const event of events) {
			if (event.type === "conversation:updated") {
				box.queued = box.queued.filter((e) => e.type !== "conversation:updated");
			}
			box.queued.push(event);
		}
		this.timer.poke();
	}

	/** A member left or changed in a way the room cannot compare: their next view goes out whatever it says. */
	forget(userId: string) {
		this.lastViews.delete(userId);
	}

	private textOf(event: ServerEvent): string {
		let text = this.texts.get(event);
		if (text === undefined) {
			text = JSON.stringify(event);
			this.texts.set(event, text);
		}
		return text;
	}

	/** The hub's frame for its queued events, or null when all it would carry is the view it already has. */
	private frameFor(userId: string, events: ServerEvent[]): string | null {
		const parts: string[] = [];
		for (const event of events) {
			if (event.type === "conversation:updated") {
				const text = JSON.stringify(event);
				if (this.lastViews.get(userId) === text) continue;
				this.lastViews.set(userId, text);
				parts.push(text);
			} else parts.push(this.textOf(event));
		}
		if (parts.length === 0) return null;
		return parts.length === 1 ? (parts[0] as string) : `{"type":"batch","data":[${parts.join(",")}]}`;
	}

	private sendWindow() {
		let waiting = false;
		const ready: [string, Mailbox][] = [];
		for (const [userId, box] of this.boxes) {
			if (box.inFlight) waiting = true;
			else if (box.queued.length === 0) this.boxes.delete(userId);
			else {
				box.inFlight = true;
				ready.push([userId, box]);
			}
		}
		const wave = async () => {
			for (let next = ready.shift(); next; next = ready.shift()) await this.send(...next);
		};
		if (ready.length > 0)
			this.waitUntil(Promise.all(Array.from({ length: Math.min(MAX_IN_FLIGHT, ready.length) }, wave)));
		// Hubs still busy with the last delivery get theirs in the next window.
		if (waiting) this.timer.poke();
	}

	private async send(userId: string, box: Mailbox) {
		const events = box.queued.splice(0);
		try {
			const frame = this.frameFor(userId, events);
			if (frame === null) return;
			this.deliveries += 1;
			let stub = this.stubs.get(userId);
			if (!stub) {
				stub = hubStub(this.env, userId);
				this.stubs.set(userId, stub);
			}
			await stub.pushFrame(frame);
		} catch (err) {
			// The hub may have missed a view: the next one goes out even if it is the same.
			this.lastViews.delete(userId);
			log.warn("hub_delivery_failed", { userId, events: events.length, error: String(err) });
		} finally {
			box.inFlight = false;
		}
	}
}
