/// <reference types="node" />
// WCAG AA for the colours that carry text the tokens pair up: 4.5:1 for normal text. The chat
// subtitle's "online" is 0.82rem on the panel at both desktop and phone sizes (issue 15.14).
import { readdirSync, readFileSync } from "node:fs";
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

/** A token's value in the dark theme's block (issue 23.7). */
function darkToken(name: string): string {
	const block = tokens.slice(tokens.indexOf(':root[data-theme="dark"]'));
	const match = new RegExp(`--${name}:\\s*(#[0-9a-fA-F]{6})`).exec(block);
	if (!match?.[1]) throw new Error(`--${name} is not a #rrggbb colour in the dark theme`);
	return match[1];
}

describe("the dark theme (issue 23.7)", () => {
	it("defines every colour the light theme does", () => {
		const names = (css: string) =>
			[...css.matchAll(/--([a-z0-9-]+):\s*(#|rgb|\d+ \d+ \d+;|0 )/g)].map((m) => m[1]).filter((n) => n !== undefined);
		const lightBlock = tokens.slice(0, tokens.indexOf(':root[data-theme="dark"]'));
		const darkBlock = tokens.slice(tokens.indexOf(':root[data-theme="dark"]'));
		const light = new Set(names(lightBlock));
		const dark = new Set(names(darkBlock));
		expect([...light].filter((n) => !dark.has(n))).toEqual([]);
	});

	it("keeps text at WCAG AA on its panels and bubbles", () => {
		for (const text of ["text", "text-2", "text-3", "online-text", "brand-text", "danger"]) {
			expect(contrast(darkToken(text), darkToken("panel")), text).toBeGreaterThanOrEqual(4.5);
			expect(contrast(darkToken(text), darkToken("bg")), text).toBeGreaterThanOrEqual(4.5);
		}
		expect(contrast(darkToken("mine-text"), darkToken("mine"))).toBeGreaterThanOrEqual(4.5);
		expect(contrast(darkToken("on-brand"), darkToken("brand"))).toBeGreaterThanOrEqual(4.5);
		// A primary button under the pointer (hover) is --brand-strong.
		expect(contrast(darkToken("on-brand"), darkToken("brand-strong"))).toBeGreaterThanOrEqual(4.5);
		expect(contrast(darkToken("brand-text-strong"), darkToken("brand-soft"))).toBeGreaterThanOrEqual(4.5);
		expect(contrast(darkToken("inverse-text"), darkToken("inverse-bg"))).toBeGreaterThanOrEqual(4.5);
		expect(contrast(darkToken("inverse-text"), darkToken("toast-error-bg"))).toBeGreaterThanOrEqual(4.5);
		expect(contrast(darkToken("warn-text"), darkToken("warn-bg"))).toBeGreaterThanOrEqual(4.5);
		expect(contrast(darkToken("failed-text"), darkToken("failed-bg"))).toBeGreaterThanOrEqual(4.5);
		expect(contrast(darkToken("mark-text"), darkToken("mark-bg"))).toBeGreaterThanOrEqual(4.5);
	});

	it("leaves no colour written in a component's CSS module: they all come from the tokens", () => {
		const dir = new URL("../components/", import.meta.url);
		const offenders = readdirSync(dir)
			.filter((f) => f.endsWith(".module.css"))
			.flatMap((f) =>
				readFileSync(new URL(f, dir), "utf8")
					.split("\n")
					.map((line, i) => ({ where: `${f}:${i + 1}`, line }))
					.filter(({ line }) => /#[0-9a-fA-F]{3,8}\b|\b(rgba?|hsla?)\(\s*\d|:\s*(white|black)\s*;/.test(line)),
			)
			.map((o) => `${o.where} ${o.line.trim()}`);
		expect(offenders).toEqual([]);
	});
});
