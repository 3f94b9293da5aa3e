// Test harness for the browser tests: runs the real app under `wrangler dev` with a fresh local
// database, drives headless Chromium through playwright-core, and offers small helpers that
// wait on what a user would see (never fixed sleeps as assertions).
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { vapidKeyPair } from "../../scripts/local-setup.mjs";
import { encodePng } from "../../scripts/png.mjs";

export const ROOT = new URL("../../", import.meta.url).pathname;
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const CHROMIUM_ARGS = [
	"--headless",
	"--no-sandbox",
	"--disable-gpu",
	"--disable-background-networking",
	"--disable-component-update",
	"--disable-sync",
	"--disable-quic",
	"--no-first-run",
];

function run(cmd, args, opts = {}) {
	return new Promise((resolve, reject) => {
		const child = spawn(cmd, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], ...opts });
		let out = "";
		child.stdout.on("data", (d) => (out += d));
		child.stderr.on("data", (d) => (out += d));
		child.on("error", reject);
		child.on("exit", (code) =>
			code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(" ")} failed (${code}):\n${out}`)),
		);
	});
}

export async function buildWeb() {
	await run("npx", ["vite", "build"]);
}

export async function freePort(preferred) {
	const tryPort = (port) =>
		new Promise((resolve) => {
			const server = createServer();
			server.once("error", () => resolve(null));
			server.listen(port, "127.0.0.1", () => {
				const { port: got } = server.address();
				server.close(() => resolve(got));
			});
		});
	return (await tryPort(preferred)) ?? (await tryPort(0));
}

/**
 * Starts `wrangler dev` on a fresh persisted state; returns { origin, persist, stop }. `vars`
 * adds or overrides wrangler vars (e.g. APP_ENV, PUBLIC_ORIGIN, ALLOWED_ORIGINS), `port` picks it.
 */
export async function startApp({ vars = {}, port: wanted } = {}) {
	const persist = mkdtempSync(join(tmpdir(), "campus-chat-e2e-"));
	const env = {
		...process.env,
		WRANGLER_SEND_METRICS: "false",
		CLOUDFLARE_CF_FETCH_ENABLED: "false",
		NO_COLOR: "1",
		CI: "1",
	};
	await run("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local", "--persist-to", persist], {
		env,
	});
	const port = wanted ?? (await freePort(Number(process.env.E2E_PORT ?? 8791)));
	const secret = randomBytes(32).toString("hex");
	// A Web Push (VAPID) pair, so the push routes answer (as `npm start` writes one to .dev.vars).
	const vapid = vapidKeyPair();
	const child = spawn(
		"npx",
		[
			"wrangler",
			"dev",
			"--port",
			String(port),
			"--ip",
			"127.0.0.1",
			"--persist-to",
			persist,
			"--var",
			"RATE_LIMITS:off",
			"--var",
			`JWT_SECRET:${secret}`,
			"--var",
			`VAPID_PUBLIC_KEY:${vapid.publicKey}`,
			"--var",
			`VAPID_PRIVATE_KEY:${vapid.privateKey}`,
			...Object.entries(vars).flatMap(([name, value]) => ["--var", `${name}:${value}`]),
			"--show-interactive-dev-session=false",
		],
		{ cwd: ROOT, env, detached: true, stdio: ["ignore", "pipe", "pipe"] },
	);
	let log = "";
	child.stdout.on("data", (d) => (log += d));
	child.stderr.on("data", (d) => (log += d));
	const origin = `http://127.0.0.1:${port}`;
	let exited = false;
	child.on("exit", () => (exited = true));
	const stop = () => {
		try {
			process.kill(-child.pid, "SIGTERM");
		} catch {}
		setTimeout(() => {
			try {
				process.kill(-child.pid, "SIGKILL");
			} catch {}
		}, 2000).unref();
		try {
			rmSync(persist, { recursive: true, force: true });
		} catch {}
	};
	const deadline = Date.now() + 90_000;
	while (Date.now() < deadline) {
		if (exited) throw new Error(`wrangler dev exited early:\n${log}`);
		try {
			const res = await fetch(`${origin}/api/v1/health`);
			if (res.ok) return { origin, persist, stop, log: () => log };
		} catch {}
		await new Promise((r) => setTimeout(r, 300));
	}
	stop();
	throw new Error(`wrangler dev did not become healthy:\n${log}`);
}

/** The Vite dev server (React development build, so StrictMode double-runs effects) proxying to the app. */
export async function startViteDev(apiOrigin) {
	process.env.API_PROXY_TARGET = apiOrigin;
	const { createServer } = await import("vite");
	const port = await freePort(5179);
	const server = await createServer({
		configFile: join(ROOT, "vite.config.ts"),
		server: { port, host: "127.0.0.1", strictPort: true },
		logLevel: "error",
	});
	await server.listen();
	return { origin: `http://127.0.0.1:${port}`, close: () => server.close() };
}

/** `extraArgs`: flags one scenario needs (issue 23's voice notes: Chromium's fake microphone). */
export async function launchBrowser(extraArgs = []) {
	return chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, ...extraArgs], headless: true });
}

/** Chromium records from a fake microphone (a beep) and grants it without asking. */
export const FAKE_MEDIA_ARGS = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"];

/** A tiny REST client for setting up data the scenario is not about. */
export function apiClient(origin) {
	async function call(method, path, body, token) {
		const res = await fetch(`${origin}/api/v1${path}`, {
			method,
			headers: {
				...(body !== undefined ? { "content-type": "application/json" } : {}),
				...(token ? { authorization: `Bearer ${token}` } : {}),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await res.text();
		const json = text ? JSON.parse(text) : null;
		if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
		return json;
	}
	const runId = randomBytes(3).toString("hex");
	return {
		call,
		async register(displayName) {
			const email = `${displayName.toLowerCase().replace(/\W+/g, ".")}.${runId}@e2e.test`;
			const password = "password123";
			const { user, token } = await call("POST", "/auth/register", { email, password, displayName });
			return { user, token, email, password };
		},
		// Both open the chat, as two people who agreed to talk do: an empty direct chat is listed
		// only for those who opened it (the other sees it with its first message).
		direct: async (a, b) => {
			const created = await call("POST", "/conversations", { type: "direct", userId: b.user.id }, a.token);
			await call("POST", "/conversations", { type: "direct", userId: a.user.id }, b.token);
			return created;
		},
		group: (a, title, members) =>
			call("POST", "/conversations", { type: "group", title, memberIds: members.map((m) => m.user.id) }, a.token),
		send: (a, conversationId, text) =>
			call(
				"POST",
				`/conversations/${conversationId}/messages`,
				{ clientId: crypto.randomUUID(), kind: "text", text },
				a.token,
			),
	};
}

/**
 * Content-Security-Policy violations any page reported; run.mjs fails the run if there are any.
 * Three sources, since a violation need not print anything: the page's `securitypolicyviolation`
 * events (zod's caught eval probe fires one and logs nothing), the browser's issues (DevTools
 * Audits `contentSecurityPolicyIssue`), and console errors that name the CSP.
 */
export const cspViolations = [];

/** Reports every CSP violation of the context's pages into cspViolations; before any page opens. */
export async function watchCsp(context, who) {
	const report = (text) => {
		cspViolations.push(`${who}: ${text}`);
		console.error(`  [CSP ${who}]`, text);
	};
	await context.exposeBinding("__e2eCspViolation", (_source, text) => report(`event ${text}`));
	await context.addInitScript(() => {
		document.addEventListener("securitypolicyviolation", (e) => {
			const text = `${e.effectiveDirective} blocked ${e.blockedURI || "(inline)"} at ${e.sourceFile}:${e.lineNumber}`;
			/** @type {any} */ (window).__e2eCspViolation?.(text);
		});
	});
	const watchPage = async (page) => {
		page.on("console", (m) => {
			if (m.type() === "error" && m.text().includes("Content Security Policy")) report(`console ${m.text()}`);
		});
		try {
			const cdp = await context.newCDPSession(page);
			sessions.push(cdp);
			cdp.on("Audits.issueAdded", ({ issue }) => {
				if (issue.code !== "ContentSecurityPolicyIssue") return;
				const d = issue.details.contentSecurityPolicyIssueDetails ?? {};
				report(`issue ${d.contentSecurityPolicyViolationType} ${d.violatedDirective} ${d.blockedURL ?? ""}`);
			});
			await cdp.send("Audits.enable");
		} catch {}
	};
	// A second DevTools session on the page keeps Chromium's network up through
	// context.setOffline(true) (the offline scenario's reload then reaches the network), so the
	// issues watch stops there; the page's events still report everything after it.
	const sessions = [];
	const setOffline = context.setOffline.bind(context);
	context.setOffline = async (offline) => {
		if (offline) for (const s of sessions.splice(0)) await s.detach().catch(() => {});
		return setOffline(offline);
	};
	context.on("page", (page) => void watchPage(page));
}

/**
 * The UI's security headers (src/web/public/_headers), on the page and on an SPA route, and no
 * inline script in the served index.html (the CSP would block it).
 */
export async function checkSecurityHeaders(origin) {
	for (const path of ["/", "/some/spa/route"]) {
		const res = await fetch(`${origin}${path}`);
		const csp = res.headers.get("content-security-policy") ?? "";
		const problems = [];
		if (!/script-src 'self'(;|$)/.test(csp) || csp.includes("unsafe-inline")) problems.push(`CSP: ${csp || "none"}`);
		if (!csp.includes("frame-ancestors 'none'")) problems.push("no frame-ancestors 'none'");
		if (res.headers.get("x-content-type-options") !== "nosniff") problems.push("no nosniff");
		if (!res.headers.get("referrer-policy")) problems.push("no Referrer-Policy");
		const html = await res.text();
		if (/<script(?![^>]*\bsrc=)[^>]*>/i.test(html)) problems.push("an inline <script> in index.html");
		if (problems.length > 0) throw new Error(`security headers on ${path}: ${problems.join("; ")}`);
	}
}

/**
 * A browser context signed in as `account` (session injected into localStorage) at the given
 * viewport; `options.contextOptions` (e.g. touch) and `options.setup(context)` run before the first page.
 */
export async function openAs(browser, origin, account, viewport = { width: 1280, height: 800 }, options = {}) {
	// E2E_COLOR_SCHEME=dark runs every scenario on a dark system (issue 23.7: axe clean in both).
	const colorScheme = process.env.E2E_COLOR_SCHEME === "dark" ? { colorScheme: "dark" } : {};
	const context = await browser.newContext({ viewport, baseURL: origin, ...colorScheme, ...options.contextOptions });
	const who = account?.user.displayName ?? "anon";
	await watchCsp(context, who);
	await options.setup?.(context);
	if (account) {
		await context.addInitScript(
			([session]) => {
				if (!sessionStorage.getItem("e2e-session-set")) {
					localStorage.setItem("campus-chat.session", session);
					sessionStorage.setItem("e2e-session-set", "1");
				}
			},
			[JSON.stringify({ token: account.token, user: account.user })],
		);
	}
	const page = await context.newPage();
	page.on("pageerror", (e) => console.error(`  [page error ${who}]`, e.message));
	// E2E_TRACE=1 logs this page's API calls and socket frames, for debugging a failing scenario.
	if (process.env.E2E_TRACE) {
		page.on("response", (r) => {
			if (r.url().includes("/api/v1/"))
				console.log(`  [${who}] ${r.request().method()} ${r.url().split("/api/v1")[1]} → ${r.status()}`);
		});
		page.on("requestfailed", (r) => console.log(`  [${who}] FAILED ${r.method()} ${r.url().split("/api/v1")[1]}`));
		page.on("websocket", (ws) => {
			const name = ws.url().split("/api/v1")[1]?.split("?")[0];
			console.log(`  [${who}] ws open ${name}`);
			ws.on("framereceived", (f) =>
				console.log(`  [${who}] <- ${String(f.payload).slice(0, Number(process.env.E2E_TRACE_CHARS ?? 140))}`),
			);
			ws.on("framesent", (f) =>
				console.log(`  [${who}] -> ${String(f.payload).slice(0, Number(process.env.E2E_TRACE_CHARS ?? 140))}`),
			);
			ws.on("close", () => console.log(`  [${who}] ws closed ${name}`));
		});
	}
	await page.goto("/");
	return { context, page };
}

/** Where a scenario's screenshot for the README goes. */
export const shot = (name) => join(ROOT, "docs/screenshots", name);

/** Two registered people, "<a> Test" and "<b> Test". */
export async function pair(ctx, a = "Asha", b = "Ben") {
	const A = await ctx.api.register(`${a} Test`);
	const B = await ctx.api.register(`${b} Test`);
	return { A, B };
}

export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 800 };
// A phone is a touch screen: the layout and the touch-only behaviour (no hover, 44 px targets) follow.
export const PHONE_CONTEXT = { hasTouch: true, isMobile: true };

/** A scenario's signed-in page at a size (a phone gets touch), closed with the scenario; waits for the list. */
export async function open(ctx, account, viewport = DESKTOP, options = {}) {
	const result = await openAs(ctx.browser, ctx.origin, account, viewport, {
		...options,
		contextOptions: { ...(viewport === PHONE ? PHONE_CONTEXT : {}), ...options.contextOptions },
	});
	ctx.contexts.push(result.context);
	await result.page.getByRole("heading", { name: "Chats" }).waitFor();
	return result;
}

/** Polls until fn() returns truthy; throws with the message otherwise. */
export async function until(fn, message, timeout = 10_000) {
	const deadline = Date.now() + timeout;
	let last;
	while (Date.now() < deadline) {
		try {
			last = await fn();
			if (last) return last;
		} catch (e) {
			last = e;
		}
		await new Promise((r) => setTimeout(r, 100));
	}
	throw new Error(`Timed out: ${message}${last instanceof Error ? ` (${last.message})` : ""}`);
}

export function assert(condition, message) {
	if (!condition) throw new Error(`Assertion failed: ${message}`);
}

/** The conversation row in the list whose title matches. */
export function row(page, title) {
	return page
		.locator('[data-testid="conversation-row"]')
		.filter({ has: page.locator('[data-testid="row-title"]', { hasText: title }) });
}

export async function openChat(page, title) {
	await row(page, title).first().click();
	await page.locator("#chat-title", { hasText: title }).waitFor();
	await roomReady(page);
}

/** The open chat's live socket is connected (typing and receipts flow through it). */
export async function roomReady(page) {
	await page.locator('section[data-room="open"]').waitFor({ timeout: 15_000 });
}

/** Types and sends as a user of that screen would: Enter on a desktop, the Send button on a touch screen. */
export async function sendText(page, text) {
	const box = page.getByRole("textbox", { name: "Message" });
	await box.fill(text);
	if (await isTouch(page)) await page.getByRole("button", { name: "Send", exact: true }).tap();
	else await box.press("Enter");
}

export function isTouch(page) {
	return page.evaluate(() => matchMedia("(hover: none) and (pointer: coarse)").matches);
}

/** A tap on a touch screen, a click with a mouse: what that screen's user would do. */
export async function press(page, locator) {
	if (await isTouch(page)) await locator.tap();
	else await locator.click();
}

/**
 * A message's actions menu, opened as that screen's user would: a long press on a touch screen
 * (touch down, hold until the menu opens, lift: CDP touch events, as a finger would), hover and
 * the actions button with a mouse.
 */
export async function openMessageMenu(page, message) {
	await message.waitFor();
	if (await isTouch(page)) {
		const box = await message.locator('[data-testid="bubble"]').boundingBox();
		assert(box, "the bubble is on screen");
		const cdp = await page.context().newCDPSession(page);
		const point = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
		await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [point] });
		await page.getByRole("menu").waitFor({ timeout: 3000 });
		await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
		await cdp.detach();
	} else {
		await message.hover();
		await message.locator("[data-message-actions]").click();
	}
	const menu = page.getByRole("menu");
	await menu.waitFor();
	return menu;
}

/** Opens a chat from the list by tapping (phone) or clicking (desktop). */
export async function openChatBy(page, title) {
	const target = row(page, title).first();
	if (await isTouch(page)) await target.tap();
	else await target.click();
	await page.locator("#chat-title", { hasText: title }).waitFor();
	await roomReady(page);
}

/** The first message in the open chat whose text contains `text`. */
export function bubble(page, text) {
	return page
		.locator('[data-testid="message"]', { has: page.locator('[data-testid="message-text"]', { hasText: text }) })
		.first();
}

/** Visible message bubbles' texts in the open chat, in order. */
export async function messageTexts(page) {
	return page.locator('[data-testid="messages"] [data-mine] [data-testid="message-text"]').allInnerTexts();
}

export async function waitForMessage(page, text, timeout = 10_000) {
	await page
		.locator('[data-testid="messages"] [data-testid="message-text"]', { hasText: text })
		.first()
		.waitFor({ timeout });
}

/** A real PNG (24×16 unless told): indigo with a white stripe, encoded by scripts/png.mjs so it decodes in the browser. */
export async function makePng(width = 24, height = 16) {
	const pixels = Buffer.alloc(width * 3 * height);
	for (let y = 0; y < height; y++) {
		const stripe = y >= Math.floor((height * 6) / 16) && y < Math.floor((height * 10) / 16);
		for (let x = 0; x < width; x++) pixels.set(stripe ? [255, 255, 255] : [79, 70, 229], (y * width + x) * 3);
	}
	return encodePng({ width, height, colorType: 2, pixels });
}

/**
 * Injects axe-core and returns serious/critical violations. Evaluated through the DevTools
 * protocol rather than added as a <script> tag, which the UI's CSP (no inline script) blocks.
 */
export async function axeViolations(page) {
	await page.evaluate(readFileSync(join(ROOT, "node_modules/axe-core/axe.min.js"), "utf8"));
	const results = await page.evaluate(async () => {
		const axe = /** @type {any} */ (window).axe;
		const r = await axe.run(document, { resultTypes: ["violations"] });
		return r.violations.map((v) => ({
			id: v.id,
			impact: v.impact,
			help: v.help,
			nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
		}));
	});
	return results.filter((v) => v.impact === "serious" || v.impact === "critical");
}

/** Fails with the violations when axe finds anything serious or critical on the page. */
export async function assertAxeClean(page, where) {
	const violations = await axeViolations(page);
	assert(violations.length === 0, `axe on ${where}: ${JSON.stringify(violations)}`);
}

/**
 * Puts a proxy between the context's pages and the server's sockets that batches harder than the
 * server does: every server frame reaches the page inside `{ type: "batch" }`, several at a time;
 * frame types in `drop` never arrive. Returns the client frames the pages sent, for
 * counting receipts.
 */
export async function batchServerFrames(context, windowMs = 30, { drop = [] } = {}) {
	const sent = [];
	await context.routeWebSocket(/\/api\/v1\/.*(realtime|socket)/, (ws) => {
		const server = ws.connectToServer();
		let queue = [];
		let timer = null;
		const flush = () => {
			timer = null;
			if (queue.length === 0) return;
			const frames = queue;
			queue = [];
			try {
				ws.send(JSON.stringify({ type: "batch", data: frames }));
			} catch {}
		};
		ws.onMessage((message) => {
			const text = String(message);
			try {
				sent.push({ at: Date.now(), url: ws.url(), frame: JSON.parse(text) });
			} catch {}
			server.send(message);
		});
		server.onMessage((message) => {
			const text = String(message);
			// The exact-text pong is answered without the object, so it is never batched.
			if (text === '{"type":"pong"}') return ws.send(text);
			const frame = JSON.parse(text);
			// The server batches too: its batches are opened and re-batched, never nested.
			const frames = frame.type === "batch" ? frame.data : [frame];
			// Frames a v2 server would not send this user (e.g. presence of someone in a big group only).
			queue.push(...frames.filter((f) => !drop.includes(f.type)));
			if (!timer) timer = setTimeout(flush, windowMs);
		});
	});
	return sent;
}

/** The element's box lies inside the viewport (a menu that runs off a phone's edge fails this). */
export async function insideViewport(page, locator) {
	const box = await locator.boundingBox();
	const { width, height } = page.viewportSize();
	return (
		box !== null && box.x >= 0 && box.y >= 0 && box.x + box.width <= width + 0.5 && box.y + box.height <= height + 0.5
	);
}
