/// <reference types="node" />
// WCAG AA for the colours that carry text the tokens pair up: 4.5:1 for normal text. The chat
// subtitle's "online" is 0.82rem on the panel at both desktop and phone sizes (issue 15.14).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

// Read as a file: the test runs in Node, where vitest does not load CSS.
const tokens = readFileSync(new URL("./tokens.css", import.meta.url), "utf8");

function token(name: string): string {
	const match = new RegExp(`--${name}:\\s*(#[0-9a-fA-F]{6})`).exec(tokens);
	if (!match?.[1]) throw new Error(`--${name} is not a #rrggbb colour in tokens.css`);
	return match[1];
}

function luminance(hex: string): number {
	const [r, g, b] = [1, 3, 5].map((i) => {
		const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
		return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
	}) as [number, number, number];
	return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
	const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
	return (hi + 0.05) / (lo + 0.05);
}

describe("text colours meet WCAG AA on the panel", () => {
	it("the online subtitle's green", () => {
		expect(contrast(token("online-text"), token("panel"))).toBeGreaterThanOrEqual(4.5);
	});

	it("secondary and tertiary text", () => {
		expect(contrast(token("text-2"), token("panel"))).toBeGreaterThanOrEqual(4.5);
		expect(contrast(token("text-3"), token("panel"))).toBeGreaterThanOrEqual(4.5);
	});
});
