// Fails when a folder under src/ imports one it must not: the layers depend one way only, so the
// Durable Objects never pull in HTTP routing and no two folders import each other.
//   shared  ← server ← durable ← worker      (web: shared, and types only from worker)
// Fails too on a cycle of value imports between files anywhere under src/, inside one folder as
// well: a module that needs another's export while that one needs its own is a circle a newcomer
// cannot read from one end (and whose evaluation order decides what is undefined). Type-only
// imports are left out: a room module takes the room's `RoomCore` as its parameter's type while
// the core calls the module, which is a context object, not a circle of code.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const allowed = {
	shared: [],
	server: ["shared"],
	durable: ["server", "shared"],
	worker: ["durable", "server", "shared"],
	web: ["shared", "worker:type"],
};

function* sources(dir) {
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) yield* sources(path);
		else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith(".d.ts")) yield path;
	}
}

const layerOf = (path) => relative(join(root, "src"), path).split(/[\\/]/)[0];

/** The file a relative import names (`./x` is x.ts, x.tsx or x/index.ts), or null for assets. */
function fileOf(from, spec) {
	const base = resolve(dirname(from), spec);
	for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, "index.ts"), join(base, "index.tsx")]) {
		if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
	}
	return null;
}

const problems = [];
/** Each source file's relative value imports, by file. */
const graph = new Map();
for (const file of sources(join(root, "src"))) {
	const from = layerOf(file);
	const text = readFileSync(file, "utf8");
	const deps = [];
	graph.set(file, deps);
	for (const match of text.matchAll(/^(?:import|export)\s+(type\s+)?[^;]*?from\s+"(\.[^"]+)"/gms)) {
		const target = fileOf(file, match[2]);
		if (target && !match[1]) deps.push(target);
		const to = layerOf(resolve(dirname(file), match[2]));
		if (to === from) continue;
		const rules = allowed[from] ?? [];
		if (rules.includes(to) || (match[1] && rules.includes(`${to}:type`))) continue;
		problems.push(`${relative(root, file)} imports ${match[2]} (src/${from} may not import src/${to})`);
	}
}

// Tarjan's strongly connected components: every component of more than one file is a cycle.
const order = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
function visit(file) {
	order.set(file, order.size);
	low.set(file, order.get(file));
	stack.push(file);
	onStack.add(file);
	for (const dep of graph.get(file) ?? []) {
		if (!order.has(dep)) {
			visit(dep);
			low.set(file, Math.min(low.get(file), low.get(dep)));
		} else if (onStack.has(dep)) low.set(file, Math.min(low.get(file), order.get(dep)));
	}
	if (low.get(file) !== order.get(file)) return;
	const component = [];
	for (let top = stack.pop(); ; top = stack.pop()) {
		onStack.delete(top);
		component.push(relative(root, top));
		if (top === file) break;
	}
	if (component.length > 1) problems.push(`import cycle: ${component.sort().join(", ")}`);
}
for (const file of graph.keys()) if (!order.has(file)) visit(file);

if (problems.length > 0) {
	console.error(`Folder dependencies broken:\n  ${problems.join("\n  ")}`);
	process.exit(1);
}
console.log("layers: src/shared <- src/server <- src/durable <- src/worker; no import cycle between files");
