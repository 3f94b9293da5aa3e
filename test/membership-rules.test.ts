// The room's membership rules, as pure functions: who may change what, and what a change leaves.
import { describe, expect, it } from "vitest";
import { checkActor, heirOnLeave, type MemberInfo, planAdd, planRemove, planRole } from "../src/durable/room/members";

const member = (userId: string, role: MemberInfo["role"], joinedAt: string): MemberInfo => ({ userId, role, joinedAt });
const group = [
	member("admin", "admin", "2026-01-01T00:00:00Z"),
	member("early", "member", "2026-01-02T00:00:00Z"),
	member("late", "member", "2026-01-03T00:00:00Z"),
];

describe("membership rules", () => {
	it("answers 404 to a non-member, 409 in a direct chat and 403 to a plain member where admin is needed", () => {
		expect(checkActor("group", group, "stranger", false)).toMatchObject({ ok: false, status: 404 });
		expect(checkActor("direct", group, "early", false)).toMatchObject({ ok: false, status: 409 });
		expect(checkActor("group", group, "early", true)).toMatchObject({ ok: false, status: 403 });
		expect(checkActor("group", group, "early", false)).toMatchObject({ ok: true });
		expect(checkActor("group", group, "admin", true)).toMatchObject({ ok: true });
	});

	it("adds only new people, each once, and never past 256", () => {
		expect(planAdd(group, ["early", "new", "new"])).toEqual({ ok: true, value: ["new"] });
		const full = Array.from({ length: 255 }, (_, i) => member(`m${i}`, "member", "2026-01-01T00:00:00Z"));
		expect(planAdd(full, ["one"])).toMatchObject({ ok: true, value: ["one"] });
		expect(planAdd(full, ["one", "two"])).toMatchObject({ ok: false, status: 409 });
	});

	it("never removes or demotes the last admin, and says when a role is already so", () => {
		expect(planRemove(group, "admin")).toMatchObject({ ok: false, status: 409 });
		expect(planRemove(group, "early")).toMatchObject({ ok: true });
		expect(planRemove(group, "nobody")).toMatchObject({ ok: false, status: 404 });
		expect(planRole(group, "admin", "member")).toMatchObject({ ok: false, status: 409 });
		expect(planRole(group, "early", "admin")).toEqual({ ok: true, value: { changed: true } });
		expect(planRole(group, "early", "member")).toEqual({ ok: true, value: { changed: false } });
		const twoAdmins = [...group, member("second", "admin", "2026-01-04T00:00:00Z")];
		expect(planRole(twoAdmins, "admin", "member")).toEqual({ ok: true, value: { changed: true } });
	});

	it("hands admin to the longest-standing member when the last admin leaves, and only then", () => {
		expect(heirOnLeave(group, "admin")?.userId).toBe("early");
		expect(heirOnLeave(group, "early")).toBeNull();
		expect(heirOnLeave([...group, member("second", "admin", "2026-01-04T00:00:00Z")], "admin")).toBeNull();
		expect(heirOnLeave([member("admin", "admin", "2026-01-01T00:00:00Z")], "admin")).toBeNull();
	});
});
