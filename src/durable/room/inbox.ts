// Inbox delivery from a room to members' UserHubs, coalesced per hub: events for one hub wait
// for the room's inbox window (the first after a quiet spell goes at once) and for any delivery
// to that hub still in flight, then go as one RPC, so a hub hears from a busy room at most a few
// times a second whatever the message and receipt rates. An older `conversation:updated` for
// this conversation is dropped for the newer one.
import type { ServerEvent } from "../../shared/schemas";
import type { AppEnv } from "../../worker/config";
import { log } from "../../worker/log";
import { hubStub } from "../rpc";

export const INBOX_WINDOW_MS = 250;

interface Mailbox {
	inFlight: boolean;
	queued: ServerEvent[];
}

export class HubMailboxes {
	private boxes = new Map<string, Mailbox>();
	private timer: ReturnType<typeof setTimeout> | undefined;
	private lastSent = 0;
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
		if (this.timer) return;
		const wait = Math.max(0, this.lastSent + INBOX_WINDOW_MS - Date.now());
		this.timer = setTimeout(() => this.sendWindow(), wait);
	}

	private sendWindow() {
		this.timer = undefined;
		this.lastSent = Date.now();
		let waiting = false;
		for (const [userId, box] of this.boxes) {
			if (box.inFlight) {
				waiting = true;
				continue;
			}
			if (box.queued.length === 0) {
				this.boxes.delete(userId);
				continue;
			}
			this.waitUntil(this.send(userId, box));
		}
		if (waiting) this.timer = setTimeout(() => this.sendWindow(), INBOX_WINDOW_MS);
	}

	private async send(userId: string, box: Mailbox) {
		const events = box.queued.splice(0);
		box.inFlight = true;
		this.deliveries += 1;
		try {
			await hubStub(this.env, userId).push(events);
		} catch (err) {
			log.warn("hub_delivery_failed", { userId, events: events.length, error: String(err) });
		} finally {
			box.inFlight = false;
		}
	}
}
