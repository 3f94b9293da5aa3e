// Pinned messages (issue 23.4): GET /conversations/:id/pins and PUT/DELETE .../pins/:messageId.
// Admins of a group (either person in a direct chat) pin up to 10; a `pinned` system line records
// it; `conversation:pins` keeps every open chat's bar live; a message deleted for everyone leaves.
import { describe, expect, it } from "vitest";
import type { Message, Pin } from "../src/shared/schemas";
import { api, directChat, expectError, groupChat, registerUser, sendText, type TestUser } from "./helpers";
import { closeSocketsAfterEach, roomSocket } from "./sockets";

const track = closeSocketsAfterEach();

const pin = (user: TestUser, conversationId: string, messageId: string) =>
	api("PUT", `/conversations/${conversationId}/pins/${messageId}`, { token: user.token });
const unpin = (user: TestUser, conversationId: string, messageId: string) =>
	api("DELETE", `/conversations/${conversationId}/pins/${messageId}`, { token: user.token });
const pinned = async (user: TestUser, conversationId: string) =>
	(await api<{ pins: Pin[] }>("GET", `/conversations/${conversationId}/pins`, { token: user.token })).body.pins;
const ids = (pins: Pin[]) => pins.map((p) => p.message.id);

describe("pinned messages", () => {
	it("lets a group admin pin and unpin, newest pin first, with a system line for each pin", async () => {
		const [a, b] = await Promise.all([registerUser("Ann"), registerUser("Ben")]);
		const group = await groupChat(a, [b]);
		const exam = await sendText(b, group.id, "Exam in room 101");
		const notes = await sendText(a, group.id, "Notes are on the drive");

		const first = await pin(a, group.id, exam.id);
		expect(first.status).toBe(200);
		expect(first.body.pins).toEqual([
			{
				message: expect.objectContaining({ id: exam.id, text: "Exam in room 101" }),
				pinnedBy: a.user.id,
				pinnedAt: expect.any(String),
			},
		]);
		await pin(a, group.id, notes.id);
		expect(ids(await pinned(b, group.id))).toEqual([notes.id, exam.id]);
		// Pinning again changes nothing and writes no second line.
		expect(ids((await pin(a, group.id, exam.id)).body.pins)).toEqual([notes.id, exam.id]);

		const history = await api("GET", `/conversations/${group.id}/messages`, { token: b.token });
		const lines = (history.body.messages as Message[]).filter((m) => m.system?.event === "pinned");
		expect(lines).toHaveLength(2);
		expect(lines[0]?.text).toMatch(/^Ann .* pinned a message$/);
		expect(lines[0]?.system).toMatchObject({ actorId: a.user.id, messageId: notes.id });

		expect(ids((await unpin(a, group.id, notes.id)).body.pins)).toEqual([exam.id]);
		expect(ids((await unpin(a, group.id, notes.id)).body.pins)).toEqual([exam.id]);
		expect(ids(await pinned(b, group.id))).toEqual([exam.id]);
	});

	it("refuses members who are not admins (403), outsiders (404), system and deleted messages (409) and the 11th pin (409)", async () => {
		const [a, b] = await Promise.all([registerUser("Ann"), registerUser("Ben")]);
		const group = await groupChat(a, [b]);
		const sent = await sendText(b, group.id, "pin me");
		expectError(await pin(b, group.id, sent.id), 403, "forbidden");
		expectError(await unpin(b, group.id, sent.id), 403, "forbidden");
		const stranger = await registerUser("Stranger");
		expectError(await pin(stranger, group.id, sent.id), 404, "not_found");
		expectError(await api("GET", `/conversations/${group.id}/pins`, { token: stranger.token }), 404, "not_found");
		expectError(await pin(a, group.id, "no-such-message"), 404, "not_found");
		const other = await directChat(a, b);
		const elsewhere = await sendText(a, other.id, "another chat");
		expectError(await pin(a, group.id, elsewhere.id), 404, "not_found");

		const history = await api("GET", `/conversations/${group.id}/messages`, { token: a.token });
		const created = (history.body.messages as Message[]).find((m) => m.kind === "system");
		expectError(await pin(a, group.id, created?.id ?? ""), 409, "conflict");
		const gone = await sendText(a, group.id, "oops");
		await api("DELETE", `/messages/${gone.id}?scope=everyone`, { token: a.token });
		expectError(await pin(a, group.id, gone.id), 409, "conflict");
		expect(await pinned(a, group.id)).toEqual([]);

		const ten = [];
		for (let i = 0; i < 10; i++) ten.push(await sendText(a, group.id, `pin ${i}`));
		for (const m of ten) expect((await pin(a, group.id, m.id)).status).toBe(200);
		const eleventh = await sendText(a, group.id, "one too many");
		expectError(await pin(a, group.id, eleventh.id), 409, "conflict");
		expect((await pinned(a, group.id)).length).toBe(10);
	});

	it("lets both people in a direct chat pin; a message deleted for everyone leaves the pins", async () => {
		const [a, b] = await Promise.all([registerUser("Ann"), registerUser("Ben")]);
		const chat = await directChat(a, b);
		const mine = await sendText(a, chat.id, "my address");
		const theirs = await sendText(b, chat.id, "the meeting link");
		expect((await pin(b, chat.id, mine.id)).status).toBe(200);
		expect((await pin(a, chat.id, theirs.id)).status).toBe(200);
		expect(ids(await pinned(a, chat.id))).toEqual([theirs.id, mine.id]);
		await api("DELETE", `/messages/${theirs.id}?scope=everyone`, { token: b.token });
		expect(ids(await pinned(a, chat.id))).toEqual([mine.id]);
	});

	it("sends conversation:pins to the room's sockets on every change", async () => {
		const [a, b] = await Promise.all([registerUser("Ann"), registerUser("Ben")]);
		const group = await groupChat(a, [b]);
		const sent = await sendText(a, group.id, "Room 101, 9:00");
		const sb = await track(roomSocket(b, group.id));
		const isPins = (f: { type: string }) => f.type === "conversation:pins";
		await pin(a, group.id, sent.id);
		const [added] = await sb.waitForCount(isPins, 1);
		expect(added?.data.conversationId).toBe(group.id);
		expect(added?.data.pins.map((p: Pin) => p.message.id)).toEqual([sent.id]);
		await sb.waitFor((f) => f.type === "message:new" && f.data.message.system?.event === "pinned");
		await unpin(a, group.id, sent.id);
		const frames = await sb.waitForCount(isPins, 2);
		expect(frames[1]?.data.pins).toEqual([]);
		// An edit of a pinned message shows in the list as it is now.
		await pin(a, group.id, sent.id);
		await api("PATCH", `/messages/${sent.id}`, { token: a.token, body: { text: "Room 102, 9:00" } });
		expect((await pinned(b, group.id))[0]?.message.text).toBe("Room 102, 9:00");
	});

	it("leaves a message a member deleted for themselves out of their own pins, live too, and nobody else's", async () => {
		const [a, b] = await Promise.all([registerUser("Ann"), registerUser("Ben")]);
		const group = await groupChat(a, [b]);
		const exam = await sendText(a, group.id, "Exam in room 101");
		const notes = await sendText(a, group.id, "Notes are on the drive");
		await pin(a, group.id, exam.id);
		const sb = await track(roomSocket(b, group.id));
		const isPins = (f: { type: string }) => f.type === "conversation:pins";
		expect((await api("DELETE", `/messages/${exam.id}?scope=me`, { token: b.token })).status).toBe(204);
		const [mine] = await sb.waitForCount(isPins, 1);
		expect(mine?.data.pins).toEqual([]);
		expect(ids(await pinned(b, group.id))).toEqual([]);
		expect(ids(await pinned(a, group.id))).toEqual([exam.id]);
		// The next change reaches Ben in his own copy, and Ann with both pins.
		const sa = await track(roomSocket(a, group.id));
		await pin(a, group.id, notes.id);
		const frames = await sb.waitForCount(isPins, 2);
		expect(frames[1]?.data.pins.map((p: Pin) => p.message.id)).toEqual([notes.id]);
		const [annFrame] = await sa.waitForCount(isPins, 1);
		expect(annFrame?.data.pins.map((p: Pin) => p.message.id)).toEqual([notes.id, exam.id]);
		expect(JSON.stringify(sb.frames.filter(isPins))).not.toContain("Exam in room 101");
	});
});
