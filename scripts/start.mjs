// `npm start`: everything a fresh clone needs to run locally, then wrangler dev on :8787, or on
// $PORT (API, sockets and the built UI from one origin; local D1, R2 and Durable Objects). The
// set-up steps print one line each (their whole output only if they fail); no network is used.
import { spawn } from "node:child_process";
import { DEMO_PASSWORD, DEMO_USERS, ensureDevVars, prepareLocalDatabase, quietEnv, run } from "./local-setup.mjs";

const port = process.env.PORT ?? "8787";
ensureDevVars();
prepareLocalDatabase();
run("npx", ["vite", "build", "--logLevel", "warn"], "UI build (dist/web)");
console.log(`\nCampus Chat on http://localhost:${port}  (demo password: ${DEMO_PASSWORD})`);
for (const u of DEMO_USERS) console.log(`  ${u.email}  ${u.displayName}`);
const child = spawn("npx", ["wrangler", "dev", "--port", port, "--ip", "127.0.0.1"], {
	stdio: "inherit",
	// Interactive (not CI), so wrangler's keyboard shortcuts work.
	env: { ...quietEnv, CI: process.env.CI ?? "" },
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code) => process.exit(code ?? 0));
