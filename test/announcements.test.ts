// Issue 23.5: announcement groups. An admin sets "only admins can send" with PATCH
// /conversations/:id; others are refused with 403 (reason only_admins_send) over REST and the
// room socket, while reading, reactions and edits stay allowed; a system line records it and
// members' lists follow live.
import { describe, expect, it } from "vitest";
import type { Conversation, Message } from "../src/shared/schemas";
import { api, expectError, groupChat, registerUser, sendText, type TestUser } from "./helpers";
import { closeSocketsAfterEach, realtimeSocket, roomSocket } from "./sockets";

closeSocketsAfterEach();

const patch = (actor: TestUser, id: string, body: unknown) =>
	api<{ conversation: Conversation }>("PATCH", `/conversations/${id}`, { token: actor.token, body });
const send = (from: TestUser, id: string, text: string) =>
	api<{ message: Message; error?: { details?: unknown } }>("POST", `/conversations/${id}/messages`, {
		token: from.token,
		body: { clientId: crypto.randomUUID(), kind: "text", text },
	});

async function history(viewer: TestUser, id: string): Promise<Message[]> {
	const res = await api<{ messages: Message[] }>("GET", `/conversations/${id}/messages?afterSeq=0&limit=100`, {
		token: viewer.token,
	});
	return res.body.messages;
}

async function trio() {
	const [admin, member, outsider] = [
		await registerUser("Rep"),
		await registerUser("Student"),
		await registerUser("Outsider"),
	];
	return { admin, member, outsider, group: await groupChat(admin, [member], "CS101 Announcements") };
}

describe("only admins can send", () => {
	it("is set by an admin: the flag in the answer, the list and details, a system line, and conversation:updated live", async () => {
		const { admin, member, group } = await trio();
		expect(group.onlyAdminsSend).toBe(false);
		const live = await realtimeSocket(member);
		const res = await patch(admin, group.id, { onlyAdminsSend: true });
		expect(res.status).toBe(200);
		expect(res.body.conversation).toMatchObject({ onlyAdminsSend: true, title: "CS101 Announcements" });
		const updated = await live.waitFor(
			(f) =>
				f.type === "conversation:updated" &&
				(f.data as { conversation: Conversation }).conversation.onlyAdminsSend === true,
		);
		expect((updated.data as { conversation: Conversation }).conversation.id).toBe(group.id);
		const list = await api<{ conversations: Conversation[] }>("GET", "/conversations", { token: member.token });
		expect(list.body.conversations.find((c) => c.id === group.id)?.onlyAdminsSend).toBe(true);
		const last = (await history(member, group.id)).at(-1);
		expect(last).toMatchObject({
			kind: "system",
			text: `${admin.user.displayName} allowed only admins to send messages`,
			system: { event: "only_admins_send", actorId: admin.user.id, onlyAdminsSend: true },
		});
		// The same setting again records nothing.
		await patch(admin, group.id, { onlyAdminsSend: true });
		expect((await history(member, group.id)).filter((m) => m.system?.event === "only_admins_send")).toHaveLength(1);
	});

	it("refuses a member's send with 403 only_admins_send over REST and the socket, storing nothing; admins still send", async () => {
		const { admin, member, group } = await trio();
		const earlier = await sendText(member, group.id, "before the switch");
		await patch(admin, group.id, { onlyAdminsSend: true });
		const before = (await history(admin, group.id)).length;

		const refused = await send(member, group.id, "can I post?");
		expectError(refused, 403, "forbidden");
		expect(refused.body.error?.details).toEqual({ reason: "only_admins_send" });
		const socket = await roomSocket(member, group.id);
		const ack = await socket.request("message:send", {
			clientId: crypto.randomUUID(),
			kind: "text",
			text: "via socket",
		});
		expect(ack).toMatchObject({
			type: "error",
			error: { code: "forbidden", details: { reason: "only_admins_send" } },
		});
		expect(await history(admin, group.id)).toHaveLength(before);

		// Reading, reactions and editing their earlier message stay allowed.
		expect(
			(await api("PUT", `/messages/${earlier.id}/reactions/${encodeURIComponent("👍")}`, { token: member.token }))
				.status,
		).toBe(200);
		expect(
			(await api("PATCH", `/messages/${earlier.id}`, { token: member.token, body: { text: "edited" } })).status,
		).toBe(200);
		expect((await send(admin, group.id, "Exam in room 101")).status).toBe(201);

		// Turned off again, members send.
		await patch(admin, group.id, { onlyAdminsSend: false });
		expect((await send(member, group.id, "thanks!")).status).toBe(201);
		expect((await history(member, group.id)).at(-2)?.text).toBe(
			`${admin.user.displayName} allowed everyone to send messages`,
		);
	});

	it("lets a member made admin send at once", async () => {
		const { admin, member, group } = await trio();
		await patch(admin, group.id, { onlyAdminsSend: true });
		expect((await send(member, group.id, "nope")).status).toBe(403);
		await api("PUT", `/conversations/${group.id}/members/${member.user.id}`, {
			token: admin.token,
			body: { role: "admin" },
		});
		expect((await send(member, group.id, "now I can")).status).toBe(201);
	});

	it("is refused to members (403), outsiders (404), direct chats (409) and bad bodies (400), changing nothing", async () => {
		const { admin, member, outsider, group } = await trio();
		expectError(await patch(member, group.id, { onlyAdminsSend: true }), 403, "forbidden");
		expectError(await patch(outsider, group.id, { onlyAdminsSend: true }), 404, "not_found");
		expectError(await patch(admin, group.id, {}), 400, "invalid_request");
		expectError(await patch(admin, group.id, { onlyAdminsSend: "yes" }), 400, "invalid_request");
		const direct = await api("POST", "/conversations", {
			token: admin.token,
			body: { type: "direct", userId: member.user.id },
		});
		expectError(await patch(admin, direct.body.conversation.id, { onlyAdminsSend: true }), 409, "conflict");
		expect((await send(member, group.id, "still open")).status).toBe(201);
		const got = await api("GET", `/conversations/${group.id}`, { token: member.token });
		expect(got.body.conversation.onlyAdminsSend).toBe(false);
	});
});
