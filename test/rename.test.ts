// Issue 15.9: renaming a group (PATCH /conversations/:id, contract v2), the group's first
// system line ("… created the group") and the unread badge a new member gets for it.
import { describe, expect, it } from "vitest";
import type { Conversation, Message } from "../src/shared/schemas";
import { api, directChat, env, expectError, groupChat, registerUser, sendText, type TestUser } from "./helpers";
import { realtimeSocket } from "./sockets";

const rename = (actor: TestUser, id: string, body: unknown) =>
	api<{ conversation: Conversation }>("PATCH", `/conversations/${id}`, { token: actor.token, body });

async function history(viewer: TestUser, id: string): Promise<Message[]> {
	const res = await api<{ messages: Message[] }>("GET", `/conversations/${id}/messages?afterSeq=0&limit=100`, {
		token: viewer.token,
	});
	expect(res.status).toBe(200);
	return res.body.messages;
}

async function conversationOf(viewer: TestUser, id: string): Promise<Conversation> {
	const res = await api<{ conversation: Conversation }>("GET", `/conversations/${id}`, { token: viewer.token });
	expect(res.status).toBe(200);
	return res.body.conversation;
}

async function listed(viewer: TestUser, id: string): Promise<Conversation | undefined> {
	const res = await api<{ conversations: Conversation[] }>("GET", "/conversations", { token: viewer.token });
	expect(res.status).toBe(200);
	return res.body.conversations.find((c) => c.id === id);
}

/** The list reflects a member change within a second (contract: consistency); member changes do not wait for D1. */
async function unreadSoon(viewer: TestUser, id: string, expected: number): Promise<number | undefined> {
	const deadline = Date.now() + 2000;
	for (;;) {
		const count = (await listed(viewer, id))?.unreadCount;
		if (count === expected || Date.now() > deadline) return count;
		await new Promise((r) => setTimeout(r, 50));
	}
}

async function trio() {
	const [admin, m1, m2] = [await registerUser("Admin"), await registerUser("Member"), await registerUser("Other")];
	return { admin, m1, m2, group: await groupChat(admin, [m1, m2], "CS101") };
}

describe("the group's first line", () => {
	it("is '<creator> created the group' at seq 1, already in the creator's 201", async () => {
		const { admin, m1, group } = await trio();
		expect(group.lastMessage).toMatchObject({ seq: 1, kind: "system", senderId: admin.user.id });
		const messages = await history(m1, group.id);
		expect(messages).toHaveLength(1);
		expect(messages[0]).toMatchObject({
			seq: 1,
			kind: "system",
			senderId: admin.user.id,
			text: `${admin.user.displayName} created the group`,
			system: { event: "created", actorId: admin.user.id, targetId: admin.user.id },
		});
		const first = await sendText(m1, group.id, "hello");
		expect(first.seq).toBe(2);
		expect((await history(admin, group.id)).map((m) => [m.seq, m.kind, m.system?.event ?? null])).toEqual([
			[1, "system", "created"],
			[2, "text", null],
		]);
	});

	it("is recorded once even when the room is asked again", async () => {
		const { admin, m1, group } = await trio();
		const room = env.ROOMS.get(env.ROOMS.idFromName(`conversation:${group.id}`));
		await room.groupCreated(admin.user.id, "https://chat.test");
		await room.groupCreated(admin.user.id, "https://chat.test");
		const created = (await history(m1, group.id)).filter((m) => m.system?.event === "created");
		expect(created).toHaveLength(1);
	});

	it("is not written for a direct conversation", async () => {
		const [a, b] = [await registerUser("DirA"), await registerUser("DirB")];
		const direct = await directChat(a, b);
		expect(direct.lastMessage).toBeNull();
		expect(await history(a, direct.id)).toEqual([]);
		expect((await sendText(a, direct.id, "hi")).seq).toBe(1);
	});

	it("counts as unread for the initial members, not for the creator", async () => {
		const { admin, m1, m2, group } = await trio();
		expect(group.unreadCount).toBe(0);
		expect((await listed(admin, group.id))?.unreadCount).toBe(0);
		expect((await listed(m1, group.id))?.unreadCount).toBe(1);
		expect((await conversationOf(m2, group.id)).unreadCount).toBe(1);
		await api("POST", `/conversations/${group.id}/read`, { token: m1.token, body: {} });
		expect((await listed(m1, group.id))?.unreadCount).toBe(0);
	});
});

describe("a member added later", () => {
	it("sees the 'added you' line as unread; the creator and others do not count it", async () => {
		const { admin, m1, group } = await trio();
		await api("POST", `/conversations/${group.id}/read`, { token: m1.token, body: {} });
		const newcomer = await registerUser("Newcomer");
		const inbox = await realtimeSocket(newcomer);
		const added = await api("POST", `/conversations/${group.id}/members`, {
			token: admin.token,
			body: { userIds: [newcomer.user.id] },
		});
		expect(added.status).toBe(200);
		const joined = (await history(newcomer, group.id)).find((m) => m.system?.event === "joined");
		expect(joined).toMatchObject({
			seq: 2,
			text: `${admin.user.displayName} added ${newcomer.user.displayName}`,
			system: { actorId: admin.user.id, targetId: newcomer.user.id },
		});
		// D1's list and the room's view (conversation:updated) count the same two lines: created and joined.
		expect(await unreadSoon(newcomer, group.id, 2)).toBe(2);
		const view = await inbox.waitFor(
			(f) => f.type === "conversation:updated" && f.data.conversation.id === group.id,
			5000,
		);
		expect(view.data.conversation.unreadCount).toBe(2);
		inbox.close();
		// Someone else's join is not news to m1 or to the admin who added them.
		expect((await listed(m1, group.id))?.unreadCount).toBe(0);
		expect((await listed(admin, group.id))?.unreadCount).toBe(0);
	});

	it("counts only a join that targets them, not one who joined after", async () => {
		const { admin, group } = await trio();
		const [first, second] = [await registerUser("First"), await registerUser("Second")];
		for (const u of [first, second]) {
			const res = await api("POST", `/conversations/${group.id}/members`, {
				token: admin.token,
				body: { userIds: [u.user.id] },
			});
			expect(res.status).toBe(200);
		}
		// first: created + joined(first); the join of second is not about them.
		expect(await unreadSoon(second, group.id, 2)).toBe(2);
		expect(await unreadSoon(first, group.id, 2)).toBe(2);
	});
});

describe("PATCH /conversations/:id (rename)", () => {
	it("lets an admin rename: 200 with participants, D1's title, a system line and conversation:updated", async () => {
		const { admin, m1, group } = await trio();
		const inbox = await realtimeSocket(m1);
		const res = await rename(admin, group.id, { title: "  CS101 Finals  " });
		expect(res.status).toBe(200);
		expect(res.body.conversation).toMatchObject({ id: group.id, title: "CS101 Finals", type: "group" });
		expect(res.body.conversation.participants).toHaveLength(3);
		expect(res.body.conversation.lastMessage).toMatchObject({ kind: "system", seq: 2 });
		const row = await env.DB.prepare("SELECT title FROM conversations WHERE id = ?")
			.bind(group.id)
			.first<{ title: string }>();
		expect(row?.title).toBe("CS101 Finals");
		const renamed = (await history(m1, group.id)).filter((m) => m.system?.event === "renamed");
		expect(renamed).toHaveLength(1);
		expect(renamed[0]).toMatchObject({
			seq: 2,
			senderId: admin.user.id,
			text: `${admin.user.displayName} renamed the group to “CS101 Finals”`,
			system: { event: "renamed", actorId: admin.user.id, targetId: admin.user.id, title: "CS101 Finals" },
		});
		const updated = await inbox.waitFor(
			(f) => f.type === "conversation:updated" && f.data.conversation.title === "CS101 Finals",
			5000,
		);
		expect(updated.data.conversation).toMatchObject({ id: group.id, lastMessage: { seq: 2 } });
		expect(updated.data.conversation.participants).toBeUndefined();
		inbox.close();
		expect((await conversationOf(m1, group.id)).title).toBe("CS101 Finals");
		expect((await listed(m1, group.id))?.title).toBe("CS101 Finals");
		// A rename is not news for the unread badge.
		await api("POST", `/conversations/${group.id}/read`, { token: m1.token, body: { seq: 1 } });
		expect((await listed(m1, group.id))?.unreadCount).toBe(0);
	});

	it("answers 200 and records nothing for the same title again", async () => {
		const { admin, m1, group } = await trio();
		expect((await rename(admin, group.id, { title: "Renamed" })).status).toBe(200);
		const before = await history(m1, group.id);
		const again = await rename(admin, group.id, { title: " Renamed " });
		expect(again.status).toBe(200);
		expect(again.body.conversation.title).toBe("Renamed");
		expect(await history(m1, group.id)).toEqual(before);
	});

	it("refuses a plain member with 403 and changes nothing", async () => {
		const { m1, group } = await trio();
		expectError(await rename(m1, group.id, { title: "Mine now" }), 403, "forbidden");
		expect((await conversationOf(m1, group.id)).title).toBe("CS101");
		expect((await history(m1, group.id)).filter((m) => m.system?.event === "renamed")).toEqual([]);
	});

	it("refuses a direct conversation with 409", async () => {
		const [a, b] = [await registerUser("DirA"), await registerUser("DirB")];
		const direct = await directChat(a, b);
		expectError(await rename(a, direct.id, { title: "Us" }), 409, "conflict");
	});

	it("answers 404 to an outsider and for an unknown conversation", async () => {
		const { group } = await trio();
		const outsider = await registerUser("Outsider");
		expectError(await rename(outsider, group.id, { title: "Hijacked" }), 404, "not_found");
		expectError(await rename(outsider, "no-such-conversation", { title: "x" }), 404, "not_found");
	});

	it("refuses bad titles with 400 naming the field", async () => {
		const { admin, group } = await trio();
		for (const body of [{}, { title: "" }, { title: "   " }, { title: "x".repeat(101) }, { title: 42 }]) {
			const res = await rename(admin, group.id, body);
			expectError(res, 400, "invalid_request");
			expect(JSON.stringify((res.body as unknown as { error: { details: unknown } }).error.details)).toContain("title");
		}
		expect((await rename(admin, group.id, { title: "y".repeat(100) })).status).toBe(200);
	});
});
