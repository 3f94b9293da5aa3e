// The web app (src/web) builds to static files in dist/web: the Worker serves them in local
// development (wrangler assets with SPA fallback) and a Pages project hosts them in production.
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const repoRoot = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
	root: "src/web",
	// VITE_API_ORIGIN (default: same origin) is read from the repo's .env files or the environment.
	envDir: repoRoot,
	plugins: [react()],
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
