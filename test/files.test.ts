// Issue 23: files and voice notes through the presigned upload, served signed to members only,
// downloading under their own (safely encoded) name and never inline as HTML.
import { describe, expect, it } from "vitest";
import { contentDisposition } from "../src/server/attachments";
import { pushBody } from "../src/server/push/notify";
import type { Message } from "../src/shared/schemas";
import { api, directChat, env, expectError, groupChat, registerUser, type TestUser } from "./helpers";
import { fetchUrl, PDF, PNG_1X1, requestUpload, uploadImage, WEBM } from "./image-helpers";

const bytes = (text: string) => new TextEncoder().encode(text);
const DOCX = Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, ...bytes("[Content_Types].xml")]);
const DOC = Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0, 0, 0, 0, 0, 0x3e, 0]);

type Sent = { message: Message; error?: { code: string; message: string } };

function send(user: TestUser, conversationId: string, body: Record<string, unknown>) {
	return api<Sent>("POST", `/conversations/${conversationId}/messages`, {
		token: user.token,
		body: { clientId: crypto.randomUUID(), ...body },
	});
}

async function history(user: TestUser, conversationId: string): Promise<Message[]> {
	const res = await api("GET", `/conversations/${conversationId}/messages`, { token: user.token });
	return res.body.messages;
}

describe("uploading files and voice notes", () => {
	it.each([
		"application/pdf",
		"application/msword",
		"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
		"application/vnd.ms-excel",
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		"application/vnd.ms-powerpoint",
		"application/vnd.openxmlformats-officedocument.presentationml.presentation",
		"application/vnd.oasis.opendocument.text",
		"application/vnd.oasis.opendocument.spreadsheet",
		"application/vnd.oasis.opendocument.presentation",
		"text/plain",
		"text/csv",
		"application/zip",
		"audio/webm",
		"audio/ogg",
		"audio/mp4",
	])("gives a signed PUT URL for %s", async (contentType) => {
		const me = await registerUser("Sharer");
		const ticket = await requestUpload(me, contentType, 2048);
		expect(ticket.headers).toEqual({ "Content-Type": contentType, "Content-Length": "2048" });
	});

	it("takes documents up to 25 MB (25,000,000 bytes) and refuses a 26 MB one with 413, while images keep 10 MiB", async () => {
		const me = await registerUser("Big files");
		const ask = (contentType: string, size: number) =>
			api("POST", "/uploads", { token: me.token, body: { contentType, size } });
		expect((await ask("application/pdf", 25_000_000)).status).toBe(201);
		expectError(await ask("application/pdf", 25_000_001), 413, "payload_too_large");
		expectError(await ask("application/pdf", 26_000_000), 413, "payload_too_large");
		expectError(await ask("application/zip", 26 * 1024 * 1024), 413, "payload_too_large");
		expectError(await ask("image/png", 10 * 1024 * 1024 + 1), 413, "payload_too_large");
		expectError(await ask("audio/webm", 10 * 1024 * 1024 + 1), 413, "payload_too_large");
		const uploads = await env.DB.prepare(
			"SELECT COUNT(*) AS n FROM uploads u JOIN users a ON a.id = u.uploader_id WHERE a.id = ?",
		)
			.bind(me.user.id)
			.first<{ n: number }>();
		expect(uploads?.n).toBe(1);
	});

	it("refuses HTML, SVG, scripts and programs with 400 naming contentType", async () => {
		const me = await registerUser("Wrong types");
		for (const contentType of [
			"text/html",
			"image/svg+xml",
			"application/javascript",
			"application/x-msdownload",
			"application/octet-stream",
			"audio/wav",
		]) {
			const res = await api("POST", "/uploads", { token: me.token, body: { contentType, size: 100 } });
			expectError(res, 400, "invalid_request");
			expect(res.body.error.details.fields[0].path).toBe("contentType");
		}
	});
});

describe("file messages", () => {
	it("sends a PDF with its name, type and size; members download it signed, as an attachment, nosniff", async () => {
		const a = await registerUser("Asha");
		const b = await registerUser("Ben");
		const chat = await directChat(a, b);
		const key = await uploadImage(a, PDF, "application/pdf");
		const res = await send(a, chat.id, { kind: "file", attachmentKey: key, name: "Lecture 3 notes.pdf" });
		expect(res.status).toBe(201);
		const { message } = res.body;
		expect(message).toMatchObject({ kind: "file", text: null, image: null, senderId: a.user.id });
		expect(message.attachment).toEqual({
			key,
			url: expect.stringMatching(
				/^https:\/\/chat\.test\/api\/v1\/media\/u\/.+\?exp=\d+&sig=[\w-]+&name=Lecture%203%20notes\.pdf$/,
			),
			name: "Lecture 3 notes.pdf",
			contentType: "application/pdf",
			size: PDF.byteLength,
		});
		const [seen] = await history(b, chat.id);
		expect(seen?.attachment).toMatchObject({ key, name: "Lecture 3 notes.pdf", contentType: "application/pdf" });

		const download = await fetchUrl(seen!.attachment!.url);
		expect(download.status).toBe(200);
		expect(download.bytes).toEqual(PDF);
		expect(download.headers.get("Content-Type")).toBe("application/pdf");
		expect(download.headers.get("X-Content-Type-Options")).toBe("nosniff");
		expect(download.headers.get("Content-Disposition")).toBe(
			`attachment; filename="Lecture 3 notes.pdf"; filename*=UTF-8''Lecture%203%20notes.pdf`,
		);
		// A PDF preview (view=1) shows inline, still sandboxed by the CSP.
		const preview = await fetchUrl(`${seen!.attachment!.url}&view=1`);
		expect(preview.headers.get("Content-Disposition")).toMatch(/^inline; filename="Lecture 3 notes\.pdf"/);
		expect(preview.headers.get("Content-Security-Policy")).toBe("default-src 'none'");

		// The name is signed with the key: another name, or none, is 404.
		const renamed = new URL(seen!.attachment!.url);
		renamed.searchParams.set("name", "evil.html");
		expectError(await fetchUrl(renamed.toString()), 404, "not_found");
		renamed.searchParams.delete("name");
		expectError(await fetchUrl(renamed.toString()), 404, "not_found");

		// The list's preview carries the file too.
		const list = await api("GET", "/conversations", { token: b.token });
		expect(list.body.conversations[0].lastMessage.attachment).toMatchObject({ name: "Lecture 3 notes.pdf" });
	});

	it("encodes names with quotes, non-ASCII and path separators safely, and refuses CR/LF in a name", async () => {
		const a = await registerUser("Names");
		const b = await registerUser("Reader");
		const chat = await directChat(a, b);
		const key = await uploadImage(a, DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
		const name = `../Résumé "final"\\draft/ünï.docx`;
		const res = await send(a, chat.id, { kind: "file", attachmentKey: key, name });
		expect(res.status).toBe(201);
		expect(res.body.message.attachment?.name).toBe(name);
		const download = await fetchUrl(res.body.message.attachment!.url);
		expect(download.status).toBe(200);
		expect(download.headers.get("Content-Disposition")).toBe(
			`attachment; filename=".._R_sum_ _final__draft__n_.docx"; filename*=UTF-8''.._R%C3%A9sum%C3%A9%20%22final%22_draft_%C3%BCn%C3%AF.docx`,
		);
		const key2 = await uploadImage(a, PDF, "application/pdf");
		for (const bad of ["notes\r\nSet-Cookie: x=1.pdf", "a\u0000.pdf", "", "\u202Efdp.exe"]) {
			const refused = await send(a, chat.id, { kind: "file", attachmentKey: key2, name: bad });
			expectError(refused, 400, "invalid_request");
		}
		expect(await history(b, chat.id)).toHaveLength(1);
	});

	it("refuses bytes that are not the declared type, an image as a file and a file as an image, storing nothing", async () => {
		const a = await registerUser("Wrong bytes");
		const b = await registerUser("Peer");
		const chat = await directChat(a, b);
		const html = await uploadImage(a, bytes("<html><script>alert(1)</script></html>"), "application/pdf");
		expectError(await send(a, chat.id, { kind: "file", attachmentKey: html, name: "x.pdf" }), 400, "invalid_request");
		const binaryText = await uploadImage(a, Uint8Array.from([0x4d, 0x5a, 0x90, 0x00, 0x03]), "text/plain");
		expectError(
			await send(a, chat.id, { kind: "file", attachmentKey: binaryText, name: "x.txt" }),
			400,
			"invalid_request",
		);
		const doc = await uploadImage(a, DOC, "application/msword");
		const image = await uploadImage(a, PNG_1X1, "image/png");
		expectError(await send(a, chat.id, { kind: "file", attachmentKey: image, name: "x.png" }), 400, "invalid_request");
		expectError(await send(a, chat.id, { kind: "image", imageKey: doc }), 400, "invalid_request");
		expectError(
			await send(a, chat.id, { kind: "voice", attachmentKey: doc, durationMs: 1000 }),
			400,
			"invalid_request",
		);
		expectError(await send(b, chat.id, { kind: "file", attachmentKey: doc, name: "mine.doc" }), 404, "not_found");
		expect(await history(b, chat.id)).toHaveLength(0);
		// The right kind is accepted.
		expect((await send(a, chat.id, { kind: "file", attachmentKey: doc, name: "old.doc" })).status).toBe(201);
	});

	it("stops serving a file once its message is deleted for everyone, and non-members never see the chat", async () => {
		const a = await registerUser("Admin");
		const b = await registerUser("Member");
		const stranger = await registerUser("Stranger");
		const group = await groupChat(a, [b]);
		const key = await uploadImage(a, PDF, "application/pdf");
		const sent = await send(a, group.id, { kind: "file", attachmentKey: key, name: "exam.pdf" });
		const url = sent.body.message.attachment!.url;
		expect((await fetchUrl(url)).status).toBe(200);
		expectError(await api("GET", `/conversations/${group.id}/messages`, { token: stranger.token }), 404, "not_found");
		expect((await api("DELETE", `/messages/${sent.body.message.id}?scope=everyone`, { token: a.token })).status).toBe(
			204,
		);
		expectError(await fetchUrl(url), 404, "not_found");
		const [gone] = await history(b, group.id);
		expect(gone).toMatchObject({ attachment: null, deletedAt: expect.any(String) });
	});
});

describe("voice notes", () => {
	it("sends a WebM recording with its duration; the player can ask for byte ranges", async () => {
		const a = await registerUser("Speaker");
		const b = await registerUser("Listener");
		const chat = await directChat(a, b);
		const key = await uploadImage(a, WEBM, "audio/webm");
		const res = await send(a, chat.id, { kind: "voice", attachmentKey: key, durationMs: 12_400 });
		expect(res.status).toBe(201);
		expect(res.body.message).toMatchObject({ kind: "voice", text: null, image: null });
		expect(res.body.message.attachment).toMatchObject({
			key,
			name: "voice-note.webm",
			contentType: "audio/webm",
			size: WEBM.byteLength,
			durationMs: 12_400,
		});
		const url = res.body.message.attachment!.url;
		const part = await fetchUrl(url, { headers: { Range: "bytes=0-3" } });
		expect(part.status).toBe(206);
		expect(part.bytes).toEqual(WEBM.slice(0, 4));
		expect(part.headers.get("Content-Range")).toBe(`bytes 0-3/${WEBM.byteLength}`);
		expect(part.headers.get("Content-Type")).toBe("audio/webm");
		expect(pushBody(res.body.message)).toBe("🎤 Voice note 0:12");
	});

	it("refuses a voice note of 0 ms, a negative or fractional one and one over 5 minutes with 400, storing nothing", async () => {
		const a = await registerUser("Silent");
		const b = await registerUser("Peer");
		const chat = await directChat(a, b);
		const key = await uploadImage(a, WEBM, "audio/webm");
		for (const durationMs of [0, -5, 1.5, 300_001, undefined]) {
			const res = await send(a, chat.id, { kind: "voice", attachmentKey: key, durationMs });
			expectError(res, 400, "invalid_request");
			expect(JSON.stringify(res.body.error)).toContain("durationMs");
		}
		expect(await history(b, chat.id)).toHaveLength(0);
		expect((await send(a, chat.id, { kind: "voice", attachmentKey: key, durationMs: 300_000 })).status).toBe(201);
	});
});

describe("how files and voice notes read in one line", () => {
	it("pushes 📎 and the name for a file, with its caption", async () => {
		const a = await registerUser("Pusher");
		const b = await registerUser("Phone");
		const chat = await directChat(a, b);
		const key = await uploadImage(a, PDF, "application/pdf");
		const res = await send(a, chat.id, { kind: "file", attachmentKey: key, name: "notes.pdf" });
		expect(pushBody(res.body.message)).toBe("📎 notes.pdf");
		const captioned = await send(a, chat.id, {
			kind: "file",
			attachmentKey: key,
			name: "notes.pdf",
			text: "for Friday",
		});
		expect(pushBody(captioned.body.message)).toBe("📎 notes.pdf: for Friday");
	});

	it("builds Content-Disposition without CR/LF, quotes or separators in either form", () => {
		const header = contentDisposition('a"b\r\nX: y/..\\c.pdf');
		expect(header).not.toMatch(/[\r\n]/);
		expect(header).toBe(`attachment; filename="a_b__X: y_.._c.pdf"; filename*=UTF-8''a%22b__X%3A%20y_.._c.pdf`);
		expect(contentDisposition("")).toBe(`attachment; filename="download"; filename*=UTF-8''download`);
	});
});
