// Issue 15: what a student hit in twenty minutes, one scenario per item at the size where it
// happened (desktop 1280×800 with a mouse, phone 390×844 with touch).
import {
	assert,
	axeViolations,
	bubble,
	DESKTOP,
	insideViewport,
	isTouch,
	makePng,
	messageTexts,
	open,
	openChat,
	openChatBy,
	PHONE,
	row,
	sendText,
	until,
	waitForMessage,
} from "./harness.mjs";

/** The actions menu of one message, opened as that screen's user would. */
async function openActions(page, text) {
	const message = bubble(page, text);
	const button = message.locator("[data-message-actions]");
	if (await isTouch(page)) {
		await message.locator('[data-testid="bubble"]').tap();
		await button.tap();
	} else {
		await message.hover();
		await button.click();
	}
	const menu = page.getByRole("menu");
	await menu.waitFor();
	return menu;
}

/** A tap on the empty top of the message list: outside any menu or popover, and not a control. */
function tapOutside(page) {
	return page.locator('[data-testid="messages"]').tap({ position: { x: 195, y: 6 } });
}

async function activeInfo(page) {
	return page.evaluate(() => {
		const el = document.activeElement;
		return {
			tag: el?.tagName.toLowerCase(),
			label: el?.getAttribute("aria-label") ?? "",
			type: el?.getAttribute("type") ?? "",
			seq: el?.closest("li")?.getAttribute("data-seq") ?? null,
		};
	});
}

export const uiScenarios = [
	{
		name: "15.1 phone: message menus stay on screen, for their messages and mine; an outside tap closes them",
		async run(ctx) {
			const A = await ctx.api.register("Mena Test");
			const B = await ctx.api.register("Milo Test");
			const { conversation } = await ctx.api.direct(A, B);
			await ctx.api.send(B, conversation.id, "Can you send me the notes from today's lecture, please? 🙏");
			await ctx.api.send(A, conversation.id, "Sure, give me a minute to find them in my bag");
			const a = await open(ctx, A, PHONE);
			await openChatBy(a.page, "Milo Test");
			for (const text of ["notes from today", "give me a minute"]) {
				const menu = await openActions(a.page, text);
				assert(await insideViewport(a.page, menu), `the menu for "${text}" is inside the screen`);
				for (const item of await menu.getByRole("menuitem").all())
					assert(await insideViewport(a.page, item), `"${await item.textContent()}" can be read`);
				await tapOutside(a.page);
				await until(async () => (await a.page.getByRole("menu").count()) === 0, "an outside tap closes the menu");
			}
		},
	},
	{
		name: "15.1 desktop: the menu of the last message stays in the window and Escape closes it",
		async run(ctx) {
			const A = await ctx.api.register("Dina Test");
			const B = await ctx.api.register("Dario Test");
			const { conversation } = await ctx.api.direct(A, B);
			for (let i = 1; i <= 12; i++) await ctx.api.send(i % 2 ? B : A, conversation.id, `line ${i}`);
			await ctx.api.call("POST", `/conversations/${conversation.id}/read`, {}, A.token);
			const a = await open(ctx, A);
			await openChat(a.page, "Dario Test");
			await waitForMessage(a.page, "line 12");
			const menu = await openActions(a.page, "line 12");
			assert(await insideViewport(a.page, menu), "the menu is inside the window");
			await a.page.keyboard.press("Escape");
			await until(async () => (await a.page.getByRole("menu").count()) === 0, "Escape closes the menu");
		},
	},
	{
		name: "15.2 and 15.6 desktop: reopening a chat lands at the first unread; live messages get no divider",
		async run(ctx) {
			const A = await ctx.api.register("Rhea Test");
			const B = await ctx.api.register("Rory Test");
			const C = await ctx.api.register("Remy Test");
			const ab = await ctx.api.direct(A, B);
			const ac = await ctx.api.direct(A, C);
			for (let i = 1; i <= 20; i++) await ctx.api.send(i % 3 ? B : A, ab.conversation.id, `earlier ${i}`);
			await ctx.api.send(C, ac.conversation.id, "hi from Remy");
			const a = await open(ctx, A);
			await openChat(a.page, "Rory Test");
			await waitForMessage(a.page, "earlier 20");
			await openChat(a.page, "Remy Test");
			for (let i = 1; i <= 30; i++) await ctx.api.send(B, ab.conversation.id, `batch ${i}`);
			await until(
				async () =>
					(await row(a.page, "Rory Test").locator('[data-testid="unread-badge"]').textContent()).startsWith("30"),
				"30 unread",
			);
			await openChat(a.page, "Rory Test");
			const divider = a.page.locator('[data-testid="unread-divider"]');
			await divider.waitFor();
			const next = await divider.evaluate(
				(el) => el.nextElementSibling?.querySelector('[data-testid="message-text"]')?.textContent,
			);
			assert(next === "batch 1", `the divider sits right above the first unread (${next})`);
			const messages = a.page.locator('[data-testid="messages"]');
			const inView = async (locator) => {
				const box = await locator.boundingBox();
				const area = await messages.boundingBox();
				return box && area && box.y >= area.y - 1 && box.y + box.height <= area.y + area.height + 1;
			};
			await until(() => inView(divider), "the divider is on screen");
			assert(!(await inView(bubble(a.page, "batch 30"))), "the chat did not open at the bottom");
			const jump = a.page.getByRole("button", { name: /Jump to latest/ });
			const count = Number(await jump.locator('[data-testid="jump-count"]').textContent());
			assert(count > 0 && count < 30, `the jump button counts what is below (${count})`);
			await jump.click();
			await until(() => inView(bubble(a.page, "batch 30")), "jump goes to the latest");
			// Live messages while reading: no new divider, the one from opening stays where it was.
			await ctx.api.send(B, ab.conversation.id, "live one");
			await waitForMessage(a.page, "live one");
			await sendText(a.page, "my reply");
			await waitForMessage(a.page, "my reply");
			await ctx.api.send(B, ab.conversation.id, "live two");
			await waitForMessage(a.page, "live two");
			assert((await divider.count()) === 1, "still one divider");
			const still = await divider.evaluate(
				(el) => el.nextElementSibling?.querySelector('[data-testid="message-text"]')?.textContent,
			);
			assert(still === "batch 1", `the divider did not move (${still})`);
			// A chat with nothing unread at opening has no divider at all.
			await openChat(a.page, "Remy Test");
			await ctx.api.send(C, ac.conversation.id, "live from Remy");
			await waitForMessage(a.page, "live from Remy");
			assert((await divider.count()) === 0, "no divider for a message watched as it arrived");
		},
	},
	{
		name: "15.3 and 15.8 desktop: Copied shows; an offline delete says why; deletes confirm in the app",
		async run(ctx) {
			const A = await ctx.api.register("Faye Test");
			const B = await ctx.api.register("Finn Test");
			const { conversation } = await ctx.api.direct(A, B);
			await ctx.api.send(B, conversation.id, "copy me please");
			const a = await open(ctx, A, DESKTOP, {
				contextOptions: { permissions: ["clipboard-read", "clipboard-write"] },
			});
			a.page.on("dialog", () => {
				throw new Error("a native browser dialog appeared");
			});
			await openChat(a.page, "Finn Test");
			let menu = await openActions(a.page, "copy me please");
			await menu.getByRole("menuitem", { name: "Copy text" }).click();
			const toast = a.page.locator('[data-testid="toast"]');
			await toast.filter({ hasText: "Copied" }).waitFor();
			await until(
				async () => Number(await toast.evaluate((el) => getComputedStyle(el).opacity)) > 0.9,
				"the note can be seen",
			);
			assert(await insideViewport(a.page, toast), "the note is on screen");
			// Offline: the delete fails, and says so.
			await a.context.setOffline(true);
			menu = await openActions(a.page, "copy me please");
			await menu.getByRole("menuitem", { name: "Delete for me" }).click();
			const confirm = a.page.getByRole("alertdialog", { name: "Delete for you?" });
			await confirm.getByRole("button", { name: "Delete for me" }).click();
			await a.page.getByRole("alert").filter({ hasText: "offline" }).waitFor();
			await until(
				async () => Number(await toast.evaluate((el) => getComputedStyle(el).opacity)) > 0.9,
				"the error can be seen",
			);
			await waitForMessage(a.page, "copy me please");
			await a.context.setOffline(false);
			// Cancel keeps it; confirming deletes it.
			menu = await openActions(a.page, "copy me please");
			await menu.getByRole("menuitem", { name: "Delete for me" }).click();
			await confirm.getByRole("button", { name: "Cancel" }).click();
			await waitForMessage(a.page, "copy me please");
			await until(
				async () =>
					a.page
						.getByRole("status")
						.filter({ hasText: "Connecting" })
						.count()
						.then((n) => n === 0),
				"back online",
			);
			menu = await openActions(a.page, "copy me please");
			await menu.getByRole("menuitem", { name: "Delete for me" }).click();
			await confirm.getByRole("button", { name: "Delete for me" }).click();
			await toast.filter({ hasText: "Deleted for you" }).waitFor({ timeout: 15_000 });
			await until(async () => (await messageTexts(a.page)).length === 0, "the message is gone");
		},
	},
	{
		name: "15.4 desktop: the new-message dialog takes typing at once",
		async run(ctx) {
			const A = await ctx.api.register("Tess Test");
			const a = await open(ctx, A);
			await a.page.getByRole("button", { name: "New message" }).first().click();
			await a.page.getByRole("dialog").waitFor();
			await a.page.keyboard.type("Ben");
			assert((await a.page.getByRole("searchbox").inputValue()) === "Ben", "typing goes into the search field");
		},
	},
	{
		name: "15.5 phone: in-app Back goes back in history, so system Back does not reopen old chats",
		async run(ctx) {
			const A = await ctx.api.register("Bella Test");
			const B = await ctx.api.register("Basil Test");
			const C = await ctx.api.register("Bruno Test");
			await ctx.api.direct(A, B);
			await ctx.api.direct(A, C);
			const a = await open(ctx, A, PHONE);
			for (const title of ["Basil Test", "Bruno Test"]) {
				await row(a.page, title).waitFor();
				await openChatBy(a.page, title);
				await a.page.getByRole("button", { name: "Back to conversations" }).tap();
				await row(a.page, title).waitFor();
			}
			await a.page.goBack().catch(() => {});
			await new Promise((r) => setTimeout(r, 500));
			const hash = await a.page.evaluate(() => window.location.hash);
			assert(!hash.startsWith("#/c/"), `system Back did not reopen a chat (${hash})`);
		},
	},
	{
		name: "15.7 phone: Enter makes a new line and Send sends; the desktop keyboard's Enter says send",
		async run(ctx) {
			const A = await ctx.api.register("Nora Test");
			const B = await ctx.api.register("Nico Test");
			await ctx.api.direct(A, B);
			const a = await open(ctx, A, PHONE);
			await openChatBy(a.page, "Nico Test");
			const box = a.page.getByRole("textbox", { name: "Message" });
			assert((await box.getAttribute("enterkeyhint")) === "enter", "the phone keyboard shows a return key");
			await box.tap();
			await a.page.keyboard.type("first line");
			await a.page.keyboard.press("Enter");
			await a.page.keyboard.type("second line");
			assert((await box.inputValue()) === "first line\nsecond line", "Enter made a new line");
			assert(
				(await a.page.locator('[data-testid="pending-message"], [data-testid="message"]').count()) === 0,
				"not sent",
			);
			await a.page.getByRole("button", { name: "Send", exact: true }).tap();
			await waitForMessage(a.page, "second line");
			const d = await open(ctx, A, DESKTOP);
			await openChat(d.page, "Nico Test");
			const hint = await d.page.getByRole("textbox", { name: "Message" }).getAttribute("enterkeyhint");
			assert(hint === "send", `desktop: enterkeyhint=send (${hint})`);
		},
	},
	{
		name: "15.9 desktop: the member who was added reads 'added you'",
		async run(ctx) {
			const A = await ctx.api.register("Ada Adder");
			const B = await ctx.api.register("Bo Added");
			const C = await ctx.api.register("Cy Member");
			const g = await ctx.api.group(A, "Added Club", [C]);
			await ctx.api.call("POST", `/conversations/${g.conversation.id}/members`, { userIds: [B.user.id] }, A.token);
			const b = await open(ctx, B);
			await openChat(b.page, "Added Club");
			await b.page.locator('[data-testid="system-message"]', { hasText: "Ada Adder added you" }).waitFor();
			const c = await open(ctx, C);
			await openChat(c.page, "Added Club");
			await c.page.locator('[data-testid="system-message"]', { hasText: /Ada Adder added Bo Added/ }).waitFor();
		},
	},
	{
		name: "15.9 desktop and phone: an added member gets the group with a badge; an admin renames it, live everywhere",
		async run(ctx) {
			const A = await ctx.api.register("Asha Namer");
			const B = await ctx.api.register("Ben Phone");
			const C = await ctx.api.register("Cy Desk");
			const g = await ctx.api.group(A, "Rename Club", [C]);
			const id = g.conversation.id;
			// Ben is on his phone's list when Asha adds him: the group arrives with a badge for
			// "created the group" and "added you".
			const b = await open(ctx, B, PHONE);
			await ctx.api.call("POST", `/conversations/${id}/members`, { userIds: [B.user.id] }, A.token);
			await row(b.page, "Rename Club").waitFor({ timeout: 10_000 });
			await until(
				async () =>
					(await row(b.page, "Rename Club").locator('[data-testid="unread-badge"]').textContent())?.startsWith("2"),
				"Ben's new group shows 2 unread (created, added you)",
			);
			await openChatBy(b.page, "Rename Club");
			await b.page.locator('[data-testid="system-message"]', { hasText: "Asha Namer created the group" }).waitFor();
			await b.page.locator('[data-testid="system-message"]', { hasText: "Asha Namer added you" }).waitFor();

			// Asha renames it from group info on her desktop, with the keyboard.
			const a = await open(ctx, A, DESKTOP);
			await openChat(a.page, "Rename Club");
			await a.page.locator('[data-testid="system-message"]', { hasText: "You created the group" }).waitFor();
			await a.page.getByRole("button", { name: "Group info", exact: true }).click();
			const dialog = a.page.getByRole("dialog", { name: "Group info" });
			await dialog.locator('[data-testid="member"]', { hasText: "Ben Phone" }).waitFor();
			const before = await axeViolations(a.page);
			assert(before.length === 0, `axe on group info: ${JSON.stringify(before)}`);
			const renameButton = dialog.getByRole("button", { name: "Rename group" });
			await renameButton.focus();
			await a.page.keyboard.press("Enter");
			const field = dialog.getByRole("textbox", { name: "Group name" });
			await field.waitFor();
			assert(await field.evaluate((el) => el === document.activeElement), "the name field takes focus");
			// Escape cancels the rename, not the dialog, and focus returns to Rename.
			await a.page.keyboard.press("Escape");
			await renameButton.waitFor();
			assert(await dialog.isVisible(), "the dialog stays open after Escape in the form");
			assert(await renameButton.evaluate((el) => el === document.activeElement), "focus back on Rename");
			await renameButton.click();
			await field.fill("   ");
			await a.page.keyboard.press("Enter");
			await dialog.getByRole("alert").filter({ hasText: "Enter a name for the group." }).waitFor();
			const withError = await axeViolations(a.page);
			assert(withError.length === 0, `axe on the rename form: ${JSON.stringify(withError)}`);
			await field.fill("Rename Club Finals");
			await a.page.keyboard.press("Enter");
			await dialog.getByRole("heading", { name: "Rename Club Finals" }).waitFor();
			await a.page.locator("#chat-title", { hasText: "Rename Club Finals" }).waitFor();
			await dialog.getByRole("button", { name: "Close" }).click();
			await a.page
				.locator('[data-testid="system-message"]', { hasText: "You renamed the group to “Rename Club Finals”" })
				.waitFor();
			await row(a.page, "Rename Club Finals").waitFor();

			// Ben sees it live on the phone: the chat's heading and the line, then his list.
			await b.page.getByRole("heading", { level: 1, name: "Rename Club Finals" }).waitFor({ timeout: 10_000 });
			await b.page
				.locator('[data-testid="system-message"]', { hasText: "Asha Namer renamed the group to “Rename Club Finals”" })
				.waitFor();
			await b.page.getByRole("button", { name: "Back to conversations" }).tap();
			await row(b.page, "Rename Club Finals").waitFor();
			// A plain member gets no Rename.
			await openChatBy(b.page, "Rename Club Finals");
			await b.page.getByRole("button", { name: "Group info", exact: true }).tap();
			const bDialog = b.page.getByRole("dialog", { name: "Group info" });
			await bDialog.locator('[data-testid="member"]', { hasText: "Asha Namer" }).waitFor();
			assert((await bDialog.getByRole("button", { name: "Rename group" }).count()) === 0, "no Rename for a member");
			const phone = await axeViolations(b.page);
			assert(phone.length === 0, `axe on the phone's group info: ${JSON.stringify(phone)}`);
		},
	},
	{
		name: "15.10 desktop keyboard: focus in the composer, one tab stop with arrows for actions, focus after a delete",
		async run(ctx) {
			const A = await ctx.api.register("Kira Test");
			const B = await ctx.api.register("Kurt Test");
			const { conversation } = await ctx.api.direct(A, B);
			for (const text of ["first", "second", "third"]) await ctx.api.send(B, conversation.id, text);
			await ctx.api.call("POST", `/conversations/${conversation.id}/read`, {}, A.token);
			const a = await open(ctx, A);
			await row(a.page, "Kurt Test").focus();
			await a.page.keyboard.press("Enter");
			await a.page.locator("#chat-title", { hasText: "Kurt Test" }).waitFor();
			await waitForMessage(a.page, "third");
			await until(async () => (await activeInfo(a.page)).tag === "textarea", "opening a chat focuses the message box");
			const stops = await a.page.locator('[data-testid="messages"] [data-message-actions][tabindex="0"]').count();
			assert(stops === 1, `one tab stop for the messages' actions (${stops})`);
			await a.page.keyboard.press("Shift+Tab");
			await a.page.keyboard.press("Shift+Tab");
			let focused = await activeInfo(a.page);
			for (let i = 0; i < 4 && !focused.label.startsWith("Actions for"); i++) {
				await a.page.keyboard.press("Shift+Tab");
				focused = await activeInfo(a.page);
			}
			assert(focused.label.startsWith("Actions for Kurt Test's message at"), `reached by Shift+Tab: ${focused.label}`);
			const third = focused.seq;
			await a.page.keyboard.press("ArrowUp");
			focused = await activeInfo(a.page);
			assert(Number(focused.seq) === Number(third) - 1, `ArrowUp goes to the previous message (${focused.seq})`);
			await a.page.keyboard.press("Enter");
			await a.page.getByRole("menu").waitFor();
			// End: the last item, "Delete for me" (the menu starts with the quick reactions since issue 13).
			await a.page.keyboard.press("End");
			await a.page.keyboard.press("Enter");
			const confirm = a.page.getByRole("alertdialog");
			await confirm.waitFor();
			assert(
				(await activeInfo(a.page)).label === "" && (await activeInfo(a.page)).tag === "button",
				"focus in the dialog",
			);
			await confirm.getByRole("button", { name: "Delete for me" }).focus();
			await a.page.keyboard.press("Enter");
			await until(async () => !(await messageTexts(a.page)).includes("second"), "the message is gone");
			await until(async () => {
				const now = await activeInfo(a.page);
				return now.label.startsWith("Actions for") && Number(now.seq) === Number(third);
			}, "focus moves to the neighbour's actions");
		},
	},
	{
		name: "15.11 and 15.12 phone: tapping an image or Read by leaves no stuck menu button; the viewer fits and says who",
		async run(ctx) {
			const A = await ctx.api.register("Tami Test");
			const B = await ctx.api.register("Tobi Test");
			const C = await ctx.api.register("Tilda Test");
			const g = await ctx.api.group(A, "Photo Club", [B, C]);
			const a = await open(ctx, A, PHONE);
			await openChatBy(a.page, "Photo Club");
			const png = await makePng(1600, 1200);
			await a.page
				.locator('[data-testid="file-input"]')
				.setInputFiles({ name: "wide.png", mimeType: "image/png", buffer: png });
			await a.page.getByRole("textbox", { name: "Message" }).fill("The lab bench");
			await a.page.getByRole("button", { name: "Send", exact: true }).tap();
			await waitForMessage(a.page, "The lab bench", 20_000);
			const message = bubble(a.page, "The lab bench");
			await message.locator('[data-testid="message-image"]').waitFor({ timeout: 15_000 });
			for (const member of [B, C])
				await ctx.api.call("POST", `/conversations/${g.conversation.id}/read`, {}, member.token);
			await message.getByRole("button", { name: "Read by 2" }).waitFor({ timeout: 15_000 });
			// Read by: the popover opens on screen, the bubble's menu button does not appear, an outside tap closes it.
			await message.getByRole("button", { name: "Read by 2" }).tap();
			const popover = a.page.locator('[data-testid="read-by-list"]');
			await popover.waitFor();
			assert(await insideViewport(a.page, popover), "the Read by list is on screen");
			assert(!(await message.evaluate((el) => el.classList.contains("show-actions"))), "no stuck menu button");
			await tapOutside(a.page);
			await until(async () => (await popover.count()) === 0, "an outside tap closes Read by");
			// The image viewer: fitted, who and when, caption, download, Close top right.
			await message.getByRole("button", { name: /Photo from you, open full size/ }).tap();
			const viewer = a.page.getByRole("dialog", { name: "Photo from you" });
			await viewer.waitFor();
			assert(!(await message.evaluate((el) => el.classList.contains("show-actions"))), "no stuck menu button");
			const full = viewer.locator('[data-testid="full-image"]');
			await until(() => full.evaluate((el) => el.complete && el.naturalWidth === 1600), "the full image loads");
			assert(await insideViewport(a.page, full), "the picture fits the screen");
			await viewer.getByText("You", { exact: true }).waitFor();
			await viewer.locator("time").waitFor();
			await viewer.getByText("The lab bench").waitFor();
			const download = viewer.getByRole("link", { name: "Download photo" });
			assert((await download.getAttribute("download")) !== null && (await download.getAttribute("href")), "download");
			const close = await viewer.getByRole("button", { name: "Close" }).boundingBox();
			assert(
				close && close.x + close.width > PHONE.width - 70 && close.y < 80,
				`Close is top right: ${JSON.stringify(close)}`,
			);
			await viewer.getByRole("button", { name: "Close" }).tap();
			await until(async () => (await viewer.count()) === 0, "the viewer closes");
		},
	},
	{
		name: "15.11 and 15.8 phone: group info scrolls as one page; removing a member confirms in the app",
		async run(ctx) {
			const A = await ctx.api.register("Gia Test");
			const members = [];
			for (let i = 1; i <= 11; i++) members.push(await ctx.api.register(`Member ${String(i).padStart(2, "0")}`));
			await ctx.api.group(A, "Big Study Group", members);
			const a = await open(ctx, A, PHONE);
			a.page.on("dialog", () => {
				throw new Error("a native browser dialog appeared");
			});
			await openChatBy(a.page, "Big Study Group");
			await a.page.getByRole("button", { name: "Group info", exact: true }).tap();
			const dialog = a.page.getByRole("dialog", { name: "Group info" });
			await dialog.locator('[data-testid="member"]', { hasText: "Member 11" }).waitFor();
			const list = dialog.locator('[data-testid="member-list"]');
			const inner = await list.evaluate((el) => el.scrollHeight - el.clientHeight);
			assert(inner <= 1, `the member list has no scroller of its own (${inner}px hidden)`);
			const outer = await dialog.evaluate((el) => el.scrollHeight - el.clientHeight);
			assert(outer > 0, "the page itself scrolls");
			await dialog.getByRole("button", { name: "Remove Member 11 from the group" }).tap();
			const confirm = a.page.getByRole("alertdialog", { name: "Remove Member 11?" });
			await confirm.getByRole("button", { name: "Remove", exact: true }).tap();
			await until(
				async () => (await dialog.locator('[data-testid="member"]', { hasText: "Member 11" }).count()) === 0,
				"removed",
			);
		},
	},
	{
		name: "15.13 phone: every control in the chat is at least 44×44 px",
		async run(ctx) {
			const A = await ctx.api.register("Lia Test");
			const B = await ctx.api.register("Leo Test");
			const g = await ctx.api.group(A, "Touch Group", [B]);
			const a = await open(ctx, A, PHONE);
			await openChatBy(a.page, "Touch Group");
			await sendText(a.page, "read this");
			await waitForMessage(a.page, "read this");
			await ctx.api.call("POST", `/conversations/${g.conversation.id}/read`, {}, B.token);
			const message = bubble(a.page, "read this");
			await message.getByRole("button", { name: "Read by 1" }).waitFor({ timeout: 15_000 });
			await message.locator('[data-testid="bubble"]').tap();
			await a.context.setOffline(true);
			// Written offline: it waits in the outbox (issue 14) with its status under it.
			await sendText(a.page, "will wait");
			await a.page.getByTestId("waiting").waitFor();
			const small = await a.page.evaluate(() => {
				const out = [];
				for (const el of document.querySelectorAll(
					'[data-testid="chat-pane"] button, [data-testid="chat-pane"] a[href], [data-testid="chat-pane"] textarea',
				)) {
					const r = el.getBoundingClientRect();
					const style = getComputedStyle(el);
					if (r.width === 0 || style.visibility === "hidden" || el.closest(".sr-only")) continue;
					if (r.width < 43.5 || r.height < 43.5)
						out.push(`${el.getAttribute("aria-label") ?? el.textContent?.trim()} ${r.width}×${r.height}`);
				}
				return out;
			});
			await a.context.setOffline(false);
			assert(small.length === 0, `targets under 44 px: ${JSON.stringify(small)}`);
			// With every control at full size, the message box still has most of the width to write in.
			const box = await a.page.getByRole("textbox", { name: "Message" }).boundingBox();
			const width = a.page.viewportSize()?.width ?? 0;
			assert(box && box.width >= width * 0.6, `the message box is ${box?.width} px of ${width}`);
		},
	},
	{
		name: "15.14 and 15.15: online contrast, named actions, ticks by shape, a heading; axe clean on every screen at both sizes",
		async run(ctx) {
			const A = await ctx.api.register("Axa Test");
			const B = await ctx.api.register("Abe Test");
			const C = await ctx.api.register("Ari Test");
			const { conversation } = await ctx.api.direct(A, B);
			const g = await ctx.api.group(A, "Axe Group", [B, C]);
			await ctx.api.send(B, conversation.id, "Accessibility check");
			await ctx.api.send(B, g.conversation.id, "group hello");
			const png = await makePng();
			// Abe is online, so the green "online" subtitle shows.
			await open(ctx, B);
			for (const viewport of [DESKTOP, PHONE]) {
				const size = `${viewport.width}px`;
				const a = await open(ctx, A, viewport);
				const check = async (where) => {
					const found = await axeViolations(a.page);
					assert(found.length === 0, `${where} (${size}): ${JSON.stringify(found)}`);
				};
				await row(a.page, "Abe Test").waitFor();
				await check("list");
				await a.page.getByRole("button", { name: "New message" }).first().click();
				await a.page.getByRole("searchbox").fill("Ab");
				await a.page
					.getByRole("dialog")
					.getByRole("button", { name: /Abe Test/ })
					.waitFor();
				await check("new message dialog");
				await a.page.getByRole("dialog").getByRole("button", { name: "Close" }).click();
				await openChatBy(a.page, "Abe Test");
				await a.page.locator('[data-testid="presence"]', { hasText: "online" }).waitFor();
				await waitForMessage(a.page, "Accessibility check");
				await sendText(a.page, `delivered ${size}`);
				await waitForMessage(a.page, `delivered ${size}`);
				await a.page.getByRole("heading", { level: 1, name: "Abe Test" }).waitFor();
				await check("chat");
				const label = await bubble(a.page, "Accessibility check")
					.locator("[data-message-actions]")
					.getAttribute("aria-label");
				assert(/^Actions for Abe Test's message at \d{1,2}:\d{2}/.test(label ?? ""), `named actions: ${label}`);
				await openActions(a.page, "Accessibility check");
				await check("message menu");
				await a.page.keyboard.press("Escape");
				await a.page
					.locator('[data-testid="file-input"]')
					.setInputFiles({ name: "dot.png", mimeType: "image/png", buffer: png });
				await a.page.getByRole("button", { name: "Send", exact: true }).click();
				const photo = a.page.getByRole("button", { name: /Photo from you, open full size/ }).last();
				await photo.waitFor({ timeout: 15_000 });
				await photo.click();
				await a.page.getByRole("dialog", { name: "Photo from you" }).waitFor();
				await check("image viewer");
				await a.page.keyboard.press("Escape");
				if (viewport === PHONE) await a.page.getByRole("button", { name: "Back to conversations" }).tap();
				await openChatBy(a.page, "Axe Group");
				await a.page.getByRole("button", { name: "Group info", exact: true }).click();
				await a.page.getByRole("dialog", { name: "Group info" }).locator('[data-testid="member"]').first().waitFor();
				await check("group info");
				await a.page.getByRole("button", { name: "Leave group" }).click();
				await a.page.getByRole("alertdialog").waitFor();
				await check("confirm dialog");
				await a.page.getByRole("alertdialog").getByRole("button", { name: "Cancel" }).click();
				await a.page.getByRole("dialog", { name: "Group info" }).getByRole("button", { name: "Close" }).click();
			}
			// Ticks: read and delivered differ by shape, not only by colour.
			const a = await open(ctx, A);
			await openChat(a.page, "Abe Test");
			const shapes = async (text) => bubble(a.page, text).locator('[data-testid="ticks"]').getAttribute("data-shape");
			await ctx.api.call("POST", `/conversations/${conversation.id}/read`, {}, B.token);
			await until(async () => (await shapes("delivered 390px")) === "disc", "read shows the disc");
			await sendText(a.page, "not read yet");
			await waitForMessage(a.page, "not read yet");
			await until(async () => (await shapes("not read yet")) === "double", "delivered shows the double tick");
		},
	},
	{
		name: "drafts: what was typed stays per chat across switching chats and a reload, and goes once sent",
		async run(ctx) {
			const A = await ctx.api.register("Drew Test");
			const B = await ctx.api.register("Dot Test");
			const C = await ctx.api.register("Dex Test");
			await ctx.api.direct(A, B);
			await ctx.api.direct(A, C);
			const a = await open(ctx, A);
			const box = a.page.getByRole("textbox", { name: "Message" });
			await openChat(a.page, "Dot Test");
			await box.fill("half a thought for Dot");
			await openChat(a.page, "Dex Test");
			assert((await box.inputValue()) === "", "another chat starts empty");
			await box.fill("note for Dex");
			await openChat(a.page, "Dot Test");
			assert((await box.inputValue()) === "half a thought for Dot", "Dot's draft is back");
			await a.page.reload();
			await a.page.locator("#chat-title", { hasText: "Dot Test" }).waitFor();
			assert((await box.inputValue()) === "half a thought for Dot", "the draft survives a reload");
			await box.press("Enter");
			await waitForMessage(a.page, "half a thought for Dot");
			await openChat(a.page, "Dex Test");
			assert((await box.inputValue()) === "note for Dex", "Dex's draft is still there");
			await openChat(a.page, "Dot Test");
			assert((await box.inputValue()) === "", "a sent draft is gone");
		},
	},
];
