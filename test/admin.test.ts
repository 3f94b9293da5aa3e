// The admin routes (README "Moderation and admin"): with the ADMIN_TOKEN secret as a bearer, an
// admin reads a reported message with the messages around it and its image, and removes it for
// everyone. Messages come from the conversation's room, not from D1's messages table.
import { describe, expect, it } from "vitest";
import { api, env, expectError, groupChat, registerUser, sendText, type TestUser } from "./helpers";
import { fetchUrl, PNG_1X1, sendImage, uploadImage } from "./image-helpers";

const ADMIN = { Authorization: `Bearer ${env.ADMIN_TOKEN}` };

async function report(reporter: TestUser, messageId: string): Promise<string> {
	const res = await api("POST", `/messages/${messageId}/report`, {
		token: reporter.token,
		body: { reason: "harassment" },
	});
	expect(res.status).toBe(201);
	return res.body.report.id;
}

describe("admin routes", () => {
	it("refuse a missing or wrong admin token (401), an unknown report (404) and a bad query (400)", async () => {
		const sender = await registerUser("AdminSender");
		const reporter = await registerUser("AdminReporter");
		const chat = await groupChat(sender, [reporter], "Admin auth");
		const id = await report(reporter, (await sendText(sender, chat.id, "rude")).id);
		expectError(await api("GET", `/admin/reports/${id}`), 401, "unauthorized");
		expectError(await api("GET", `/admin/reports/${id}`, { token: reporter.token }), 401, "unauthorized");
		expectError(await api("DELETE", `/admin/reports/${id}/message`, { token: sender.token }), 401, "unauthorized");
		expectError(await api("GET", "/admin/reports/no-such-report", { headers: ADMIN }), 404, "not_found");
		expectError(await api("GET", `/admin/reports/${id}?around=500`, { headers: ADMIN }), 400, "invalid_request");
		// The member's own token changed nothing: the message is still there.
		const history = await api("GET", `/conversations/${chat.id}/messages?limit=10`, { token: reporter.token });
		expect(history.body.messages.some((m: { text: string | null }) => m.text === "rude")).toBe(true);
	});

	it("show the reported message with the messages around it, oldest first, from the room", async () => {
		const sender = await registerUser("ContextSender");
		const reporter = await registerUser("ContextReporter");
		const chat = await groupChat(sender, [reporter], "Context group");
		const sent = [];
		for (const text of ["one", "two", "three", "the bad one", "five", "six", "seven"]) {
			sent.push(await sendText(text === "five" ? reporter : sender, chat.id, text));
		}
		const id = await report(reporter, sent[3]?.id ?? "");
		const res = await api("GET", `/admin/reports/${id}?around=2`, { headers: ADMIN });
		expect(res.status).toBe(200);
		expect(res.body.report).toMatchObject({ id, status: "open", reason: "harassment", messageText: "the bad one" });
		expect(res.body.readAs).toBe("reporter");
		expect(res.body.message.text).toBe("the bad one");
		expect(res.body.messages.map((m: { text: string }) => m.text)).toEqual([
			"two",
			"three",
			"the bad one",
			"five",
			"six",
		]);
	});

	it("show a reported image through its signed URL, and remove it for everyone", async () => {
		const sender = await registerUser("ImageSender");
		const reporter = await registerUser("ImageReporter");
		const chat = await groupChat(sender, [reporter], "Image group");
		const key = await uploadImage(sender);
		const image = await sendImage(sender, chat.id, key, "look");
		expect(image.status).toBe(201);
		const id = await report(reporter, image.body.message.id);
		const seen = await api("GET", `/admin/reports/${id}`, { headers: ADMIN });
		expect(seen.status).toBe(200);
		const shown = await fetchUrl(seen.body.message.image.url);
		expect(shown.status).toBe(200);
		expect(shown.bytes).toEqual(PNG_1X1);

		const removed = await api("DELETE", `/admin/reports/${id}/message`, { headers: ADMIN });
		expect(removed.status).toBe(200);
		expect(removed.body).toEqual({ removed: true, messageId: image.body.message.id });
		const history = await api("GET", `/conversations/${chat.id}/messages?limit=10`, { token: reporter.token });
		const gone = history.body.messages.find((m: { id: string }) => m.id === image.body.message.id);
		expect(gone.deletedAt).not.toBeNull();
		expect(gone.image).toBeNull();
		expect((await fetchUrl(seen.body.message.image.url)).status).toBe(404);
		// Removing again changes nothing and still answers 200.
		expect((await api("DELETE", `/admin/reports/${id}/message`, { headers: ADMIN })).status).toBe(200);
	});
});
