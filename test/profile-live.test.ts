// user:updated (added after v2, issue 22.6): a new name or photo reaches, live, the realtime
// sockets of everyone online who shares a conversation (a big group included) and the user's
// own other sockets, without their
// presence in it, coalesced per socket like presence; people who share nothing hear nothing.
import { describe, expect, it } from "vitest";
import { api, directChat, env, groupChat, registerUser, seedUsers } from "./helpers";
import { closeSocketsAfterEach, type Frame, realtimeSocket } from "./sockets";

const track = closeSocketsAfterEach();
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const updatesOf = (frames: Frame[], userId: string) =>
	frames.filter((f) => f.type === "user:updated" && f.data.user.id === userId);

describe("user:updated", () => {
	it("reaches a direct contact and a big group's member live, never a stranger, with no presence", async () => {
		const [asha, ben, diego, stranger] = await Promise.all(
			["Asha", "Ben", "Diego", "Stranger"].map((n) => registerUser(n)),
		);
		await directChat(asha!, ben!);
		const big = await groupChat(asha!, [diego!], "Lecture hall");
		// 33 members in all: past the 32 that make contacts for presence, but a name shows there too.
		const ids = await seedUsers(31);
		const join = env.DB.prepare(
			"INSERT INTO participants (conversation_id, user_id, role, joined_at) VALUES (?, ?, 'member', ?)",
		);
		await env.DB.batch(ids.map((id) => join.bind(big.id, id, new Date().toISOString())));
		const sockets = await Promise.all([ben!, diego!, stranger!, asha!].map((u) => track(realtimeSocket(u))));
		for (const s of sockets) await s.request("ping");
		const [inboxBen, inboxDiego, inboxStranger, inboxAshaElsewhere] = sockets;

		const res = await api("PATCH", "/me", { token: asha!.token, body: { displayName: "Asha P." } });
		expect(res.status).toBe(200);
		const seen = await inboxBen!.waitFor((f) => f.type === "user:updated");
		expect(seen.data.user).toEqual({
			id: asha!.user.id,
			email: asha!.user.email,
			displayName: "Asha P.",
			avatarUrl: null,
		});
		expect((await inboxDiego!.waitFor((f) => f.type === "user:updated")).data.user.displayName).toBe("Asha P.");
		// Asha's own other tab or device shows it too.
		expect((await inboxAshaElsewhere!.waitFor((f) => f.type === "user:updated")).data.user.displayName).toBe("Asha P.");
		await pause(1200);
		expect(updatesOf(inboxStranger!.frames, asha!.user.id)).toEqual([]);
	});

	it("a burst of changes reaches each socket at most once a second, the latest winning", async () => {
		const [asha, ben] = await Promise.all([registerUser("Asha"), registerUser("Ben")]);
		await directChat(asha, ben);
		const inbox = await track(realtimeSocket(ben));
		await inbox.request("ping");
		const started = Date.now();
		for (const name of ["A1", "A2", "A3", "A4", "A5"])
			expect((await api("PATCH", "/me", { token: asha.token, body: { displayName: name } })).status).toBe(200);
		await inbox.waitFor((f) => f.type === "user:updated" && f.data.user.displayName === "A5", 5000);
		await pause(1200);
		const frames = inbox.raw.filter((text) => text.includes('"user:updated"'));
		expect(frames.length).toBeLessThanOrEqual(Math.ceil((Date.now() - started) / 1000) + 1);
		expect(updatesOf(inbox.frames, asha.user.id).at(-1)?.data.user.displayName).toBe("A5");
	});
});
