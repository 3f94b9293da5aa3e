// Arrow keys between a search box and its results (New message's people, Search's messages;
// issue 22.12): ArrowDown from the box goes to the first result, ArrowUp/ArrowDown walk the
// results, Home/End jump to the ends, ArrowUp from the first goes back to the box, and Enter on a
// result is its button's own click. Results are the buttons marked `data-result`.
import type { KeyboardEvent } from "react";

/** Where a key moves from `index` (-1: the search box) among `count` results; null if it is not ours. */
export function resultMove(index: number, key: string, count: number): number | null {
	if (count === 0) return null;
	switch (key) {
		case "ArrowDown":
			return Math.min(count - 1, index + 1);
		case "ArrowUp":
			return index <= 0 ? -1 : index - 1;
		case "Home":
			return index < 0 ? null : 0;
		case "End":
			return index < 0 ? null : count - 1;
		default:
			return null;
	}
}

/** The keydown handler for the box and the results list together (put it on their common parent). */
export function onResultKeys(e: KeyboardEvent<HTMLElement>, input: HTMLInputElement | null, list: HTMLElement | null) {
	const results = [...(list?.querySelectorAll<HTMLButtonElement>("[data-result]") ?? [])];
	const target = e.target;
	const index = target === input ? -1 : results.findIndex((r) => r === target);
	if (index === -1 && target !== input) return;
	const next = resultMove(index, e.key, results.length);
	if (next === null) return;
	e.preventDefault();
	if (next < 0) input?.focus();
	else {
		results[next]?.focus();
		results[next]?.scrollIntoView({ block: "nearest" });
	}
}
