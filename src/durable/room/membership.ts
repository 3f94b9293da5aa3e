// Member changes in a group (add, remove, role, leave, rename) and the conversation's creation:
// they run one at a time, check the actor against membership freshly read from D1 (rules in
// room/members.ts), write D1's participants first and take seqs for their system messages.
import { listParticipants, setConversationTitle, setOnlyAdminsSend } from "../../server/db/conversations";
import { returnInviteUse, takeInviteUse } from "../../server/db/invites";
import { deleteMember, insertMembers, updateRole } from "../../server/db/participants";
import { displayNames, unknownUserIds } from "../../server/db/users";
import type { Participant, Role, ServerEvent, SystemEvent } from "../../shared/schemas";
import { systemSentence } from "../../shared/system";
import { fail, ok, type RoomResult } from "../rpc";
import type { RoomCore } from "./core";
import { load, syncMembers } from "./loading";
import { checkActor, heirOnLeave, type MemberInfo, planAdd, planRemove, planRole } from "./members";
import { REST_FLUSH_WAIT_MS } from "./outbox";
import { notifyMembers, publish } from "./publishing";
import { conversationView } from "./views";
import { watermarks } from "./watermarks";

/** The group's "created the group" line has this clientId (sender: the creator), so it is recorded once. */
const CREATED_CLIENT_ID = "system:created";

/** Called by the Worker after it created a conversation: members' lists gain it live. */
export async function conversationCreated(room: RoomCore, origin: string, creatorId?: string): Promise<void> {
	const meta = await load(room, origin);
	if (!meta) return;
	// A direct chat reaches only its creator's list until it has a message (the D1 list agrees).
	if (meta.type !== "direct" || !creatorId) return notifyMembers(room, []);
	const view = await conversationView(room.env, room.roomLog, creatorId);
	if (view) room.hubs.deliver(creatorId, [view]);
}

/**
 * The admin command's step for this conversation (scripts/messages-to-rooms.mjs): the room
 * holds everything D1's `messages` has of it (imported now if its log was empty) and D1 has
 * the list's figures from the log. `ok` once D1 took them.
 */
export async function moveFromD1(room: RoomCore): Promise<{ ok: boolean; lastSeq: number }> {
	const meta = await load(room);
	if (!meta) return { ok: true, lastSeq: 0 };
	room.outbox.schedule({ figures: true });
	return { ok: await room.outbox.whenFlushed(REST_FLUSH_WAIT_MS), lastSeq: room.roomLog.meta()?.last_seq ?? 0 };
}

/**
 * Called by the Worker, and awaited, after it created a group: the room records the group's
 * first line, "<creator> created the group", at seq 1, before the creator gets 201. A retry
 * finds it by its fixed clientId and records nothing. Answers once D1 has it.
 */
export function groupCreated(room: RoomCore, creatorId: string, origin: string) {
	return oneMemberChangeAtATime(room, async (): Promise<RoomResult<null>> => {
		const meta = await load(room, origin);
		if (!meta) return fail(404, "conversation not found");
		if (meta.type !== "group") return ok(null);
		if (!room.roomLog.byClientId(creatorId, CREATED_CLIENT_ID)) {
			await recordSystems(
				room,
				creatorId,
				[{ event: "created", actorId: creatorId, targetId: creatorId }],
				origin,
				CREATED_CLIENT_ID,
			);
		}
		notifyMembers(room, []);
		await room.visibleToRest(true);
		return ok(null);
	});
}

/**
 * A group's new title (admins only): D1's `conversations.title`, the log's meta, a system
 * message, and every online member's conversation view after the next flush. The same title
 * again changes nothing. Answers once D1 has it.
 */
export function rename(room: RoomCore, actorId: string, title: string, origin: string) {
	return oneMemberChangeAtATime(room, async (): Promise<RoomResult<{ changed: boolean }>> => {
		const group = await groupFor(room, actorId, true, origin);
		if (!group.ok) return group;
		if (group.value.meta.title === title) return ok({ changed: false });
		await setConversationTitle(room.env, room.conversationId, title);
		room.roomLog.setTitle(title);
		await recordSystems(room, actorId, [{ event: "renamed", actorId, targetId: actorId, title }], origin);
		notifyMembers(room, []);
		await room.visibleToRest(true);
		return ok({ changed: true });
	});
}

/**
 * An announcement group (issue 23.5, admins only): while on, only admins may send. D1's
 * `conversations.only_admins_send`, the log's meta (which the send path reads from memory), a
 * system message, and every online member's conversation view after the next flush. The same
 * setting again changes nothing. Answers once D1 has it.
 */
export function onlyAdminsSend(room: RoomCore, actorId: string, on: boolean, origin: string) {
	return oneMemberChangeAtATime(room, async (): Promise<RoomResult<{ changed: boolean }>> => {
		const group = await groupFor(room, actorId, true, origin);
		if (!group.ok) return group;
		if (Boolean(group.value.meta.only_admins_send) === on) return ok({ changed: false });
		await setOnlyAdminsSend(room.env, room.conversationId, on);
		room.roomLog.setOnlyAdminsSend(on);
		await recordSystems(
			room,
			actorId,
			[{ event: "only_admins_send", actorId, targetId: actorId, onlyAdminsSend: on }],
			origin,
		);
		notifyMembers(room, []);
		await room.visibleToRest(true);
		return ok({ changed: true });
	});
}

/** Mute and other per-user changes made in D1: the room's copy follows, the user's devices refresh. */
export async function conversationChangedFor(
	room: RoomCore,
	userId: string,
	change: { muted?: boolean; mutedUntil?: string | null },
) {
	if (!(await load(room))) return;
	if (change.muted !== undefined) room.roomLog.setMuted(userId, change.muted, change.mutedUntil ?? null);
	const view = await conversationView(room.env, room.roomLog, userId);
	if (view) room.hubs.deliver(userId, [view]);
}

function oneMemberChangeAtATime<T>(room: RoomCore, change: () => Promise<T>): Promise<T> {
	const next = room.memberChanges.then(change, change);
	room.memberChanges = next.catch(() => undefined);
	return next;
}

/** The actor's standing for a member change, against membership freshly read from D1. */
async function groupFor(room: RoomCore, actorId: string, needAdmin: boolean, origin: string) {
	const meta = await load(room, origin);
	if (!meta) return fail(404, "conversation not found");
	await syncMembers(room);
	const members: MemberInfo[] = room.roomLog
		.members()
		.map((m) => ({ userId: m.user_id, role: m.role, joinedAt: m.joined_at }));
	const actor = checkActor(meta.type, members, actorId, needAdmin);
	return actor.ok ? ok({ meta, members }) : actor;
}

export function addMembers(room: RoomCore, actorId: string, userIds: string[], origin: string) {
	return oneMemberChangeAtATime(room, async (): Promise<RoomResult<null>> => {
		const group = await groupFor(room, actorId, true, origin);
		if (!group.ok) return group;
		const plan = planAdd(group.value.members, userIds);
		if (!plan.ok) return plan;
		const toAdd = plan.value;
		if (toAdd.length === 0) return ok(null);
		const unknown = await unknownUserIds(room.env, toAdd);
		if (unknown.length > 0) return fail(404, "user not found", { userIds: unknown });
		const now = new Date().toISOString();
		await insertMembers(room.env.DB, room.conversationId, toAdd, now);
		for (const id of toAdd) room.roomLog.addMember(id, "member", now);
		await recordSystems(
			room,
			actorId,
			toAdd.map((id) => ({ event: "joined", actorId, targetId: id })),
			origin,
		);
		for (const participant of await participants(room, toAdd)) {
			announce(room, { type: "member:added", data: { conversationId: room.conversationId, participant } });
		}
		await room.visibleToRest(true);
		return ok(null);
	});
}

/**
 * Joining a group by an invite link (issue 23.5): the same path as an admin adding someone (D1's
 * participants first, a "… joined" line, `member:added`), with the link's use taken in D1 in the
 * statement that checks it is still live, so a single-use link lets one person in however many
 * try at once. Already a member: nothing changes and no use is taken. Answers once D1 has it.
 */
export function joinByInvite(room: RoomCore, userId: string, inviteId: string, origin: string) {
	return oneMemberChangeAtATime(room, async (): Promise<RoomResult<{ joined: boolean }>> => {
		const meta = await load(room, origin);
		if (meta?.type !== "group") return fail(404, "invite link not found");
		await syncMembers(room);
		const members: MemberInfo[] = room.roomLog
			.members()
			.map((m) => ({ userId: m.user_id, role: m.role, joinedAt: m.joined_at }));
		if (members.some((m) => m.userId === userId)) return ok({ joined: false });
		const plan = planAdd(members, [userId]);
		if (!plan.ok) return plan;
		const now = new Date().toISOString();
		if (!(await takeInviteUse(room.env.DB, inviteId, now))) {
			return fail(404, "this invite link no longer works", { reason: "used_up" });
		}
		try {
			await insertMembers(room.env.DB, room.conversationId, [userId], now);
		} catch (error) {
			await returnInviteUse(room.env.DB, inviteId);
			throw error;
		}
		room.roomLog.addMember(userId, "member", now);
		await recordSystems(room, userId, [{ event: "joined", actorId: userId, targetId: userId }], origin);
		for (const participant of await participants(room, [userId])) {
			announce(room, { type: "member:added", data: { conversationId: room.conversationId, participant } });
		}
		await room.visibleToRest(true);
		return ok({ joined: true });
	});
}

export function removeMember(room: RoomCore, actorId: string, targetId: string, origin: string) {
	return oneMemberChangeAtATime(room, async (): Promise<RoomResult<null>> => {
		const group = await groupFor(room, actorId, true, origin);
		if (!group.ok) return group;
		const target = planRemove(group.value.members, targetId);
		if (!target.ok) return target;
		const event = targetId === actorId ? "left" : "removed";
		await recordSystems(room, actorId, [{ event, actorId, targetId }], origin);
		await dropMember(room, targetId);
		await room.visibleToRest(true);
		return ok(null);
	});
}

export function setRole(room: RoomCore, actorId: string, targetId: string, role: Role, origin: string) {
	return oneMemberChangeAtATime(room, async (): Promise<RoomResult<{ participant: Participant }>> => {
		const group = await groupFor(room, actorId, true, origin);
		if (!group.ok) return group;
		const plan = planRole(group.value.members, targetId, role);
		if (!plan.ok) return plan;
		if (plan.value.changed) {
			await changeRole(room, targetId, role);
			await recordSystems(room, actorId, [{ event: "role_changed", actorId, targetId, role }], origin);
		}
		const [participant] = await participants(room, [targetId]);
		if (!participant) return fail(404, "member not found");
		if (plan.value.changed) {
			announce(room, { type: "member:updated", data: { conversationId: room.conversationId, participant } });
			await room.visibleToRest(true);
		}
		return ok({ participant });
	});
}

/** Leaving a group; the last admin leaving hands admin to the longest-standing member. */
export function leave(room: RoomCore, userId: string, origin: string) {
	return oneMemberChangeAtATime(room, async (): Promise<RoomResult<null>> => {
		const group = await groupFor(room, userId, false, origin);
		if (!group.ok) return group;
		const heir = heirOnLeave(group.value.members, userId);
		await recordSystems(room, userId, [{ event: "left", actorId: userId, targetId: userId }], origin);
		if (heir) {
			await changeRole(room, heir.userId, "admin");
			await recordSystems(
				room,
				userId,
				[{ event: "role_changed", actorId: userId, targetId: heir.userId, role: "admin" }],
				origin,
			);
		}
		await dropMember(room, userId);
		const [participant] = heir ? await participants(room, [heir.userId]) : [];
		if (participant) {
			announce(room, { type: "member:updated", data: { conversationId: room.conversationId, participant } });
		}
		await room.visibleToRest(true);
		return ok(null);
	});
}

/** Participants with user details from D1 and watermarks from the log. */
async function participants(room: RoomCore, userIds: string[]): Promise<Participant[]> {
	const marks = watermarks(room) ?? {};
	return (await listParticipants(room.env, room.conversationId))
		.filter((p) => userIds.includes(p.user.id))
		.map((p) => ({ ...p, ...marks[p.user.id] }));
}

function announce(room: RoomCore, event: ServerEvent) {
	room.sockets.broadcast(event);
	notifyMembers(room, [event]);
}

async function changeRole(room: RoomCore, userId: string, role: Role) {
	await updateRole(room.env.DB, room.conversationId, userId, role);
	room.roomLog.setRole(userId, role);
}

async function dropMember(room: RoomCore, userId: string) {
	await deleteMember(room.env.DB, room.conversationId, userId);
	room.roomLog.removeMember(userId);
	// Added again later, they get the conversation's view whatever they were last sent.
	room.hubs.forget(userId);
	const event: ServerEvent = { type: "member:removed", data: { conversationId: room.conversationId, userId } };
	room.sockets.broadcast(event);
	room.sockets.closeUser(userId, 4403, "no longer a member");
	notifyMembers(room, [event], [userId]);
}

/** `system` messages, sequenced like any other so history shows who joined and left. */
async function recordSystems(
	room: RoomCore,
	actorId: string,
	systems: SystemEvent[],
	origin: string,
	clientId?: string,
) {
	const names = await displayNames(room.env.DB, [...new Set(systems.flatMap((e) => [e.actorId, e.targetId]))]);
	const now = new Date().toISOString();
	const published = systems.map((system) =>
		publish(
			room,
			room.roomLog.append(
				{
					senderId: actorId,
					clientId: clientId ?? `system:${crypto.randomUUID()}`,
					kind: "system",
					text: systemSentence(system, names),
					image: null,
					system,
				},
				now,
			),
			origin,
		),
	);
	room.afterWrite();
	await Promise.all(published);
}
