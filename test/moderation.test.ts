// The Moderation object (src/durable/Moderation.ts) looks for suspended accounts once a second
// while sockets may be open: its query reads only the partial index's rows, a suspension is acted
// on once (later looks close nothing again), and once its lease has run out the alarm stops.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { type Moderation, moderationStub } from "../src/durable/Moderation";
import { hubStub } from "../src/durable/rpc";
import { SUSPENDED_USERS_SQL } from "../src/server/db/users";
import { env, registerUser, type TestUser } from "./helpers";
import { closeSocketsAfterEach, realtimeSocket } from "./sockets";

const track = closeSocketsAfterEach();
const moderation = () => moderationStub(env) as unknown as DurableObjectStub;
/** One look for suspensions, as the alarm takes it: how many users it acted on. */
const look = () => runInDurableObject(moderation(), (m) => (m as unknown as Moderation).enforceSuspensions());

const suspend = (user: TestUser) =>
	env.DB.prepare("UPDATE users SET suspended_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?")
		.bind(user.user.id)
		.run();

describe("the Moderation object", () => {
	it("reads suspended accounts through the partial index, not the users table", async () => {
		const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${SUSPENDED_USERS_SQL}`).all<{ detail: string }>();
		const plan = results.map((r) => r.detail).join("\n");
		expect(plan).toContain("USING INDEX users_suspended_idx");
		expect(plan).not.toMatch(/SCAN users(?! USING)/);
	});

	it("closes a suspended user's sockets once; later looks close nothing again until a new suspension", async () => {
		const user = await registerUser("ModOnce");
		const first = await track(realtimeSocket(user));
		await first.request("ping");
		await suspend(user);
		// The alarm (or this look) notices it: the socket closes with 4401.
		await look();
		expect((await first.waitClosed(15_000))?.code).toBe(4401);
		// Every look after that finds nothing new.
		expect(await look()).toBe(0);
		expect(await look()).toBe(0);
		// Lifted and suspended again: a new suspension, acted on once more.
		await env.DB.prepare("UPDATE users SET suspended_at = NULL WHERE id = ?").bind(user.user.id).run();
		expect(await look()).toBe(0);
		await suspend(user);
		const again = await look();
		const after = await look();
		// One of the two looks (or the alarm in between) took it; never both.
		expect(again + after).toBeLessThanOrEqual(1);
		expect(after).toBe(0);
	});

	it("stops its alarm once the lease has run out, and a handshake starts it again", async () => {
		const stub = moderation();
		await runInDurableObject(stub, async (_m, state) => {
			await state.storage.put("leaseUntil", Date.now() - 1);
		});
		// Whatever alarm was set runs now and, with no lease, sets no other.
		await runDurableObjectAlarm(stub);
		expect(await runInDurableObject(stub, (_m, state) => state.storage.getAlarm())).toBeNull();
		expect(await runDurableObjectAlarm(stub)).toBe(false);
		await moderationStub(env).watch();
		expect(await runInDurableObject(stub, (_m, state) => state.storage.getAlarm())).not.toBeNull();
	});

	it("keeps checking while a realtime socket stays open past the handshake's lease: the user's hub renews it", async () => {
		const user = await registerUser("ModLongLived");
		const socket = await track(realtimeSocket(user));
		await socket.request("ping");
		const stub = moderation();
		// As if the handshake was long ago: the lease has run out and the alarm stopped.
		await runInDurableObject(stub, async (_m, state) => {
			await state.storage.put("leaseUntil", Date.now() - 1);
		});
		await runDurableObjectAlarm(stub);
		expect(await runInDurableObject(stub, (_m, state) => state.storage.getAlarm())).toBeNull();
		// The hub's sweep (every 30 s while it holds sockets) renews the lease.
		await runDurableObjectAlarm(hubStub(env, user.user.id));
		const lease = await runInDurableObject(stub, (_m, state) => state.storage.get<number>("leaseUntil"));
		expect(lease).toBeGreaterThan(Date.now());
		expect(await runInDurableObject(stub, (_m, state) => state.storage.getAlarm())).not.toBeNull();
		// A suspension is still noticed.
		await suspend(user);
		await look();
		expect((await socket.waitClosed(15_000))?.code).toBe(4401);
	});
});
