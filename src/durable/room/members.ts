// Membership rules as pure functions over the room's member list: who may change what, and
// what a change leaves behind. The room applies the answer; tests read these directly.
import { MAX_GROUP_MEMBERS, type Role } from "../../shared/schemas";
import { fail, ok, type RoomResult } from "../rpc";

export interface MemberInfo {
	userId: string;
	role: Role;
	joinedAt: string;
}

type Kind = "direct" | "group";

const NEED_ADMIN = "a group needs at least one admin: make someone else admin first";

/** The actor's standing for a member change: a member, of a group, an admin when required. */
export function checkActor(
	kind: Kind,
	members: MemberInfo[],
	actorId: string,
	needAdmin: boolean,
): RoomResult<MemberInfo> {
	const actor = members.find((m) => m.userId === actorId);
	if (!actor) return fail(404, "conversation not found");
	if (kind === "direct") return fail(409, "direct conversations have exactly two members");
	if (needAdmin && actor.role !== "admin") return fail(403, "only a group admin can do this");
	return ok(actor);
}

/** Who to add (new ids only, each once), or 409 past the group limit. */
export function planAdd(members: MemberInfo[], userIds: string[]): RoomResult<string[]> {
	const existing = new Set(members.map((m) => m.userId));
	const toAdd = [...new Set(userIds)].filter((id) => !existing.has(id));
	if (existing.size + toAdd.length > MAX_GROUP_MEMBERS) {
		return fail(409, `a group has at most ${MAX_GROUP_MEMBERS} members`, {
			members: existing.size,
			adding: toAdd.length,
		});
	}
	return ok(toAdd);
}

const admins = (members: MemberInfo[]) => members.filter((m) => m.role === "admin");

/** Removing someone else: never the last admin. */
export function planRemove(members: MemberInfo[], targetId: string): RoomResult<MemberInfo> {
	const target = members.find((m) => m.userId === targetId);
	if (!target) return fail(404, "member not found");
	if (target.role === "admin" && admins(members).length === 1) return fail(409, NEED_ADMIN);
	return ok(target);
}

/** A role change: never demoting the last admin; `changed` is false when the role is already so. */
export function planRole(members: MemberInfo[], targetId: string, role: Role): RoomResult<{ changed: boolean }> {
	const target = members.find((m) => m.userId === targetId);
	if (!target) return fail(404, "member not found");
	if (target.role === "admin" && role === "member" && admins(members).length === 1) return fail(409, NEED_ADMIN);
	return ok({ changed: target.role !== role });
}

/**
 * Leaving: the last admin hands admin to the longest-standing other member (members are in
 * join order). Null when no hand-over is needed.
 */
export function heirOnLeave(members: MemberInfo[], leaverId: string): MemberInfo | null {
	const leaver = members.find((m) => m.userId === leaverId);
	if (leaver?.role !== "admin" || admins(members).length !== 1) return null;
	return (
		[...members]
			.filter((m) => m.userId !== leaverId)
			.sort((a, b) => a.joinedAt.localeCompare(b.joinedAt) || a.userId.localeCompare(b.userId))[0] ?? null
	);
}
