// The web app (src/web) builds to static files in dist/web: the Worker serves them in local
// development (wrangler assets with SPA fallback) and a Pages project hosts them in production.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { build, defineConfig, type Plugin } from "vite";

const repoRoot = fileURLToPath(new URL(".", import.meta.url));

/** Files under a folder, as paths relative to it with forward slashes. */
function filesUnder(dir: string): string[] {
	return readdirSync(dir, { recursive: true, encoding: "utf8" })
		.filter((f) => statSync(join(dir, f)).isFile())
		.map((f) => f.split("\\").join("/"));
}

/**
 * The service worker (src/web/sw/sw.ts) is built after the app, on its own, as one classic
 * script at /sw.js (a worker at the root controls the whole app; a classic script needs no
 * module-worker support). It gets the list of built files to precache and a version hash of
 * their contents, so every build that changes a file installs a new worker and a new cache.
 */
function serviceWorker(): Plugin {
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
					sourcemap: true,
					lib: {
						entry: resolve(repoRoot, "src/web/sw/sw.ts"),
						formats: ["iife"],
						name: "campusChatServiceWorker",
						fileName: () => "sw.js",
					},
				},
			});
			console.log(
				`service worker: dist/${relative(resolve(outDir, ".."), outDir)}/sw.js, ${precache.length} files precached`,
			);
		},
	};
}

export default defineConfig({
	root: "src/web",
	// VITE_API_ORIGIN (default: same origin) is read from the repo's .env files or the environment.
	envDir: repoRoot,
	plugins: [react(), serviceWorker()],
	build: {
		outDir: "../../dist/web",
		emptyOutDir: true,
		sourcemap: true,
	},
	server: {
		proxy: {
			// `npm run dev` (wrangler) serves the API on 8787; the browser tests point this elsewhere.
			// A regex, so the module /api.ts is not proxied.
			"^/api/": { target: process.env.API_PROXY_TARGET ?? "http://localhost:8787", changeOrigin: true, ws: true },
		},
	},
});
