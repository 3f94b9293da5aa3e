// `npm run bench`: the Campus Chat benchmark. Starts the app and the relay floor under their
// own `wrangler dev` (or uses --base / --floor-base), registers its own users through the
// API and runs the scenarios in bench/scenarios/, printing tables and writing
// bench/results/<timestamp>.json (+ .md). Figures, not assertions: the exit code is non-zero
// only when a fan-out lost, doubled or reordered a message (or the bench itself failed).
// See docs/benchmarks.md for what each scenario does and the latest figures.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { evaluateTargets, markdown, printSections } from "./lib/report.mjs";
import {
	gitInfo,
	makeWorkDir,
	REPO,
	randomSecret,
	snapshotApp,
	startWrangler,
	wranglerSync,
	wranglerVersion,
} from "./lib/server.mjs";
import { clientName, selectClient } from "./lib/sockets.mjs";
import { AppTarget, FloorTarget } from "./lib/targets.mjs";
import { runD1Growth, runManyRooms } from "./scenarios/d1.mjs";
import { runFanout } from "./scenarios/fanout.mjs";
import { FLOOD_KINDS, FLOOD_SOCKETS, runFlood } from "./scenarios/flood.mjs";
import { runHibernation } from "./scenarios/hibernation.mjs";
import { runIdle } from "./scenarios/idle.mjs";
import { runInbox } from "./scenarios/inbox.mjs";
import { runPresenceStorm } from "./scenarios/presence.mjs";
import { parseRealisticSpec, RECEIPT_MODES, runRealistic } from "./scenarios/realistic.mjs";
import { runRest } from "./scenarios/rest.mjs";
import { runSearch } from "./scenarios/search.mjs";
import { runSearchIsolation } from "./scenarios/searchIsolation.mjs";

const SCENARIOS = [
	"hibernation",
	"fanout",
	"openloop",
	"inbox",
	"realistic",
	"presence-storm",
	"flood",
	"rest",
	"search",
	"idle",
];
// Scenarios that drive the relay floor too (the others are app only).
const WITH_FLOOR = ["hibernation", "fanout", "openloop", "idle", "breakdown"];
// Not in the default run: closed-loop fan-out against the floor with storage added
// (DO SQLite, D1 group commit) beside the app and the plain floor, to see where time goes.
// d1-growth and many-rooms (issue 21): what D1 pays per message, and what one D1 serves.
// search-isolation (issue 20): one account searching in a loop beside others sending and listing.
const EXTRA = ["breakdown", "d1-growth", "many-rooms", "search-isolation"];
const ALIASES = {
	open: "openloop",
	"open-loop": "openloop",
	closed: "fanout",
	hibernate: "hibernation",
	sockets: "idle",
	memory: "idle",
	receipts: "realistic",
	presence: "presence-storm",
	storm: "presence-storm",
	"flood-socket": "flood",
};

const HELP = `Usage: npm run bench -- [options]      (or: npx node bench/run.mjs [options])

Scenarios (default: all, in this order): ${SCENARIOS.join(", ")}
Extra (only with --only): breakdown — the floor with storage added (DO SQLite, D1 group
  commit) beside app and floor, closed loop at --breakdown-sizes (default 2x1,50x5,256x5)
  --only a,b          run only these scenarios
  --skip a,b          run all but these
  --quick             fewer messages/sockets/samples, 5 s open loop (a smoke run, ~5-8 min)

Servers:
  --base URL          use an app already running there (no memory/CPU figures)
  --floor-base URL    use a relay floor already running there
  --no-floor          do not run the floor (no ratios)
  --no-app            floor only (checks the harness; app-only scenarios are skipped)
  --ref REF           bench the app at git REF (git archive) instead of the working tree
  --no-observability  profiling knob: turn [observability] off in the app's snapshot copy
  --profile           realistic: a V8 CPU profile of the app's isolate per phase (inspector port),
                      self time split into room / hub / worker / libraries; .cpuprofile in --out

Realistic (every member has both sockets open and acknowledges like the UI; the same
workload first runs with no receipts, for the ratio):
  --realistic 50x1,256x5@1,256x20@1   runs: MxS = closed loop, MxS@R = open loop at R msgs/s
                             per sender (256x20@1: a class of 256 answering at once, 20 msgs/s)
  --receipts throttled,per-message  throttled (new UI: one message:read per 500 ms window, latest seq)
                             or per-message (old UI: delivered + read for every message);
                             a comma list runs both after the no-receipts phase
  --read-window 500          ms, the throttled read window
  --realistic-messages 100   closed loop, per sender (a phase stops after --realistic-max-seconds 60)
  --realistic-seconds 20     open loop duration
Presence storm (N fresh users in one group, each with direct chats with 2 others, open their
realtime sockets at once; then half of them close at once):
  --presence-sizes 256,128
Flood (one room socket writes N frames at once while another member sends steadily):
  --flood-frames 5000 --flood-kind typing|read|send|junk --flood-rate 20 (sender msgs/s)
  --flood-socket room|realtime  which of the flooder's sockets floods (realtime: default kind
                         read, message:read frames naming the group, which the hub passes on)
  --flood-quiet 5 --flood-seconds 10 (s, quiet baseline and flood phase) --flood-members 4
  --flood-limits on|off  on (default): a second copy of the app with rate limits ON (per-socket
                         frame limits only exist then); off: the main bench app (limits off)
  --flood-base URL       an app already running there, with rate limits on
  (--quick: --realistic 50x1,64x5@1 --realistic-messages 50 --realistic-seconds 5
   --realistic-max-seconds 30, --presence-sizes 128, --flood-quiet 3 --flood-seconds 5)

Sizes:
  --sizes 2,50,256    closed-loop group sizes       --senders 1,5   sender counts
  --messages 200      closed loop, per sender       --open-rate 20  open loop msgs/s per sender
  --open-seconds 20   open loop duration            --open-members 256 --open-senders 5
  --inbox-members 256 --inbox-messages 100          --idle-sockets 1000
  --rest-conversations 200 --rest-history 500 --rest-samples 300
  --search-messages 100000 --search-conversations 2000 --search-member-of 50 --search-samples 200
  --d1-conversations 2000 --d1-per-conversation 50 --d1-direct-messages 50   (d1-growth, not in the default run)
  --many-rooms 500 --many-rate 1 --many-seconds 30 --many-list-rooms 50      (many-rooms, not in the default run)
  --isolation-groups 50 --isolation-seconds 10 --isolation-parallel 8 --isolation-limits off|on (search-isolation, not in the default run)
  --idle-wait 15      seconds of silence before the hibernation check

Other:
  --client lite|undici  lite (default): no permessage-deflate; undici: Node's WebSocket,
                        which negotiates deflate like a browser
  --out DIR           results directory (default bench/results)
  --keep              keep the temp dir (state, logs)
`;

function parse() {
	const { values } = parseArgs({
		options: {
			help: { type: "boolean", short: "h" },
			only: { type: "string" },
			skip: { type: "string" },
			quick: { type: "boolean" },
			base: { type: "string" },
			"floor-base": { type: "string" },
			"no-floor": { type: "boolean" },
			"no-app": { type: "boolean" },
			ref: { type: "string" },
			"no-observability": { type: "boolean" },
			profile: { type: "boolean" },
			sizes: { type: "string" },
			senders: { type: "string" },
			messages: { type: "string" },
			"open-rate": { type: "string" },
			"open-seconds": { type: "string" },
			"open-members": { type: "string" },
			"open-senders": { type: "string" },
			"inbox-members": { type: "string" },
			"inbox-messages": { type: "string" },
			"idle-sockets": { type: "string" },
			"rest-conversations": { type: "string" },
			"rest-history": { type: "string" },
			"rest-samples": { type: "string" },
			"search-messages": { type: "string" },
			"search-conversations": { type: "string" },
			"search-member-of": { type: "string" },
			"search-samples": { type: "string" },
			"d1-conversations": { type: "string" },
			"d1-per-conversation": { type: "string" },
			"d1-direct-messages": { type: "string" },
			"many-rooms": { type: "string" },
			"many-rate": { type: "string" },
			"many-seconds": { type: "string" },
			"many-list-rooms": { type: "string" },
			"isolation-groups": { type: "string" },
			"isolation-seconds": { type: "string" },
			"isolation-parallel": { type: "string" },
			"isolation-limits": { type: "string" },
			"idle-wait": { type: "string" },
			"breakdown-sizes": { type: "string" },
			realistic: { type: "string" },
			receipts: { type: "string" },
			"read-window": { type: "string" },
			"realistic-messages": { type: "string" },
			"realistic-seconds": { type: "string" },
			"realistic-max-seconds": { type: "string" },
			"presence-sizes": { type: "string" },
			"flood-frames": { type: "string" },
			"flood-kind": { type: "string" },
			"flood-socket": { type: "string" },
			"flood-rate": { type: "string" },
			"flood-quiet": { type: "string" },
			"flood-seconds": { type: "string" },
			"flood-members": { type: "string" },
			"flood-limits": { type: "string" },
			"flood-base": { type: "string" },
			client: { type: "string" },
			out: { type: "string" },
			keep: { type: "boolean" },
		},
		allowPositionals: false,
	});
	if (values.help) {
		console.log(HELP);
		process.exit(0);
	}
	const list = (s) =>
		s
			? s
					.split(",")
					.map((v) => v.trim())
					.filter(Boolean)
			: null;
	const names = (s) => list(s)?.map((n) => ALIASES[n] ?? n);
	const only = names(values.only);
	const skip = names(values.skip) ?? [];
	for (const n of [...(only ?? []), ...skip])
		if (![...SCENARIOS, ...EXTRA].includes(n)) throw new Error(`unknown scenario "${n}" (${SCENARIOS.join(", ")})`);
	const q = values.quick;
	const num = (k, full, quick) => Number(values[k] ?? (q ? quick : full));
	const receipts = list(values.receipts) ?? ["throttled", "per-message"];
	for (const r of receipts)
		if (!RECEIPT_MODES.includes(r)) throw new Error(`unknown --receipts ${r} (${RECEIPT_MODES.join(", ")})`);
	const floodSocket = values["flood-socket"] ?? "room";
	if (!FLOOD_SOCKETS.includes(floodSocket)) throw new Error(`--flood-socket is ${FLOOD_SOCKETS.join(" or ")}`);
	const floodKind = values["flood-kind"] ?? (floodSocket === "realtime" ? "read" : "typing");
	if (!FLOOD_KINDS.includes(floodKind))
		throw new Error(`unknown --flood-kind ${floodKind} (${FLOOD_KINDS.join(", ")})`);
	const floodLimits = values["flood-limits"] ?? "on";
	if (!["on", "off"].includes(floodLimits)) throw new Error("--flood-limits is on or off");
	return {
		scenarios: [...SCENARIOS, ...EXTRA].filter(
			(s) => (only ? only.includes(s) : SCENARIOS.includes(s)) && !skip.includes(s),
		),
		breakdownSizes: (list(values["breakdown-sizes"]) ?? ["2x1", "50x5", "256x5"]).map((v) =>
			v.split(/[x×]/).map(Number),
		),
		quick: !!q,
		base: values.base ?? null,
		floorBase: values["floor-base"] ?? null,
		floor: !values["no-floor"],
		app: !values["no-app"],
		ref: values.ref ?? null,
		observability: !values["no-observability"],
		profile: !!values.profile,
		sizes: (list(values.sizes) ?? ["2", "50", "256"]).map(Number),
		senders: (list(values.senders) ?? ["1", "5"]).map(Number),
		messages: num("messages", 200, 50),
		openRate: num("open-rate", 20, 20),
		openSeconds: num("open-seconds", 20, 5),
		openMembers: num("open-members", 256, 256),
		openSenders: num("open-senders", 5, 5),
		inboxMembers: num("inbox-members", 256, 50),
		inboxMessages: num("inbox-messages", 100, 50),
		idleSockets: num("idle-sockets", 1000, 250),
		restConversations: num("rest-conversations", 200, 200),
		restHistory: num("rest-history", 500, 100),
		restSamples: num("rest-samples", 300, 100),
		searchMessages: num("search-messages", 100_000, 20_000),
		searchConversations: num("search-conversations", 2000, 400),
		searchMemberOf: num("search-member-of", 50, 20),
		searchSamples: num("search-samples", 200, 50),
		d1Conversations: num("d1-conversations", 2000, 200),
		d1PerConversation: num("d1-per-conversation", 50, 50),
		d1DirectMessages: num("d1-direct-messages", 50, 20),
		manyRooms: num("many-rooms", 500, 50),
		manyRate: num("many-rate", 1, 1),
		manySeconds: num("many-seconds", 30, 10),
		manyListRooms: num("many-list-rooms", 50, 20),
		isolationGroups: num("isolation-groups", 50, 20),
		isolationSeconds: num("isolation-seconds", 10, 5),
		isolationParallel: num("isolation-parallel", 8, 8),
		isolationLimits: values["isolation-limits"] === "on",
		idleWaitMs: num("idle-wait", 15, 15) * 1000,
		realistic: (list(values.realistic) ?? (q ? ["50x1", "64x5@1"] : ["50x1", "256x5@1", "256x20@1"])).map(
			parseRealisticSpec,
		),
		receipts,
		readWindowMs: num("read-window", 500, 500),
		realisticMessages: num("realistic-messages", 100, 50),
		realisticSeconds: num("realistic-seconds", 20, 5),
		realisticMaxSeconds: num("realistic-max-seconds", 60, 30),
		presenceSizes: (list(values["presence-sizes"]) ?? (q ? ["128"] : ["256", "128"])).map(Number),
		floodFrames: num("flood-frames", 5_000, 5_000),
		floodKind,
		floodSocket,
		floodRate: num("flood-rate", 20, 20),
		floodQuietS: num("flood-quiet", 5, 3),
		floodSeconds: num("flood-seconds", 10, 5),
		floodMembers: num("flood-members", 4, 4),
		floodLimits,
		floodBase: values["flood-base"] ?? null,
		client: values.client ?? "lite",
		out: path.resolve(values.out ?? path.join(REPO, "bench/results")),
		keep: !!values.keep,
	};
}

function log(msg) {
	console.log(msg);
}

// name "app": the bench's app, rate limits off. name "guarded": a second copy with rate limits
// on (the flood scenario; per-socket frame limits only exist then).
async function startApp(opts, workDir, { name = "app", rateLimits = false } = {}) {
	if (!opts.app) return null;
	if (opts.base && name === "app") return { server: null, base: opts.base };
	const dir = snapshotApp(workDir, opts.ref, name);
	if (!opts.observability) {
		// Only the bench's temp copy is changed: does per-invocation tracing cost anything here?
		const cfg = path.join(dir, "wrangler.toml");
		const before = fs.readFileSync(cfg, "utf8");
		const after = before.replace(/(\[observability\][^[]*?enabled\s*=\s*)true/, "$1false");
		if (after === before) throw new Error("--no-observability: no [observability] enabled = true in wrangler.toml");
		fs.writeFileSync(cfg, after);
	}
	const persist = path.join(workDir, `${name}-state`);
	// The admin routes (the search scenario moves its seed into the rooms with one).
	const adminToken = randomSecret(40);
	log(`${name}: snapshot in ${dir}; applying D1 migrations`);
	wranglerSync(["d1", "migrations", "apply", "DB", "--local", "--persist-to", persist], { cwd: dir });
	const server = await startWrangler({
		name,
		cwd: dir,
		persistTo: persist,
		vars: {
			...(rateLimits ? {} : { RATE_LIMITS: "off" }),
			JWT_SECRET: randomSecret(40),
			ADMIN_TOKEN: adminToken,
		},
		healthPath: "/api/v1/health",
		logFile: path.join(workDir, `${name}.log`),
	});
	log(`${name}: wrangler dev on ${server.base}${rateLimits ? " (rate limits ON)" : ""} (log ${server.logFile})`);
	// The search scenario seeds the running app's local D1 from an SQL file.
	const seedSql = (file) =>
		wranglerSync(["d1", "execute", "DB", "--local", "--persist-to", persist, "--file", file, "--yes"], {
			cwd: dir,
			timeoutMs: 900_000,
		});
	return { server, base: server.base, seedSql, persist, adminToken };
}

async function startFloor(opts, workDir) {
	if (!opts.floor) return null;
	if (opts.floorBase) return { server: null, base: opts.floorBase };
	const server = await startWrangler({
		name: "floor",
		cwd: path.join(REPO, "bench/relay"),
		config: "wrangler.toml",
		persistTo: path.join(workDir, "floor-state"),
		healthPath: "/health",
		logFile: path.join(workDir, "floor.log"),
	});
	log(`floor: wrangler dev on ${server.base} (log ${server.logFile})`);
	return { server, base: server.base };
}

async function main() {
	const opts = parse();
	selectClient(opts.client);
	const started = new Date();
	const stamp = started.toISOString().replace(/[:.]/g, "-");
	const workDir = makeWorkDir();
	fs.mkdirSync(opts.out, { recursive: true });
	const outJson = path.join(opts.out, `${stamp}.json`);
	const res = {
		meta: {
			startedAt: started.toISOString(),
			options: opts,
			scenarios: opts.scenarios,
			git: gitInfo(),
			node: process.version,
			wrangler: wranglerVersion(),
			client: clientName,
			machine: {
				cpus: os.cpus().length,
				cpuModel: os.cpus()[0]?.model ?? "unknown",
				memGiB: Math.round(os.totalmem() / 2 ** 30),
				platform: `${os.platform()} ${os.release()}`,
			},
			loadavgStart: os.loadavg().map((v) => Number(v.toFixed(2))),
			workDir,
		},
	};
	log(
		`Campus Chat bench — scenarios: ${opts.scenarios.join(", ")}${opts.quick ? " (quick)" : ""}; client ${clientName}`,
	);
	const servers = [];
	let exitCode = 0;
	try {
		// The main app is not needed when only the flood runs on its own guarded copy; the floor
		// only when a scenario that drives it is selected.
		const needMain = opts.scenarios.some((s) => s !== "flood") || (opts.floodLimits === "off" && !opts.floodBase);
		const needFloor = opts.scenarios.some((s) => WITH_FLOOR.includes(s));
		const [app, floor] = await Promise.all([
			needMain ? startApp(opts, workDir) : null,
			needFloor ? startFloor(opts, workDir) : null,
		]);
		if (app?.server) servers.push(app.server);
		if (floor?.server) servers.push(floor.server);
		const appT = app ? new AppTarget(app.base) : null;
		const floorT = floor ? new FloorTarget(floor.base) : null;
		const need = Math.max(
			...opts.sizes,
			opts.openMembers,
			opts.scenarios.includes("inbox") ? opts.inboxMembers : 0,
			opts.scenarios.includes("rest") ? opts.restConversations : 0,
			opts.scenarios.includes("idle") ? Math.min(250, opts.idleSockets) : 0,
			opts.scenarios.includes("realistic") ? Math.max(...opts.realistic.map((r) => r.members)) : 0,
			2,
		);
		const t0 = performance.now();
		const users = appT ? await appT.registerUsers(need) : null;
		if (appT) log(`app: registered ${users.length} users in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
		const floorUsers = floorT ? await floorT.registerUsers(need) : null;
		const both = (fn) =>
			[...(appT ? [[appT, users, app.server]] : []), ...(floorT ? [[floorT, floorUsers, floor.server]] : [])].map(
				([t, u, s]) => fn(t, u, s),
			);
		const save = () => fs.writeFileSync(outJson, `${JSON.stringify(res, null, 2)}\n`);

		for (const scenario of opts.scenarios) {
			const ts = performance.now();
			log(`\n== ${scenario}`);
			if (scenario === "hibernation") {
				// Both targets wait in parallel: the wait is the point, and nothing else is running.
				res.hibernation = await Promise.all(
					both((t, u) => runHibernation(t, { users: u, idleMs: opts.idleWaitMs, log })),
				);
			} else if (scenario === "fanout") {
				res.fanout = [];
				for (const members of opts.sizes) {
					for (const senders of opts.senders) {
						if (senders > members) continue;
						// App and floor back to back for each configuration, so a noisy neighbour on this
						// shared machine hits both sides of a ratio alike.
						for (const [t, u, s] of both((...a) => a)) {
							res.fanout.push(
								await runFanout(t, {
									members,
									senders,
									mode: "closed",
									messages: opts.messages,
									users: u,
									server: s,
									label: `${members}×${senders}`,
									log,
								}),
							);
						}
					}
				}
			} else if (scenario === "openloop") {
				res.openLoop = [];
				for (const [t, u, s] of both((...a) => a)) {
					res.openLoop.push(
						await runFanout(t, {
							members: opts.openMembers,
							senders: opts.openSenders,
							mode: "open",
							rate: opts.openRate,
							durationS: opts.openSeconds,
							users: u,
							server: s,
							label: `${opts.openMembers}×${opts.openSenders} @${opts.openRate}/s`,
							log,
						}),
					);
				}
			} else if (scenario === "breakdown") {
				if (!floor) throw new Error("breakdown needs the floor");
				res.breakdown = [];
				const variants = [
					...(appT ? [[appT, users, app.server]] : []),
					[floorT, floorUsers, floor.server],
					[new FloorTarget(floor.base, "do"), floorUsers, floor.server],
					[new FloorTarget(floor.base, "d1"), floorUsers, floor.server],
				];
				for (const [members, senders] of opts.breakdownSizes) {
					for (const [t, u, s] of variants) {
						res.breakdown.push(
							await runFanout(t, {
								members,
								senders,
								mode: "closed",
								messages: opts.messages,
								users: u,
								server: s,
								label: `${members}×${senders}`,
								log,
							}),
						);
					}
				}
			} else if (scenario === "flood") {
				if (!opts.app) {
					log("   skipped (app only)");
				} else {
					let t = appT;
					let srv = app?.server ?? null;
					let guarded = null;
					if (opts.floodBase) {
						t = new AppTarget(opts.floodBase);
						srv = null;
					} else if (opts.floodLimits === "on") {
						guarded = await startApp(opts, workDir, { name: "guarded", rateLimits: true });
						servers.push(guarded.server);
						t = new AppTarget(guarded.base);
						srv = guarded.server;
					}
					try {
						res.flood = [
							await runFlood(t, {
								users: await t.registerUsers(opts.floodMembers, { prefix: "flood-" }),
								frames: opts.floodFrames,
								kind: opts.floodKind,
								socket: opts.floodSocket,
								rate: opts.floodRate,
								quietSeconds: opts.floodQuietS,
								floodSeconds: opts.floodSeconds,
								limits: opts.floodBase ? "on (--flood-base)" : opts.floodLimits,
								server: srv,
								log,
							}),
						];
					} finally {
						// Not left running beside the scenarios after it (CPU, memory figures).
						if (guarded?.server) {
							await guarded.server.stop();
							servers.splice(servers.indexOf(guarded.server), 1);
						}
					}
				}
			} else if (!appT) {
				log("   skipped (app only)");
			} else if (scenario === "realistic") {
				res.realistic = [];
				for (const spec of opts.realistic) {
					res.realistic.push(
						await runRealistic(appT, {
							...spec,
							messages: opts.realisticMessages,
							durationS: opts.realisticSeconds,
							maxSeconds: opts.realisticMaxSeconds,
							receipts: opts.receipts,
							readWindowMs: opts.readWindowMs,
							profile: opts.profile,
							profileDir: opts.out,
							users,
							server: app.server,
							log,
						}),
					);
					save();
				}
			} else if (scenario === "presence-storm") {
				res.presenceStorm = [];
				for (const n of opts.presenceSizes) {
					const tr = performance.now();
					// Fresh users per size: no other scenario's conversations make extra contacts.
					const fresh = await appT.registerUsers(n, { prefix: `storm${n}-` });
					log(`   registered ${n} fresh users in ${((performance.now() - tr) / 1000).toFixed(1)} s`);
					res.presenceStorm.push(await runPresenceStorm(appT, { users: fresh, server: app.server, log }));
					save();
				}
			} else if (scenario === "inbox") {
				res.inbox = [
					await runInbox(appT, {
						members: opts.inboxMembers,
						messages: opts.inboxMessages,
						users,
						server: app.server,
						log,
					}),
				];
			} else if (scenario === "rest") {
				res.rest = await runRest(appT, {
					users,
					conversations: opts.restConversations,
					historyMessages: opts.restHistory,
					samples: opts.restSamples,
					server: app.server,
					log,
				});
			} else if (scenario === "search") {
				if (!app.seedSql) throw new Error("search: needs the bench's own wrangler dev (not --base) to seed D1");
				res.search = await runSearch(appT, {
					messages: opts.searchMessages,
					conversations: opts.searchConversations,
					memberOf: opts.searchMemberOf,
					samples: opts.searchSamples,
					seedSql: app.seedSql,
					adminToken: app.adminToken,
					workDir,
					log,
				});
			} else if (scenario === "d1-growth") {
				if (!app.persist)
					throw new Error("d1-growth: needs the bench's own wrangler dev (not --base) to read D1's file");
				res.d1Growth = await runD1Growth(appT, {
					conversations: opts.d1Conversations,
					perConversation: opts.d1PerConversation,
					directMessages: opts.d1DirectMessages,
					persist: app.persist,
					workDir,
					log,
				});
			} else if (scenario === "many-rooms") {
				res.manyRooms = await runManyRooms(appT, {
					rooms: opts.manyRooms,
					ratePerRoom: opts.manyRate,
					seconds: opts.manySeconds,
					listRooms: opts.manyListRooms,
					log,
				});
			} else if (scenario === "search-isolation") {
				// Rate limits on: a second copy of the app, as for the flood.
				const guarded = opts.isolationLimits
					? await startApp(opts, workDir, { name: "guarded", rateLimits: true })
					: null;
				try {
					res.searchIsolation = await runSearchIsolation(guarded ? new AppTarget(guarded.base) : appT, {
						groups: opts.isolationGroups,
						seconds: opts.isolationSeconds,
						parallel: opts.isolationParallel,
						limits: guarded ? "on" : "off",
						log,
					});
				} finally {
					await guarded?.server?.stop();
				}
			} else if (scenario === "idle") {
				res.idle = [];
				for (const [t, u, s] of both((...a) => a)) {
					res.idle.push(
						await runIdle(t, { count: opts.idleSockets, users: u, server: s, log, realtime: t.kind === "app" }),
					);
				}
			}
			log(`   (${((performance.now() - ts) / 1000).toFixed(1)} s)`);
			save();
		}
	} catch (err) {
		console.error(`\nbench failed: ${err?.stack ?? err}`);
		res.error = String(err?.stack ?? err);
		exitCode = 2;
	} finally {
		for (const s of servers) await s.stop();
	}

	res.meta.durationS = Math.round((Date.now() - started.getTime()) / 1000);
	res.meta.loadavgEnd = os.loadavg().map((v) => Number(v.toFixed(2)));
	res.targets = evaluateTargets(res);
	printSections(res);
	fs.writeFileSync(outJson, `${JSON.stringify(res, null, 2)}\n`);
	fs.writeFileSync(outJson.replace(/\.json$/, ".md"), `${markdown(res)}\n`);
	log(`\nresults: ${outJson} (+ .md); ${res.meta.durationS} s`);

	// Only the app's integrity decides the exit code; a floor that falls over under a load
	// this machine cannot carry is reported, not failed.
	const fan = [
		...(res.fanout ?? []),
		...(res.openLoop ?? []),
		...(res.realistic ?? []).flatMap((r) =>
			r.phases.map((p) => ({ ...p, target: r.target, label: `realistic ${r.label} receipts ${p.receipts}` })),
		),
	];
	const describe = (r) =>
		`${r.target} ${r.label}: lost ${r.lost}, doubled ${r.doubled}, out-of-order ${r.outOfOrder}, unanswered/refused sends ${r.sendErrors}` +
		(r.drainEnd && r.drainEnd !== "complete" ? ` (drain ended: ${r.drainEnd})` : "");
	const broken = fan.filter((r) => r.lost || r.doubled || r.outOfOrder || r.sendErrors);
	const appBroken = broken.filter((r) => r.target === "app");
	const floorBroken = broken.filter((r) => r.target !== "app");
	if (floorBroken.length) console.warn(`warning (floor, not the app): ${floorBroken.map(describe).join("; ")}`);
	if (appBroken.length) {
		console.error(`INTEGRITY FAILURE: ${appBroken.map(describe).join("; ")}`);
		exitCode ||= 1;
	}
	if (!opts.keep && exitCode === 0) fs.rmSync(workDir, { recursive: true, force: true });
	else log(`kept ${workDir} (logs and local state)`);
	process.exit(exitCode);
}

main();
