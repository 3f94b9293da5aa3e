// Moderation (one object, named "moderation"): notices suspensions an admin writes straight into
// D1 (`UPDATE users SET suspended_at = ...` in the dashboard console, so no app call happens) and
// closes the suspended users' sockets (4401) within a second: a look every 500 ms, so the
// look, its D1 read and the close RPCs fit inside the second the README promises (measured by
// test/e2e/split-scenarios.mjs from the UPDATE's commit to the close frame in Chromium). Requests are refused by the
// auth check itself; this object only covers sockets already open. It runs only while sockets may
// be open: each socket handshake extends a lease (to at most a day ahead), and so does every
// UserHub that still holds sockets (every 6 hours: a socket may live as long as its token, a
// week). While the lease holds, an alarm every 500 ms reads the suspended accounts (a partial
// index: only those rows) and ends the sessions of any it has not handled yet; once it runs out
// the alarm sets no other (test/moderation.test.ts).
import { DurableObject } from "cloudflare:workers";
import type { AppEnv } from "../server/config";
import { suspendedUsers } from "../server/db/users";
import { log } from "../server/log";
import { endSocketsOfSessions } from "./sessionEnds";

export const MODERATION_CHECK_MS = 500;
/** How far one handshake keeps the checks running; sockets opened since extend it. */
export const MODERATION_LEASE_MS = 24 * 3600 * 1000;

export const moderationStub = (env: AppEnv) => env.MODERATION.get(env.MODERATION.idFromName("moderation"));

export class Moderation extends DurableObject<AppEnv> {
	/** A socket was (or is about to be) opened somewhere: keep checking for a while. */
	async watch(): Promise<void> {
		const until = Date.now() + MODERATION_LEASE_MS;
		const lease = (await this.ctx.storage.get<number>("leaseUntil")) ?? 0;
		// One storage write a minute at most, however many handshakes arrive.
		if (until - lease > 60_000) await this.ctx.storage.put("leaseUntil", until);
		if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + MODERATION_CHECK_MS);
	}

	override async alarm(): Promise<void> {
		try {
			await this.enforceSuspensions();
		} finally {
			const lease = (await this.ctx.storage.get<number>("leaseUntil")) ?? 0;
			if (Date.now() < lease) await this.ctx.storage.setAlarm(Date.now() + MODERATION_CHECK_MS);
		}
	}

	/** Ends every session of accounts suspended since the last look; forgets lifted suspensions. */
	async enforceSuspensions(): Promise<number> {
		const handled = (await this.ctx.storage.get<Record<string, string>>("handled")) ?? {};
		const current = await suspendedUsers(this.env);
		const next: Record<string, string> = {};
		const fresh: string[] = [];
		for (const { id, suspended_at } of current) {
			next[id] = suspended_at;
			if (handled[id] !== suspended_at) fresh.push(id);
		}
		for (const id of Object.keys(handled)) {
			if (!(id in next)) log.info("user_unsuspended_noticed", { userId: id });
		}
		await Promise.all(
			fresh.map(async (userId) => {
				log.warn("user_suspended_noticed", { userId, suspendedAt: next[userId] });
				await endSocketsOfSessions(this.env, userId, null);
			}),
		);
		if (fresh.length > 0 || Object.keys(handled).length !== current.length) {
			await this.ctx.storage.put("handled", next);
		}
		return fresh.length;
	}
}
