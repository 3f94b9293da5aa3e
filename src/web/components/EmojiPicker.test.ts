import { describe, expect, it } from "vitest";
import { gridMove } from "./EmojiPicker";

describe("arrow keys in the emoji grid (7 columns, 17 emoji: rows of 7, 7, 3)", () => {
	const move = (index: number, key: string, ctrl = false) => gridMove(index, key, ctrl, 17, 7);

	it("left and right step through the cells, stopping at the ends", () => {
		expect(move(0, "ArrowRight")).toBe(1);
		expect(move(6, "ArrowRight")).toBe(7);
		expect(move(0, "ArrowLeft")).toBe(0);
		expect(move(16, "ArrowRight")).toBe(16);
	});

	it("up and down keep the column, and stay put where there is no row", () => {
		expect(move(2, "ArrowDown")).toBe(9);
		expect(move(9, "ArrowDown")).toBe(16);
		expect(move(12, "ArrowDown")).toBe(12);
		expect(move(3, "ArrowUp")).toBe(3);
	});

	it("Home and End go to the row's ends, with Ctrl to the first and last emoji", () => {
		expect(move(10, "Home")).toBe(7);
		expect(move(10, "End")).toBe(13);
		expect(move(15, "End")).toBe(16);
		expect(move(10, "Home", true)).toBe(0);
		expect(move(3, "End", true)).toBe(16);
	});

	it("other keys are not the grid's", () => {
		expect(move(3, "Enter")).toBeNull();
		expect(gridMove(0, "ArrowRight", false, 0, 7)).toBeNull();
	});
});
