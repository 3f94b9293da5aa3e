// REST reads: the conversation list of a user who is in `conversations` conversations (each
// with a message from the other side, so lastMessage and unreadCount have work to do), and
// one page of history from a conversation with `historyMessages` messages. Sequential
// requests (one in flight), after a warm-up; latency is the client-side round trip.
import { randomUUID } from "node:crypto";
import { workerdTotals } from "../lib/server.mjs";
import { round, Samples } from "../lib/stats.mjs";
import { mapLimit } from "../lib/targets.mjs";

async function timeRequests(_target, n, warmup, fn) {
	for (let i = 0; i < warmup; i++) await fn();
	const s = new Samples(n);
	for (let i = 0; i < n; i++) {
		const t0 = performance.now();
		await fn();
		s.add(performance.now() - t0);
	}
	return s.summary();
}

export async function runRest(target, { users, conversations, historyMessages, samples, server, log }) {
	const [owner] = await target.registerUsers(1, { prefix: "rest-owner-" });
	const peers = users.slice(0, conversations);
	if (peers.length < conversations) throw new Error(`rest: need ${conversations} users, have ${peers.length}`);
	const t0 = performance.now();
	// One direct conversation per peer, each with one message from the peer (unread for owner).
	const convIds = await mapLimit(peers, 8, async (peer) => {
		const { conversation } = await target.request("POST", "/conversations", {
			token: owner.token,
			body: { type: "direct", userId: peer.id },
		});
		await target.request("POST", `/conversations/${conversation.id}/messages`, {
			token: peer.token,
			body: { clientId: randomUUID(), kind: "text", text: `hello from ${peer.id}` },
		});
		return conversation.id;
	});
	// History: fill the first conversation up to historyMessages, both sides writing.
	const histId = convIds[0];
	const histPeer = peers[0];
	await mapLimit(
		Array.from({ length: historyMessages - 1 }, (_, i) => i),
		4,
		async (i) =>
			target.request("POST", `/conversations/${histId}/messages`, {
				token: i % 2 ? owner.token : histPeer.token,
				body: { clientId: randomUUID(), kind: "text", text: `history message ${i} ${"·".repeat(60)}` },
			}),
	);
	const seedMs = performance.now() - t0;

	const first = await target.request("GET", "/conversations", { token: owner.token, query: { limit: 50 } });
	const cpu0 = workerdTotals(server);
	const list = await timeRequests(target, samples, 20, () =>
		target.request("GET", "/conversations", { token: owner.token, query: { limit: 50 } }),
	);
	const cpu1 = workerdTotals(server);
	const page = await target.request("GET", `/conversations/${histId}/messages`, {
		token: owner.token,
		query: { limit: 50 },
	});
	const history = await timeRequests(target, samples, 20, () =>
		target.request("GET", `/conversations/${histId}/messages`, { token: owner.token, query: { limit: 50 } }),
	);
	const cpu2 = workerdTotals(server);
	const perReq = (a, b) =>
		a.runtimeCpuMs === null || a.pids !== b.pids ? null : round((b.runtimeCpuMs - a.runtimeCpuMs) / (samples + 20), 2);
	const result = {
		conversations,
		historyMessages,
		samples,
		seedMs: round(seedMs, 0),
		list: {
			...list,
			itemsReturned: first.conversations?.length ?? null,
			hasNextCursor: !!first.nextCursor,
			runtimeCpuMsPerRequest: perReq(cpu0, cpu1),
		},
		history: { ...history, itemsReturned: page.messages?.length ?? null, runtimeCpuMsPerRequest: perReq(cpu1, cpu2) },
	};
	log?.(
		`  app   rest: conversation list (${conversations} convs) p50 ${list.p50} p99 ${list.p99} ms; ` +
			`history page p50 ${history.p50} p99 ${history.p99} ms`,
	);
	return result;
}
