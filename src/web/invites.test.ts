import { describe, expect, it } from "vitest";
import { ApiError } from "./api";
import { inviteBody, inviteLink, joinFailureText, joinTokenFromPath } from "./invites";

describe("invite links in the UI", () => {
	it("builds the link on the app's origin and reads its token back from the path", () => {
		const token = "abcDEF_123-xyz";
		const link = inviteLink(token, "https://chat.campus.test");
		expect(link).toBe("https://chat.campus.test/join/abcDEF_123-xyz");
		expect(joinTokenFromPath(new URL(link).pathname)).toBe(token);
		expect(joinTokenFromPath("/join/abc/")).toBe("abc");
		for (const path of ["/", "/join/", "/join/a b", "/join/abc/extra", "/c/abc"]) {
			expect(joinTokenFromPath(path)).toBeNull();
		}
	});

	it("asks for the chosen expiry and single use only when set", () => {
		const now = Date.parse("2026-12-08T03:00:00.000Z");
		expect(inviteBody("never", false, now)).toEqual({});
		expect(inviteBody("1d", true, now)).toEqual({ expiresAt: "2026-12-09T03:00:00.000Z", maxUses: 1 });
	});

	it("says why a link does not work, from the server's reason", () => {
		const dead = (reason?: string) => new ApiError(404, "not_found", "x", reason ? { reason } : undefined);
		expect(joinFailureText(dead("expired"))).toMatch(/expired/);
		expect(joinFailureText(dead("revoked"))).toMatch(/turned off/);
		expect(joinFailureText(dead("used_up"))).toMatch(/already been used/);
		expect(joinFailureText(dead())).toMatch(/doesn't work/);
		expect(joinFailureText(new ApiError(409, "conflict", "x"))).toMatch(/256/);
		expect(joinFailureText(new ApiError(403, "forbidden", "x"))).toBe("You can't join this group.");
	});
});
