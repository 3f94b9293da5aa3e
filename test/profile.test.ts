// PATCH /me (contract v2): display name and avatar. The avatar is an upload of the caller's own;
// `avatarUrl` is then an absolute URL an <img> loads with no headers, until it is replaced.
import { describe, expect, it } from "vitest";
import { api, directChat, expectError, registerUser } from "./helpers";
import { fetchUrl, PNG_1X1, putUpload, requestUpload, uploadImage } from "./image-helpers";

describe("PATCH /me", () => {
	it("changes the display name, seen by others in the conversation", async () => {
		const [a, b] = await Promise.all([registerUser("Ann"), registerUser("Ben")]);
		const chat = await directChat(a, b);
		const res = await api("PATCH", "/me", { token: a.token, body: { displayName: "  Annie  " } });
		expect(res.status).toBe(200);
		expect(res.body.user).toMatchObject({ id: a.user.id, displayName: "Annie", avatarUrl: null });
		expect((await api("GET", "/me", { token: a.token })).body.user.displayName).toBe("Annie");
		const seen = await api("GET", `/conversations/${chat.id}`, { token: b.token });
		const ann = seen.body.conversation.participants.find((p: { user: { id: string } }) => p.user.id === a.user.id);
		expect(ann.user.displayName).toBe("Annie");
	});

	it("sets an avatar from the caller's upload: an <img> loads it with no headers; replacing or removing ends it", async () => {
		const a = await registerUser("Ann");
		const key = await uploadImage(a);
		const res = await api("PATCH", "/me", { token: a.token, body: { avatarImageKey: key } });
		expect(res.status).toBe(200);
		const url: string = res.body.user.avatarUrl;
		expect(url).toMatch(/^https:\/\/chat\.test\/api\/v1\/media\//);
		const image = await fetchUrl(url);
		expect(image.status).toBe(200);
		expect(image.headers.get("Content-Type")).toBe("image/png");
		expect((await api("GET", "/me", { token: a.token })).body.user.avatarUrl).toBe(url);
		// Without the signature the media route answers 404.
		expect((await fetchUrl(url.split("?")[0] as string)).status).toBe(404);

		const removed = await api("PATCH", "/me", { token: a.token, body: { avatarImageKey: null } });
		expect(removed.body.user.avatarUrl).toBeNull();
		expect((await fetchUrl(url)).status).toBe(404);
	});

	it("refuses someone else's upload (404), a missing one (400), and bad bodies (400)", async () => {
		const [a, b] = await Promise.all([registerUser("Ann"), registerUser("Ben")]);
		const theirs = await uploadImage(b);
		expectError(await api("PATCH", "/me", { token: a.token, body: { avatarImageKey: theirs } }), 404, "not_found");
		const ticket = await requestUpload(a, "image/png", PNG_1X1.byteLength);
		const notYet = await api("PATCH", "/me", { token: a.token, body: { avatarImageKey: ticket.key } });
		expectError(notYet, 400, "invalid_request");
		expect(JSON.stringify(notYet.body.error.details)).toContain("avatarImageKey");
		await putUpload(ticket, PNG_1X1);

		for (const body of [{}, { displayName: "" }, { displayName: "x".repeat(81) }, { avatarImageKey: 5 }]) {
			const res = await api("PATCH", "/me", { token: a.token, body });
			expectError(res, 400, "invalid_request");
		}
		expect((await api("PATCH", "/me", { body: { displayName: "x" } })).status).toBe(401);
	});
});
