// Browser tests: `npm run test:e2e` (E2E_SKIP_BUILD=1 reuses dist/web, E2E_ONLY picks scenarios,
// E2E_TRACE=1 logs each page's API calls and socket frames, E2E_COLOR_SCHEME=dark runs them on a dark system). Builds the UI, starts the real app under wrangler dev with a
// fresh database, runs the scenarios in headless Chromium, always stops wrangler, and ends
// with "N passed, M failed".
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { featureScenarios } from "./feature-scenarios.mjs";
import { apiClient, buildWeb, checkSecurityHeaders, cspViolations, launchBrowser, ROOT, startApp } from "./harness.mjs";
import { inviteScenarios } from "./invite-scenarios.mjs";
import { mediaScenarios } from "./media-scenarios.mjs";
import { pinScenarios } from "./pin-scenarios.mjs";
import { pollScenarios } from "./poll-scenarios.mjs";
import { pwaScenarios } from "./pwa-scenarios.mjs";
import { scenarios } from "./scenarios.mjs";
import { splitScenarios } from "./split-scenarios.mjs";
import { themeScenarios } from "./theme-scenarios.mjs";
import { trustScenarios } from "./trust-scenarios.mjs";
import { writingScenarios } from "./writing-scenarios.mjs";

// E2E_ONLY="offline|phone" runs the scenarios whose names contain any of the parts.
const only = process.env.E2E_ONLY?.split("|").filter(Boolean);
let app;
let browser;
let passed = 0;
let failed = 0;

async function main() {
	mkdirSync(join(ROOT, "docs/screenshots"), { recursive: true });
	// Failure screenshots of this run only (the folder is git-ignored).
	rmSync(join(ROOT, "test/e2e/artifacts"), { recursive: true, force: true });
	mkdirSync(join(ROOT, "test/e2e/artifacts"), { recursive: true });
	if (!process.env.E2E_SKIP_BUILD) {
		console.log("building the UI (vite build)…");
		await buildWeb();
	}
	console.log("starting wrangler dev…");
	app = await startApp();
	console.log(`app at ${app.origin}`);
	await checkSecurityHeaders(app.origin);
	console.log("✓ security headers on the UI, no inline script");
	browser = await launchBrowser();
	const api = apiClient(app.origin);
	for (const scenario of [
		...scenarios,
		...featureScenarios,
		...pwaScenarios,
		...splitScenarios,
		...trustScenarios,
		...writingScenarios,
		...pollScenarios,
		...pinScenarios,
		...inviteScenarios,
		...themeScenarios,
		...mediaScenarios,
	]) {
		if (only && !only.some((part) => scenario.name.includes(part))) continue;
		const started = Date.now();
		const contexts = [];
		const ctx = { origin: app.origin, api, browser, contexts };
		try {
			await scenario.run(ctx);
			passed++;
			console.log(`✓ ${scenario.name} (${Date.now() - started} ms)`);
		} catch (error) {
			failed++;
			console.log(
				`✗ ${scenario.name}\n    ${String(error?.stack ?? error)
					.split("\n")
					.slice(0, 6)
					.join("\n    ")}`,
			);
			let i = 0;
			for (const c of contexts)
				for (const p of c.pages())
					await p
						.screenshot({
							path: join(ROOT, "test/e2e/artifacts", `${scenario.name.replace(/\W+/g, "-")}-${i++}.png`),
						})
						.catch(() => {});
		} finally {
			for (const c of contexts) await c.close().catch(() => {});
		}
	}
}

let exitCode = 0;
try {
	await main();
} catch (error) {
	console.error("setup failed:", error?.stack ?? error);
	failed++;
} finally {
	await browser?.close().catch(() => {});
	app?.stop();
}
if (cspViolations.length > 0) {
	console.log(`✗ ${cspViolations.length} Content-Security-Policy violation(s) reported by the pages`);
	failed++;
}
if (failed > 0) exitCode = 1;
console.log(`${passed} passed, ${failed} failed`);
process.exit(exitCode);
