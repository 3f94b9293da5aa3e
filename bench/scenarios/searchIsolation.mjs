// Search isolation (issue 20 item 2): can one searching account slow everyone else down?
// `others` users share `groups` groups with the searcher (each group: the searcher and 3 of
// them), each group seeded with `seedPerGroup` texts through the API (so the searcher's rooms
// hold real logs and FTS5 indexes). Then three back-to-back phases of `seconds` each: quiet
// (the others only), searching (the same, plus one account running `parallel` searches in a
// loop, each answered before the next), quiet again. Throughout, every other user sends a text
// over REST into one of their groups every `sendEveryMs` and loads `GET /conversations` every
// `listEveryMs`. Reported per phase: their send and list p50/p99, and how many searches ran
// (and how many were refused with 429, when the app runs with rate limits on:
// `--isolation-limits on` runs it on a second copy of the app with them on, as deployed).

import { round, Samples } from "../lib/stats.mjs";
import { mapLimit } from "../lib/targets.mjs";

const WORDS = "the exam lecture lab notes homework deadline library study group café économie quiz project".split(" ");
const QUERIES = ["the", "exam", "study group", "lect", "cafe", "xylophonic", "notes the", "pro"];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function text(i) {
	const out = [];
	for (let k = 0; k < 6 + (i % 9); k++) out.push(WORDS[(i * 7 + k * 13) % WORDS.length]);
	return out.join(" ");
}

export async function runSearchIsolation(
	target,
	{
		others = 8,
		groups = 50,
		seedPerGroup = 10,
		seconds = 10,
		parallel = 8,
		sendEveryMs = 1000,
		listEveryMs = 1000,
		limits = "off",
		log,
	},
) {
	const t0 = performance.now();
	const [searcher, ...people] = await target.registerUsers(others + 1, { prefix: "iso-" });
	const rooms = await mapLimit(
		Array.from({ length: groups }, (_, g) => g),
		8,
		async (g) => {
			const members = [0, 1, 2].map((k) => people[(g + k * 3) % people.length]);
			const unique = [...new Set(members)];
			const id = await target.createRoom([searcher, ...unique], `isolation ${g}`);
			return { id, members: unique };
		},
	);
	await mapLimit(
		Array.from({ length: groups * seedPerGroup }, (_, i) => i),
		8,
		async (i) => {
			const room = rooms[i % groups];
			const from = room.members[i % room.members.length];
			await target.request("POST", `/conversations/${room.id}/messages`, {
				token: from.token,
				body: { clientId: `iso-seed-${i}`, kind: "text", text: text(i) },
			});
		},
	);
	log?.(
		`  ${groups} groups (the searcher in all), ${groups * seedPerGroup} texts seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
	);
	const roomsOf = new Map(people.map((p) => [p.id, rooms.filter((r) => r.members.includes(p))]));

	let sent = 0;
	const phase = async (label, searching) => {
		const sends = new Samples(16384);
		const lists = new Samples(16384);
		const searches = new Samples(16384);
		let refused = 0;
		let running = true;
		const loops = [];
		for (const person of people) {
			const mine = roomsOf.get(person.id) ?? rooms;
			loops.push(
				(async () => {
					while (running) {
						const room = mine[sent % mine.length];
						const t = performance.now();
						sent += 1;
						await target.request("POST", `/conversations/${room.id}/messages`, {
							token: person.token,
							body: { clientId: `iso-${label}-${sent}`, kind: "text", text: text(sent) },
						});
						sends.add(performance.now() - t);
						await sleep(Math.max(0, sendEveryMs - (performance.now() - t)));
					}
				})(),
				(async () => {
					while (running) {
						const t = performance.now();
						await target.request("GET", "/conversations", { token: person.token, query: { limit: 50 } });
						lists.add(performance.now() - t);
						await sleep(Math.max(0, listEveryMs - (performance.now() - t)));
					}
				})(),
			);
		}
		if (searching) {
			for (let k = 0; k < parallel; k++) {
				loops.push(
					(async () => {
						for (let n = k; running; n += parallel) {
							const t = performance.now();
							// Straight fetch, no retry: a refused search (429) is counted and the loop goes on
							// at once, as an abusive client would.
							const url = new URL(`${target.base}/api/v1/search/messages`);
							url.searchParams.set("q", QUERIES[n % QUERIES.length]);
							url.searchParams.set("limit", "20");
							const res = await fetch(url, {
								headers: { authorization: `Bearer ${searcher.token}` },
								signal: AbortSignal.timeout(30_000),
							});
							await res.arrayBuffer();
							if (res.status === 429) refused += 1;
							else if (res.ok) searches.add(performance.now() - t);
							else throw new Error(`search-isolation: search answered ${res.status}`);
						}
					})(),
				);
			}
		}
		await sleep(seconds * 1000);
		running = false;
		await Promise.all(loops);
		const result = {
			phase: label,
			sends: sends.summary(),
			lists: lists.summary(),
			searches: searching ? { ...searches.summary(), refused } : null,
		};
		log?.(
			`  ${label.padEnd(9)} sends p50 ${result.sends.p50} p99 ${result.sends.p99} ms (${result.sends.count}); lists p50 ${result.lists.p50} p99 ${result.lists.p99} ms (${result.lists.count})` +
				(searching
					? `; searches p50 ${result.searches.p50} p99 ${result.searches.p99} ms (${result.searches.count} answered, ${refused} refused)`
					: ""),
		);
		return result;
	};
	const phases = [];
	phases.push(await phase("quiet", false));
	phases.push(await phase("searching", true));
	phases.push(await phase("quiet", false));
	return {
		limits,
		others,
		groups,
		seedPerGroup,
		seconds,
		parallel,
		sendEveryMs,
		listEveryMs,
		phases,
		searchingOverQuietP99: {
			sends: round(phases[1].sends.p99 / Math.max(phases[0].sends.p99, phases[2].sends.p99), 2),
			lists: round(phases[1].lists.p99 / Math.max(phases[0].lists.p99, phases[2].lists.p99), 2),
		},
	};
}
