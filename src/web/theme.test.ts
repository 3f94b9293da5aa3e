import { describe, expect, it } from "vitest";
import { loadTheme, resolveTheme } from "./theme";

describe("the colour theme (issue 23.7)", () => {
	it("follows the system unless Light or Dark was chosen", () => {
		expect(resolveTheme("system", true)).toBe("dark");
		expect(resolveTheme("system", false)).toBe("light");
		expect(resolveTheme("light", true)).toBe("light");
		expect(resolveTheme("dark", false)).toBe("dark");
	});

	it("reads a saved choice, and anything else as System", () => {
		const storage = (value: string | null) => ({ getItem: () => value });
		expect(loadTheme(storage("dark"))).toBe("dark");
		expect(loadTheme(storage("light"))).toBe("light");
		expect(loadTheme(storage(null))).toBe("system");
		expect(loadTheme(storage("purple"))).toBe("system");
		expect(loadTheme(null)).toBe("system");
	});
});
