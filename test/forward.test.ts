// Issue 23: forwarding a message to up to 5 of the caller's chats, marked forwarded, sharing
// its media without a new upload; idempotent per chat on clientId; members only; blocks hold.
import { describe, expect, it } from "vitest";
import type { Message } from "../src/shared/schemas";
import { api, directChat, env, expectError, groupChat, registerUser, sendText, type TestUser } from "./helpers";
import { fetchUrl, PDF, sendImage, uploadImage } from "./image-helpers";

/** Registered people, one per name, in order. */
async function users<N extends string[]>(names: [...N]): Promise<{ [K in keyof N]: TestUser }> {
	return (await Promise.all(names.map((n) => registerUser(n)))) as { [K in keyof N]: TestUser };
}

function forward(user: TestUser, messageId: string, conversationIds: string[], clientId = crypto.randomUUID()) {
	return api<{ messages: Message[]; error?: { details: unknown } }>("POST", `/messages/${messageId}/forward`, {
		token: user.token,
		body: { conversationIds, clientId },
	});
}

async function history(user: TestUser, conversationId: string): Promise<Message[]> {
	return (await api("GET", `/conversations/${conversationId}/messages`, { token: user.token })).body.messages;
}

describe("forwarding a message", () => {
	it("copies a text to several chats as the forwarder's own message, marked forwarded, once per clientId", async () => {
		const [a, b, c, d] = await users(["Asha", "Ben", "Chloe", "Diego"]);
		const source = await directChat(b, a);
		const toC = await directChat(a, c);
		const group = await groupChat(a, [c, d]);
		const original = await sendText(b, source.id, "Exam moved to room 4B");
		const clientId = crypto.randomUUID();
		const res = await forward(a, original.id, [toC.id, group.id], clientId);
		expect(res.status).toBe(201);
		expect(res.body.messages).toHaveLength(2);
		for (const [i, target] of [toC, group].entries()) {
			expect(res.body.messages[i]).toMatchObject({
				conversationId: target.id,
				senderId: a.user.id,
				kind: "text",
				text: "Exam moved to room 4B",
				forwarded: true,
				clientId,
			});
		}
		const [inGroup] = await history(d, group.id);
		expect(inGroup).toMatchObject({ text: "Exam moved to room 4B", forwarded: true, senderId: a.user.id });
		// Again with the same clientId: the same messages, nothing new.
		const again = await forward(a, original.id, [toC.id, group.id], clientId);
		expect(again.status).toBe(200);
		expect(again.body.messages.map((m) => m.id)).toEqual(res.body.messages.map((m) => m.id));
		expect(await history(c, toC.id)).toHaveLength(1);
		// The original is not marked.
		expect((await history(b, source.id))[0]?.forwarded).toBeUndefined();
	});

	it("shares an image and a file by key: no new upload, and the media stays served after the original is deleted", async () => {
		const [a, b, c] = await users(["Ima", "Jon", "Kai"]);
		const source = await directChat(a, b);
		const target = await directChat(b, c);
		const imageKey = await uploadImage(a);
		const image = (await sendImage(a, source.id, imageKey, "whiteboard")).body.message;
		const fileKey = await uploadImage(a, PDF, "application/pdf");
		const file = (
			await api("POST", `/conversations/${source.id}/messages`, {
				token: a.token,
				body: { clientId: crypto.randomUUID(), kind: "file", attachmentKey: fileKey, name: "slides.pdf" },
			})
		).body.message as Message;
		const uploadsBefore = await env.DB.prepare("SELECT COUNT(*) AS n FROM uploads").first<{ n: number }>();
		const img = await forward(b, image.id, [target.id]);
		const doc = await forward(b, file.id, [target.id]);
		expect(img.status).toBe(201);
		expect(img.body.messages[0]).toMatchObject({ kind: "image", text: "whiteboard", forwarded: true });
		expect(img.body.messages[0]?.image?.key).toBe(imageKey);
		expect(doc.body.messages[0]).toMatchObject({ kind: "file", forwarded: true });
		expect(doc.body.messages[0]?.attachment).toMatchObject({ key: fileKey, name: "slides.pdf" });
		const uploadsAfter = await env.DB.prepare("SELECT COUNT(*) AS n FROM uploads").first<{ n: number }>();
		expect(uploadsAfter?.n).toBe(uploadsBefore?.n);
		// The sender deletes both originals for everyone: the forwarded copies still show them.
		for (const m of [image, file])
			expect((await api("DELETE", `/messages/${m.id}?scope=everyone`, { token: a.token })).status).toBe(204);
		const [docCopy, imgCopy] = await history(c, target.id);
		expect((await fetchUrl(imgCopy!.image!.url)).status).toBe(200);
		const download = await fetchUrl(docCopy!.attachment!.url);
		expect(download.status).toBe(200);
		expect(download.bytes).toEqual(PDF);
		expect(await env.MEDIA.head(fileKey)).not.toBeNull();
	});

	it("refuses a chat the caller is not in, or a message they cannot see, with 404, writing nothing", async () => {
		const [a, b, c, stranger] = await users(["Lea", "Max", "Noa", "Ola"]);
		const source = await directChat(a, b);
		const mine = await directChat(a, c);
		const theirs = await directChat(b, c);
		const message = await sendText(a, source.id, "private");
		const res = await forward(a, message.id, [mine.id, theirs.id]);
		expectError(res, 404, "not_found");
		expect(res.body.error?.details).toEqual({ conversationIds: [theirs.id] });
		expect(await history(c, mine.id)).toHaveLength(0);
		const ownChat = await directChat(stranger, c);
		expectError(await forward(stranger, message.id, [ownChat.id]), 404, "not_found");
		expectError(await forward(a, `${source.id}_nope`, [mine.id]), 404, "not_found");
		// A message I deleted for myself is not mine to forward any more.
		await api("DELETE", `/messages/${message.id}?scope=me`, { token: a.token });
		expectError(await forward(a, message.id, [mine.id]), 404, "not_found");
	});

	it("refuses a blocked direct chat with 403 before any copy is written, and system or deleted messages with 409", async () => {
		const [a, b, c] = await users(["Pia", "Quin", "Rui"]);
		const group = await groupChat(a, [b, c]);
		const toB = await directChat(a, b);
		const toC = await directChat(a, c);
		const message = await sendText(a, group.id, "notes");
		expect((await api("PUT", `/users/${a.user.id}/block`, { token: b.token })).status).toBe(200);
		const res = await forward(a, message.id, [toC.id, toB.id]);
		expectError(res, 403, "forbidden");
		expect(res.body.error?.details).toEqual({ conversationIds: [toB.id] });
		expect(await history(c, toC.id)).toHaveLength(0);
		const [created] = await history(a, group.id).then((ms) => ms.filter((m) => m.kind === "system"));
		expectError(await forward(a, created!.id, [toC.id]), 409, "conflict");
		await api("DELETE", `/messages/${message.id}?scope=everyone`, { token: a.token });
		expectError(await forward(a, message.id, [toC.id]), 409, "conflict");
	});

	it("refuses a poll (its votes belong to its chat) and a non-admin's copy into an announcement group, writing nothing", async () => {
		const [a, b, c] = await users(["Uma", "Vic", "Wen"]);
		const source = await groupChat(a, [b], "Forward source");
		const poll = await api("POST", `/conversations/${source.id}/messages`, {
			token: a.token,
			body: { clientId: crypto.randomUUID(), kind: "poll", poll: { question: "Lunch?", options: ["Yes", "No"] } },
		});
		expect(poll.status).toBe(201);
		const toC = await directChat(a, c);
		expectError(await forward(a, poll.body.message.id, [toC.id]), 409, "conflict");
		expect(await history(c, toC.id)).toHaveLength(0);

		const announcements = await groupChat(c, [a], "Announcements only");
		const switched = await api("PATCH", `/conversations/${announcements.id}`, {
			token: c.token,
			body: { onlyAdminsSend: true },
		});
		expect(switched.status).toBe(200);
		const before = (await history(c, announcements.id)).length;
		const note = await sendText(a, source.id, "worth sharing");
		expectError(await forward(a, note.id, [toC.id, announcements.id]), 403, "forbidden");
		expect(await history(c, announcements.id)).toHaveLength(before);
		expect(await history(c, toC.id)).toHaveLength(0);
	});

	it("takes 1 to 5 distinct chats and a clientId, else 400", async () => {
		const [a, b] = await users(["Sol", "Tam"]);
		const chat = await directChat(a, b);
		const message = await sendText(a, chat.id, "hi");
		for (const body of [
			{ conversationIds: [], clientId: "x" },
			{ conversationIds: ["a", "b", "c", "d", "e", "f"], clientId: "x" },
			{ conversationIds: [chat.id, chat.id], clientId: "x" },
			{ conversationIds: [chat.id] },
		]) {
			expectError(
				await api("POST", `/messages/${message.id}/forward`, { token: a.token, body }),
				400,
				"invalid_request",
			);
		}
		expect(await history(b, chat.id)).toHaveLength(1);
		// Forwarding into the same chat is allowed (as in every messenger).
		expect((await forward(a, message.id, [chat.id])).status).toBe(201);
	});
});
