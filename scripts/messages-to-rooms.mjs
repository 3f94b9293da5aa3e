#!/usr/bin/env node
// The admin command of issue 21: moves what an older deployment still has in D1's `messages`
// into the conversations' rooms, then drops D1's message tables (README "Moving messages out
// of D1"). It calls POST /api/v1/admin/messages-to-rooms until the Worker answers `dropped`.
// Restartable: stop it anywhere and run it again; every step is idempotent.
//
//   ADMIN_TOKEN=... node scripts/messages-to-rooms.mjs https://campus-chat.<subdomain>.workers.dev
const [origin] = process.argv.slice(2);
const token = process.env.ADMIN_TOKEN;
if (!origin || !token) {
	console.error(
		"usage: ADMIN_TOKEN=<the Worker's ADMIN_TOKEN secret> node scripts/messages-to-rooms.mjs <worker origin>",
	);
	process.exit(2);
}
let after;
let total = 0;
for (let attempt = 0; ; ) {
	const res = await fetch(new URL("/api/v1/admin/messages-to-rooms", origin), {
		method: "POST",
		headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
		body: JSON.stringify(after ? { after } : {}),
	});
	const body = await res.json().catch(() => null);
	if (res.status !== 200) {
		// A room that could not take its conversation yet (503): try the same step again, a few times.
		if (res.status === 503 && attempt < 5) {
			attempt += 1;
			console.error(`retrying after: ${body?.error?.message ?? res.status}`);
			await new Promise((r) => setTimeout(r, 2000 * attempt));
			continue;
		}
		console.error(`failed: ${res.status} ${JSON.stringify(body)}`);
		process.exit(1);
	}
	attempt = 0;
	total += body.moved;
	if (body.dropped) {
		console.log(`done: ${total} conversations moved into their rooms; D1's messages tables are dropped`);
		break;
	}
	after = body.next;
	console.log(`${total} conversations moved (next after ${after})`);
}
