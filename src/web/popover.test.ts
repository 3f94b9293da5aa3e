import { describe, expect, it } from "vitest";
import { placePopover } from "./popover";

const phone = { width: 390, height: 844 };
const menu = { width: 200, height: 130 };
const rect = (left: number, top: number, width = 30, height = 30) => ({
	left,
	top,
	right: left + width,
	bottom: top + height,
});

describe("menus stay inside the viewport", () => {
	it("opens below its button when there is room", () => {
		expect(placePopover(rect(100, 100), menu, phone)).toEqual({ top: 134, left: 100, side: "below" });
	});

	it("flips above near the bottom of the screen", () => {
		const p = placePopover(rect(100, 780), menu, phone);
		expect(p.side).toBe("above");
		expect(p.top).toBe(780 - 4 - 130);
	});

	it("a menu for someone else's message near the right edge is pulled back in", () => {
		const p = placePopover(rect(350, 300), menu, phone, "start");
		expect(p.left + menu.width).toBeLessThanOrEqual(phone.width - 8);
	});

	it("a menu for my own message near the left edge does not start off screen", () => {
		const p = placePopover(rect(10, 300), menu, phone, "end");
		expect(p.left).toBe(8);
	});

	it("a popover taller than the screen keeps its top edge visible", () => {
		const p = placePopover(rect(10, 300), { width: 100, height: 2000 }, phone);
		expect(p.top).toBe(8);
	});

	it("a popover that prefers above stays above while it fits, and goes below only when there is more room there", () => {
		expect(placePopover(rect(100, 300), menu, phone, "end", 8, "above").side).toBe("above");
		expect(placePopover(rect(100, 300), menu, phone, "end", 8, "above").top).toBe(300 - 4 - 130);
		expect(placePopover(rect(100, 60), menu, phone, "end", 8, "above").side).toBe("below");
	});
});
