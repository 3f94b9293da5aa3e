import { describe, expect, it } from "vitest";
import type { Conversation, Message, Participant } from "../src/shared/schemas";
import {
	api,
	directChat,
	env,
	expectError,
	groupChat,
	registerUser,
	seedUsers,
	sendText,
	type TestUser,
} from "./helpers";

async function participants(viewer: TestUser, id: string): Promise<Record<string, Participant["role"]>> {
	const res = await api<{ conversation: Conversation }>("GET", `/conversations/${id}`, { token: viewer.token });
	expect(res.status).toBe(200);
	return Object.fromEntries(res.body.conversation.participants?.map((p) => [p.user.id, p.role]) ?? []);
}

async function systemMessages(viewer: TestUser, id: string): Promise<Message[]> {
	const res = await api<{ messages: Message[] }>("GET", `/conversations/${id}/messages?afterSeq=0&limit=100`, {
		token: viewer.token,
	});
	expect(res.status).toBe(200);
	return res.body.messages.filter((m) => m.kind === "system");
}

const addMembers = (actor: TestUser, id: string, userIds: string[]) =>
	api("POST", `/conversations/${id}/members`, { token: actor.token, body: { userIds } });
const removeMember = (actor: TestUser, id: string, userId: string) =>
	api("DELETE", `/conversations/${id}/members/${userId}`, { token: actor.token });
const setRole = (actor: TestUser, id: string, userId: string, role: string) =>
	api("PUT", `/conversations/${id}/members/${userId}`, { token: actor.token, body: { role } });
const leave = (actor: TestUser, id: string) => api("POST", `/conversations/${id}/leave`, { token: actor.token });

async function trio() {
	const [admin, m1, m2] = [await registerUser("Admin"), await registerUser("Member"), await registerUser("Other")];
	return { admin, m1, m2, group: await groupChat(admin, [m1, m2]) };
}

describe("adding members", () => {
	it("lets an admin add members and answers 200 with the updated conversation", async () => {
		const { admin, m1, group } = await trio();
		const newcomer = await registerUser("Newcomer");
		const res = await addMembers(admin, group.id, [newcomer.user.id]);
		expect(res.status).toBe(200);
		const added = res.body.conversation.participants.find((p: Participant) => p.user.id === newcomer.user.id);
		expect(added).toMatchObject({ role: "member", lastReadSeq: 0 });
		// The answer comes once D1 has the change: the newcomer's list already shows the join line.
		const list = await api("GET", "/conversations", { token: newcomer.token });
		const entry = list.body.conversations.find((c: Conversation) => c.id === group.id);
		expect(entry.lastMessage).toMatchObject({
			kind: "system",
			system: { event: "joined", targetId: newcomer.user.id },
		});
		expect(await participants(newcomer, group.id)).toMatchObject({ [newcomer.user.id]: "member" });
		expect(Object.keys(await participants(m1, group.id))).toHaveLength(4);
		// Adding someone who is already there changes nothing.
		const again = await addMembers(admin, group.id, [newcomer.user.id, m1.user.id]);
		expect(again.status).toBe(200);
		expect(again.body.conversation.participants).toHaveLength(4);
	});

	it("refuses a plain member adding people with 403", async () => {
		const { m1, group } = await trio();
		const friend = await registerUser("Friend");
		expectError(await addMembers(m1, group.id, [friend.user.id]), 403, "forbidden");
		expectError(await api("GET", `/conversations/${group.id}`, { token: friend.token }), 404, "not_found");
	});

	it("refuses unknown users with 404, an empty list with 400, and a direct conversation with 409", async () => {
		const { admin, group } = await trio();
		expectError(await addMembers(admin, group.id, ["ghost"]), 404, "not_found");
		expectError(await addMembers(admin, group.id, []), 400, "invalid_request");
		const [a, b, c] = [await registerUser("DirA"), await registerUser("DirB"), await registerUser("DirC")];
		const direct = await directChat(a, b);
		expectError(await addMembers(a, direct.id, [c.user.id]), 409, "conflict");
	});

	it("fills a group to 256 members and refuses the 257th with 409", async () => {
		const { admin, group } = await trio();
		const ids = await seedUsers(254);
		const full = await addMembers(admin, group.id, ids.slice(0, 253));
		expect(full.status).toBe(200);
		expect(full.body.conversation.participants).toHaveLength(256);
		const over = await addMembers(admin, group.id, ids.slice(253));
		expectError(over, 409, "conflict");
		expect(Object.keys(await participants(admin, group.id))).toHaveLength(256);
	}, 120_000);

	it("never goes over 256 members when two admins add people at the same time", async () => {
		const { admin, m1, group } = await trio();
		await setRole(admin, group.id, m1.user.id, "admin");
		const ids = await seedUsers(260);
		// 250 members written straight into D1, so only the racing adds go through the room.
		const join = env.DB.prepare(
			"INSERT INTO participants (conversation_id, user_id, role, joined_at) VALUES (?, ?, 'member', ?)",
		);
		const now = new Date().toISOString();
		await env.DB.batch(ids.slice(0, 250).map((id) => join.bind(group.id, id, now)));
		expect(Object.keys(await participants(admin, group.id))).toHaveLength(253);
		const results = await Promise.all([
			addMembers(admin, group.id, ids.slice(250, 252)),
			addMembers(m1, group.id, ids.slice(252, 254)),
		]);
		expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
		expect(Object.keys(await participants(admin, group.id)).length).toBeLessThanOrEqual(256);
	}, 120_000);
});

describe("removing members", () => {
	it("lets an admin remove a member, who then gets 404 everywhere", async () => {
		const { admin, m1, m2, group } = await trio();
		const before = await sendText(m1, group.id, "before removal");
		expect((await removeMember(admin, group.id, m1.user.id)).status).toBe(204);
		expect(await participants(m2, group.id)).toEqual({ [admin.user.id]: "admin", [m2.user.id]: "member" });
		expectError(await api("GET", `/conversations/${group.id}`, { token: m1.token }), 404, "not_found");
		expectError(await api("GET", `/conversations/${group.id}/messages`, { token: m1.token }), 404, "not_found");
		expectError(
			await api("POST", `/conversations/${group.id}/messages`, {
				token: m1.token,
				body: { clientId: "after", kind: "text", text: "still here?" },
			}),
			404,
			"not_found",
		);
		expectError(await api("DELETE", `/messages/${before.id}`, { token: m1.token }), 404, "not_found");
		const list = await api("GET", "/conversations", { token: m1.token });
		expect(list.body.conversations.map((c: Conversation) => c.id)).not.toContain(group.id);
	});

	it("answers 404 to a removed member retrying a send with a clientId they used before", async () => {
		const { admin, m1, group } = await trio();
		const body = { clientId: "sent-before-removal", kind: "text", text: "hello" };
		const first = await api("POST", `/conversations/${group.id}/messages`, { token: m1.token, body });
		expect(first.status).toBe(201);
		await removeMember(admin, group.id, m1.user.id);
		const retry = await api("POST", `/conversations/${group.id}/messages`, { token: m1.token, body });
		expectError(retry, 404, "not_found");
	});

	it("refuses a plain member removing someone with 403, and an unknown member with 404", async () => {
		const { admin, m1, m2, group } = await trio();
		expectError(await removeMember(m1, group.id, m2.user.id), 403, "forbidden");
		expectError(await removeMember(m1, group.id, admin.user.id), 403, "forbidden");
		const stranger = await registerUser("Stranger");
		expectError(await removeMember(admin, group.id, stranger.user.id), 404, "not_found");
		expect(Object.keys(await participants(admin, group.id))).toHaveLength(3);
	});

	it("refuses removing the last admin with 409", async () => {
		const { admin, group } = await trio();
		expectError(await removeMember(admin, group.id, admin.user.id), 409, "conflict");
		expect((await participants(admin, group.id))[admin.user.id]).toBe("admin");
	});

	it("refuses removing someone from a direct conversation with 409", async () => {
		const [a, b] = [await registerUser("DA"), await registerUser("DB")];
		const direct = await directChat(a, b);
		expectError(await removeMember(a, direct.id, b.user.id), 409, "conflict");
	});
});

describe("roles", () => {
	it("lets an admin promote and demote, answering with the participant", async () => {
		const { admin, m1, m2, group } = await trio();
		const promoted = await setRole(admin, group.id, m1.user.id, "admin");
		expect(promoted.status).toBe(200);
		expect(promoted.body.participant).toMatchObject({ user: { id: m1.user.id }, role: "admin" });
		// The new admin can now do admin things, including demoting the original admin.
		expect((await setRole(m1, group.id, admin.user.id, "member")).body.participant.role).toBe("member");
		expect(await participants(m2, group.id)).toEqual({
			[admin.user.id]: "member",
			[m1.user.id]: "admin",
			[m2.user.id]: "member",
		});
		expectError(await setRole(admin, group.id, m2.user.id, "admin"), 403, "forbidden");
		// Setting the role someone already has is a harmless 200.
		expect((await setRole(m1, group.id, m2.user.id, "member")).status).toBe(200);
	});

	it("refuses demoting the last admin with 409 and a bad role with 400", async () => {
		const { admin, m1, group } = await trio();
		expectError(await setRole(admin, group.id, admin.user.id, "member"), 409, "conflict");
		expectError(await setRole(admin, group.id, m1.user.id, "owner"), 400, "invalid_request");
		expectError(await setRole(m1, group.id, m1.user.id, "admin"), 403, "forbidden");
		expect((await participants(admin, group.id))[admin.user.id]).toBe("admin");
	});

	it("keeps exactly one admin when two admins demote each other at the same time", async () => {
		// Several groups at once, so the two demotions really do overlap inside each room.
		const groups = await Promise.all(
			[0, 1, 2, 3, 4].map(async () => {
				const { admin, m1, group } = await trio();
				await setRole(admin, group.id, m1.user.id, "admin");
				return { admin, m1, group };
			}),
		);
		const outcomes = await Promise.all(
			groups.map(({ admin, m1, group }) =>
				Promise.all([setRole(admin, group.id, m1.user.id, "member"), setRole(m1, group.id, admin.user.id, "member")]),
			),
		);
		for (const [i, results] of outcomes.entries()) {
			const { admin, group } = groups[i] as (typeof groups)[number];
			const roles = Object.values(await participants(admin, group.id));
			expect(
				roles.filter((r) => r === "admin"),
				`admins left in group ${i}`,
			).toHaveLength(1);
			// One demotion wins; the other finds its actor no longer admin (403) or its target the last admin (409).
			expect(results.map((r) => r.status).sort()).toSatisfy(
				(s: number[]) => s[0] === 200 && (s[1] === 403 || s[1] === 409),
			);
		}
	});

	it("refuses role changes in a direct conversation with 409", async () => {
		const [a, b] = [await registerUser("RA"), await registerUser("RB")];
		const direct = await directChat(a, b);
		expectError(await setRole(a, direct.id, b.user.id, "admin"), 409, "conflict");
	});
});

describe("leaving", () => {
	it("lets a member leave with 204, after which the conversation is 404 for them", async () => {
		const { admin, m1, group } = await trio();
		expect((await leave(m1, group.id)).status).toBe(204);
		expectError(await api("GET", `/conversations/${group.id}`, { token: m1.token }), 404, "not_found");
		expectError(await leave(m1, group.id), 404, "not_found");
		expect(Object.keys(await participants(admin, group.id))).not.toContain(m1.user.id);
	});

	it("hands admin to the longest-standing member when the last admin leaves", async () => {
		const [admin, first] = [await registerUser("Founder"), await registerUser("Early")];
		const group = await groupChat(admin, [first]);
		await new Promise((resolve) => setTimeout(resolve, 5));
		const late = await registerUser("Late");
		await addMembers(admin, group.id, [late.user.id]);
		expect((await leave(admin, group.id)).status).toBe(204);
		expect(await participants(late, group.id)).toEqual({ [first.user.id]: "admin", [late.user.id]: "member" });
		expect((await addMembers(first, group.id, [admin.user.id])).status).toBe(200);
	});

	it("refuses leaving a direct conversation with 409", async () => {
		const [a, b] = [await registerUser("LA"), await registerUser("LB")];
		const direct = await directChat(a, b);
		expectError(await leave(a, direct.id), 409, "conflict");
		expect((await api("GET", `/conversations/${direct.id}`, { token: a.token })).status).toBe(200);
	});
});

describe("system messages", () => {
	it("records joins, role changes, removals and leaves as server-written system messages with seqs", async () => {
		const { admin, m1, m2, group } = await trio();
		const hello = await sendText(m1, group.id, "hello");
		// Seq 1 is the group's first line; the first user message is seq 2.
		expect(hello.seq).toBe(2);
		const joiner = await registerUser("Joiner");
		await addMembers(admin, group.id, [joiner.user.id]);
		await setRole(admin, group.id, m2.user.id, "admin");
		await removeMember(admin, group.id, m1.user.id);
		await leave(joiner, group.id);

		const events = await systemMessages(m2, group.id);
		expect(events.map((m) => m.system)).toEqual([
			{ event: "created", actorId: admin.user.id, targetId: admin.user.id },
			{ event: "joined", actorId: admin.user.id, targetId: joiner.user.id },
			{ event: "role_changed", actorId: admin.user.id, targetId: m2.user.id, role: "admin" },
			{ event: "removed", actorId: admin.user.id, targetId: m1.user.id },
			{ event: "left", actorId: joiner.user.id, targetId: joiner.user.id },
		]);
		expect(events.map((m) => m.seq)).toEqual([1, 3, 4, 5, 6]);
		// Each says in words what happened, for clients that only show text.
		expect(events.map((m) => m.text)).toEqual([
			`${admin.user.displayName} created the group`,
			`${admin.user.displayName} added ${joiner.user.displayName}`,
			`${m2.user.displayName} is now an admin`,
			`${admin.user.displayName} removed ${m1.user.displayName}`,
			`${joiner.user.displayName} left`,
		]);
		for (const m of events) {
			expect(m).toMatchObject({ kind: "system", conversationId: group.id, image: null, deletedAt: null });
			expect(m.senderId).toBe(m.system?.actorId);
		}
		// System messages take seqs like any other: the next message follows them.
		expect((await sendText(m2, group.id, "after")).seq).toBe(7);
		// None of these is news to the admin (their own creation, others joining, leaving, roles):
		// only the two texts count as unread. System messages are not deletable for everyone.
		const list = await api("GET", "/conversations", { token: admin.token });
		expect(list.body.conversations.find((c: Conversation) => c.id === group.id).unreadCount).toBe(2);
		const first = events[0] as Message;
		expectError(await api("DELETE", `/messages/${first.id}?scope=everyone`, { token: admin.token }), 403, "forbidden");
	});

	it("records the hand-over of admin when the last admin leaves", async () => {
		const { admin, m1, m2, group } = await trio();
		await leave(admin, group.id);
		const events = (await systemMessages(m1, group.id)).map((m) => m.system?.event);
		expect(events).toEqual(["created", "left", "role_changed"]);
		const roles = await participants(m2, group.id);
		expect(Object.values(roles).filter((r) => r === "admin")).toHaveLength(1);
	});
});
