// `npm start`: everything a fresh clone needs to run locally, then wrangler dev on :8787
// (API, sockets and the built UI from one origin; local D1, R2 and Durable Objects).
import { spawn } from "node:child_process";
import { DEMO_PASSWORD, DEMO_USERS, ensureDevVars, prepareLocalDatabase, run } from "./local-setup.mjs";

const port = process.env.PORT ?? "8787";
ensureDevVars();
prepareLocalDatabase();
run("npx", ["vite", "build"]);
console.log(`\nCampus Chat on http://localhost:${port}  (demo password: ${DEMO_PASSWORD})`);
for (const u of DEMO_USERS) console.log(`  ${u.email}  ${u.displayName}`);
const child = spawn("npx", ["wrangler", "dev", "--port", port, "--ip", "127.0.0.1"], {
	stdio: "inherit",
	env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code) => process.exit(code ?? 0));
