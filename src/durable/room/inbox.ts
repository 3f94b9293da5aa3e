// Inbox delivery from a room to members' UserHubs, coalesced per hub: while one delivery to
// a hub is in flight, later events for it wait and go together in the next one, and an older
// `conversation:updated` for this conversation is dropped for the newer one.
import type { ServerEvent } from "../../shared/schemas";
import type { AppEnv } from "../../worker/config";
import { log } from "../../worker/log";
import { hubStub } from "../rpc";

interface Mailbox {
	inFlight: boolean;
	queued: ServerEvent[];
}

export class HubMailboxes {
	private boxes = new Map<string, Mailbox>();

	constructor(private readonly env: AppEnv) {}

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
		if (!box.inFlight) void this.drain(userId, box);
	}

	private async drain(userId: string, box: Mailbox) {
		box.inFlight = true;
		try {
			while (box.queued.length > 0) {
				const events = box.queued.splice(0);
				try {
					await hubStub(this.env, userId).push(events);
				} catch (err) {
					log.warn("hub_delivery_failed", { userId, events: events.length, error: String(err) });
				}
			}
		} finally {
			box.inFlight = false;
			this.boxes.delete(userId);
		}
	}
}
