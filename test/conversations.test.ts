import { describe, expect, it } from "vitest";
import type { Conversation } from "../src/shared/schemas";
import { api, directChat, expectError, groupChat, registerUser, seedUsers, sendText, type TestUser } from "./helpers";

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

/** Users written straight into D1: enough people for the group-size limits without hashing 255 passwords. */
async function list(user: TestUser, query = "") {
	return api<{ conversations: Conversation[]; nextCursor: string | null }>("GET", `/conversations${query}`, {
		token: user.token,
	});
}

async function details(user: TestUser, id: string) {
	return api<{ conversation: Conversation }>("GET", `/conversations/${id}`, { token: user.token });
}

describe("direct conversations", () => {
	it("creates a direct conversation with 201 and both participants as members", async () => {
		const [a, b] = [await registerUser("Amara"), await registerUser("Bongani")];
		const res = await api("POST", "/conversations", { token: a.token, body: { type: "direct", userId: b.user.id } });
		expect(res.status).toBe(201);
		const conversation: Conversation = res.body.conversation;
		expect(conversation).toMatchObject({
			type: "direct",
			title: null,
			lastMessage: null,
			unreadCount: 0,
			muted: false,
		});
		expect(Date.parse(conversation.createdAt)).not.toBeNaN();
		expect(Date.parse(conversation.lastActivityAt)).not.toBeNaN();
		const people = conversation.participants?.map((p) => [p.user.id, p.role, p.lastReadSeq, p.lastDeliveredSeq]);
		expect(people?.sort()).toEqual(
			[
				[a.user.id, "member", 0, 0],
				[b.user.id, "member", 0, 0],
			].sort(),
		);
	});

	it("returns the same conversation with 200 when either side asks again", async () => {
		const [a, b] = [await registerUser("Again"), await registerUser("Other")];
		const first = await directChat(a, b);
		const again = await api("POST", "/conversations", { token: a.token, body: { type: "direct", userId: b.user.id } });
		expect(again.status).toBe(200);
		expect(again.body.conversation.id).toBe(first.id);
		const reverse = await api("POST", "/conversations", {
			token: b.token,
			body: { type: "direct", userId: a.user.id },
		});
		expect(reverse.status).toBe(200);
		expect(reverse.body.conversation.id).toBe(first.id);
		expect(reverse.body.conversation.participants).toHaveLength(2);
	});

	it("refuses a direct conversation with yourself (400) or with an unknown user (404)", async () => {
		const a = await registerUser("Solo");
		const self = await api("POST", "/conversations", { token: a.token, body: { type: "direct", userId: a.user.id } });
		expectError(self, 400, "invalid_request");
		// The contract's 400 names the bad field.
		expect(self.body.error.details.fields.map((f: { path: string }) => f.path)).toEqual(["userId"]);
		expectError(
			await api("POST", "/conversations", { token: a.token, body: { type: "direct", userId: "no-such-user" } }),
			404,
			"not_found",
		);
		expect((await list(a)).body.conversations).toEqual([]);
	});

	it("creates exactly one conversation when both sides ask at the same time", async () => {
		const [a, b] = [await registerUser("RaceA"), await registerUser("RaceB")];
		const results = await Promise.all([
			api("POST", "/conversations", { token: a.token, body: { type: "direct", userId: b.user.id } }),
			api("POST", "/conversations", { token: b.token, body: { type: "direct", userId: a.user.id } }),
			api("POST", "/conversations", { token: a.token, body: { type: "direct", userId: b.user.id } }),
			api("POST", "/conversations", { token: b.token, body: { type: "direct", userId: a.user.id } }),
		]);
		expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 201]);
		expect(new Set(results.map((r) => r.body.conversation.id)).size).toBe(1);
		expect((await list(a)).body.conversations).toHaveLength(1);
		expect((await list(b)).body.conversations).toHaveLength(1);
		expect(results[0]?.body.conversation.participants).toHaveLength(2);
	});

	it("validates the body: unknown type, missing userId and bad JSON are 400 with details", async () => {
		const a = await registerUser("Body");
		const bad = await api("POST", "/conversations", { token: a.token, body: { type: "channel" } });
		expectError(bad, 400, "invalid_request");
		expect(bad.body.error.details.fields.length).toBeGreaterThan(0);
		expectError(
			await api("POST", "/conversations", { token: a.token, body: { type: "direct" } }),
			400,
			"invalid_request",
		);
		expectError(
			await api("POST", "/conversations", {
				token: a.token,
				rawBody: "{nope",
				headers: { "Content-Type": "application/json" },
			}),
			400,
			"invalid_request",
		);
		expectError(await api("POST", "/conversations", { body: { type: "direct", userId: "x" } }), 401, "unauthorized");
	});
});

describe("group conversations", () => {
	it("makes the creator admin, keeps the title and adds the members", async () => {
		const [admin, m1, m2] = [await registerUser("Lecturer"), await registerUser("Stu1"), await registerUser("Stu2")];
		const res = await api("POST", "/conversations", {
			token: admin.token,
			body: { type: "group", title: "  Algorithms 101  ", memberIds: [m1.user.id, m2.user.id, m1.user.id] },
		});
		expect(res.status).toBe(201);
		const conversation: Conversation = res.body.conversation;
		expect(conversation).toMatchObject({ type: "group", title: "Algorithms 101", unreadCount: 0, muted: false });
		const roles = Object.fromEntries(conversation.participants?.map((p) => [p.user.id, p.role]) ?? []);
		expect(roles).toEqual({ [admin.user.id]: "admin", [m1.user.id]: "member", [m2.user.id]: "member" });
		const seen = await details(m2, conversation.id);
		expect(seen.status).toBe(200);
		expect(seen.body.conversation.title).toBe("Algorithms 101");
	});

	it("refuses a group with an unknown member with 404 and creates nothing", async () => {
		const [admin, m1] = [await registerUser("Unk"), await registerUser("Known")];
		const res = await api("POST", "/conversations", {
			token: admin.token,
			body: { type: "group", title: "Ghosts", memberIds: [m1.user.id, "ghost-user"] },
		});
		expectError(res, 404, "not_found");
		expect((await list(admin)).body.conversations).toEqual([]);
		expect((await list(m1)).body.conversations).toEqual([]);
	});

	it("refuses a group without a title with 400", async () => {
		const admin = await registerUser("Untitled");
		const res = await api("POST", "/conversations", {
			token: admin.token,
			body: { type: "group", title: "   ", memberIds: [] },
		});
		expectError(res, 400, "invalid_request");
		expect(res.body.error.details.fields.map((f: { path: string }) => f.path)).toContain("title");
	});

	it("allows 256 members including the creator and refuses 257 with 400", async () => {
		const admin = await registerUser("Big");
		const ids = await seedUsers(256);
		const tooMany = await api("POST", "/conversations", {
			token: admin.token,
			body: { type: "group", title: "Too big", memberIds: ids },
		});
		expectError(tooMany, 400, "invalid_request");
		expect(tooMany.body.error.details.fields.map((f: { path: string }) => f.path)).toContain("memberIds");
		const full = await api("POST", "/conversations", {
			token: admin.token,
			body: { type: "group", title: "Full house", memberIds: ids.slice(0, 255) },
		});
		expect(full.status).toBe(201);
		expect(full.body.conversation.participants).toHaveLength(256);
	});
});

describe("conversation list", () => {
	it("lists most recent activity first, and a new message moves an older conversation to the top", async () => {
		const me = await registerUser("Lister");
		const [x, y] = [await registerUser("Xolani"), await registerUser("Yusuf")];
		const older = await directChat(me, x);
		await tick();
		const newer = await directChat(me, y);
		expect((await list(me)).body.conversations.map((c) => c.id)).toEqual([newer.id, older.id]);
		await tick();
		const sent = await sendText(x, older.id, "still there?");
		const after = (await list(me)).body;
		expect(after.conversations.map((c) => c.id)).toEqual([older.id, newer.id]);
		expect(after.nextCursor).toBeNull();
		const top = after.conversations[0];
		expect(top?.lastMessage).toMatchObject({ id: sent.id, text: "still there?", senderId: x.user.id });
		expect(Date.parse(top?.lastActivityAt ?? "")).toBeGreaterThan(Date.parse(newer.lastActivityAt));
		// Direct chats carry their two participants, so a client can title them without another request.
		expect(top?.participants?.map((p) => p.user.id).sort()).toEqual([me.user.id, x.user.id].sort());
	});

	it("carries participants for groups of up to 32 members, and leaves them out for bigger ones", async () => {
		const me = await registerUser("Organiser");
		const others = await seedUsers(32);
		const small = await api("POST", "/conversations", {
			token: me.token,
			body: { type: "group", title: "Small", memberIds: others.slice(0, 31) },
		});
		const big = await api("POST", "/conversations", {
			token: me.token,
			body: { type: "group", title: "Big", memberIds: others },
		});
		const byId = new Map((await list(me)).body.conversations.map((c) => [c.id, c]));
		expect(byId.get(small.body.conversation.id)?.participants).toHaveLength(32);
		expect(byId.get(big.body.conversation.id)?.participants).toBeUndefined();
	});

	it("counts unread messages from others above lastReadSeq, not my own and not deleted ones", async () => {
		const [me, friend] = [await registerUser("Reader"), await registerUser("Writer")];
		const chat = await directChat(me, friend);
		await sendText(friend, chat.id, "one");
		const two = await sendText(friend, chat.id, "two");
		await sendText(me, chat.id, "mine");
		await sendText(friend, chat.id, "three");
		const unread = async (u: TestUser) => (await list(u)).body.conversations.find((c) => c.id === chat.id)?.unreadCount;
		expect(await unread(me)).toBe(3);
		expect(await unread(friend)).toBe(1);
		expect((await details(me, chat.id)).body.conversation.unreadCount).toBe(3);

		expect((await api("DELETE", `/messages/${two.id}?scope=everyone`, { token: friend.token })).status).toBe(204);
		expect(await unread(me)).toBe(2);

		const read = await api("POST", `/conversations/${chat.id}/read`, { token: me.token, body: { seq: 3 } });
		expect(read.body).toEqual({ lastReadSeq: 3 });
		expect(await unread(me)).toBe(1);
		await api("POST", `/conversations/${chat.id}/read`, { token: me.token });
		expect(await unread(me)).toBe(0);
	});

	it("shows muted on each conversation in the list", async () => {
		const [me, a, b] = [await registerUser("Muter"), await registerUser("Loud"), await registerUser("Quiet")];
		const loud = await directChat(me, a);
		const quiet = await directChat(me, b);
		await api("PUT", `/conversations/${quiet.id}/mute`, { token: me.token, body: { muted: true } });
		await sendText(me, quiet.id, "so b lists it too");
		const muted = Object.fromEntries((await list(me)).body.conversations.map((c) => [c.id, c.muted]));
		expect(muted).toEqual({ [loud.id]: false, [quiet.id]: true });
		const theirs = (await list(b)).body.conversations.find((c) => c.id === quiet.id);
		expect(theirs?.muted).toBe(false);
	});

	it("pages through 5 conversations 2 at a time with no overlap and no gaps", async () => {
		const me = await registerUser("Pager");
		const created: string[] = [];
		for (let i = 0; i < 5; i++) {
			created.push((await directChat(me, await registerUser(`Peer${i}`))).id);
			await tick();
		}
		const everything = (await list(me)).body.conversations.map((c) => c.id);
		expect(everything).toEqual([...created].reverse());

		const seen: string[] = [];
		const sizes: number[] = [];
		let cursor: string | null = null;
		do {
			const page = await list(me, `?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
			expect(page.status).toBe(200);
			sizes.push(page.body.conversations.length);
			seen.push(...page.body.conversations.map((c) => c.id));
			cursor = page.body.nextCursor;
		} while (cursor);
		expect(sizes).toEqual([2, 2, 1]);
		expect(seen).toEqual(everything);
	});

	it("refuses a limit of 0, 101 or abc, and a cursor it did not issue, with 400", async () => {
		const me = await registerUser("Limits");
		for (const limit of ["0", "101", "abc", "1.5", "-1"]) {
			expectError(await list(me, `?limit=${limit}`), 400, "invalid_request");
		}
		expect((await list(me, "?limit=1")).status).toBe(200);
		expect((await list(me, "?limit=100")).status).toBe(200);
		for (let i = 0; i < 2; i++) await directChat(me, await registerUser(`Cur${i}`));
		const real = (await list(me, "?limit=1")).body.nextCursor;
		expect(typeof real).toBe("string");
		const [payload, sig] = (real ?? "").split(".");
		const forgedPayload = btoa(JSON.stringify({ at: "9999-01-01T00:00:00.000Z", id: "zzz" }))
			.replaceAll("=", "")
			.replaceAll("+", "-")
			.replaceAll("/", "_");
		for (const cursor of ["abc", `${forgedPayload}.${sig}`, `${payload}.${sig?.slice(0, -2)}xx`, `${payload}`]) {
			const res = await list(me, `?cursor=${encodeURIComponent(cursor)}`);
			expectError(res, 400, "invalid_request");
		}
	});
});

describe("conversation details and access", () => {
	it("shows a member the conversation with participants and watermarks", async () => {
		const [a, b] = [await registerUser("Det"), await registerUser("Ail")];
		const chat = await directChat(a, b);
		await sendText(a, chat.id, "hello");
		const res = await details(b, chat.id);
		expect(res.status).toBe(200);
		expect(res.body.conversation).toMatchObject({ id: chat.id, type: "direct", unreadCount: 1 });
		expect(res.body.conversation.lastMessage?.text).toBe("hello");
		for (const p of res.body.conversation.participants ?? []) {
			expect(p).toMatchObject({ role: "member", lastReadSeq: 0, lastDeliveredSeq: expect.any(Number) });
			expect(typeof p.joinedAt).toBe("string");
		}
	});

	it("answers 404, never 403, to an outsider on every conversation endpoint", async () => {
		const [admin, member, outsider] = [
			await registerUser("Insider"),
			await registerUser("Member"),
			await registerUser("Outsider"),
		];
		const group = await groupChat(admin, [member]);
		const message = await sendText(member, group.id, "private");
		const t = outsider.token;
		const base = `/conversations/${group.id}`;
		const calls = [
			api("GET", base, { token: t }),
			api("GET", `${base}/messages`, { token: t }),
			api("GET", `${base}/messages?afterSeq=0`, { token: t }),
			api("POST", `${base}/messages`, { token: t, body: { clientId: "c1", kind: "text", text: "hi" } }),
			api("POST", `${base}/read`, { token: t }),
			api("POST", `${base}/delivered`, { token: t, body: { seq: 1 } }),
			api("PUT", `${base}/mute`, { token: t }),
			api("PATCH", base, { token: t, body: { title: "Hijacked" } }),
			api("POST", `${base}/members`, { token: t, body: { userIds: [outsider.user.id] } }),
			api("DELETE", `${base}/members/${member.user.id}`, { token: t }),
			api("PUT", `${base}/members/${member.user.id}`, { token: t, body: { role: "admin" } }),
			api("POST", `${base}/leave`, { token: t }),
			api("DELETE", `/messages/${message.id}`, { token: t }),
			api("DELETE", `/messages/${message.id}?scope=everyone`, { token: t }),
			api("GET", "/conversations/does-not-exist", { token: t }),
			api("GET", "/conversations/bad.id!", { token: t }),
		];
		for (const res of await Promise.all(calls)) expectError(res, 404, "not_found");
		expect((await list(outsider)).body.conversations).toEqual([]);
		// Newest first: the member's message, then the group's first line; nothing the outsider tried.
		const history = await api("GET", `${base}/messages`, { token: member.token });
		expect(history.body.messages.map((m: { text: string }) => m.text)).toEqual([
			"private",
			`${admin.user.displayName} created the group`,
		]);
	});

	it("needs a token on every conversation endpoint", async () => {
		expectError(await api("GET", "/conversations"), 401, "unauthorized");
		expectError(await api("GET", "/conversations/abc"), 401, "unauthorized");
		expectError(await api("DELETE", "/messages/abc"), 401, "unauthorized");
	});
});

describe("mute", () => {
	it("toggles with no body or {}, and sets explicit true or false, shown in details", async () => {
		const [a, b] = [await registerUser("Toggle"), await registerUser("Peer")];
		const chat = await directChat(a, b);
		const mute = (body?: unknown) => api("PUT", `/conversations/${chat.id}/mute`, { token: a.token, body });
		expect((await mute()).body).toEqual({ muted: true, mutedUntil: null });
		expect((await details(a, chat.id)).body.conversation.muted).toBe(true);
		expect((await mute({})).body).toEqual({ muted: false, mutedUntil: null });
		expect((await mute({ muted: true })).body).toEqual({ muted: true, mutedUntil: null });
		expect((await mute({ muted: true })).body).toEqual({ muted: true, mutedUntil: null });
		expect((await mute({ muted: false })).body).toEqual({ muted: false, mutedUntil: null });
		expect((await mute({ muted: false })).status).toBe(200);
		expect((await details(a, chat.id)).body.conversation.muted).toBe(false);
		expectError(await mute({ muted: "yes" }), 400, "invalid_request");
		expect((await details(b, chat.id)).body.conversation.muted).toBe(false);
	});

	it("answers 404 to an outsider muting a conversation", async () => {
		const [a, b, c] = [await registerUser("M1"), await registerUser("M2"), await registerUser("M3")];
		const chat = await directChat(a, b);
		expectError(await api("PUT", `/conversations/${chat.id}/mute`, { token: c.token }), 404, "not_found");
	});
});
