// `--profile`: a V8 CPU profile of the app's Worker isolate (the Worker and its Durable Objects
// run in one isolate under `wrangler dev`) over a realistic phase, through wrangler's inspector
// port. The bundle wrangler builds keeps esbuild's `// src/...` markers before each module, so
// every sample's self time is charged to the source module it ran in, then grouped into the
// room, the hubs, the Worker, shared code and libraries. What runs outside JavaScript (socket
// writes, SQLite, RPC plumbing in the runtime) is the "(program)" and "(garbage collector)" rows
// and the gap between profiled and measured runtime CPU; the dev proxy is a separate process
// (`proxyCpuMs`).
import fs from "node:fs";
// The bench's own client: it sends an Origin wrangler's inspector proxy accepts (Node's WebSocket sends none).
import { LiteWebSocket } from "./ws-client.mjs";

class Inspector {
	constructor(url) {
		this.ws = new LiteWebSocket(url);
		this.id = 0;
		this.waiting = new Map();
		this.ws.addEventListener("message", (e) => {
			const msg = JSON.parse(e.data);
			const w = msg.id && this.waiting.get(msg.id);
			if (!w) return;
			this.waiting.delete(msg.id);
			if (msg.error) w.reject(new Error(`${msg.error.message}`));
			else w.resolve(msg.result);
		});
	}
	open() {
		return new Promise((resolve, reject) => {
			this.ws.addEventListener("open", resolve);
			this.ws.addEventListener("error", reject);
		});
	}
	call(method, params = {}) {
		const id = ++this.id;
		this.ws.send(JSON.stringify({ id, method, params }));
		return new Promise((resolve, reject) => this.waiting.set(id, { resolve, reject }));
	}
	close() {
		this.ws.close();
	}
}

/** Starts sampling the app's isolate; resolves to { stop(): Promise<profile> }, or null when unreachable. */
export async function startProfile(inspectorPort) {
	try {
		const list = await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json();
		const target = list.find((t) => t.webSocketDebuggerUrl) ?? null;
		if (!target) return null;
		const insp = new Inspector(target.webSocketDebuggerUrl);
		await insp.open();
		await insp.call("Debugger.enable");
		await insp.call("Profiler.enable");
		await insp.call("Profiler.setSamplingInterval", { interval: 500 });
		await insp.call("Profiler.start");
		return {
			async stop() {
				const { profile } = await insp.call("Profiler.stop");
				const scripts = new Map();
				for (const node of profile.nodes) {
					const { scriptId } = node.callFrame;
					if (scriptId && scriptId !== "0" && !scripts.has(scriptId)) {
						try {
							scripts.set(scriptId, (await insp.call("Debugger.getScriptSource", { scriptId })).scriptSource);
						} catch {
							scripts.set(scriptId, null);
						}
					}
				}
				insp.close();
				return { profile, scripts };
			},
		};
	} catch {
		return null;
	}
}

/** Per script, line number -> source module, from the bundle's `// src/x.ts` / `// node_modules/...` markers. */
function moduleLines(source) {
	const marks = [];
	if (!source) return marks;
	const lines = source.split("\n");
	for (let i = 0; i < lines.length; i++) {
		const m = /^\/\/ ((?:src|node_modules|\.\.\/|bench)[^\s]*\.[cm]?[jt]sx?)$/.exec(lines[i]);
		if (m) marks.push([i, m[1].replace(/^.*?(?=node_modules\/)/, "").replace(/^(\.\.\/)+.*?(?=src\/)/, "")]);
	}
	return marks;
}

function moduleAt(marks, line) {
	let lo = 0;
	let hi = marks.length - 1;
	let found = null;
	while (lo <= hi) {
		const mid = (lo + hi) >> 1;
		if (marks[mid][0] <= line) {
			found = marks[mid][1];
			lo = mid + 1;
		} else hi = mid - 1;
	}
	return found;
}

export function groupOf(module) {
	if (!module) return "other";
	if (/^src\/durable\/(ConversationRoom|room\/)/.test(module)) return "room";
	if (/^src\/durable\/UserHub/.test(module)) return "hub";
	if (/^src\/durable\//.test(module)) return "durable (shared)";
	if (/^src\/worker\//.test(module)) return "worker";
	if (/^src\/server\//.test(module)) return "server (shared)";
	if (/^src\/shared\//.test(module)) return "shared (schemas)";
	const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(module)?.[1];
	return pkg ? `lib ${pkg}` : "other";
}

/** Self time by group, by module and by function (ms), from a profile and its scripts' sources. */
export function summarise({ profile, scripts }) {
	const marksByScript = new Map([...scripts].map(([id, src]) => [id, moduleLines(src)]));
	const dt = new Map();
	for (let i = 0; i < profile.samples.length; i++) {
		const id = profile.samples[i];
		dt.set(id, (dt.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
	}
	const byGroup = {};
	const byModule = {};
	const byFunction = {};
	let total = 0;
	for (const node of profile.nodes) {
		const ms = dt.get(node.id) ?? 0;
		if (!ms) continue;
		const { functionName, scriptId, lineNumber } = node.callFrame;
		const special = /^\((program|garbage collector|idle|root)\)$/.test(functionName) ? functionName : null;
		if (special === "(idle)") continue;
		total += ms;
		const module = special ?? moduleAt(marksByScript.get(scriptId) ?? [], lineNumber) ?? "(runtime)";
		const group = special ?? (module === "(runtime)" ? "(runtime)" : groupOf(module));
		byGroup[group] = (byGroup[group] ?? 0) + ms;
		byModule[module] = (byModule[module] ?? 0) + ms;
		const fn = `${functionName || "(anonymous)"} ${module}:${lineNumber + 1}`;
		byFunction[fn] = (byFunction[fn] ?? 0) + ms;
	}
	const top = (o, n) =>
		Object.entries(o)
			.sort((a, b) => b[1] - a[1])
			.slice(0, n)
			.map(([k, v]) => [k, Math.round(v)]);
	return {
		profiledMs: Math.round(total),
		byGroup: top(byGroup, 20),
		byModule: top(byModule, 25),
		byFunction: top(byFunction, 30),
	};
}

export function writeProfile(file, data) {
	fs.writeFileSync(file, JSON.stringify(data.profile));
}
