// Loading a chat's messages: the first page, older pages on scroll, and catching up on what
// a socket missed while it was down.
import type { Message } from "../../shared/schemas";
import { ApiError, api, apiV2 } from "../api";
import { highestSeq } from "../store/threads";
import { errorText, type Store } from "./store";

export interface HistoryEffects {
	/** New messages were merged into the thread (previews, receipts). */
	arrived(id: string): void;
	/** Mine, confirmed: its pending copy goes. */
	confirmed(message: Message): void;
	/** The conversation is gone (404): forget it. */
	gone(id: string): void;
}

const PAGE = 50;
const CATCH_UP_PAGE = 100;

export class History {
	private readonly threadLoads = new Map<string, Promise<void>>();
	private readonly catchUps = new Map<string, Promise<void>>();

	constructor(
		private readonly store: Store,
		private readonly effects: HistoryEffects,
	) {}

	ensureThread(id: string): Promise<void> {
		const thread = this.store.getState().threads[id];
		if (thread?.loaded) return Promise.resolve();
		const inflight = this.threadLoads.get(id);
		if (inflight) return inflight;
		const load = (async () => {
			try {
				const page = await api.messagesBefore(id, undefined, PAGE);
				this.store.dispatch({
					type: "thread/pageLoaded",
					conversationId: id,
					messages: [...page.messages].reverse(),
					nextCursor: page.nextCursor,
				});
				this.effects.arrived(id);
			} catch (error) {
				this.store.dispatch({ type: "thread/failed", conversationId: id, error: errorText(error) });
				if (error instanceof ApiError && error.status === 404) this.effects.gone(id);
			} finally {
				this.threadLoads.delete(id);
			}
		})();
		this.threadLoads.set(id, load);
		return load;
	}

	loadOlder(id: string): Promise<void> {
		const thread = this.store.getState().threads[id];
		if (!thread?.loaded || !thread.hasOlder || thread.loadingOlder || !thread.olderCursor) return Promise.resolve();
		const cursor = thread.olderCursor;
		this.store.dispatch({ type: "thread/olderRequested", conversationId: id });
		return api
			.messagesBefore(id, cursor, PAGE)
			.then((page) => {
				this.store.dispatch({
					type: "thread/olderLoaded",
					conversationId: id,
					messages: [...page.messages].reverse(),
					nextCursor: page.nextCursor,
				});
			})
			.catch((error) => this.store.dispatch({ type: "thread/failed", conversationId: id, error: errorText(error) }));
	}

	/**
	 * Makes sure the message with `seq` is in the thread (a quoted or found message): the first
	 * page, then older pages by `beforeSeq` until it is held, so the thread stays without gaps and
	 * scrolling up continues from there. True when the seq is held (or was never there to find).
	 */
	async reveal(id: string, seq: number): Promise<boolean> {
		await this.ensureThread(id);
		for (let round = 0; round < 30; round++) {
			const thread = this.store.getState().threads[id];
			if (!thread?.loaded) return false;
			const lowest = thread.messages[0]?.seq;
			if (lowest === undefined || lowest <= seq || !thread.hasOlder) return true;
			try {
				const page = await apiV2.messagesBeforeSeq(id, lowest, CATCH_UP_PAGE);
				this.store.dispatch({
					type: "thread/olderLoaded",
					conversationId: id,
					messages: [...page.messages].reverse(),
					nextCursor: page.messages.length === 0 ? null : page.nextCursor,
				});
			} catch (error) {
				this.store.dispatch({ type: "thread/failed", conversationId: id, error: errorText(error) });
				return false;
			}
		}
		return false;
	}

	/**
	 * Everything after `from` (default: the highest seq we hold), oldest first, until there is
	 * no more. A live message that skipped ahead is already merged when this runs, so a gap passes
	 * the seq held before it: starting from the highest held would skip the gap for good. A gap
	 * found while another catch-up runs is fetched after it.
	 */
	catchUp(id: string, from?: number): Promise<void> {
		const inflight = this.catchUps.get(id);
		if (inflight) return from === undefined ? inflight : inflight.then(() => this.catchUp(id, from));
		const run = (async () => {
			try {
				let after = from;
				for (let round = 0; round < 50; round++) {
					const thread = this.store.getState().threads[id];
					if (!thread?.loaded) return;
					after ??= highestSeq(thread);
					const page = await api.messagesAfter(id, after, CATCH_UP_PAGE);
					if (page.messages.length === 0) break;
					this.store.dispatch({ type: "messages/received", conversationId: id, messages: page.messages });
					for (const m of page.messages) this.effects.confirmed(m);
					this.effects.arrived(id);
					if (!page.nextCursor && page.messages.length < CATCH_UP_PAGE) break;
					after = page.messages.at(-1)?.seq ?? after;
				}
			} catch {
				// Offline again: the next socket open retries.
			} finally {
				this.catchUps.delete(id);
			}
		})();
		this.catchUps.set(id, run);
		return run;
	}
}
