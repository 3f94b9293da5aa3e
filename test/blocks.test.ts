// Blocking (contract v2): while A blocks B, B cannot start a direct conversation with A or send
// in it (403; it stays readable), and neither sees the other's presence. Groups are not affected.
import { describe, expect, it } from "vitest";
import { api, directChat, env, expectError, groupChat, registerUser, sendText, type TestUser } from "./helpers";
import { closeSocketsAfterEach, realtimeSocket, roomSocket } from "./sockets";

const track = closeSocketsAfterEach();

const block = (a: TestUser, b: TestUser) => api("PUT", `/users/${b.user.id}/block`, { token: a.token });
const unblock = (a: TestUser, b: TestUser) => api("DELETE", `/users/${b.user.id}/block`, { token: a.token });
const send = (from: TestUser, conversationId: string, text: string) =>
	api("POST", `/conversations/${conversationId}/messages`, {
		token: from.token,
		body: { clientId: crypto.randomUUID(), kind: "text", text },
	});

describe("blocking and unblocking", () => {
	it("is idempotent both ways and lists whom the caller blocks, without presence", async () => {
		const a = await registerUser("Blocker");
		const b = await registerUser("Blocked");
		expect(await block(a, b)).toMatchObject({ status: 200, body: { blocked: true } });
		expect(await block(a, b)).toMatchObject({ status: 200, body: { blocked: true } });
		const list = await api("GET", "/me/blocks", { token: a.token });
		expect(list.status).toBe(200);
		expect(list.body.users).toEqual([
			{ id: b.user.id, email: b.user.email, displayName: b.user.displayName, avatarUrl: null },
		]);
		expect((await api("GET", "/me/blocks", { token: b.token })).body.users).toEqual([]);
		expect(await unblock(a, b)).toMatchObject({ status: 200, body: { blocked: false } });
		expect(await unblock(a, b)).toMatchObject({ status: 200, body: { blocked: false } });
		expect((await api("GET", "/me/blocks", { token: a.token })).body.users).toEqual([]);
	});

	it("refuses blocking yourself (400), an unknown user (404) and no token (401)", async () => {
		const a = await registerUser("SelfBlock");
		expectError(await block(a, a), 400, "invalid_request");
		expectError(await api("PUT", `/users/${crypto.randomUUID()}/block`, { token: a.token }), 404, "not_found");
		expectError(await api("PUT", `/users/${a.user.id}/block`), 401, "unauthorized");
		expectError(await api("GET", "/me/blocks"), 401, "unauthorized");
	});
});

describe("while A blocks B", () => {
	it("B cannot start a direct conversation with A, new or existing (403); A still can", async () => {
		const a = await registerUser("DirA");
		const b = await registerUser("DirB");
		await block(a, b);
		expectError(
			await api("POST", "/conversations", { token: b.token, body: { type: "direct", userId: a.user.id } }),
			403,
			"forbidden",
		);
		const chat = await directChat(a, b);
		expectError(
			await api("POST", "/conversations", { token: b.token, body: { type: "direct", userId: a.user.id } }),
			403,
			"forbidden",
		);
		expect((await api("GET", `/conversations/${chat.id}`, { token: b.token })).status).toBe(200);
	});

	it("B cannot send in their direct chat over REST or the socket, still reads it, and can again after unblocking", async () => {
		const a = await registerUser("SendA");
		const b = await registerUser("SendB");
		const chat = await directChat(a, b);
		await sendText(b, chat.id, "hi before");
		await block(a, b);
		expectError(await send(b, chat.id, "hello?"), 403, "forbidden");
		const socket = await track(roomSocket(b, chat.id));
		const refused = await socket.request("message:send", { clientId: crypto.randomUUID(), kind: "text", text: "hey" });
		expect(refused.type).toBe("error");
		expect(refused.error?.code).toBe("forbidden");
		// The conversation stays readable, and A can still write in it.
		const fromA = await sendText(a, chat.id, "I blocked you");
		const history = await api("GET", `/conversations/${chat.id}/messages`, { token: b.token });
		expect(history.status).toBe(200);
		expect(history.body.messages.map((m: { text: string }) => m.text)).toEqual([fromA.text, "hi before"]);
		await unblock(a, b);
		expect((await send(b, chat.id, "thanks")).status).toBe(201);
	});

	it("a room that never saw the block (written to D1 only) still refuses B's send", async () => {
		const a = await registerUser("ImportA");
		const b = await registerUser("ImportB");
		const chat = await directChat(a, b);
		await env.DB.prepare("INSERT INTO user_blocks (blocker_id, blocked_id, created_at) VALUES (?, ?, ?)")
			.bind(a.user.id, b.user.id, new Date().toISOString())
			.run();
		expectError(await send(b, chat.id, "can I?"), 403, "forbidden");
		expect((await send(a, chat.id, "A can")).status).toBe(201);
	});

	it("groups are not affected", async () => {
		const a = await registerUser("GroupA");
		const b = await registerUser("GroupB");
		const group = await groupChat(a, [b], "Shared group");
		await block(a, b);
		expect((await send(b, group.id, "still here")).status).toBe(201);
	});

	it("neither sees the other's presence in snapshots; a third member still does", async () => {
		const a = await registerUser("SnapA");
		const b = await registerUser("SnapB");
		const c = await registerUser("SnapC");
		const group = await groupChat(a, [b, c], "Three");
		await block(b, a);
		const userIn = async (viewer: TestUser, id: string) => {
			const res = await api("GET", `/conversations/${group.id}`, { token: viewer.token });
			return res.body.conversation.participants.find((p: { user: { id: string } }) => p.user.id === id).user;
		};
		expect(await userIn(a, b.user.id)).not.toHaveProperty("online");
		expect(await userIn(a, b.user.id)).not.toHaveProperty("lastSeenAt");
		expect(await userIn(b, a.user.id)).not.toHaveProperty("online");
		expect(await userIn(c, a.user.id)).toHaveProperty("online", false);
		// The list's participants too.
		const list = await api("GET", "/conversations", { token: a.token });
		const listed = list.body.conversations.find((x: { id: string }) => x.id === group.id);
		expect(listed.participants.find((p: { user: { id: string } }) => p.user.id === b.user.id).user).not.toHaveProperty(
			"online",
		);
	});

	it("neither hears the other's user:online, while another contact does", async () => {
		const a = await registerUser("LiveA");
		const b = await registerUser("LiveB");
		const c = await registerUser("LiveC");
		await directChat(a, b);
		await groupChat(a, [b, c], "Small");
		await block(b, a);
		const inboxB = await track(realtimeSocket(b));
		const inboxC = await track(realtimeSocket(c));
		await inboxB.request("ping");
		await inboxC.request("ping");
		const inboxA = await track(realtimeSocket(a));
		await inboxA.request("ping");
		await inboxC.waitFor((f) => f.type === "user:online" && f.data.userId === a.user.id);
		// A goes offline again: C hears that too, a second or more later; B heard neither.
		inboxA.close();
		await inboxC.waitFor((f) => f.type === "user:offline" && f.data.userId === a.user.id, 10_000);
		const aboutA = inboxB.frames.filter((f) => f.type.startsWith("user:o") && f.data.userId === a.user.id);
		expect(aboutA).toEqual([]);
		const aboutB = inboxA.frames.filter((f) => f.type.startsWith("user:o") && f.data.userId === b.user.id);
		expect(aboutB).toEqual([]);
		// Let the hubs finish going offline (and logging it) before the file's environment ends.
		inboxB.close();
		inboxC.close();
		const ids = JSON.stringify([a.user.id, b.user.id, c.user.id]);
		for (let settled = false; !settled; await new Promise((r) => setTimeout(r, 50))) {
			const row = await env.DB.prepare(
				"SELECT COUNT(*) AS n FROM users WHERE online = 1 AND id IN (SELECT value FROM json_each(?))",
			)
				.bind(ids)
				.first<{ n: number }>();
			settled = row?.n === 0;
		}
	});
});
