import { describe, expect, it } from "vitest";
import { resultMove } from "./resultKeys";

describe("arrow keys between a search box (-1) and 3 results", () => {
	it("ArrowDown goes from the box into the results and stops at the last", () => {
		expect(resultMove(-1, "ArrowDown", 3)).toBe(0);
		expect(resultMove(0, "ArrowDown", 3)).toBe(1);
		expect(resultMove(2, "ArrowDown", 3)).toBe(2);
	});
	it("ArrowUp walks back, and from the first result to the box", () => {
		expect(resultMove(2, "ArrowUp", 3)).toBe(1);
		expect(resultMove(0, "ArrowUp", 3)).toBe(-1);
	});
	it("Home and End jump within the results; the box keeps them for its text", () => {
		expect(resultMove(1, "Home", 3)).toBe(0);
		expect(resultMove(1, "End", 3)).toBe(2);
		expect(resultMove(-1, "Home", 3)).toBeNull();
	});
	it("with no results nothing moves", () => {
		expect(resultMove(-1, "ArrowDown", 0)).toBeNull();
	});
});
