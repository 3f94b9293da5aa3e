// Lighthouse figures for docs/lighthouse.md: the sign-in page and the signed-in list, on a phone
// (Lighthouse's default mobile emulation) and a desktop (--preset=desktop), against a running app
// (`npm start`: http://127.0.0.1:8787, demo users). Lighthouse is not a dependency of the
// project; install it anywhere and point LIGHTHOUSE_CLI at its cli:
//
//   npm install --prefix /tmp/lh lighthouse
//   LIGHTHOUSE_CLI=/tmp/lh/node_modules/lighthouse/cli/index.js node scripts/lighthouse.mjs [origin]
//
// Lighthouse launches Chromium (CHROMIUM_PATH, default /usr/bin/chromium) on a profile of its
// own; for the signed-in runs the demo session is first put in that profile's localStorage
// (playwright-core) and Lighthouse is told not to clear it (--disable-storage-reset). Prints the
// four categories per run, every accessibility / best-practices / SEO audit that did not pass,
// and (signed in) how often the load asked for the conversation list. LIGHTHOUSE_KEEP=/tmp/lh/run
// keeps each JSON report (run-0.json … run-3.json).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const origin = (process.argv[2] ?? "http://127.0.0.1:8787").replace(/\/+$/, "");
const cli = process.env.LIGHTHOUSE_CLI;
if (!cli) {
	console.error("set LIGHTHOUSE_CLI to lighthouse's cli/index.js (npm install --prefix /tmp/lh lighthouse)");
	process.exit(1);
}
const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const work = mkdtempSync(join(tmpdir(), "campus-chat-lighthouse-"));
const profile = join(work, "profile");

async function signIn() {
	const res = await fetch(`${origin}/api/v1/auth/login`, {
		method: "POST",
		headers: { "content-type": "application/json" },
		body: JSON.stringify({ email: "asha@campus.test", password: "password123" }),
	});
	if (!res.ok) throw new Error(`demo login failed: ${res.status} (is \`npm start\` running at ${origin}?)`);
	const { token, user } = await res.json();
	const context = await chromium.launchPersistentContext(profile, { executablePath: chromiumPath, headless: true });
	const page = await context.newPage();
	await page.goto(`${origin}/`);
	await page.evaluate(
		(session) => localStorage.setItem("campus-chat.session", session),
		JSON.stringify({ token, user }),
	);
	await context.close();
}

const runs = [
	{ name: "sign-in, phone", signedIn: false, flags: [] },
	{ name: "sign-in, desktop", signedIn: false, flags: ["--preset=desktop"] },
	{ name: "signed in, phone", signedIn: true, flags: [] },
	{ name: "signed in, desktop", signedIn: true, flags: ["--preset=desktop"] },
];
try {
	for (const run of runs) {
		if (run.signedIn) await signIn();
		const out = process.env.LIGHTHOUSE_KEEP
			? `${process.env.LIGHTHOUSE_KEEP}-${runs.indexOf(run)}.json`
			: join(work, "report.json");
		const res = spawnSync(
			process.execPath,
			[
				cli,
				`${origin}/`,
				`--chrome-flags=--headless=new --no-sandbox --disable-gpu --user-data-dir=${profile}`,
				"--only-categories=performance,accessibility,best-practices,seo",
				"--output=json",
				`--output-path=${out}`,
				"--quiet",
				...(run.signedIn ? ["--disable-storage-reset"] : []),
				...run.flags,
			],
			{ encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, CHROME_PATH: chromiumPath } },
		);
		if (res.status !== 0) throw new Error(`lighthouse failed for ${run.name}:\n${res.stdout}${res.stderr}`);
		const report = JSON.parse(readFileSync(out, "utf8"));
		const score = (id) => Math.round((report.categories[id]?.score ?? 0) * 100);
		console.log(
			`${run.name}: performance ${score("performance")}, accessibility ${score("accessibility")}, best practices ${score("best-practices")}, SEO ${score("seo")}`,
		);
		const requests = report.audits["network-requests"]?.details?.items ?? [];
		const lists = requests.filter((r) => /\/api\/v1\/conversations\?/.test(r.url)).length;
		if (run.signedIn) console.log(`  signed in: GET /conversations?… requested ${lists} time(s) during the load`);
		for (const id of ["accessibility", "best-practices", "seo"]) {
			for (const ref of report.categories[id].auditRefs) {
				const audit = report.audits[ref.id];
				if (ref.weight > 0 && audit.score !== null && audit.score < 1)
					console.log(`  ${id}: ${audit.id}: ${audit.title}`);
			}
		}
	}
} finally {
	rmSync(work, { recursive: true, force: true });
}
