// Issue 25, the deployment the card describes, for real: the UI built with VITE_API_ORIGIN and
// served on its own origin by `npm run pages:dev` (wrangler pages dev, as Pages serves it), the
// API on another origin with APP_ENV=production, PUBLIC_ORIGIN and ALLOWED_ORIGINS. Two students
// chat live and send an image across the origins; the built _headers allow exactly that; the
// list is fetched once on load; then an admin suspends one with the README's SQL block run
// through `wrangler d1 execute --command`, and that student's sockets close (the time from the
// statement's `suspended_at` to the close is printed, a figure for docs/deploying.md, not an
// assertion). Every page is watched for CSP violations like any other scenario's.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
	apiClient,
	assert,
	DESKTOP,
	freePort,
	makePng,
	openAs,
	openChat,
	ROOT,
	row,
	sendText,
	startApp,
	until,
	waitForMessage,
} from "./harness.mjs";

const quiet = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", CI: "1" };

function filesUnder(dir) {
	return readdirSync(dir, { recursive: true, encoding: "utf8" });
}

/** The README's ```sql block after `**<title>`, under Moderation. */
function readmeStatement(title) {
	const readme = readFileSync(join(ROOT, "README.md"), "utf8");
	const section = readme.slice(readme.indexOf("## Moderation\n"));
	const block = /```sql\n([\s\S]*?)```/.exec(section.slice(section.indexOf(`**${title}`)))?.[1];
	if (!block) throw new Error(`README has no "${title}" block`);
	return block.trim();
}

/** `npm run pages:dev` on a build of our own: resolves once the UI answers. */
async function startPages(dist, port, apiOrigin) {
	const child = spawn(process.execPath, [join(ROOT, "scripts/pages-dev.mjs"), "--no-build"], {
		cwd: ROOT,
		env: { ...quiet, PAGES_DIST: dist, PAGES_PORT: String(port), API_ORIGIN: apiOrigin },
		detached: true,
		stdio: ["ignore", "pipe", "pipe"],
	});
	let log = "";
	child.stdout.on("data", (d) => (log += d));
	child.stderr.on("data", (d) => (log += d));
	const stop = () => {
		try {
			process.kill(-child.pid, "SIGTERM");
		} catch {}
	};
	const origin = `http://127.0.0.1:${port}`;
	const deadline = Date.now() + 90_000;
	while (Date.now() < deadline) {
		if (child.exitCode !== null) throw new Error(`pages:dev exited:\n${log}`);
		try {
			if ((await fetch(`${origin}/`)).ok) return { origin, stop };
		} catch {}
		await new Promise((r) => setTimeout(r, 300));
	}
	stop();
	throw new Error(`pages:dev did not answer:\n${log}`);
}

export const splitScenarios = [
	{
		name: "split origins: a Pages-hosted UI and a production API, live chat, an image, one list fetch, a suspension",
		async run(ctx) {
			const apiPort = await freePort(8795);
			const uiPort = await freePort(8796);
			const apiOrigin = `http://127.0.0.1:${apiPort}`;
			const uiOrigin = `http://127.0.0.1:${uiPort}`;
			const work = mkdtempSync(join(tmpdir(), "campus-chat-split-"));
			const dist = join(work, "web");
			let api;
			let pages;
			try {
				// The README's build step: VITE_API_ORIGIN writes the CSP; nothing is edited by hand.
				const built = spawnSync("npx", ["vite", "build", "--logLevel", "warn", "--outDir", dist, "--emptyOutDir"], {
					cwd: ROOT,
					env: { ...quiet, VITE_API_ORIGIN: apiOrigin },
					encoding: "utf8",
				});
				assert(built.status === 0, `vite build with VITE_API_ORIGIN: ${built.stdout}${built.stderr}`);
				const headers = readFileSync(join(dist, "_headers"), "utf8");
				const wsOrigin = apiOrigin.replace("http", "ws");
				assert(
					new RegExp(`connect-src 'self' ${apiOrigin} ${wsOrigin}(;|$)`, "m").test(headers),
					`connect-src has the API and its ws form: ${headers}`,
				);
				assert(new RegExp(`img-src 'self' data: blob: ${apiOrigin}(;|$)`, "m").test(headers), "img-src has the API");
				assert(!filesUnder(dist).some((f) => f.endsWith(".map")), "no source maps in the deployed folder");
				assert(existsSync(join(work, "sourcemaps")), "the source maps are kept beside it");

				api = await startApp({
					port: apiPort,
					vars: { APP_ENV: "production", PUBLIC_ORIGIN: apiOrigin, ALLOWED_ORIGINS: uiOrigin },
				});
				pages = await startPages(dist, uiPort, apiOrigin);
				const page0 = await fetch(`${uiOrigin}/`);
				assert(
					(page0.headers.get("content-security-policy") ?? "").includes(wsOrigin),
					"pages:dev serves the built _headers",
				);
				const robots = await fetch(`${uiOrigin}/robots.txt`);
				assert((await robots.text()).includes("User-agent"), "a real robots.txt, not index.html");
				// The API refuses other origins in production (CORS preflight from a stranger).
				const stranger = await fetch(`${apiOrigin}/api/v1/me`, {
					method: "OPTIONS",
					headers: { Origin: "http://127.0.0.1:1", "Access-Control-Request-Method": "GET" },
				});
				assert(
					stranger.headers.get("access-control-allow-origin") !== "http://127.0.0.1:1",
					"a stranger origin is not allowed",
				);

				const rest = apiClient(apiOrigin);
				const A = await rest.register("Sana Split");
				const B = await rest.register("Theo Split");
				await rest.direct(A, B);
				let listFetches = 0;
				const a = await openAs(ctx.browser, uiOrigin, A, DESKTOP, {
					setup: (context) =>
						context.on("request", (r) => {
							if (r.url().startsWith(`${apiOrigin}/api/v1/conversations?`) && r.method() === "GET") listFetches++;
						}),
				});
				ctx.contexts.push(a.context);
				const b = await openAs(ctx.browser, uiOrigin, B, DESKTOP);
				ctx.contexts.push(b.context);
				// B's sockets, to time the suspension's close as the browser sees it (the close event).
				const bSockets = [];
				b.page.on("websocket", (ws) => {
					const entry = { url: ws.url(), closedAt: 0 };
					bSockets.push(entry);
					ws.on("close", () => {
						entry.closedAt = Date.now();
					});
				});
				await a.page.getByRole("heading", { name: "Chats" }).waitFor();
				await openChat(a.page, "Theo Split");
				await openChat(b.page, "Sana Split");
				assert(listFetches === 1, `the list is fetched once on load (${listFetches})`);

				const sentAt = Date.now();
				await sendText(a.page, "across two origins");
				await waitForMessage(b.page, "across two origins");
				console.log(`    live message across origins: ${Date.now() - sentAt} ms`);
				await sendText(b.page, "and back");
				await waitForMessage(a.page, "and back");

				const png = await makePng();
				await a.page
					.locator('[data-testid="file-input"]')
					.setInputFiles({ name: "stripe.png", mimeType: "image/png", buffer: png });
				await a.page.locator('[data-testid="attachment-preview"]', { hasText: "stripe.png" }).waitFor();
				await a.page.getByRole("button", { name: "Send" }).click();
				const img = b.page.locator('[data-testid="message-image"]').first();
				await img.waitFor({ timeout: 15_000 });
				await until(
					() =>
						img.evaluate((el) => el.complete && el.naturalWidth === 24 && el.src.startsWith(location.origin) === false),
					"the image, served by the API's origin, loads in the UI's",
					15_000,
				);
				await row(b.page, "Sana Split").locator('[data-testid="row-preview"]', { hasText: "Photo" }).waitFor();

				// The admin suspends B with the README's block, as pasted into `--command "…"`.
				const sql = readmeStatement("Suspend a user").replace("student@campus.test", B.email);
				const ran = spawnSync(
					"npx",
					["wrangler", "d1", "execute", "DB", "--local", "--persist-to", api.persist, "--json", "--command", sql],
					{ cwd: ROOT, env: quiet, encoding: "utf8" },
				);
				assert(ran.status === 0, `wrangler d1 execute --command: ${ran.stdout}${ran.stderr}`);
				const returned = JSON.parse(ran.stdout)[0]?.results ?? [];
				assert(returned.length === 1 && returned[0].email === B.email, `RETURNING shows the row: ${ran.stdout}`);
				const suspendedAt = Date.parse(returned[0].suspended_at);
				const open = bSockets.filter((s) => !s.closedAt);
				assert(open.length >= 1, "B had sockets open");
				await until(() => open.every((s) => s.closedAt), "B's sockets close after the suspension", 20_000);
				const closes = open.map((s) => `${s.url.split("/api/v1")[1]?.split("?")[0]} ${s.closedAt - suspendedAt}`);
				console.log(`    suspension → close events in Chromium (ms after suspended_at): ${closes.join(", ")}`);
				await b.page
					.getByRole("button", { name: /sign in/i })
					.first()
					.waitFor({ timeout: 20_000 });
			} finally {
				pages?.stop();
				api?.stop();
				rmSync(work, { recursive: true, force: true });
			}
		},
	},
];
