// Issue 22, part B (writing, layers that close one at a time, small screens): one scenario per
// item at the size where it happened (desktop 1280×800 with a mouse, phone 390×844 with touch).
import {
	assert,
	axeViolations,
	bubble,
	makePng,
	open,
	openChat,
	openChatBy,
	PHONE,
	sendText,
	until,
	waitForMessage,
} from "./harness.mjs";

/** The New message dialog, opened from the list header. */
async function openNewMessage(page) {
	await page.getByRole("button", { name: "New message" }).first().click();
	const dialog = page.getByRole("dialog", { name: "New message" });
	await dialog.waitFor();
	return dialog;
}

/** The service worker is active and controls the page (so a reload works offline). */
async function controlled(page) {
	await until(
		() => page.evaluate(() => navigator.serviceWorker.controller?.scriptURL ?? null),
		"the service worker controls the page",
		30_000,
	);
}

/** The element is inside the message list's visible part. */
function inView(page, locator) {
	return locator.evaluate((el) => {
		const list = el.closest('[data-testid="messages"]')?.getBoundingClientRect();
		const box = el.getBoundingClientRect();
		return Boolean(list) && box.top >= list.top - 1 && box.bottom <= list.bottom + 1;
	});
}

/** The open chat's title, or null on the list. */
function chatTitle(page) {
	return page.evaluate(() => document.querySelector("#chat-title")?.textContent ?? null);
}

export const writingScenarios = [
	{
		name: "22.11 desktop: Escape closes the confirmation inside Group info alone, then Group info, then the chat",
		async run(ctx) {
			const A = await ctx.api.register("Lyra Test");
			const B = await ctx.api.register("Lowe Test");
			await ctx.api.group(A, "Layer Club", [B]);
			const { page } = await open(ctx, A);
			await openChat(page, "Layer Club");
			await page.getByRole("button", { name: "Group info", exact: true }).click();
			const info = page.getByRole("dialog", { name: /Layer Club|Group info/ });
			await info.getByRole("button", { name: "Leave group" }).click();
			const confirm = page.getByRole("alertdialog");
			await confirm.waitFor();
			await page.keyboard.press("Escape");
			await until(async () => (await confirm.count()) === 0, "Escape closes the confirmation");
			await page.waitForTimeout(300);
			assert(await info.isVisible(), "Group info is still open");
			assert((await chatTitle(page))?.startsWith("Layer Club"), "and the chat");
			await page.keyboard.press("Escape");
			await until(async () => (await info.count()) === 0, "the next Escape closes Group info");
			await page.waitForTimeout(300);
			assert((await chatTitle(page))?.startsWith("Layer Club"), "the chat stays open");
			await page.keyboard.press("Escape");
			await until(async () => (await chatTitle(page)) === null, "the third Escape closes the chat");
		},
	},
	{
		name: "22.11 phone: Back with the full-size photo open closes the photo and stays in the chat",
		async run(ctx) {
			const A = await ctx.api.register("Bryn Test");
			const B = await ctx.api.register("Bela Test");
			await ctx.api.direct(A, B);
			const { page } = await open(ctx, A, PHONE);
			await openChatBy(page, "Bela Test");
			await page
				.locator('[data-testid="file-input"]')
				.setInputFiles({ name: "board.png", mimeType: "image/png", buffer: await makePng(320, 200) });
			await page.getByRole("textbox", { name: "Message" }).fill("The whiteboard");
			await page.getByRole("button", { name: "Send", exact: true }).tap();
			await waitForMessage(page, "The whiteboard", 20_000);
			const message = bubble(page, "The whiteboard");
			await message.locator('[data-testid="message-image"]').waitFor({ timeout: 15_000 });
			await message.getByRole("button", { name: /open full size/ }).tap();
			const viewer = page.getByRole("dialog", { name: "Photo from you" });
			await viewer.waitFor();
			await page.goBack();
			await until(async () => (await viewer.count()) === 0, "Back closes the photo");
			await page.waitForTimeout(400);
			assert((await chatTitle(page)) === "Bela Test", `still in the chat (${await chatTitle(page)})`);
			// The photo again, closed with its own button: the next Back leaves the chat, not a stale entry.
			await message.getByRole("button", { name: /open full size/ }).tap();
			await viewer.waitFor();
			await viewer.getByRole("button", { name: "Close" }).tap();
			await until(async () => (await viewer.count()) === 0, "Close closes the photo");
			await page.waitForTimeout(300);
			await page.goBack();
			await until(async () => (await chatTitle(page)) === null, "then Back goes to the list");
			await page.getByRole("heading", { name: "Chats" }).waitFor();
		},
	},
	{
		name: "22.13 desktop: a one-letter people search asks for a second letter and calls no API",
		async run(ctx) {
			const A = await ctx.api.register("Isolde Test");
			await ctx.api.register("Ivanka Test");
			const { page } = await open(ctx, A);
			const searches = [];
			page.on("request", (r) => {
				if (new URL(r.url()).pathname === "/api/v1/users") searches.push(r.url());
			});
			const dialog = await openNewMessage(page);
			await dialog.getByRole("searchbox").fill("I");
			await dialog.getByText("Type at least 2 letters").waitFor();
			// Longer than the search's debounce: still no call, and no "Search failed".
			await page.waitForTimeout(600);
			assert(searches.length === 0, `no /users call for one letter (${searches.join(", ")})`);
			assert((await dialog.getByText("Search failed").count()) === 0, "no failure shown");
			await dialog.getByRole("searchbox").fill("Iva");
			await dialog.getByText("Ivanka Test").waitFor();
			assert(searches.length === 1, `two letters search (${searches.length} calls)`);
		},
	},
	{
		name: "22.10 desktop: a plain www. address becomes a safe link",
		async run(ctx) {
			const A = await ctx.api.register("Wilma Test");
			const B = await ctx.api.register("Wade Test");
			const { conversation } = await ctx.api.direct(A, B);
			await ctx.api.send(B, conversation.id, "Notes are at www.example.edu/notes, see you there");
			const { page } = await open(ctx, A);
			await openChat(page, "Wade Test");
			const link = bubble(page, "Notes are at").getByRole("link", { name: "www.example.edu/notes" });
			await link.waitFor();
			assert((await link.getAttribute("href")) === "https://www.example.edu/notes", "opens as https");
			assert((await link.getAttribute("target")) === "_blank", "in a new tab");
			assert((await link.getAttribute("rel")) === "noopener noreferrer", "without opener or referrer");
		},
	},
	{
		name: "22.9 desktop: a group name at its limit says so, while typing and when renaming",
		async run(ctx) {
			const A = await ctx.api.register("Gala Test");
			const B = await ctx.api.register("Gideon Test");
			const C = await ctx.api.register("Greta Test");
			const { page } = await open(ctx, A);
			const dialog = await openNewMessage(page);
			for (const name of ["Gideon Test", "Greta Test"]) {
				await dialog.getByRole("searchbox").fill(name);
				await dialog.getByRole("button", { name: new RegExp(name) }).click();
			}
			const field = dialog.getByLabel("Group name");
			const hint = dialog.getByTestId("length-hint");
			await field.fill("x".repeat(50));
			assert((await hint.textContent()) === "", "far from the limit nothing shows");
			await field.fill("x".repeat(110));
			await dialog.getByText("10 of 120 characters left").waitFor();
			await field.fill("y".repeat(130));
			assert((await field.inputValue()).length === 120, "the field stops at 120");
			await dialog.getByText("That's the limit: 120 characters").waitFor();
			const found = await axeViolations(page);
			assert(found.length === 0, `axe: ${JSON.stringify(found, null, 1)}`);
			await field.fill("Short club");
			await dialog.getByRole("button", { name: "Create group" }).click();
			await page.locator("#chat-title", { hasText: "Short club" }).waitFor();
			await page.getByRole("button", { name: "Group info", exact: true }).click();
			const info = page.getByRole("dialog");
			await info.getByRole("button", { name: "Rename group" }).click();
			await info.getByLabel("Group name").fill("z".repeat(140));
			await info.getByText("That's the limit: 100 characters").waitFor();
			assert(B.user.id && C.user.id, "both exist");
		},
	},
	{
		name: "22.18 desktop: a refused push subscription is explained in plain words",
		async run(ctx) {
			const A = await ctx.api.register("Priya Test");
			// Permission given, but headless Chromium has no push service: subscribe() fails with
			// "Registration failed - permission denied", as the student's browser did.
			const { page, context } = await open(ctx, A);
			await context.grantPermissions(["notifications"], { origin: ctx.origin });
			await until(
				() => page.evaluate(async () => Boolean(await navigator.serviceWorker.getRegistration("/"))),
				"the service worker is registered",
			);
			await page.getByRole("button", { name: "Settings" }).click();
			const settings = page.getByRole("dialog", { name: "Settings" });
			const toggle = settings.getByRole("switch", { name: /Message notifications/ });
			await until(async () => !(await toggle.isDisabled()), "the switch is ready");
			if (await toggle.isChecked()) await toggle.click();
			await until(async () => !(await toggle.isChecked()), "off");
			await toggle.click();
			// The browser's refusal ("permission denied") or its push service failing: either way, what to do.
			const note = settings
				.getByRole("status")
				.filter({ hasText: /(allow notifications|allowed) for this site in your browser's settings/ });
			await note.waitFor();
			const text = await settings.textContent();
			assert(!/Registration failed|permission denied|off and on again…/u.test(text), `no raw browser error: ${text}`);
		},
	},
	{
		name: "22.19 phone: sign-in says whom to ask for a forgotten password; Settings changes it and keeps this device signed in",
		async run(ctx) {
			const A = await ctx.api.register("Cora Test");
			const other = await ctx.api.call("POST", "/auth/login", { email: A.email, password: A.password });
			const signedOut = await ctx.browser.newContext({
				viewport: PHONE,
				hasTouch: true,
				isMobile: true,
				baseURL: ctx.origin,
			});
			ctx.contexts.push(signedOut);
			const login = await signedOut.newPage();
			await login.goto("/");
			await login.getByRole("button", { name: "Forgot your password?" }).tap();
			const help = login.getByTestId("forgot-help");
			await help.waitFor();
			assert(/Ask the person who runs Campus Chat/u.test(await help.textContent()), "says whom to ask");
			const forgotBox = await login.getByRole("button", { name: "Forgot your password?" }).boundingBox();
			assert(forgotBox && forgotBox.height >= 44, `the link is a 44 px target (${forgotBox?.height})`);
			const found = await axeViolations(login);
			assert(found.length === 0, `axe on sign-in: ${JSON.stringify(found, null, 1)}`);

			const { page } = await open(ctx, A, PHONE);
			await page.getByRole("button", { name: "Settings" }).tap();
			const settings = page.getByRole("dialog", { name: "Settings" });
			await settings.getByRole("button", { name: "Change password…" }).tap();
			await settings.getByLabel("Current password").fill("not my password");
			await settings.getByLabel("New password").fill("a brand new secret");
			await settings.getByRole("button", { name: "Change password", exact: true }).tap();
			await settings.getByRole("alert").filter({ hasText: "isn't your current password" }).waitFor();
			assert(await settings.isVisible(), "a wrong current password does not sign me out");
			await settings.getByLabel("Current password").fill(A.password);
			await settings.getByRole("button", { name: "Change password", exact: true }).tap();
			await settings.getByRole("status").filter({ hasText: "Password changed" }).waitFor();
			assert((await axeViolations(page)).length === 0, "axe on Settings");
			await settings.getByRole("button", { name: "Close" }).tap();
			await page.getByRole("heading", { name: "Chats" }).waitFor();
			const me = await fetch(`${ctx.origin}/api/v1/me`, { headers: { authorization: `Bearer ${other.token}` } });
			assert(me.status === 401, `the other device is signed out (${me.status})`);
			await ctx.api.call("POST", "/auth/login", { email: A.email, password: "a brand new secret" });
		},
	},
	{
		name: "22.7 and 22.12 desktop: the composer's emoji button, search by name, arrows and Enter, focus back in the composer",
		async run(ctx) {
			const A = await ctx.api.register("Emrys Test");
			const B = await ctx.api.register("Eulalie Test");
			const { conversation } = await ctx.api.direct(A, B);
			await ctx.api.send(B, conversation.id, "Pizza tonight?");
			const { page } = await open(ctx, A);
			await openChat(page, "Eulalie Test");
			const box = page.getByRole("textbox", { name: "Message" });
			await box.fill("Yes ");
			await page.getByRole("button", { name: "Emoji", exact: true }).click();
			const picker = page.getByRole("dialog", { name: "Choose an emoji" });
			await picker.waitFor();
			await page.keyboard.type("pizza");
			const grid = picker.getByRole("grid");
			await until(async () => (await grid.locator("[data-emoji]").count()) === 1, "one emoji is named pizza");
			await page.keyboard.press("ArrowDown");
			assert((await page.evaluate(() => document.activeElement?.dataset.emoji)) === "🍕", "ArrowDown enters the grid");
			await page.keyboard.press("Enter");
			await until(async () => (await picker.count()) === 0, "picking closes the picker");
			await until(
				() => page.evaluate(() => document.activeElement?.id.startsWith("composer-")),
				"the focus is back in the composer",
			);
			assert((await box.inputValue()) === "Yes 🍕", `the emoji went in at the caret (${await box.inputValue()})`);
			await page.keyboard.type("!");
			assert((await box.inputValue()) === "Yes 🍕!", "and typing goes on after it");
			// The grid is one Tab stop, and the arrows walk it by rows of seven.
			await page.getByRole("button", { name: "Emoji", exact: true }).click();
			await picker.waitFor();
			const tabStops = await grid.evaluate(
				(el) => [...el.querySelectorAll("button")].filter((b) => b.tabIndex === 0).length,
			);
			assert(tabStops === 1, `one Tab stop in the grid (${tabStops})`);
			await grid.locator('[data-index="0"]').focus();
			await page.keyboard.press("ArrowRight");
			await page.keyboard.press("ArrowDown");
			assert((await page.evaluate(() => document.activeElement?.dataset.index)) === "8", "right then down is cell 8");
			const found = await axeViolations(page);
			assert(found.length === 0, `axe on the picker: ${JSON.stringify(found, null, 1)}`);
			await page.keyboard.press("Escape");
			await until(async () => (await picker.count()) === 0, "Escape closes the picker");
			await page.waitForTimeout(300);
			assert((await chatTitle(page)) === "Eulalie Test", "and only the picker");
			await until(
				() => page.evaluate(() => document.activeElement?.id.startsWith("composer-")),
				"the focus is back in the composer",
			);
		},
	},
	{
		name: "22.12 desktop: after a pick in the reaction picker the focus is back on that message's actions",
		async run(ctx) {
			const A = await ctx.api.register("Rafe Test");
			const B = await ctx.api.register("Rina Test");
			const { conversation } = await ctx.api.direct(A, B);
			await ctx.api.send(B, conversation.id, "Exam moved to Friday");
			await ctx.api.send(B, conversation.id, "Exam room is B12");
			const { page } = await open(ctx, A);
			await openChat(page, "Rina Test");
			await waitForMessage(page, "Exam room is B12");
			const first = bubble(page, "Exam moved to Friday").locator("[data-message-actions]");
			const second = bubble(page, "Exam room is B12").locator("[data-message-actions]");
			const names = [await first.getAttribute("aria-label"), await second.getAttribute("aria-label")];
			assert(names[0] !== names[1], `two messages in a minute have different names: ${names.join(" / ")}`);
			assert(names[0]?.includes("Exam moved to Friday"), `the name has the text: ${names[0]}`);
			await first.focus();
			await page.keyboard.press("Enter");
			await page.getByRole("menu").waitFor();
			await page.getByRole("menuitem", { name: "More reactions" }).click();
			const picker = page.getByRole("dialog", { name: "Choose a reaction" });
			await picker.waitFor();
			await page.keyboard.type("party");
			await page.keyboard.press("Enter");
			await until(async () => (await picker.count()) === 0, "Enter picks the first match");
			await bubble(page, "Exam moved to Friday").locator('[data-emoji="🥳"]').waitFor();
			await until(
				() => page.evaluate(() => document.activeElement?.getAttribute("aria-label")?.includes("Exam moved to Friday")),
				"the focus is on that message's actions button",
			);
		},
	},
	{
		name: "22.7 phone: the emoji button is a 44 px target and a tapped emoji lands in the message",
		async run(ctx) {
			const A = await ctx.api.register("Tova Test");
			const B = await ctx.api.register("Tobin Test");
			await ctx.api.direct(A, B);
			const { page } = await open(ctx, A, PHONE);
			await openChatBy(page, "Tobin Test");
			const button = page.getByRole("button", { name: "Emoji", exact: true });
			const size = await button.boundingBox();
			assert(size && size.width >= 44 && size.height >= 44, `44 px (${size?.width}×${size?.height})`);
			await button.tap();
			const picker = page.getByRole("dialog", { name: "Choose an emoji" });
			await picker.getByRole("button", { name: "Food" }).tap();
			await picker.locator('[data-emoji="🍕"]').tap();
			await until(async () => (await picker.count()) === 0, "the picker closes");
			assert(
				(await page.getByRole("textbox", { name: "Message" }).inputValue()) === "🍕",
				"the emoji is in the message",
			);
			await page.getByRole("button", { name: "Send", exact: true }).tap();
			await waitForMessage(page, "🍕");
			const wide = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
			assert(!wide, "no sideways overflow");
		},
	},
	{
		name: "22.12 desktop: arrow keys and Enter move into the results of New message and Search",
		async run(ctx) {
			const A = await ctx.api.register("Kalinda Test");
			const B = await ctx.api.register("Kasimir Test");
			const { conversation } = await ctx.api.direct(A, B);
			await ctx.api.send(B, conversation.id, "the lab report is due monday");
			await ctx.api.send(B, conversation.id, "lunch first?");
			const { page } = await open(ctx, A);
			const dialog = await openNewMessage(page);
			await page.keyboard.type("Kasimir");
			const person = dialog.getByRole("button", { name: /Kasimir Test/ });
			await person.waitFor();
			await page.keyboard.press("ArrowDown");
			assert(await person.evaluate((el) => el === document.activeElement), "ArrowDown reaches the person found");
			await page.keyboard.press("Enter");
			await dialog.getByRole("button", { name: "Remove Kasimir Test" }).waitFor();
			await page.keyboard.press("ArrowUp");
			assert(
				await dialog.getByRole("searchbox").evaluate((el) => el === document.activeElement),
				"ArrowUp goes back to the box",
			);
			// In a search box with text, the browser's Escape first empties it; the next closes the dialog.
			await page.keyboard.press("Escape");
			await page.waitForTimeout(200);
			if ((await dialog.count()) > 0) {
				assert((await dialog.getByRole("searchbox").inputValue()) === "", "the first Escape empties the box");
				await page.keyboard.press("Escape");
			}
			await until(async () => (await dialog.count()) === 0, "Escape closes New message");
			// Search: type, ArrowDown to the result, Enter opens the chat at it.
			await page.getByRole("button", { name: "Search messages" }).click();
			const search = page.getByRole("dialog", { name: "Search messages" });
			await search.waitFor();
			await page.keyboard.type("lab report");
			const result = search.getByTestId("search-result").first();
			await result.waitFor();
			await page.keyboard.press("ArrowDown");
			assert(await result.evaluate((el) => el === document.activeElement), "ArrowDown reaches the first result");
			await page.keyboard.press("Enter");
			await until(async () => (await search.count()) === 0, "Enter opens it");
			await page.locator("#chat-title", { hasText: "Kasimir Test" }).waitFor();
			await waitForMessage(page, "the lab report is due monday");
		},
	},
	{
		name: "22.15 phone: Read by closes on Escape, on scroll and on a tap outside, and never covers the reactions",
		async run(ctx) {
			const A = await ctx.api.register("Rosalind Test");
			const B = await ctx.api.register("Rolf Test");
			const C = await ctx.api.register("Ruth Test");
			const g = await ctx.api.group(A, "Reading Room", [B, C]);
			for (let i = 1; i <= 14; i++) await ctx.api.send(B, g.conversation.id, `earlier line ${i}`);
			const { message } = await ctx.api.send(A, g.conversation.id, "Who has read this?");
			await ctx.api.call("PUT", `/messages/${message.id}/reactions/${encodeURIComponent("👍")}`, undefined, B.token);
			for (const member of [B, C])
				await ctx.api.call("POST", `/conversations/${g.conversation.id}/read`, {}, member.token);
			const { page } = await open(ctx, A, PHONE);
			await openChatBy(page, "Reading Room");
			const mine = bubble(page, "Who has read this?");
			const readBy = mine.getByRole("button", { name: "Read by 2" });
			await readBy.waitFor({ timeout: 15_000 });
			await mine.locator('[data-emoji="👍"]').waitFor();
			const popover = page.locator('[data-testid="read-by-list"]');
			const closed = () => until(async () => (await popover.count()) === 0, "Read by closes", 5000);

			await readBy.tap();
			await popover.waitFor();
			const list = await popover.boundingBox();
			const chips = await mine.locator('[data-emoji="👍"]').boundingBox();
			const overlaps =
				list &&
				chips &&
				list.x < chips.x + chips.width &&
				chips.x < list.x + list.width &&
				list.y < chips.y + chips.height &&
				chips.y < list.y + list.height;
			assert(!overlaps, `Read by does not cover the reactions (${JSON.stringify({ list, chips })})`);
			await page.keyboard.press("Escape");
			await closed();
			assert((await chatTitle(page)) === "Reading Room", "Escape closed only Read by");

			await readBy.tap();
			await popover.waitFor();
			await page.locator('[data-testid="messages"]').evaluate((el) => el.scrollBy(0, -200));
			await closed();

			await mine.scrollIntoViewIfNeeded();
			await readBy.tap();
			await popover.waitFor();
			await page.locator("#chat-title").tap();
			await closed();
		},
	},
	{
		name: "22.8 desktop: ↑ in an empty composer edits my last message there; Escape cancels and brings the draft back",
		async run(ctx) {
			const A = await ctx.api.register("Edwina Test");
			const B = await ctx.api.register("Egon Test");
			await ctx.api.direct(A, B);
			const { page } = await open(ctx, A);
			await openChat(page, "Egon Test");
			await sendText(page, "the first thing I said");
			await sendText(page, "see you at 5 in room B12, bring the slides");
			await bubble(page, "bring the slides").locator('[data-testid="ticks"]').waitFor();
			const box = page.getByRole("textbox", { name: "Message" });
			await box.focus();
			await page.keyboard.press("ArrowUp");
			const banner = page.getByTestId("edit-banner");
			await banner.waitFor();
			const editBox = page.getByRole("textbox", { name: "Edit message" });
			assert((await editBox.inputValue()) === "see you at 5 in room B12, bring the slides", "my last message, whole");
			assert(
				(await bubble(page, "bring the slides").locator('[data-testid="edit-form"]').count()) === 0,
				"no box in the bubble",
			);
			await page.keyboard.press("Escape");
			await until(async () => (await banner.count()) === 0, "Escape cancels the edit");
			assert((await box.inputValue()) === "", "the composer is empty again");
			assert((await chatTitle(page)) === "Egon Test", "and the chat stays open");
			// With a draft: Edit from the menu puts it aside, Save gives it back.
			await box.fill("a draft I keep");
			await bubble(page, "bring the slides").hover();
			await bubble(page, "bring the slides").locator("[data-message-actions]").click();
			await page.getByRole("menuitem", { name: "Edit" }).click();
			await banner.waitFor();
			await until(
				() => page.evaluate(() => document.activeElement?.id.startsWith("composer-")),
				"the focus is in the composer",
			);
			await editBox.fill("see you at 6 in room B12, bring the slides");
			await page.keyboard.press("Enter");
			await until(async () => (await banner.count()) === 0, "Enter saves");
			await bubble(page, "see you at 6").locator('[data-testid="edited"]').waitFor();
			assert((await box.inputValue()) === "a draft I keep", `the draft is back (${await box.inputValue()})`);
			const found = await axeViolations(page);
			assert(found.length === 0, `axe: ${JSON.stringify(found, null, 1)}`);
		},
	},
	{
		name: "22.8 phone: a long message is edited in the composer bar, whole, with a readable Cancel",
		async run(ctx) {
			const A = await ctx.api.register("Elke Test");
			const B = await ctx.api.register("Ezra Test");
			const { conversation } = await ctx.api.direct(A, B);
			const long = `${"This is a long message about the group project plan. ".repeat(5)}The end.`;
			await ctx.api.send(A, conversation.id, long);
			const { page } = await open(ctx, A, PHONE);
			await openChatBy(page, "Ezra Test");
			const mine = bubble(page, "The end.");
			await mine.locator('[data-testid="bubble"]').tap();
			await mine.locator("[data-message-actions]").tap();
			await page.getByRole("menuitem", { name: "Edit" }).tap();
			await page.getByTestId("edit-banner").waitFor();
			const editBox = page.getByRole("textbox", { name: "Edit message" });
			assert((await editBox.inputValue()) === long, "the whole text is in the box");
			const cancel = page.getByRole("button", { name: "Cancel editing" });
			const size = await cancel.boundingBox();
			assert(
				size && size.width >= 44 && size.height >= 44,
				`Cancel is a 44 px target (${size?.width}×${size?.height})`,
			);
			await editBox.fill("Short now.");
			await page.getByRole("button", { name: "Save", exact: true }).tap();
			await waitForMessage(page, "Short now.");
			await bubble(page, "Short now.").locator('[data-testid="edited"]').waitFor();
			assert((await axeViolations(page)).length === 0, "axe at 390 px");
		},
	},
	{
		name: "22.17 phone: a reload while offline opens the saved chat at the bottom, the waiting messages in sight, and says Offline",
		async run(ctx) {
			const A = await ctx.api.register("Orla Test");
			const B = await ctx.api.register("Osric Test");
			const { conversation } = await ctx.api.direct(A, B);
			for (let i = 1; i <= 30; i++) await ctx.api.send(i % 2 ? B : A, conversation.id, `saved line ${i}`);
			await ctx.api.call("POST", `/conversations/${conversation.id}/read`, {}, A.token);
			const { page, context } = await open(ctx, A, PHONE);
			await controlled(page);
			await openChatBy(page, "Osric Test");
			await waitForMessage(page, "saved line 30");
			await until(
				() =>
					page.evaluate(
						(id) => (localStorage.getItem(`campus-chat.offline.${id}`) ?? "").includes("saved line 30"),
						A.user.id,
					),
				"the chat is saved on the device",
			);
			await context.setOffline(true);
			await sendText(page, "written in the tunnel");
			await page.getByTestId("waiting").first().waitFor();
			await page.reload();
			await page.locator("#chat-title", { hasText: "Osric Test" }).waitFor();
			const waiting = page.locator('[data-testid="pending-message"]', { hasText: "written in the tunnel" });
			await waiting.waitFor();
			await until(() => inView(page, waiting), "the waiting message is in sight after the reload");
			assert(await inView(page, bubble(page, "saved line 30")), "with the last saved message above it");
			const banner = page
				.getByRole("status")
				.filter({ hasText: /offline/i })
				.first();
			await banner.waitFor();
			await page.waitForTimeout(2500);
			const texts = await page.getByRole("status").allInnerTexts();
			assert(!texts.some((t) => t.includes("Connecting")), `no "Connecting…" while offline (${texts.join(" | ")})`);
			assert(
				texts.some((t) => /^You're offline/u.test(t)),
				`the banner says offline (${texts.join(" | ")})`,
			);
			await context.setOffline(false);
			await page.locator('[data-testid="message"]', { hasText: "written in the tunnel" }).waitFor({ timeout: 20_000 });
		},
	},
	{
		name: "22.14 phone: whole short group names, Sign out on one line, captions inset evenly, a reply's original stays in sight",
		async run(ctx) {
			const A = await ctx.api.register("Maximiliana Okonkwo-Fitzgerald");
			const B = await ctx.api.register("Benedikt Test");
			const C = await ctx.api.register("Cosima Test");
			const g = await ctx.api.group(A, "CS101 Study Group", [B, C]);
			for (let i = 1; i <= 25; i++) await ctx.api.send(B, g.conversation.id, `point ${i} about the exam`);
			await ctx.api.call("POST", `/conversations/${g.conversation.id}/read`, {}, A.token);
			const { page } = await open(ctx, A, PHONE);
			const signOut = page.getByRole("button", { name: "Sign out" });
			const lines = await signOut.evaluate((el) => {
				const range = document.createRange();
				range.selectNodeContents(el);
				return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
			});
			assert(lines === 1, `Sign out is on one line (${lines})`);
			await openChatBy(page, "CS101 Study Group");
			const cut = await page
				.locator("#chat-title")
				.evaluate((el) => el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1);
			assert(!cut, "the header shows the whole group name");
			// An image with a caption of two lines: both lines start at the same inset, none touches the edge.
			await page
				.locator('[data-testid="file-input"]')
				.setInputFiles({ name: "notes.png", mimeType: "image/png", buffer: await makePng(300, 200) });
			await page
				.getByRole("textbox", { name: "Message" })
				.fill("A caption long enough to wrap onto a second line in the bubble on a phone");
			await page.getByRole("button", { name: "Send", exact: true }).tap();
			await waitForMessage(page, "A caption long enough", 20_000);
			const photo = bubble(page, "A caption long enough");
			await photo.locator('[data-testid="message-image"]').waitFor({ timeout: 15_000 });
			const caption = await photo.evaluate((li) => {
				const bubbleBox = li.querySelector('[data-testid="bubble"]').getBoundingClientRect();
				const text = li.querySelector('[data-testid="message-text"]');
				const range = document.createRange();
				range.selectNodeContents(text);
				const rows = new Map();
				for (const r of range.getClientRects()) {
					const key = Math.round(r.top);
					const row = rows.get(key) ?? { left: r.left, right: r.right };
					rows.set(key, { left: Math.min(row.left, r.left), right: Math.max(row.right, r.right) });
				}
				return { bubble: { left: bubbleBox.left, right: bubbleBox.right }, rows: [...rows.values()] };
			});
			assert(caption.rows.length >= 2, `the caption wraps (${caption.rows.length} lines)`);
			const lefts = caption.rows.map((r) => r.left);
			assert(Math.max(...lefts) - Math.min(...lefts) < 1.5, `every caption line starts at the same inset (${lefts})`);
			assert(
				caption.rows.every((r) => r.left >= caption.bubble.left + 6 && r.right <= caption.bubble.right - 6),
				`no caption line touches the bubble's edge (${JSON.stringify(caption)})`,
			);
			// Replying to the last message while at the bottom: it stays in sight, no jump button over it.
			await ctx.api.send(B, g.conversation.id, "and the last point, with a quote to answer");
			await waitForMessage(page, "the last point");
			const last = bubble(page, "the last point");
			await until(() => inView(page, last), "the new message is in sight");
			await last.locator('[data-testid="bubble"]').tap();
			await last.locator("[data-message-actions]").tap();
			await page.getByRole("menuitem", { name: "Reply" }).tap();
			await page.getByTestId("reply-banner").waitFor();
			await page.getByRole("textbox", { name: "Message" }).fill("@");
			await page.waitForTimeout(400);
			assert(await inView(page, last), "the message being answered is still in sight");
			assert(
				(await page.getByRole("button", { name: /Jump to|new message|latest/i }).count()) === 0,
				"and no jump button covers it",
			);
			const wide = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
			assert(!wide, "no sideways overflow");
			assert((await axeViolations(page)).length === 0, "axe at 390 px");
		},
	},
];
