// The web app (src/web) builds to static files in dist/web: the Worker serves them in local
// development (wrangler assets with SPA fallback) and a Pages project hosts them in production.
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { build, defineConfig, loadEnv, type Plugin } from "vite";

const repoRoot = fileURLToPath(new URL(".", import.meta.url));

/** Files under a folder, as paths relative to it with forward slashes. */
function filesUnder(dir: string): string[] {
	return readdirSync(dir, { recursive: true, encoding: "utf8" })
		.filter((f) => statSync(join(dir, f)).isFile())
		.map((f) => f.split("\\").join("/"));
}

/**
 * VITE_API_ORIGIN as an origin (scheme, host, port; nothing else), or "" for the same origin.
 * Anything else fails the build: a path or a typo would otherwise ship a UI that reaches nothing.
 */
export function apiOriginOf(value: string | undefined): string {
	const raw = (value ?? "").trim().replace(/\/+$/, "");
	if (raw === "") return "";
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		throw new Error(`VITE_API_ORIGIN must be an origin such as https://campus-chat.example.workers.dev, not "${raw}"`);
	}
	if (!["http:", "https:"].includes(url.protocol) || url.origin !== raw)
		throw new Error(`VITE_API_ORIGIN must be an origin (scheme://host[:port], no path), not "${raw}"`);
	return url.origin;
}

/**
 * The CSP of `_headers` for a UI whose API is at `apiOrigin`: the origin and its ws(s):// form
 * join `connect-src` (REST and both sockets), the origin joins `img-src` and `media-src` (signed
 * images and media are served by the API). Same origin ("") leaves the file as it is.
 */
export function headersFor(template: string, apiOrigin: string): string {
	if (apiOrigin === "") return template;
	const socketOrigin = apiOrigin.replace(/^http/, "ws");
	const add: Record<string, string[]> = {
		"connect-src": [apiOrigin, socketOrigin],
		"img-src": [apiOrigin],
		"media-src": [apiOrigin],
	};
	let csp = false;
	const lines = template.split("\n").map((line) => {
		const m = /^(\s*Content-Security-Policy:\s*)(.*)$/.exec(line);
		if (!m) return line;
		csp = true;
		const directives = (m[2] ?? "").split(";").map((d) => d.trim());
		for (const [name, sources] of Object.entries(add)) {
			const i = directives.findIndex((d) => d.split(/\s+/)[0] === name);
			if (i < 0) throw new Error(`_headers: the CSP has no ${name} to add the API origin to`);
			directives[i] = `${directives[i]} ${sources.join(" ")}`;
		}
		return `${m[1]}${directives.join("; ")}`;
	});
	if (!csp) throw new Error("_headers: no Content-Security-Policy line");
	return lines.join("\n");
}

/**
 * What ships in dist/web: `_headers` with the API's origin in the CSP, and no source maps (they
 * are built "hidden", without a sourceMappingURL, and moved to dist/sourcemaps for debugging, so
 * `wrangler deploy` and `wrangler pages deploy dist/web` never upload them).
 */
function finishDeployedAssets(outDir: string, apiOrigin: string): void {
	const headers = join(outDir, "_headers");
	writeFileSync(headers, headersFor(readFileSync(headers, "utf8"), apiOrigin));
	const maps = resolve(outDir, "../sourcemaps");
	rmSync(maps, { recursive: true, force: true });
	for (const f of filesUnder(outDir).filter((f) => f.endsWith(".map"))) {
		mkdirSync(dirname(join(maps, f)), { recursive: true });
		renameSync(join(outDir, f), join(maps, f));
	}
}

/**
 * The service worker (src/web/sw/sw.ts) is built after the app, on its own, as one classic
 * script at /sw.js (a worker at the root controls the whole app; a classic script needs no
 * module-worker support). It gets the list of built files to precache and a version hash of
 * their contents, so every build that changes a file installs a new worker and a new cache.
 */
function serviceWorker(apiOrigin: string): Plugin {
	let outDir = "";
	return {
		name: "campus-chat-service-worker",
		apply: "build",
		configResolved(config) {
			outDir = resolve(config.root, config.build.outDir);
		},
		async closeBundle() {
			const files = filesUnder(outDir).filter(
				(f) => !f.endsWith(".map") && f !== "sw.js" && !f.startsWith("_") && !f.startsWith("."),
			);
			const hash = createHash("sha256");
			for (const f of files.sort()) hash.update(f).update(readFileSync(join(outDir, f)));
			// index.html is fetched as "/": the asset server redirects /index.html, and a redirected
			// response cannot answer a page load.
			const precache = files.map((f) => (f === "index.html" ? "/" : `/${f}`));
			await build({
				configFile: false,
				logLevel: "warn",
				publicDir: false,
				define: {
					__PRECACHE__: JSON.stringify(precache),
					__SW_VERSION__: JSON.stringify(hash.digest("hex").slice(0, 16)),
				},
				build: {
					outDir,
					emptyOutDir: false,
					copyPublicDir: false,
					sourcemap: "hidden",
					lib: {
						entry: resolve(repoRoot, "src/web/sw/sw.ts"),
						formats: ["iife"],
						name: "campusChatServiceWorker",
						fileName: () => "sw.js",
					},
				},
			});
			finishDeployedAssets(outDir, apiOrigin);
			console.log(
				`service worker: dist/${relative(resolve(outDir, ".."), outDir)}/sw.js, ${precache.length} files precached; ` +
					`_headers for ${apiOrigin || "the same origin"}; source maps in dist/sourcemaps`,
			);
		},
	};
}

export default defineConfig(({ mode }) => ({
	root: "src/web",
	// VITE_API_ORIGIN (default: same origin) is read from the repo's .env files or the environment.
	envDir: repoRoot,
	plugins: [react(), serviceWorker(apiOriginOf(loadEnv(mode, repoRoot, "VITE_").VITE_API_ORIGIN))],
	build: {
		outDir: "../../dist/web",
		emptyOutDir: true,
		sourcemap: "hidden",
	},
	server: {
		proxy: {
			// `npm run dev` (wrangler) serves the API on 8787; the browser tests point this elsewhere.
			// A regex, so the module /api.ts is not proxied.
			"^/api/": { target: process.env.API_PROXY_TARGET ?? "http://localhost:8787", changeOrigin: true, ws: true },
		},
	},
}));
