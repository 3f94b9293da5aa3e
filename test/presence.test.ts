// Presence (contract v2, scale rules): only contacts hear it (a shared direct chat, or a group of
// at most 32), at most one frame a second per socket with the latest state winning, and one
// user:offline for one disconnect.
import { describe, expect, it } from "vitest";
import { api, directChat, env, groupChat, registerUser, seedUsers, type TestUser } from "./helpers";
import { closeSocketsAfterEach, type Frame, realtimeSocket, type TestSocket } from "./sockets";

const track = closeSocketsAfterEach();

const isPresence = (f: Frame) => f.type === "user:online" || f.type === "user:offline";
const presenceOf = (s: TestSocket, userId: string) => s.frames.filter((f) => isPresence(f) && f.data.userId === userId);
async function users(...names: string[]): Promise<TestUser[] & [TestUser, TestUser, TestUser, TestUser]> {
	const list = await Promise.all(names.map((n) => registerUser(n)));
	return list as TestUser[] & [TestUser, TestUser, TestUser, TestUser];
}
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("presence goes to contacts only", () => {
	it("reaches a direct contact and a small group's members, not a big group's", async () => {
		const [asha, ben, chloe, diego] = await users("Asha", "Ben", "Chloe", "Diego");
		await directChat(asha, ben);
		await groupChat(asha, [chloe], "Small group");
		const big = await groupChat(asha, [diego], "Lecture hall");
		// 31 more members written straight into D1: 33 in all, past the 32 that make contacts.
		const ids = await seedUsers(31);
		const join = env.DB.prepare(
			"INSERT INTO participants (conversation_id, user_id, role, joined_at) VALUES (?, ?, 'member', ?)",
		);
		await env.DB.batch(ids.map((id) => join.bind(big.id, id, new Date().toISOString())));
		const inboxBen = await track(realtimeSocket(ben));
		const inboxChloe = await track(realtimeSocket(chloe));
		const inboxDiego = await track(realtimeSocket(diego));
		for (const s of [inboxBen, inboxChloe, inboxDiego]) await s.request("ping");
		await pause(1100);
		const inboxAsha = await track(realtimeSocket(asha));
		await inboxAsha.request("ping");
		expect((await inboxBen.waitFor((f) => f.type === "user:online" && f.data.userId === asha.user.id)).data).toEqual({
			userId: asha.user.id,
		});
		await inboxChloe.waitFor((f) => f.type === "user:online" && f.data.userId === asha.user.id);
		await pause(1200);
		expect(presenceOf(inboxDiego, asha.user.id)).toEqual([]);
		// Diego still sees Asha's presence as a snapshot of the conversation they share.
		const detail = await api("GET", `/conversations/${big.id}`, { token: diego.token });
		const p = detail.body.conversation.participants.find((x: { user: { id: string } }) => x.user.id === asha.user.id);
		expect(p.user.online).toBe(true);
	});

	it("sends a contact's flapping at most once a second per socket, latest state winning", async () => {
		const [asha, ben] = await users("Asha", "Ben");
		await directChat(asha, ben);
		const inboxBen = await track(realtimeSocket(ben));
		await inboxBen.request("ping");
		await pause(1100);
		const started = Date.now();
		for (let i = 0; i < 4; i++) {
			const s = await realtimeSocket(asha);
			await s.request("ping");
			s.close();
			await pause(60);
		}
		const last = await track(realtimeSocket(asha));
		await last.request("ping");
		// Settles on online; frames carrying presence arrive no closer than a second apart.
		await inboxBen.waitFor((f) => f.type === "user:online", 5000);
		await pause(2200);
		const events = presenceOf(inboxBen, asha.user.id);
		expect(events.at(-1)?.type).toBe("user:online");
		const presenceFrames = inboxBen.raw.filter((text) => text.includes('"user:o'));
		expect(presenceFrames.length).toBeLessThanOrEqual(Math.ceil((Date.now() - started) / 1000) + 1);
		expect(events.length).toBeLessThanOrEqual(5);
	});

	it("announces one user:offline when the last socket goes, however it goes", async () => {
		const [asha, ben] = await users("Asha", "Ben");
		await directChat(asha, ben);
		const inboxBen = await track(realtimeSocket(ben));
		await inboxBen.request("ping");
		const a1 = await realtimeSocket(asha);
		await a1.request("ping");
		await inboxBen.waitFor((f) => f.type === "user:online");
		a1.ws.close(4000, "gone");
		await inboxBen.waitFor((f) => f.type === "user:offline", 5000);
		await pause(1500);
		expect(presenceOf(inboxBen, asha.user.id).filter((f) => f.type === "user:offline")).toHaveLength(1);
	});
});
