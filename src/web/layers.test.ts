import { describe, expect, it } from "vitest";
import { type HistoryLike, LayerStack } from "./layers";

/** A session history like the browser's: go() lands later, then popstate (here: when `settle` runs). */
function fakeHistory() {
	const entries: unknown[] = [{ chat: true }];
	let index = 0;
	const queued: number[] = [];
	const history: HistoryLike & { length: () => number; index: () => number } = {
		get state() {
			return entries[index];
		},
		pushState(data) {
			entries.splice(index + 1, entries.length, data);
			index++;
		},
		go(delta) {
			queued.push(delta);
		},
		length: () => entries.length,
		index: () => index,
	};
	return {
		history,
		/** Runs the queued traversals, each followed by the stack's popstate. */
		settle(stack: LayerStack) {
			while (queued.length > 0) {
				index = Math.max(0, index + (queued.shift() ?? 0));
				stack.onPopState();
			}
		},
		/** The user's Back button. */
		back(stack: LayerStack) {
			index--;
			stack.onPopState();
		},
	};
}

const now = (fn: () => void) => fn();

describe("the layer stack (Escape and Back close only the top layer)", () => {
	it("Escape closes only the top layer, and nothing when none is open", () => {
		const stack = new LayerStack(null, now);
		const closed: string[] = [];
		const info = stack.open(() => closed.push("group info"));
		stack.open(() => closed.push("confirm"));
		expect(stack.closeTop()).toBe(true);
		expect(closed).toEqual(["confirm"]);
		expect(stack.isTop(info)).toBe(false);
		const empty = new LayerStack(null, now);
		expect(empty.closeTop()).toBe(false);
	});

	it("Back pops the top layer's entry and closes that layer alone; the chat's entry stays", () => {
		const h = fakeHistory();
		const stack = new LayerStack(h.history, now);
		const closed: string[] = [];
		stack.open(() => closed.push("chat view photo"));
		expect(h.history.index()).toBe(1);
		h.back(stack);
		expect(closed).toEqual(["chat view photo"]);
		expect(h.history.index()).toBe(0);
		expect(stack.size).toBe(0);
	});

	it("a layer closed from the UI takes its entry back, so the next Back closes the layer below", () => {
		const h = fakeHistory();
		const stack = new LayerStack(h.history, now);
		const closed: string[] = [];
		stack.open(() => closed.push("group info"));
		const confirm = stack.open(() => closed.push("confirm"));
		stack.remove(confirm);
		h.settle(stack);
		expect(h.history.index()).toBe(1);
		h.back(stack);
		expect(closed).toEqual(["group info"]);
		expect(h.history.index()).toBe(0);
	});

	it("two layers closing together go back once, by both entries", () => {
		const h = fakeHistory();
		const deferred: (() => void)[] = [];
		const stack = new LayerStack(h.history, (fn) => deferred.push(fn));
		const a = stack.open(() => {});
		const b = stack.open(() => {});
		stack.remove(b);
		stack.remove(a);
		for (const fn of deferred.splice(0)) fn();
		h.settle(stack);
		expect(h.history.index()).toBe(0);
	});

	it("navigation waits until the layers' entries are gone, so it is never undone", () => {
		const h = fakeHistory();
		const deferred: (() => void)[] = [];
		const stack = new LayerStack(h.history, (fn) => deferred.push(fn));
		const search = stack.open(() => {});
		const order: string[] = [];
		stack.navigate(() => order.push(`navigate at ${h.history.index()}`));
		expect(order).toEqual([]);
		stack.remove(search);
		for (const fn of deferred.splice(0)) fn();
		h.settle(stack);
		expect(order).toEqual(["navigate at 0"]);
	});

	it("a menu replaced by a picker keeps one entry for the picker", () => {
		const h = fakeHistory();
		const deferred: (() => void)[] = [];
		const stack = new LayerStack(h.history, (fn) => deferred.push(fn));
		const closed: string[] = [];
		const menu = stack.open(() => closed.push("menu"));
		stack.remove(menu);
		stack.open(() => closed.push("picker"));
		for (const fn of deferred.splice(0)) fn();
		h.settle(stack);
		expect(h.history.index()).toBe(1);
		h.back(stack);
		expect(closed).toEqual(["picker"]);
		expect(h.history.index()).toBe(0);
	});
});
