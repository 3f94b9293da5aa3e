// PATCH /me (contract v2): display name and avatar. The avatar is an upload of the caller's own;
// `avatarUrl` is then an absolute URL an <img> loads with no headers, until it is replaced.
import { describe, expect, it } from "vitest";
import { api, directChat, env, expectError, registerUser } from "./helpers";
import { fetchUrl, PNG_1X1, putUpload, requestUpload, sendImage, uploadImage } from "./image-helpers";

describe("PATCH /me", () => {
	it("an image that is also the sender's avatar survives deleting its message for everyone", async () => {
		const [a, b] = await Promise.all([registerUser("Ann"), registerUser("Ben")]);
		const chat = await directChat(a, b);
		const key = await uploadImage(a);
		const other = await uploadImage(a);
		const photo = await sendImage(a, chat.id, key);
		const control = await sendImage(a, chat.id, other);
		const url: string = (await api("PATCH", "/me", { token: a.token, body: { avatarImageKey: key } })).body.user
			.avatarUrl;
		expect((await api("DELETE", `/messages/${photo.body.message.id}?scope=everyone`, { token: a.token })).status).toBe(
			204,
		);
		expect(
			(await api("DELETE", `/messages/${control.body.message.id}?scope=everyone`, { token: a.token })).status,
		).toBe(204);
		// The image used only by the control message goes (deleted after the answer); then look at the avatar.
		for (const deadline = Date.now() + 5000; await env.MEDIA.head(other); ) {
			if (Date.now() > deadline) throw new Error("the unused image was never deleted");
			await new Promise((r) => setTimeout(r, 20));
		}
		expect(await env.MEDIA.head(key)).not.toBeNull();
		expect((await fetchUrl(url)).status).toBe(200);
		const seen = await api("GET", `/conversations/${chat.id}`, { token: b.token });
		const ann = seen.body.conversation.participants.find((p: { user: { id: string } }) => p.user.id === a.user.id);
		expect((await fetchUrl(ann.user.avatarUrl)).status).toBe(200);
	});

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
