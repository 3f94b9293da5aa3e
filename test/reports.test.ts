// Reports (contract v2): a member reports a message; the same reporter again gets the same
// report (200); non-members get 404. A copy of the text, sender and conversation is kept for
// moderators even when the message is later deleted.
import { describe, expect, it } from "vitest";
import { api, env, expectError, groupChat, registerUser, sendText, type TestUser } from "./helpers";
import { closeSocketsAfterEach, roomSocket } from "./sockets";

const track = closeSocketsAfterEach();

const report = (who: TestUser, messageId: string, body: unknown) =>
	api("POST", `/messages/${messageId}/report`, { token: who.token, body });

async function reportedRow(id: string) {
	return env.DB.prepare("SELECT * FROM reports WHERE id = ?").bind(id).first<Record<string, unknown>>();
}

describe("reporting a message", () => {
	it("is 201 with the report, and the same reporter again gets the same report with 200", async () => {
		const sender = await registerUser("Spammer");
		const reporter = await registerUser("Reporter");
		const chat = await groupChat(sender, [reporter], "Reported group");
		const message = await sendText(sender, chat.id, "buy cheap essays at example.com");
		const first = await report(reporter, message.id, { reason: "spam", note: "third time today" });
		expect(first.status).toBe(201);
		expect(first.body).toEqual({ report: { id: expect.any(String), createdAt: expect.any(String) } });
		const again = await report(reporter, message.id, { reason: "harassment" });
		expect(again.status).toBe(200);
		expect(again.body).toEqual(first.body);
		expect(await reportedRow(first.body.report.id)).toMatchObject({
			message_id: message.id,
			conversation_id: chat.id,
			sender_id: sender.user.id,
			reporter_id: reporter.user.id,
			reason: "spam",
			note: "third time today",
			message_text: "buy cheap essays at example.com",
			status: "open",
			closed_at: null,
		});
	});

	it("keeps the copy of the text after the message is deleted for everyone", async () => {
		const sender = await registerUser("Deleter");
		const reporter = await registerUser("Witness");
		const chat = await groupChat(sender, [reporter], "Evidence");
		const message = await sendText(sender, chat.id, "something nasty");
		const filed = await report(reporter, message.id, { reason: "harassment" });
		expect(filed.status).toBe(201);
		expect((await api("DELETE", `/messages/${message.id}?scope=everyone`, { token: sender.token })).status).toBe(204);
		expect((await reportedRow(filed.body.report.id))?.message_text).toBe("something nasty");
	});

	it("lets each member report once: another member's report is a new one", async () => {
		const sender = await registerUser("Loud");
		const one = await registerUser("One");
		const two = await registerUser("Two");
		const chat = await groupChat(sender, [one, two], "Three of us");
		const message = await sendText(sender, chat.id, "hmm");
		const a = await report(one, message.id, { reason: "other" });
		const b = await report(two, message.id, { reason: "other" });
		expect([a.status, b.status]).toEqual([201, 201]);
		expect(a.body.report.id).not.toBe(b.body.report.id);
	});

	it("reports a message sent over the room socket right after its ack, before the room's flush", async () => {
		const sender = await registerUser("Quick");
		const reporter = await registerUser("QuickReporter");
		const chat = await groupChat(sender, [reporter], "Quick group");
		const socket = await track(roomSocket(sender, chat.id));
		const sendOver = (text: string) =>
			socket.request("message:send", { clientId: crypto.randomUUID(), kind: "text", text });
		// The first send's flush starts at once; the next one waits a flush interval behind it, so
		// its ack comes while D1 does not have it yet.
		expect((await sendOver("hello all")).type).toBe("ack");
		const ack = await sendOver("meet me behind the library, or else");
		expect(ack.type).toBe("ack");
		const message = ack.data.message;
		const res = await report(reporter, message.id, { reason: "harassment" });
		expect(res.status).toBe(201);
		expect(await reportedRow(res.body.report.id)).toMatchObject({
			message_id: message.id,
			conversation_id: chat.id,
			sender_id: sender.user.id,
			reporter_id: reporter.user.id,
			message_text: "meet me behind the library, or else",
		});
		// A made-up id under the same conversation is still 404, as is the message for an outsider.
		expectError(await report(reporter, `${chat.id}_nope`, { reason: "spam" }), 404, "not_found");
		const outsider = await registerUser("QuickOutsider");
		expectError(await report(outsider, message.id, { reason: "spam" }), 404, "not_found");
	});

	it("answers 404 to a non-member and for an unknown message, 400 for a bad reason or note, 401 without a token", async () => {
		const sender = await registerUser("Private");
		const member = await registerUser("Member");
		const outsider = await registerUser("Outsider");
		const chat = await groupChat(sender, [member], "Private group");
		const message = await sendText(sender, chat.id, "members only");
		expectError(await report(outsider, message.id, { reason: "spam" }), 404, "not_found");
		expectError(await report(member, "no-such-message", { reason: "spam" }), 404, "not_found");
		const badReason = await report(member, message.id, { reason: "rude" });
		expectError(badReason, 400, "invalid_request");
		expect(JSON.stringify(badReason.body.error.details)).toContain("reason");
		const longNote = await report(member, message.id, { reason: "other", note: "x".repeat(1001) });
		expectError(longNote, 400, "invalid_request");
		expect(JSON.stringify(longNote.body.error.details)).toContain("note");
		expect((await report(member, message.id, { reason: "other", note: "x".repeat(1000) })).status).toBe(201);
		expectError(await api("POST", `/messages/${message.id}/report`, { body: { reason: "spam" } }), 401, "unauthorized");
		const { n } = (await env.DB.prepare("SELECT COUNT(*) AS n FROM reports WHERE message_id = ?")
			.bind(message.id)
			.first<{ n: number }>()) ?? { n: -1 };
		expect(n).toBe(1);
	});
});
