import { describe, expect, it } from "vitest";
import type { Message } from "../src/shared/schemas";
import { api, directChat, expectError, groupChat, registerUser, sendText, type TestUser } from "./helpers";
import {
	closeSocketsAfterEach,
	type Frame,
	handshake,
	isNew,
	realtimeSocket,
	roomSocket,
	type TestSocket,
	ticketFor,
} from "./sockets";

const track = closeSocketsAfterEach();

async function pair(): Promise<[TestUser, TestUser, string]> {
	const a = await registerUser("Asha");
	const b = await registerUser("Ben");
	return [a, b, (await directChat(a, b)).id];
}

const newMessages = (s: TestSocket) => s.frames.filter(isNew).map((f) => f.data.message as Message);

describe("handshake", () => {
	it("refuses a socket without a ticket, with an unknown ticket, or with a reused one", async () => {
		const [a, , id] = await pair();
		expect((await handshake(`/conversations/${id}/socket`, "")).status).toBe(401);
		expect((await handshake(`/conversations/${id}/socket`, "ticket=not-a-real-ticket-at-all")).status).toBe(401);
		const ticket = await ticketFor(a);
		const first = await handshake(`/conversations/${id}/socket`, `ticket=${ticket}`);
		expect(first.status).toBe(101);
		first.webSocket?.accept();
		first.webSocket?.close();
		const again = await handshake("/realtime", `ticket=${ticket}`);
		expect(again.status).toBe(401);
		expect((await again.json()) as object).toMatchObject({ error: { code: "unauthorized" } });
	});

	it("refuses a non-member's room socket with 404, and a foreign origin with 403", async () => {
		const [, , id] = await pair();
		const stranger = await registerUser("Stranger");
		const res = await handshake(`/conversations/${id}/socket`, `ticket=${await ticketFor(stranger)}`);
		expect(res.status).toBe(404);
		const evil = await handshake("/realtime", `ticket=${await ticketFor(stranger)}`, {
			Origin: "https://evil.example",
		});
		expect(evil.status).toBe(403);
	});

	it("answers a non-upgrade request to a socket path with 400 in the envelope", async () => {
		const [a, , id] = await pair();
		expectError(await api("GET", `/conversations/${id}/socket`, { token: a.token }), 400, "invalid_request");
	});
});

describe("room socket", () => {
	it("delivers a message live to the other member and acks the sender", async () => {
		const [a, b, id] = await pair();
		const sa = await track(roomSocket(a, id));
		const sb = await track(roomSocket(b, id));
		const clientId = crypto.randomUUID();
		const ack = await sa.request("message:send", { clientId, kind: "text", text: "hello Ben" });
		expect(ack.type).toBe("ack");
		expect(ack.data.message).toMatchObject({ seq: 1, senderId: a.user.id, clientId, text: "hello Ben", kind: "text" });
		const got = await sb.waitFor(isNew);
		expect(got.data.message.id).toBe(ack.data.message.id);
		await sa.waitFor(isNew);
	});

	it("answers the exact ping text with the exact pong text", async () => {
		const [a, , id] = await pair();
		const sa = await track(roomSocket(a, id));
		sa.send('{"type":"ping"}');
		await sa.waitFor((f) => f.type === "pong");
		expect(sa.raw).toContain('{"type":"pong"}');
	});

	it("treats a repeated clientId as the same message: one broadcast, the same ack", async () => {
		const [a, b, id] = await pair();
		const sa = await track(roomSocket(a, id));
		const sb = await track(roomSocket(b, id));
		const body = { clientId: crypto.randomUUID(), kind: "text", text: "only once" };
		const first = await sa.request("message:send", body);
		const second = await sa.request("message:send", body);
		expect(second.data.message.id).toBe(first.data.message.id);
		const rest = await sendText(a, id, "only once", body.clientId);
		expect(rest.id).toBe(first.data.message.id);
		await sb.request("ping");
		await sa.request("ping");
		expect(newMessages(sb).map((m) => m.id)).toEqual([first.data.message.id]);
	});

	it("keeps the socket open after bad frames and says what was wrong", async () => {
		const [a, , id] = await pair();
		const sa = await track(roomSocket(a, id));
		sa.send("{not json");
		expect((await sa.waitFor((f) => f.type === "error")).error?.code).toBe("invalid_request");
		const unknown = await sa.request("message:explode", {});
		expect(unknown).toMatchObject({ type: "error", error: { code: "invalid_request" } });
		const empty = await sa.request("message:send", { clientId: "x", kind: "text", text: "   " });
		expect(empty).toMatchObject({ type: "error", error: { code: "invalid_request" } });
		const ok = await sa.request("message:send", { clientId: crypto.randomUUID(), kind: "text", text: "still here" });
		expect(ok.type).toBe("ack");
		expect(sa.closed).toBeNull();
	});

	it("refuses frames over 64 KiB with payload_too_large and stays open", async () => {
		const [a, , id] = await pair();
		const sa = await track(roomSocket(a, id));
		const res = await sa.request("message:send", { clientId: "big", kind: "text", text: "x".repeat(70_000) });
		expect(res.error?.code).toBe("payload_too_large");
		expect((await sa.request("ping")).type).toBe("ack");
	});

	it("broadcasts a REST send, a delete for everyone and member changes to room sockets", async () => {
		const a = await registerUser("Admin");
		const b = await registerUser("Member");
		const c = await registerUser("Newcomer");
		const group = await groupChat(a, [b]);
		const sb = await track(roomSocket(b, group.id));
		const msg = await sendText(a, group.id, "via REST");
		expect((await sb.waitFor(isNew)).data.message.id).toBe(msg.id);
		expect((await api("DELETE", `/messages/${msg.id}?scope=everyone`, { token: a.token })).status).toBe(204);
		const deleted = await sb.waitFor((f) => f.type === "message:deleted");
		expect(deleted.data).toEqual({ conversationId: group.id, messageId: msg.id, seq: msg.seq });
		await api("POST", `/conversations/${group.id}/members`, { token: a.token, body: { userIds: [c.user.id] } });
		const added = await sb.waitFor((f) => f.type === "member:added");
		expect(added.data.participant.user.id).toBe(c.user.id);
		await api("PUT", `/conversations/${group.id}/members/${c.user.id}`, { token: a.token, body: { role: "admin" } });
		expect((await sb.waitFor((f) => f.type === "member:updated")).data.participant.role).toBe("admin");
		await api("DELETE", `/conversations/${group.id}/members/${c.user.id}`, { token: a.token });
		expect((await sb.waitFor((f) => f.type === "member:removed")).data).toEqual({
			conversationId: group.id,
			userId: c.user.id,
		});
	});

	it("closes the room socket of a member who is removed", async () => {
		const a = await registerUser("Admin");
		const b = await registerUser("Leaving");
		const group = await groupChat(a, [b]);
		const sb = await track(roomSocket(b, group.id));
		await sb.request("ping");
		expect((await api("DELETE", `/conversations/${group.id}/members/${b.user.id}`, { token: a.token })).status).toBe(
			204,
		);
		const closed = await sb.waitClosed();
		expect(closed?.code).toBe(4403);
	});
});

describe("receipts", () => {
	it("tells the sender when the other member's client reports delivered and then read", async () => {
		const [a, b, id] = await pair();
		const sa = await track(roomSocket(a, id));
		const inboxA = await track(realtimeSocket(a));
		await inboxA.request("ping");
		const sb = await track(roomSocket(b, id));
		const sent = await sa.request("message:send", {
			clientId: crypto.randomUUID(),
			kind: "text",
			text: "did you get it?",
		});
		const seq = sent.data.message.seq;
		await sb.waitFor(isNew);
		expect((await sb.request("message:delivered", { seq })).type).toBe("ack");
		const delivered = await sa.waitFor((f) => f.type === "message:delivered");
		expect(delivered.data).toEqual({ conversationId: id, userId: b.user.id, seq });
		expect((await inboxA.waitFor((f) => f.type === "message:delivered")).data.seq).toBe(seq);
		expect((await sb.request("message:read", { seq })).data).toEqual({ lastReadSeq: seq });
		const read = await sa.waitFor((f) => f.type === "message:read");
		expect(read.data).toEqual({ conversationId: id, userId: b.user.id, seq });
		expect((await inboxA.waitFor((f) => f.type === "message:read")).data.seq).toBe(seq);
		const details = await api("GET", `/conversations/${id}`, { token: a.token });
		const bp = details.body.conversation.participants.find((p: { user: { id: string } }) => p.user.id === b.user.id);
		expect(bp).toMatchObject({ lastDeliveredSeq: seq, lastReadSeq: seq });
	});

	it("never moves a watermark backwards and never broadcasts a receipt that changes nothing", async () => {
		const [a, b, id] = await pair();
		await sendText(a, id, "one");
		await sendText(a, id, "two");
		const sa = await track(roomSocket(a, id));
		const sb = await track(roomSocket(b, id));
		expect((await sb.request("message:read", { seq: 2 })).data).toEqual({ lastReadSeq: 2 });
		expect((await sb.request("message:read", { seq: 1 })).data).toEqual({ lastReadSeq: 2 });
		await sa.request("ping");
		expect(sa.frames.filter((f) => f.type === "message:read")).toHaveLength(1);
	});
});

describe("typing", () => {
	it("shows typing to others but never to the typist, and stops on typing:stop", async () => {
		const [a, b, id] = await pair();
		const sa = await track(roomSocket(a, id));
		const sb = await track(roomSocket(b, id));
		await sa.request("typing:start", {});
		const start = await sb.waitFor((f) => f.type === "user:typing");
		expect(start.data).toEqual({ conversationId: id, userId: a.user.id, typing: true });
		await sa.request("typing:stop", {});
		const stop = await sb.waitFor((f) => f.type === "user:typing" && f.data.typing === false);
		expect(stop.data.userId).toBe(a.user.id);
		expect(sa.frames.filter((f) => f.type === "user:typing")).toHaveLength(0);
	});

	it("shows who is already typing to a member who opens the chat meanwhile", async () => {
		const [a, b, id] = await pair();
		const sa = await track(roomSocket(a, id));
		await sa.request("typing:start", {});
		const sb = await track(roomSocket(b, id));
		const typing = await sb.waitFor((f) => f.type === "user:typing");
		expect(typing.data).toEqual({ conversationId: id, userId: a.user.id, typing: true });
	});

	it("expires typing about 2 s after the last typing:start", async () => {
		const [a, b, id] = await pair();
		const sa = await track(roomSocket(a, id));
		const sb = await track(roomSocket(b, id));
		await sa.request("typing:start", {});
		const started = Date.now();
		await sb.waitFor((f) => f.type === "user:typing" && f.data.typing === true);
		await sb.waitFor((f) => f.type === "user:typing" && f.data.typing === false, 5000);
		expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
	});

	it("stops typing when the typist sends a message", async () => {
		const [a, b, id] = await pair();
		const sa = await track(roomSocket(a, id));
		const sb = await track(roomSocket(b, id));
		await sa.request("typing:start", {});
		await sb.waitFor((f) => f.type === "user:typing" && f.data.typing);
		await sa.request("message:send", { clientId: crypto.randomUUID(), kind: "text", text: "done typing" });
		const types = async () => {
			await sb.waitFor((f) => f.type === "user:typing" && !f.data.typing);
			return sb.frames.filter((f) => f.type === "user:typing" || isNew(f)).map((f) => f.type);
		};
		expect(await types()).toEqual(["user:typing", "user:typing", "message:new"]);
	});
});

describe("presence and inbox", () => {
	it("flips a contact online when their first realtime socket opens and offline when the last closes", async () => {
		const [a, b] = await pair();
		const inboxA = await track(realtimeSocket(a));
		await inboxA.request("ping");
		const b1 = await realtimeSocket(b);
		const b2 = await realtimeSocket(b);
		const online = await inboxA.waitFor((f) => f.type === "user:online");
		expect(online.data).toEqual({ userId: b.user.id });
		b1.close();
		await b2.request("ping");
		b2.close();
		const offline = await inboxA.waitFor((f) => f.type === "user:offline");
		expect(offline.data.userId).toBe(b.user.id);
		expect(Date.parse(offline.data.lastSeenAt)).toBeGreaterThan(0);
		expect(inboxA.frames.filter((f) => f.type === "user:online")).toHaveLength(1);
		expect(inboxA.frames.filter((f) => f.type === "user:offline")).toHaveLength(1);
	});

	it("pushes message:new and conversation:updated with the recipient's unread count to their realtime socket", async () => {
		const [a, b, id] = await pair();
		const inboxB = await track(realtimeSocket(b));
		await inboxB.request("ping");
		const inboxA = await track(realtimeSocket(a));
		await inboxA.request("ping");
		const msg = await sendText(a, id, "ping from the list");
		expect((await inboxB.waitFor(isNew)).data.message.id).toBe(msg.id);
		const updated = await inboxB.waitFor((f) => f.type === "conversation:updated");
		expect(updated.data.conversation).toMatchObject({ id, unreadCount: 1, lastMessage: { id: msg.id } });
		expect(updated.data.conversation.participants).toBeUndefined();
		// the sender's other devices hear about it too
		expect((await inboxA.waitFor(isNew)).data.message.id).toBe(msg.id);
		// read on another device: the badge clears everywhere
		await api("POST", `/conversations/${id}/read`, { token: b.token, body: {} });
		const cleared = await inboxB.waitFor(
			(f) => f.type === "conversation:updated" && f.data.conversation.unreadCount === 0,
		);
		expect(cleared.data.conversation.id).toBe(id);
	});

	it("tells a new group member's list about the conversation", async () => {
		const a = await registerUser("Admin");
		const b = await registerUser("Joiner");
		const inboxB = await track(realtimeSocket(b));
		await inboxB.request("ping");
		const group = await groupChat(a, [], "Late joiners");
		await api("POST", `/conversations/${group.id}/members`, { token: a.token, body: { userIds: [b.user.id] } });
		const updated = await inboxB.waitFor((f) => f.type === "conversation:updated");
		expect(updated.data.conversation.id).toBe(group.id);
		expect((await inboxB.waitFor((f) => f.type === "member:added")).data.participant.user.id).toBe(b.user.id);
	});
});

describe("fan-out and ordering", () => {
	it("delivers one message exactly once to each of 20 group members with sockets open", async () => {
		const admin = await registerUser("Admin");
		const members = await Promise.all(Array.from({ length: 19 }, (_, i) => registerUser(`Member${i}`)));
		const group = await groupChat(admin, members, "Twenty");
		const sockets = await Promise.all([admin, ...members].map((u) => track(roomSocket(u, group.id))));
		const msg = await sendText(admin, group.id, "hello everyone");
		for (const s of sockets) await s.waitFor(isNew);
		for (const s of sockets) await s.request("ping");
		for (const s of sockets) expect(newMessages(s).map((m) => m.id)).toEqual([msg.id]);
	});

	it("gives every receiver the same gap-free, duplicate-free seq stream under 3 concurrent senders", async () => {
		const users = await Promise.all(["A", "B", "C", "D"].map((n) => registerUser(n)));
		const [a, b, c, d] = users as [TestUser, TestUser, TestUser, TestUser];
		const group = await groupChat(a, [b, c, d], "Busy");
		const sockets = await Promise.all(users.map((u) => track(roomSocket(u, group.id))));
		const perSender = 15;
		await Promise.all(
			sockets
				.slice(0, 3)
				.map((s, i) =>
					Promise.all(
						Array.from({ length: perSender }, (_, n) =>
							s.request("message:send", { clientId: `s${i}-${n}`, kind: "text", text: `sender ${i} #${n}` }),
						),
					),
				),
		);
		const total = 3 * perSender;
		// Seq 1 is the group's "created the group" line, recorded before the sockets opened.
		for (const s of sockets) {
			const got = await s.waitForCount(isNew, total);
			expect(got.map((f: Frame) => f.data.message.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 2));
		}
	});

	it("lets a reconnecting client catch up on 50 missed messages in order with afterSeq", async () => {
		const [a, b, id] = await pair();
		const first = await track(roomSocket(b, id));
		await sendText(a, id, "before the tunnel");
		const seen = (await first.waitFor(isNew)).data.message.seq;
		first.close();
		// Sent over A's room socket: 50 frames fit its burst, where 50 REST sends would hit the REST limit.
		const sa = await track(roomSocket(a, id));
		for (let i = 0; i < 50; i++) {
			const ack = await sa.request("message:send", { clientId: `missed-${i}`, kind: "text", text: `missed ${i}` });
			expect(ack.type).toBe("ack");
		}
		const again = await track(roomSocket(b, id));
		const live = sendText(a, id, "after reconnect");
		const collected = new Map<number, Message>();
		let cursor: string | null = null;
		let after = seen;
		do {
			const page: any = await api(
				"GET",
				`/conversations/${id}/messages?${cursor ? `cursor=${cursor}` : `afterSeq=${after}`}&limit=20`,
				{ token: b.token },
			);
			for (const m of page.body.messages as Message[]) collected.set(m.seq, m);
			cursor = page.body.nextCursor;
			after = Math.max(after, ...collected.keys());
		} while (cursor);
		await live;
		for (const m of newMessages(await again)) collected.set(m.seq, m);
		const seqs = [...collected.keys()].sort((x, y) => x - y);
		expect(seqs).toEqual(Array.from({ length: 51 }, (_, i) => seen + 1 + i));
		expect(collected.get(seen + 1)?.text).toBe("missed 0");
	});
});
