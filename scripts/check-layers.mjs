// Fails when a folder under src/ imports one it must not: the layers depend one way only, so the
// Durable Objects never pull in HTTP routing and no two folders import each other.
//   shared  ← server ← durable ← worker      (web: shared, and types only from worker)
import { readdirSync, readFileSync } from "node:fs";
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
const problems = [];
for (const file of sources(join(root, "src"))) {
	const from = layerOf(file);
	const text = readFileSync(file, "utf8");
	for (const match of text.matchAll(/^(?:import|export)\s+(type\s+)?[^;]*?from\s+"(\.[^"]+)"/gms)) {
		const to = layerOf(resolve(dirname(file), match[2]));
		if (to === from) continue;
		const rules = allowed[from] ?? [];
		if (rules.includes(to) || (match[1] && rules.includes(`${to}:type`))) continue;
		problems.push(`${relative(root, file)} imports ${match[2]} (src/${from} may not import src/${to})`);
	}
}
if (problems.length > 0) {
	console.error(`Folder dependencies broken:\n  ${problems.join("\n  ")}`);
	process.exit(1);
}
console.log("layers: src/shared <- src/server <- src/durable <- src/worker, no cycle");
