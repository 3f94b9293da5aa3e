// Issue 23: files, voice notes and forwarding, at desktop (mouse) and phone (touch) sizes. The voice
// scenarios run in their own Chromium with a fake microphone (FAKE_MEDIA_ARGS).
import {
	assert,
	bubble,
	FAKE_MEDIA_ARGS,
	isTouch,
	launchBrowser,
	open,
	openChatBy,
	openMessageMenu,
	PHONE,
	pair,
	roomReady,
	until,
} from "./harness.mjs";

const PDF = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");

/** The open chat's messages of this kind (file cards or voice players). */
function cards(page, testId) {
	return page.locator(`[data-testid="messages"] [data-testid="${testId}"]`);
}

/** Headers of a GET as the page would make it (same origin, no auth: the URL is signed). */
function headersOf(page, url) {
	return page.evaluate(async (u) => {
		const res = await fetch(u);
		return {
			status: res.status,
			disposition: res.headers.get("Content-Disposition"),
			type: res.headers.get("Content-Type"),
			nosniff: res.headers.get("X-Content-Type-Options"),
		};
	}, url);
}

/** Holds a finger on the element for `ms`, optionally sliding `slideX` px before letting go (CDP touch events). */
async function hold(page, locator, ms, slideX = 0) {
	const box = await locator.boundingBox();
	assert(box, "the element is on screen");
	const x = box.x + box.width / 2;
	const y = box.y + box.height / 2;
	const cdp = await page.context().newCDPSession(page);
	await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [{ x, y }] });
	await page.waitForTimeout(ms);
	if (slideX) {
		for (let dx = 20; dx <= Math.abs(slideX); dx += 20)
			await cdp.send("Input.dispatchTouchEvent", {
				type: "touchMove",
				touchPoints: [{ x: x - Math.sign(slideX) * dx, y }],
			});
	}
	await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
	await cdp.detach();
}

/** Forward → tick these chats → Forward, as the screen's user would (tap or click). */
async function forwardTo(page, message, titles) {
	const menu = await openMessageMenu(page, message);
	const touch = await isTouch(page);
	const item = menu.getByRole("menuitem", { name: "Forward" });
	if (touch) await item.tap();
	else await item.click();
	const dialog = page.getByRole("dialog", { name: "Forward to…" });
	await dialog.waitFor();
	for (const title of titles) {
		const box = dialog.getByRole("checkbox", { name: title });
		if (touch) await box.tap();
		else await box.check();
	}
	const go = dialog.getByRole("button", { name: "Forward", exact: true });
	if (touch) await go.tap();
	else await go.click();
	await until(async () => (await dialog.count()) === 0, "the dialog closes once forwarded");
}

export const mediaScenarios = [
	{
		name: "23.1 desktop → phone: a PDF goes with progress and Cancel, shows icon, name and size, and downloads under its name",
		async run(ctx) {
			const { A, B } = await pair(ctx, "Fenna", "Fabio");
			await ctx.api.direct(A, B);
			const a = await open(ctx, A);
			const b = await open(ctx, B, PHONE);
			await openChatBy(a.page, "Fabio Test");
			await openChatBy(b.page, "Fenna Test");

			// A type the chat does not take, and a 26 MB file, are refused before any upload.
			const uploads = [];
			a.page.on("request", (r) => {
				if (new URL(r.url()).pathname === "/api/v1/uploads") uploads.push(r.url());
			});
			const input = a.page.locator('[data-testid="document-input"]');
			await input.setInputFiles({ name: "page.html", mimeType: "text/html", buffer: Buffer.from("<b>hi</b>") });
			await a.page.getByRole("alert").filter({ hasText: "Only PDF, Word, Excel" }).waitFor();
			await input.setInputFiles({ name: "big.pdf", mimeType: "application/pdf", buffer: Buffer.alloc(26_000_000) });
			await a.page.getByRole("alert").filter({ hasText: "the limit is 25 MB" }).waitFor();
			assert(uploads.length === 0, `nothing was uploaded (${uploads.length})`);

			// An upload held in flight shows its progress and Cancel stops it: nothing arrives.
			let release;
			const held = new Promise((r) => {
				release = r;
			});
			await a.page.route("**/api/v1/uploads/local/**", async (route) => {
				await held;
				await route.continue().catch(() => {});
			});
			await input.setInputFiles({ name: "draft.pdf", mimeType: "application/pdf", buffer: PDF });
			await a.page.locator('[data-testid="document-preview"]', { hasText: "draft.pdf" }).waitFor();
			await a.page.getByRole("button", { name: "Send", exact: true }).click();
			const pending = a.page.locator('[data-testid="pending-attachment"]', { hasText: "draft.pdf" });
			await pending.locator('[data-testid="upload-progress"]').waitFor();
			await pending.getByRole("button", { name: "Cancel" }).click();
			await until(async () => (await pending.count()) === 0, "Cancel takes the upload away");
			release();
			await a.page.unroute("**/api/v1/uploads/local/**");

			// The real one.
			await input.setInputFiles({ name: "Lecture 3 – notes.pdf", mimeType: "application/pdf", buffer: PDF });
			await a.page.getByRole("textbox", { name: "Message" }).fill("For Friday");
			await a.page.getByRole("button", { name: "Send", exact: true }).click();
			const card = cards(b.page, "file-card").first();
			await card.waitFor({ timeout: 20_000 });
			assert(
				(await card.locator('[data-testid="file-name"]').innerText()) === "Lecture 3 – notes.pdf",
				"the name shows",
			);
			assert((await card.locator('[data-testid="file-size"]').innerText()) === `${PDF.byteLength} B`, "the size shows");
			assert((await card.innerText()).includes("PDF"), "the icon says PDF");
			assert((await cards(b.page, "file-card").count()) === 1, "the cancelled draft never arrived");
			await b.page
				.locator('[data-testid="messages"] [data-testid="message-text"]', { hasText: "For Friday" })
				.waitFor();

			// A tap downloads it under its name; the server says attachment and nosniff.
			const [download] = await Promise.all([
				b.page.waitForEvent("download"),
				card.locator('[data-testid="file-download"]').tap(),
			]);
			assert(
				download.suggestedFilename() === "Lecture 3 – notes.pdf",
				`download named ${download.suggestedFilename()}`,
			);
			const href = await card.locator('[data-testid="file-download"]').getAttribute("href");
			const got = await headersOf(b.page, href);
			assert(got.status === 200 && got.type === "application/pdf" && got.nosniff === "nosniff", JSON.stringify(got));
			assert(got.disposition?.startsWith('attachment; filename="Lecture 3 _ notes.pdf"'), got.disposition);
			// The PDF preview opens the browser's viewer in a new tab (inline, only for PDFs).
			const preview = await card.locator('[data-testid="file-preview"]').getAttribute("href");
			assert((await headersOf(b.page, preview)).disposition?.startsWith("inline;"), "the preview is inline");
			assert((await card.locator('[data-testid="file-preview"]').getAttribute("target")) === "_blank", "new tab");

			// The list's preview names the file.
			await b.page.getByRole("button", { name: "Back to conversations" }).tap();
			await b.page.getByText("📎 Lecture 3 – notes.pdf: For Friday").waitFor();
		},
	},
	{
		name: "23.2 voice notes: click to record on a desktop, hold on a phone, cancel by Escape or sliding away; play at 1.5x",
		async run(ctx) {
			const browser = await launchBrowser(FAKE_MEDIA_ARGS);
			try {
				const media = { ...ctx, browser };
				const { A, B } = await pair(ctx, "Vera", "Vik");
				await ctx.api.direct(A, B);
				const a = await open(media, A);
				const b = await open(media, B, PHONE);
				await openChatBy(a.page, "Vik Test");
				await openChatBy(b.page, "Vera Test");

				// Desktop: a click starts, Escape drops it.
				const mic = a.page.getByRole("button", { name: "Record voice note" });
				await mic.click();
				await a.page.locator('[data-testid="recording"]').waitFor();
				await a.page.waitForTimeout(600);
				await a.page.keyboard.press("Escape");
				await until(async () => (await a.page.locator('[data-testid="recording"]').count()) === 0, "Escape cancels");

				// A click starts, Send ends and sends it.
				await mic.click();
				await a.page.locator('[data-testid="recording"]').waitFor();
				await a.page.waitForTimeout(2200);
				await a.page.getByRole("button", { name: "Send voice note", exact: true }).click();
				const player = cards(b.page, "voice-player").first();
				await player.waitFor({ timeout: 20_000 });
				const length = await player.locator('[data-testid="voice-time"]').innerText();
				assert(/^0:0[2-4]$/.test(length), `the note is about 2 s long (${length})`);
				assert((await cards(a.page, "voice-player").count()) === 1, "Escape sent nothing");

				// Phone: play, then speed 1x → 1.5x.
				await player.getByRole("button", { name: /^Play voice note/ }).tap();
				await until(() => player.locator('[data-testid="voice-play"][data-playing]').count(), "the note plays", 10_000);
				await player.getByRole("button", { name: "Playback speed 1x" }).tap();
				await until(() => player.locator("audio").evaluate((el) => el.playbackRate === 1.5), "the audio plays at 1.5x");
				await player.getByRole("button", { name: "Playback speed 1.5x" }).waitFor();

				// Phone: holding records, sliding away cancels, letting go sends.
				const phoneMic = b.page.getByRole("button", { name: "Record voice note" });
				await hold(b.page, phoneMic, 1500, -120);
				await b.page.waitForTimeout(800);
				assert((await cards(a.page, "voice-player").count()) === 1, "the slid-away note was not sent");
				await hold(b.page, phoneMic, 1800);
				await until(async () => (await cards(a.page, "voice-player").count()) === 2, "the held note arrives", 20_000);
				await roomReady(a.page);
			} finally {
				await browser.close();
			}
		},
	},
	{
		name: "23.6 forward: a file from a desktop to two chats without a new upload, a text from a phone; both marked Forwarded",
		async run(ctx) {
			const { A, B } = await pair(ctx, "Fern", "Fox");
			const C = await ctx.api.register("Flo Test");
			await ctx.api.direct(A, B);
			await ctx.api.direct(A, C);
			await ctx.api.group(A, "Forward Club", [B, C]);
			const a = await open(ctx, A);
			await openChatBy(a.page, "Fox Test");
			await a.page
				.locator('[data-testid="document-input"]')
				.setInputFiles({ name: "timetable.pdf", mimeType: "application/pdf", buffer: PDF });
			await a.page.getByRole("textbox", { name: "Message" }).fill("New timetable");
			await a.page.getByRole("button", { name: "Send", exact: true }).click();
			const original = bubble(a.page, "New timetable");
			await original.locator('[data-testid="file-card"]').waitFor({ timeout: 20_000 });
			const uploads = [];
			a.page.on("request", (r) => {
				if (new URL(r.url()).pathname.startsWith("/api/v1/uploads")) uploads.push(r.url());
			});
			await forwardTo(a.page, original, ["Flo Test", "Forward Club"]);
			await a.page.getByText("Forwarded to 2 chats").waitFor();
			assert(uploads.length === 0, `no new upload (${uploads.length})`);

			// Flo, on a phone, sees it in both chats, marked, and downloads the same file.
			const c = await open(ctx, C, PHONE);
			await openChatBy(c.page, "Fern Test");
			const copy = bubble(c.page, "New timetable");
			await copy.locator('[data-testid="forwarded"]').waitFor({ timeout: 15_000 });
			const href = await copy.locator('[data-testid="file-download"]').getAttribute("href");
			const got = await headersOf(c.page, href);
			assert(got.status === 200 && got.disposition?.includes('filename="timetable.pdf"'), JSON.stringify(got));
			await c.page.getByRole("button", { name: "Back to conversations" }).tap();
			await openChatBy(c.page, "Forward Club");
			await bubble(c.page, "New timetable").locator('[data-testid="forwarded"]').waitFor({ timeout: 15_000 });

			// Flo forwards a text from the phone back to Fern.
			await c.page.getByRole("textbox", { name: "Message" }).fill("Room 4B, 9:00");
			await c.page.getByRole("button", { name: "Send", exact: true }).tap();
			const text = bubble(c.page, "Room 4B, 9:00");
			await until(async () => (await text.getAttribute("data-message-id")) !== null, "the text is sent");
			await forwardTo(c.page, text, ["Fern Test"]);
			await openChatBy(a.page, "Flo Test");
			await bubble(a.page, "Room 4B, 9:00").locator('[data-testid="forwarded"]').waitFor({ timeout: 15_000 });
		},
	},
];
