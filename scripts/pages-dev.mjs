// `npm run pages:dev`: the built UI on its own origin, as a Pages project serves it, with the API
// on another (by default `npm start`'s http://127.0.0.1:8787), to try the split deployment locally.
//
//   API_ORIGIN=http://127.0.0.1:8787 PAGES_PORT=8788 npm run pages:dev   # these are the defaults
//   npm run pages:dev -- --no-build                                        # serve dist/web as built
//   PAGES_DIST=/tmp/ui npm run pages:dev -- --no-build                     # serve another build
//
// It builds with VITE_API_ORIGIN=$API_ORIGIN (so dist/web/_headers allows that origin) and runs
// `wrangler pages dev` on a copy of dist/web outside the repository, with a `_worker.js` that
// only hands each request to the asset server (what wrangler's own no-Functions shim does).
// Without it wrangler looks for a config upwards from its shim, inside node_modules/wrangler, so
// from this repo it finds the Worker's wrangler.toml, fails on the Durable Object exports and
// hangs every request, wherever it is started. The copy is served as built (_headers, SPA
// fallback); the deployed project never gets the _worker.js.
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { quietEnv } from "./local-setup.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const apiOrigin = process.env.API_ORIGIN ?? "http://127.0.0.1:8787";
const port = process.env.PAGES_PORT ?? "8788";
const dist = resolve(process.env.PAGES_DIST ?? join(root, "dist/web"));
const wrangler = join(root, "node_modules/.bin/wrangler");

if (!process.argv.includes("--no-build")) {
	const built = spawnSync(
		join(root, "node_modules/.bin/vite"),
		["build", "--logLevel", "warn", "--outDir", dist, "--emptyOutDir"],
		{
			cwd: root,
			stdio: "inherit",
			env: { ...process.env, VITE_API_ORIGIN: apiOrigin },
		},
	);
	if (built.status !== 0) process.exit(built.status ?? 1);
}
if (!existsSync(join(dist, "index.html"))) {
	console.error(`${dist} has no index.html: run \`npm run build\` (with VITE_API_ORIGIN) first`);
	process.exit(1);
}

const cwd = mkdtempSync(join(tmpdir(), "campus-chat-pages-"));
cpSync(dist, join(cwd, "web"), { recursive: true });
writeFileSync(
	join(cwd, "web/_worker.js"),
	`export default {
	async fetch(request, env) {
		const response = await env.ASSETS.fetch(request.url, request);
		return new Response(response.body, response);
	},
};
`,
);
const compatibilityDate = /compatibility_date\s*=\s*"([^"]+)"/.exec(
	readFileSync(join(root, "wrangler.toml"), "utf8"),
)?.[1];
console.log(`Campus Chat UI on http://127.0.0.1:${port}, API at ${apiOrigin}`);
const child = spawn(
	wrangler,
	[
		"pages",
		"dev",
		"web",
		"--port",
		port,
		"--ip",
		"127.0.0.1",
		...(compatibilityDate ? ["--compatibility-date", compatibilityDate] : []),
		"--show-interactive-dev-session=false",
	],
	{ cwd, stdio: "inherit", env: { ...quietEnv, CI: process.env.CI ?? "" } },
);
const cleanUp = () => rmSync(cwd, { recursive: true, force: true });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code) => {
	cleanUp();
	process.exit(code ?? 0);
});
