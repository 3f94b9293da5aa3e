// Writes what the app needs offline as the state changes: the outbox at once (a message written
// offline must survive the tab closing), the list and recent chats a second after they settle
// and when the page is hidden (phones kill hidden pages without warning).
import { loadSession } from "../session";
import type { ChatState } from "../store/state";
import { clearSnapshot, saveSnapshot, snapshotOf, touchRecent } from "./cache";
import { clearOutbox, saveOutbox } from "./outbox";

const SAVE_DELAY_MS = 1000;

export class OfflinePersistence {
	private recent: string[];
	private timer: ReturnType<typeof setTimeout> | undefined;
	private latest: ChatState | null = null;

	constructor(
		private readonly userId: string,
		recent: string[],
	) {
		this.recent = recent;
	}

	/** Called by the store after every state change. */
	changed(previous: ChatState, next: ChatState): void {
		if (next.pending !== previous.pending && loadSession()?.user.id === this.userId)
			saveOutbox(this.userId, next.pending);
		if (next.openId && next.openId !== previous.openId) this.recent = touchRecent(this.recent, next.openId);
		const saved =
			next.conversations !== previous.conversations ||
			next.threads !== previous.threads ||
			next.participants !== previous.participants ||
			next.openId !== previous.openId;
		if (!saved) return;
		this.latest = next;
		if (this.timer === undefined) this.timer = setTimeout(() => this.flush(), SAVE_DELAY_MS);
	}

	flush(): void {
		clearTimeout(this.timer);
		this.timer = undefined;
		if (!this.latest) return;
		// Signed out meanwhile (the store stops a tick later): nothing of theirs is written back.
		if (loadSession()?.user.id !== this.userId) return;
		saveSnapshot(this.userId, snapshotOf(this.latest, this.recent));
		this.latest = null;
	}

	start(): void {
		window.addEventListener("pagehide", this.onPageHide);
		document.addEventListener("visibilitychange", this.onHide);
	}

	stop(): void {
		this.flush();
		window.removeEventListener("pagehide", this.onPageHide);
		document.removeEventListener("visibilitychange", this.onHide);
	}

	private onPageHide = () => this.flush();

	private onHide = () => {
		if (document.visibilityState === "hidden") this.flush();
	};
}

/** Signing out on purpose (a shared computer): nothing of this person stays on the device. */
export function clearOfflineData(userId: string): void {
	clearSnapshot(userId);
	clearOutbox(userId);
}
