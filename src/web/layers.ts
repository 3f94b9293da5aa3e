// One stack of what is open over the chat, top last: menus and popovers, dialogs, the image
// viewer, the emoji picker, a confirmation (issue 22.11). Escape closes only the top layer, and
// so does the system Back: each layer adds a history entry (same URL), a Back that pops it
// closes that layer alone, and a layer closed from the UI takes its entry away again, so the
// next Back still means "the layer below" (in the end: the chat, then the list).
// Pure apart from the history it is handed, so the bookkeeping is unit-tested (layers.test.ts).

export interface HistoryLike {
	readonly state: unknown;
	pushState(data: unknown, unused: string): void;
	go(delta: number): void;
}

interface Layer {
	id: number;
	close: () => void;
}

const MARK = "campusChatLayer";

export class LayerStack {
	private layers: Layer[] = [];
	/** History entries pushed for layers that are still in the history. */
	private entries = 0;
	/** history.go() calls whose popstate has not arrived yet. */
	private pendingPops = 0;
	private syncScheduled = false;
	private waiting: (() => void)[] = [];
	private nextId = 1;

	constructor(
		private readonly history: HistoryLike | null,
		private readonly defer: (fn: () => void) => void = (fn) => queueMicrotask(fn),
	) {}

	get size(): number {
		return this.layers.length;
	}

	/** A layer opened; `close` is what Escape or Back does to it. */
	open(close: () => void): number {
		const id = this.nextId++;
		this.layers.push({ id, close });
		if (this.history) {
			const state = this.history.state;
			this.history.pushState({ ...(state && typeof state === "object" ? state : {}), [MARK]: id }, "");
			this.entries++;
		}
		return id;
	}

	/** A layer closed (by its own button, a pick, Escape or unmounting): its history entry goes too. */
	remove(id: number): void {
		const index = this.layers.findIndex((l) => l.id === id);
		if (index < 0) return;
		this.layers.splice(index, 1);
		this.scheduleSync();
	}

	isTop(id: number): boolean {
		return this.layers.at(-1)?.id === id;
	}

	/** Escape: closes the top layer; false when nothing is open (the chat itself is next). */
	closeTop(): boolean {
		const top = this.layers.at(-1);
		if (!top) return false;
		top.close();
		return true;
	}

	/** The window's popstate: our own go() coming back, or the user's Back closing the top layer. */
	onPopState(): void {
		if (this.pendingPops > 0) {
			this.pendingPops--;
			if (this.pendingPops === 0) this.runWaiting();
			return;
		}
		if (this.entries > 0 && this.layers.length > 0) {
			this.entries--;
			const top = this.layers.pop();
			top?.close();
			return;
		}
		// Forward into an entry of a layer that is no longer open: step back out of it.
		const state = this.history?.state;
		if (this.layers.length === 0 && state && typeof state === "object" && MARK in state) this.go(-1);
	}

	/**
	 * Navigation (opening a chat, going back to the list) after the layers' entries are gone, so
	 * a pending go() cannot land after it and undo it. Every layer's entry is dropped first: the
	 * layers themselves close as the view changes.
	 */
	navigate(fn: () => void): void {
		if (this.entries > 0) {
			const n = this.entries;
			this.entries = 0;
			this.go(-n);
		}
		if (this.pendingPops > 0 || this.syncScheduled) this.waiting.push(fn);
		else fn();
	}

	private scheduleSync(): void {
		if (this.syncScheduled) return;
		this.syncScheduled = true;
		this.defer(() => {
			this.syncScheduled = false;
			const extra = this.entries - this.layers.length;
			if (extra > 0) {
				this.entries -= extra;
				this.go(-extra);
			}
			if (this.pendingPops === 0) this.runWaiting();
		});
	}

	private go(delta: number): void {
		if (!this.history) return;
		this.pendingPops++;
		this.history.go(delta);
	}

	private runWaiting(): void {
		const fns = this.waiting;
		this.waiting = [];
		for (const fn of fns) fn();
	}
}

/** The app's one stack, on the page's history. */
export const layers = new LayerStack(typeof window === "undefined" ? null : window.history);

/**
 * Escape and Back for the whole page: Escape that nothing else handled (and no modal dialog) (a mention list, a reply
 * or an edit being cancelled call preventDefault) closes the top layer, or with none open calls
 * `onNothingOpen` (the chat closes). Returns the uninstaller.
 */
export function installLayerKeys(onNothingOpen: () => void): () => void {
	const onKey = (e: KeyboardEvent) => {
		if (e.key !== "Escape" || e.defaultPrevented || e.isComposing) return;
		// A modal dialog gets the browser's own close request (its cancel event, on the topmost
		// one only, see Dialog.tsx); closing it here as well would let that request reach the next.
		if (document.querySelector("dialog[open]")) return;
		e.preventDefault();
		if (!layers.closeTop()) onNothingOpen();
	};
	const onPop = () => layers.onPopState();
	window.addEventListener("keydown", onKey);
	window.addEventListener("popstate", onPop);
	return () => {
		window.removeEventListener("keydown", onKey);
		window.removeEventListener("popstate", onPop);
	};
}
