// Issue 23.5: invite links. Admins create, list and revoke them; anyone signed in previews a
// link (name and member count only) and joins through it, as an admin adding them would.
import { describe, expect, it } from "vitest";
import type { Conversation, Invite, Message } from "../src/shared/schemas";
import { api, env, expectError, groupChat, registerUser, seedUsers, type TestUser } from "./helpers";
import { closeSocketsAfterEach, roomSocket } from "./sockets";

closeSocketsAfterEach();

const createInvite = (actor: TestUser, id: string, body?: unknown) =>
	api<{ invite: Invite }>("POST", `/conversations/${id}/invites`, { token: actor.token, body });
const listInvites = (actor: TestUser, id: string) =>
	api<{ invites: Invite[] }>("GET", `/conversations/${id}/invites`, { token: actor.token });
const revoke = (actor: TestUser, id: string, inviteId: string) =>
	api("DELETE", `/conversations/${id}/invites/${inviteId}`, { token: actor.token });
const preview = (viewer: TestUser, token: string) => api("GET", `/invites/${token}`, { token: viewer.token });
const join = (joiner: TestUser, token: string) =>
	api<{ conversation: Conversation; error?: any }>("POST", `/invites/${token}/join`, { token: joiner.token });

async function tokenFor(admin: TestUser, id: string, body?: unknown): Promise<string> {
	const res = await createInvite(admin, id, body);
	expect(res.status).toBe(201);
	return res.body.invite.token ?? "";
}

async function history(viewer: TestUser, id: string): Promise<Message[]> {
	const res = await api<{ messages: Message[] }>("GET", `/conversations/${id}/messages?afterSeq=0&limit=100`, {
		token: viewer.token,
	});
	expect(res.status).toBe(200);
	return res.body.messages;
}

async function trio() {
	const [admin, member, outsider] = [
		await registerUser("Admin"),
		await registerUser("Member"),
		await registerUser("Outsider"),
	];
	return { admin, member, outsider, group: await groupChat(admin, [member], "CS101 Notice board") };
}

describe("managing invite links", () => {
	it("lets an admin create a link (token shown once, 256 bits), list it without its token and revoke it", async () => {
		const { admin, group } = await trio();
		const expiresAt = new Date(Date.now() + 3600_000).toISOString();
		const created = await createInvite(admin, group.id, { expiresAt, maxUses: 1 });
		expect(created.status).toBe(201);
		expect(created.body.invite).toMatchObject({
			conversationId: group.id,
			createdBy: admin.user.id,
			expiresAt,
			maxUses: 1,
			uses: 0,
		});
		expect(created.body.invite.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
		// Only its hash is in D1.
		const stored = await env.DB.prepare("SELECT token_hash FROM conversation_invites WHERE id = ?")
			.bind(created.body.invite.id)
			.first<{ token_hash: string }>();
		expect(stored?.token_hash).not.toBe(created.body.invite.token);

		const listed = await listInvites(admin, group.id);
		expect(listed.status).toBe(200);
		expect(listed.body.invites.map((i) => i.id)).toEqual([created.body.invite.id]);
		expect(listed.body.invites[0]).not.toHaveProperty("token");

		expect((await revoke(admin, group.id, created.body.invite.id)).status).toBe(204);
		expect((await revoke(admin, group.id, created.body.invite.id)).status).toBe(204);
		expect((await listInvites(admin, group.id)).body.invites).toEqual([]);
	});

	it("refuses non-admins (403), outsiders (404), direct chats (409) and bad bodies (400), creating nothing", async () => {
		const { admin, member, outsider, group } = await trio();
		expectError(await createInvite(member, group.id), 403, "forbidden");
		expectError(await listInvites(member, group.id), 403, "forbidden");
		expectError(await createInvite(outsider, group.id), 404, "not_found");
		expectError(await listInvites(outsider, group.id), 404, "not_found");
		const real = await createInvite(admin, group.id);
		expectError(await revoke(member, group.id, real.body.invite.id), 403, "forbidden");
		expectError(await revoke(outsider, group.id, real.body.invite.id), 404, "not_found");
		expectError(await revoke(admin, group.id, "no-such-invite"), 404, "not_found");

		const direct = await api("POST", "/conversations", {
			token: admin.token,
			body: { type: "direct", userId: member.user.id },
		});
		expectError(await createInvite(admin, direct.body.conversation.id), 409, "conflict");

		for (const body of [
			{ expiresAt: new Date(Date.now() - 1000).toISOString() },
			{ expiresAt: new Date(Date.now() + 400 * 86400_000).toISOString() },
			{ expiresAt: "tomorrow" },
			{ maxUses: 0 },
			{ maxUses: 1.5 },
		]) {
			expectError(await createInvite(admin, group.id, body), 400, "invalid_request");
		}
		expect((await listInvites(admin, group.id)).body.invites.map((i) => i.id)).toEqual([real.body.invite.id]);
	});

	it("holds at most 20 live links per group (409)", async () => {
		const { admin, group } = await trio();
		for (let i = 0; i < 20; i++) expect((await createInvite(admin, group.id)).status).toBe(201);
		expectError(await createInvite(admin, group.id), 409, "conflict");
		const [first] = (await listInvites(admin, group.id)).body.invites;
		await revoke(admin, group.id, first?.id ?? "");
		expect((await createInvite(admin, group.id)).status).toBe(201);
	});
});

describe("opening and joining by a link", () => {
	it("previews the group's name and member count only, and joins with a system line and member:added", async () => {
		const { admin, member, outsider, group } = await trio();
		const token = await tokenFor(admin, group.id);
		const seen = await preview(outsider, token);
		expect(seen.status).toBe(200);
		expect(seen.body).toEqual({
			invite: { title: "CS101 Notice board", memberCount: 2, expiresAt: null, member: false },
		});

		const socket = await roomSocket(member, group.id);
		const joined = await join(outsider, token);
		expect(joined.status).toBe(201);
		expect(joined.body.conversation.id).toBe(group.id);
		expect(joined.body.conversation.participants?.map((p) => p.user.id).sort()).toEqual(
			[admin.user.id, member.user.id, outsider.user.id].sort(),
		);
		const added = await socket.waitFor((f) => f.type === "member:added");
		expect(added.data).toMatchObject({ conversationId: group.id, participant: { user: { id: outsider.user.id } } });
		const last = (await history(admin, group.id)).at(-1);
		expect(last).toMatchObject({
			kind: "system",
			text: `${outsider.user.displayName} joined`,
			system: { event: "joined", actorId: outsider.user.id, targetId: outsider.user.id },
		});

		// Again: 200, the same conversation, no second line, no use taken.
		const again = await join(outsider, token);
		expect(again.status).toBe(200);
		expect(again.body.conversation.id).toBe(group.id);
		expect((await history(admin, group.id)).filter((m) => m.system?.event === "joined")).toHaveLength(1);
		expect((await preview(outsider, token)).body.invite).toMatchObject({ memberCount: 3, member: true });
		expect((await listInvites(admin, group.id)).body.invites[0]?.uses).toBe(1);
	});

	it("answers 404 for unknown tokens and 404 with the reason for revoked, expired and used-up links, adding nobody", async () => {
		const { admin, outsider, group } = await trio();
		expectError(await preview(outsider, "A".repeat(43)), 404, "not_found");
		expectError(await join(outsider, "A".repeat(43)), 404, "not_found");
		expectError(await join(outsider, "not a token!"), 404, "not_found");

		const revokedRes = await createInvite(admin, group.id);
		await revoke(admin, group.id, revokedRes.body.invite.id);
		const revokedToken = revokedRes.body.invite.token ?? "";
		for (const res of [await preview(outsider, revokedToken), await join(outsider, revokedToken)]) {
			expectError(res, 404, "not_found");
			expect(res.body.error.details).toEqual({ reason: "revoked" });
		}

		const expiring = await createInvite(admin, group.id, { expiresAt: new Date(Date.now() + 60_000).toISOString() });
		await env.DB.prepare("UPDATE conversation_invites SET expires_at = ? WHERE id = ?")
			.bind(new Date(Date.now() - 1000).toISOString(), expiring.body.invite.id)
			.run();
		const expired = await join(outsider, expiring.body.invite.token ?? "");
		expectError(expired, 404, "not_found");
		expect(expired.body.error.details).toEqual({ reason: "expired" });

		const single = await tokenFor(admin, group.id, { maxUses: 1 });
		expect((await join(outsider, single)).status).toBe(201);
		const late = await registerUser("Late");
		const used = await join(late, single);
		expectError(used, 404, "not_found");
		expect(used.body.error.details).toEqual({ reason: "used_up" });
		const ids = (
			await api("GET", `/conversations/${group.id}`, { token: admin.token })
		).body.conversation.participants.map((p: { user: { id: string } }) => p.user.id);
		expect(ids).not.toContain(late.user.id);
		expect(ids).toContain(outsider.user.id);
	});

	it("lets exactly one of several people in at once through a single-use link", async () => {
		const { admin, group } = await trio();
		const token = await tokenFor(admin, group.id, { maxUses: 1 });
		const joiners = await Promise.all([1, 2, 3, 4].map((n) => registerUser(`Racer${n}`)));
		const answers = await Promise.all(joiners.map((j) => join(j, token)));
		expect(answers.map((a) => a.status).sort()).toEqual([201, 404, 404, 404]);
		const members = (await api("GET", `/conversations/${group.id}`, { token: admin.token })).body.conversation
			.participants;
		expect(members).toHaveLength(3);
	});

	it("keeps the 256-member limit (409, the link's use not taken)", async () => {
		const admin = await registerUser("BigAdmin");
		const ids = await seedUsers(255);
		const res = await api("POST", "/conversations", {
			token: admin.token,
			body: { type: "group", title: "Full", memberIds: ids },
		});
		expect(res.status).toBe(201);
		const token = await tokenFor(admin, res.body.conversation.id);
		const outsider = await registerUser("TooMany");
		expect((await preview(outsider, token)).body.invite.memberCount).toBe(256);
		expectError(await join(outsider, token), 409, "conflict");
		expect((await listInvites(admin, res.body.conversation.id)).body.invites[0]?.uses).toBe(0);
	});

	it("refuses someone a member blocks (403, nobody named), and lets in someone who blocks a member", async () => {
		const { admin, member, group } = await trio();
		const token = await tokenFor(admin, group.id);
		const [blocked, blocker] = [await registerUser("Blocked"), await registerUser("Blocker")];
		expect((await api("PUT", `/users/${blocked.user.id}/block`, { token: member.token })).status).toBe(200);
		const refused = await join(blocked, token);
		expectError(refused, 403, "forbidden");
		expect(refused.body.error.details).toBeUndefined();
		expect((await history(admin, group.id)).some((m) => m.system?.targetId === blocked.user.id)).toBe(false);

		expect((await api("PUT", `/users/${member.user.id}/block`, { token: blocker.token })).status).toBe(200);
		expect((await join(blocker, token)).status).toBe(201);
	});

	it("needs a signed-in user", async () => {
		const { admin, group } = await trio();
		const token = await tokenFor(admin, group.id);
		expectError(await api("GET", `/invites/${token}`), 401, "unauthorized");
		expectError(await api("POST", `/invites/${token}/join`), 401, "unauthorized");
	});
});
