// Blocking (contract v2): while A blocks B, B cannot start a direct conversation with A or send
// in it (403; it stays readable), and neither sees the other's presence. Groups are not affected.
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ConversationRoom } from "../src/durable/ConversationRoom";
import { roomStub } from "../src/durable/rpc";
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

const room = (id: string) => roomStub(env, id) as unknown as DurableObjectStub<ConversationRoom>;

/** A D1 the room cannot use at all, reads included, like an outage would. */
function brokenD1(): D1Database {
	const fail = async () => Promise.reject(new Error("D1 unavailable (test)"));
	const statement = { bind: () => statement, all: fail, first: fail, run: fail, raw: fail };
	return { prepare: () => statement, batch: fail, exec: fail } as unknown as D1Database;
}

const setRoomD1 = (id: string, db: "broken" | "real") =>
	runInDurableObject(room(id), (r) => {
		r.d1 = db === "broken" ? brokenD1 : () => env.DB;
	});

/** A block written straight into D1, as if the block route's call to the room never arrived. */
const blockInD1Only = (a: TestUser, b: TestUser) =>
	env.DB.prepare("INSERT INTO user_blocks (blocker_id, blocked_id, created_at) VALUES (?, ?, ?)")
		.bind(a.user.id, b.user.id, new Date().toISOString())
		.run();

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
		const self = await block(a, a);
		expectError(self, 400, "invalid_request");
		// The contract's 400 names the bad field.
		expect(self.body.error.details.fields.map((f: { path: string }) => f.path)).toEqual(["id"]);
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

	it("a room that had read the pair's blocks before reads them again after it wakes", async () => {
		const a = await registerUser("WakeA");
		const b = await registerUser("WakeB");
		const chat = await directChat(a, b);
		expect((await send(b, chat.id, "before")).status).toBe(201);
		await blockInD1Only(a, b);
		await evictDurableObject(room(chat.id));
		expectError(await send(b, chat.id, "after the wake"), 403, "forbidden");
		expect((await send(a, chat.id, "A can")).status).toBe(201);
	});

	it("when the room cannot take the block, the route answers a retryable 503 and the room reads D1 before B's next send", async () => {
		const a = await registerUser("RetryA");
		const b = await registerUser("RetryB");
		const chat = await directChat(a, b);
		expect((await send(b, chat.id, "before")).status).toBe(201);
		await setRoomD1(chat.id, "broken");
		const res = await block(a, b);
		expectError(res, 503, "unavailable");
		expect(Number(res.headers.get("Retry-After"))).toBeGreaterThan(0);
		// D1 has the block already: A's list shows it.
		expect((await api("GET", "/me/blocks", { token: a.token })).body.users.map((u: { id: string }) => u.id)).toEqual([
			b.user.id,
		]);
		await setRoomD1(chat.id, "real");
		expectError(await send(b, chat.id, "still?"), 403, "forbidden");
		// The retry the 503 asked for answers 200; unblocking reaches the room the same way.
		expect(await block(a, b)).toMatchObject({ status: 200, body: { blocked: true } });
		expect(await unblock(a, b)).toMatchObject({ status: 200, body: { blocked: false } });
		expect((await send(b, chat.id, "thanks")).status).toBe(201);
	});

	it("every write B makes in the direct chat (edit, reactions, typing) gets the send's 403 and reaches A neither live nor in history", async () => {
		const a = await registerUser("WriteA");
		const b = await registerUser("WriteB");
		const chat = await directChat(a, b);
		const mine = await sendText(b, chat.id, "written before the block");
		const theirs = await sendText(a, chat.id, "from A");
		await api("PUT", `/messages/${theirs.id}/reactions/${encodeURIComponent("👍")}`, { token: b.token });
		await block(a, b);
		const watching = await track(roomSocket(a, chat.id));
		await watching.request("ping");
		const socket = await track(roomSocket(b, chat.id));
		const refusals = [
			await socket.request("message:edit", { messageId: mine.id, text: "abusive text written after the block" }),
			await socket.request("reaction:add", { messageId: theirs.id, emoji: "😡" }),
			await socket.request("reaction:remove", { messageId: theirs.id, emoji: "👍" }),
			await socket.request("typing:start"),
		];
		for (const refused of refusals) {
			expect(refused).toMatchObject({ type: "error", error: { code: "forbidden" } });
			expect(refused.error?.message).toBe(refusals[0]?.error?.message);
		}
		const rest = [
			await api("PATCH", `/messages/${mine.id}`, { token: b.token, body: { text: "abusive, over REST" } }),
			await api("PUT", `/messages/${theirs.id}/reactions/${encodeURIComponent("😡")}`, { token: b.token }),
			await api("DELETE", `/messages/${theirs.id}/reactions/${encodeURIComponent("👍")}`, { token: b.token }),
			await send(b, chat.id, "a send, for the message"),
		];
		for (const res of rest) {
			expectError(res, 403, "forbidden");
			expect(res.body.error.message).toBe(refusals[0]?.error?.message);
		}
		// A's own socket then gets A's next message and nothing B tried before it.
		const fromA = await sendText(a, chat.id, "after the block");
		await watching.waitFor((f) => f.type === "message:new" && f.data.message.id === fromA.id);
		expect(
			watching.frames.filter((f) => ["message:updated", "message:reactions", "user:typing"].includes(f.type)),
		).toEqual([]);
		const history = await api("GET", `/conversations/${chat.id}/messages`, { token: a.token });
		const byId = new Map(history.body.messages.map((m: { id: string }) => [m.id, m]));
		expect(byId.get(mine.id)).toMatchObject({ text: "written before the block", editedAt: null });
		expect(byId.get(theirs.id)).toMatchObject({ reactions: [{ emoji: "👍", userIds: [b.user.id] }] });
		// A still writes, and receipts stay B's own.
		expect((await socket.request("message:read", { seq: fromA.seq })).type).toBe("ack");
		expect(
			(await api("PUT", `/messages/${mine.id}/reactions/${encodeURIComponent("😡")}`, { token: a.token })).status,
		).toBe(200);
		await unblock(a, b);
		expect((await socket.request("typing:start")).type).toBe("ack");
		expect((await socket.request("message:edit", { messageId: mine.id, text: "sorry" })).type).toBe("ack");
	});

	it("B cannot put A into a group, new or existing (403 naming A); groups from before the block stay as they are", async () => {
		const a = await registerUser("GrpA");
		const b = await registerUser("GrpB");
		const c = await registerUser("GrpC");
		const before = await groupChat(b, [a, c], "From before");
		const other = await groupChat(b, [c], "Without A");
		await block(a, b);
		const create = await api("POST", "/conversations", {
			token: b.token,
			body: { type: "group", title: "Around the block", memberIds: [a.user.id, c.user.id] },
		});
		expectError(create, 403, "forbidden");
		expect(create.body.error.details.userIds).toEqual([a.user.id]);
		const add = await api("POST", `/conversations/${other.id}/members`, {
			token: b.token,
			body: { userIds: [c.user.id, a.user.id] },
		});
		expectError(add, 403, "forbidden");
		expect(add.body.error.details.userIds).toEqual([a.user.id]);
		// Nothing was created or added: A is in no new group.
		const listA = await api("GET", "/conversations", { token: a.token });
		expect(listA.body.conversations.map((x: { id: string }) => x.id)).toEqual([before.id]);
		const members = await api("GET", `/conversations/${other.id}`, { token: b.token });
		expect(members.body.conversation.participants).toHaveLength(2);
		// A may still add B (A's block limits B, not A), and the shared group works as before.
		expect((await send(b, before.id, "still here")).status).toBe(201);
		expect(
			(
				await api("POST", "/conversations", {
					token: a.token,
					body: { type: "group", title: "A's own", memberIds: [b.user.id] },
				})
			).status,
		).toBe(201);
		await unblock(a, b);
		expect(
			(await api("POST", `/conversations/${other.id}/members`, { token: b.token, body: { userIds: [a.user.id] } }))
				.status,
		).toBe(200);
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
