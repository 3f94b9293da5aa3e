// Issue 22 (part A) in the browser: receipts and counts that are true. A message is read only
// once it has been on the reader's screen (22.2), the jump button counts only what is after the
// read watermark (22.4), ticks and "Read by" agree (22.3), blocking does what its dialog says
// (22.5), profile changes reach others live (22.6), mute for a while (22.20) and the list's
// preview after "delete for me" (22.1).
import {
	assert,
	axeViolations,
	DESKTOP,
	open,
	openChat,
	openChatBy,
	PHONE,
	roomReady,
	row,
	until,
} from "./harness.mjs";

/** The tick's label ("Sent", "Delivered", "Read") on my message with that text. */
async function tickLabel(page, text) {
	const bubble = page.locator('[data-mine="true"]', {
		has: page.locator('[data-testid="message-text"]', { hasText: text }),
	});
	return bubble.locator('[data-testid="ticks"]').getAttribute("aria-label");
}

/** The open chat's message list scrolled to the top (older pages may load) or the bottom. */
async function scrollMessages(page, where) {
	await page.locator('[data-testid="messages"]').evaluate((el, to) => {
		el.scrollTop = to === "top" ? 0 : el.scrollHeight;
		el.dispatchEvent(new Event("scroll"));
	}, where);
}

/** My participant record in a conversation, as the server has it. */
async function myWatermark(ctx, account, conversationId) {
	const { conversation } = await ctx.api.call("GET", `/conversations/${conversationId}`, undefined, account.token);
	return conversation.participants.find((p) => p.user.id === account.user.id);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export const trustScenarios = [
	{
		name: "22.20 phone: mute for 8 hours from the chat's info; the list says until when, after a reload too",
		async run(ctx) {
			const A = await ctx.api.register("Asha Mute");
			const B = await ctx.api.register("Ben Mute");
			await ctx.api.direct(A, B);
			const a = await open(ctx, A, PHONE);
			await openChatBy(a.page, "Ben Mute");
			await a.page.getByRole("button", { name: "Conversation info" }).tap();
			const info = a.page.getByRole("dialog", { name: "Contact info" });
			const select = info.getByRole("combobox", { name: "Mute notifications" });
			const options = await select.locator("option").allTextContents();
			assert(
				JSON.stringify(options) === JSON.stringify(["Off", "For 8 hours", "For 1 week", "Until I turn it back on"]),
				JSON.stringify(options),
			);
			const box = await select.boundingBox();
			assert(box && box.height >= 44, `the mute control is a 44 px target: ${JSON.stringify(box)}`);
			const before = Date.now();
			await select.selectOption("8h");
			const hint = info.getByTestId("muted-until");
			await hint.waitFor();
			assert((await hint.textContent()).startsWith("Muted until "), await hint.textContent());
			const violations = await axeViolations(a.page);
			assert(violations.length === 0, JSON.stringify(violations));
			// The server has the end time, about 8 hours ahead.
			const { conversations } = await ctx.api.call("GET", "/conversations", undefined, A.token);
			const ends = Date.parse(conversations[0].mutedUntil);
			assert(
				conversations[0].muted && Math.abs(ends - before - 8 * 3600_000) < 60_000,
				JSON.stringify(conversations[0]),
			);
			await info.getByRole("button", { name: "Close" }).tap();
			await a.page.getByRole("button", { name: "Back to conversations" }).tap();
			const mark = row(a.page, "Ben Mute").getByTitle(/^Muted until /);
			await mark.waitFor();
			await a.page.reload();
			await a.page.getByRole("heading", { name: "Chats" }).waitFor();
			await row(a.page, "Ben Mute")
				.getByTitle(/^Muted until /)
				.waitFor();
		},
	},
	{
		name: "22.3 desktop: in a group the tick, Read by and its list come from one source and add up",
		async run(ctx) {
			const A = await ctx.api.register("Asha Tick");
			const B = await ctx.api.register("Ben Tick");
			// Chloe never opens the app: the message is never delivered to her.
			const C = await ctx.api.register("Chloe Tick");
			await ctx.api.group(A, "Tick Club", [B, C]);
			const a = await open(ctx, A, DESKTOP);
			const b = await open(ctx, B, DESKTOP);
			await openChat(a.page, "Tick Club");
			await a.page.getByRole("textbox", { name: "Message" }).fill("hello tick club");
			await a.page.getByRole("textbox", { name: "Message" }).press("Enter");
			await openChat(b.page, "Tick Club");
			const mine = a.page.locator('[data-mine="true"]', {
				has: a.page.locator('[data-testid="message-text"]', { hasText: "hello tick club" }),
			});
			const readBy = mine.getByRole("button", { name: "Read by 1 of 2" });
			await readBy.waitFor({ timeout: 15_000 });
			// One tick (not everyone has it), and the tick says how far it got, as Read by does.
			assert(
				(await tickLabel(a.page, "hello tick club")) === "Delivered to 1 of 2",
				await tickLabel(a.page, "hello tick club"),
			);
			await readBy.click();
			const list = a.page.locator('[data-testid="read-by-list"]');
			await list.waitFor();
			const items = await list.locator("li").allTextContents();
			assert(items.length === 2, `everyone the message counts is listed: ${JSON.stringify(items)}`);
			assert(items[0] === "Ben Tick", items[0]);
			assert(items[1]?.startsWith("Chloe Tick") && items[1].includes("not delivered yet"), items[1]);
			const violations = await axeViolations(a.page);
			assert(violations.length === 0, JSON.stringify(violations));
		},
	},
	{
		name: "22.1 desktop: delete for me of my last message makes the list show the message before it, live",
		async run(ctx) {
			const A = await ctx.api.register("Asha Hide");
			const B = await ctx.api.register("Ben Hide");
			const { conversation } = await ctx.api.direct(A, B);
			await ctx.api.send(A, conversation.id, "keep this one");
			await ctx.api.send(A, conversation.id, "hide this one");
			const a = await open(ctx, A, DESKTOP);
			await openChat(a.page, "Ben Hide");
			const preview = row(a.page, "Ben Hide").locator('[data-testid="row-preview"]');
			await until(
				async () => (await preview.textContent()) === "You: hide this one",
				"the preview is the last message",
			);
			const message = a.page.locator('[data-testid="message"]', {
				has: a.page.locator('[data-testid="message-text"]', { hasText: "hide this one" }),
			});
			await message.hover();
			await message.locator("[data-message-actions]").click();
			await a.page.getByRole("menu").getByRole("menuitem", { name: "Delete for me" }).click();
			await a.page
				.getByRole("alertdialog", { name: "Delete for you?" })
				.getByRole("button", { name: "Delete for me" })
				.click();
			await until(
				async () => (await preview.textContent()) === "You: keep this one",
				"the preview is the one before it",
			);
		},
	},
	{
		name: "22.5 desktop and phone: a block hides presence on both sides at once, and the blocked side's refusal says what the rules say",
		async run(ctx) {
			const A = await ctx.api.register("Asha Block");
			const B = await ctx.api.register("Ben Block");
			const { conversation } = await ctx.api.direct(A, B);
			await ctx.api.send(A, conversation.id, "before the block");
			const a = await open(ctx, A, DESKTOP);
			const b = await open(ctx, B, PHONE);
			await openChatBy(b.page, "Asha Block");
			await openChat(a.page, "Ben Block");
			const presenceOf = (page) => page.locator('[data-testid="presence"]');
			await until(async () => (await presenceOf(b.page).textContent()) === "online", "Ben sees Asha online");
			await until(async () => (await presenceOf(a.page).textContent()) === "online", "Asha sees Ben online");
			await a.page.getByRole("button", { name: "Conversation info" }).click();
			const info = a.page.getByRole("dialog", { name: "Contact info" });
			await info.getByRole("button", { name: "Block Ben Block" }).click();
			const confirm = a.page.getByRole("alertdialog", { name: "Block Ben Block?" });
			const promise = await confirm.textContent();
			assert(promise.includes("if they try to write to you there, they'll see that they can't"), promise);
			const violations = await axeViolations(a.page);
			assert(violations.length === 0, JSON.stringify(violations));
			await confirm.getByRole("button", { name: "Block", exact: true }).click();
			await info.getByRole("button", { name: "Unblock Ben Block" }).waitFor();
			await info.getByRole("button", { name: "Close" }).click();
			// No reload: Ben's header stops saying online, and so does Asha's.
			await until(async () => (await presenceOf(b.page).textContent()) === "offline", "Ben no longer sees Asha online");
			await until(async () => (await presenceOf(a.page).textContent()) === "offline", "Asha no longer sees Ben online");
			await b.page.getByRole("textbox", { name: "Message" }).fill("are you there?");
			await b.page.getByRole("button", { name: "Send", exact: true }).tap();
			await b.page
				.getByTestId("reply-notice")
				.filter({ hasText: "You can't send messages in this chat. You can still read its history." })
				.waitFor();
			assert(
				await b.page.locator('[data-testid="message-text"]', { hasText: "before the block" }).isVisible(),
				"readable",
			);
		},
	},
	{
		name: "22.6 phone: a new name reaches the other person live: chat list, chat header, the group's sender line",
		async run(ctx) {
			const A = await ctx.api.register("Asha Live");
			const B = await ctx.api.register("Ben Live");
			await ctx.api.direct(A, B);
			const { conversation: group } = await ctx.api.group(A, "Live Group", [B]);
			await ctx.api.send(A, group.id, "hello group");
			const b = await open(ctx, B, PHONE);
			await row(b.page, "Asha Live").waitFor();
			await openChatBy(b.page, "Live Group");
			const sender = b.page.locator('[data-testid="sender-name"]', { hasText: "Asha Live" });
			await sender.waitFor();
			await ctx.api.call("PATCH", "/me", { displayName: "Asha Renamed" }, A.token);
			await b.page.locator('[data-testid="sender-name"]', { hasText: "Asha Renamed" }).waitFor({ timeout: 5_000 });
			assert((await sender.count()) === 0, "no sender line keeps the old name");
			await b.page.getByRole("button", { name: "Back to conversations" }).tap();
			await row(b.page, "Asha Renamed").waitFor({ timeout: 5_000 });
			assert((await row(b.page, "Asha Live").count()) === 0, "the list has the new name");
			await openChatBy(b.page, "Asha Renamed");
			await b.page.locator("#chat-title", { hasText: "Asha Renamed" }).waitFor();
		},
	},
	{
		name: "22.2 desktop: a message that arrives while the reader is scrolled up is delivered, not read, until it is on screen",
		async run(ctx) {
			const A = await ctx.api.register("Asha Trust");
			const B = await ctx.api.register("Ben Trust");
			const { conversation } = await ctx.api.direct(A, B);
			for (let i = 1; i <= 40; i++) await ctx.api.send(A, conversation.id, `older ${i}`);
			const a = await open(ctx, A, DESKTOP);
			const b = await open(ctx, B, DESKTOP);
			await openChat(b.page, "Asha Trust");
			await scrollMessages(b.page, "bottom");
			await until(async () => (await myWatermark(ctx, B, conversation.id)).lastReadSeq === 40, "Ben read all 40");
			await scrollMessages(b.page, "top");
			await b.page.getByRole("button", { name: /^Jump to latest/ }).waitFor();
			await openChat(a.page, "Ben Trust");
			for (const text of ["first of two", "second of two"]) {
				await a.page.getByRole("textbox", { name: "Message" }).fill(text);
				await a.page.getByRole("textbox", { name: "Message" }).press("Enter");
			}
			// Asha sees them delivered to Ben's device, not read; Ben's jump button counts them.
			await until(async () => (await tickLabel(a.page, "second of two")) === "Delivered", "Delivered to Ben");
			await sleep(1500);
			assert((await tickLabel(a.page, "second of two")) === "Delivered", "still not Read while Ben is scrolled up");
			assert((await myWatermark(ctx, B, conversation.id)).lastReadSeq === 40, "Ben's read watermark has not moved");
			await until(
				async () => (await b.page.locator('[data-testid="jump-count"]').textContent()) === "2",
				"Ben's jump button says 2",
			);
			// A hidden page reads nothing even at the bottom; once visible again, what is on screen is read.
			await b.page.evaluate(() => {
				Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "hidden" });
				document.dispatchEvent(new Event("visibilitychange"));
			});
			await b.page.getByRole("button", { name: /^Jump to latest, 2 new messages below/ }).click();
			await sleep(1500);
			assert((await tickLabel(a.page, "second of two")) === "Delivered", "not Read while Ben's page is hidden");
			await b.page.evaluate(() => {
				Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "visible" });
				document.dispatchEvent(new Event("visibilitychange"));
			});
			await until(async () => (await tickLabel(a.page, "second of two")) === "Read", "Read once Ben sees it");
			assert((await myWatermark(ctx, B, conversation.id)).lastReadSeq === 42, "Ben's watermark is at 42");
		},
	},
	{
		name: "22.4 phone: after a reload the jump button counts only messages after the read watermark",
		async run(ctx) {
			const A = await ctx.api.register("Ama Trust");
			const B = await ctx.api.register("Bram Trust");
			const { conversation } = await ctx.api.direct(A, B);
			for (let i = 1; i <= 60; i++) await ctx.api.send(A, conversation.id, `line ${i}`);
			await ctx.api.call("POST", `/conversations/${conversation.id}/read`, {}, B.token);
			const b = await open(ctx, B, PHONE);
			await b.page.reload();
			await b.page.getByRole("heading", { name: "Chats" }).waitFor();
			await openChatBy(b.page, "Ama Trust");
			await b.page.locator('[data-testid="message-text"]', { hasText: "line 60" }).waitFor();
			await scrollMessages(b.page, "top");
			const jump = b.page.getByRole("button", { name: /^Jump to latest/ });
			await jump.waitFor();
			await sleep(500);
			assert((await b.page.locator('[data-testid="jump-count"]').count()) === 0, "no count: everything was read");
			assert((await jump.getAttribute("aria-label")) === "Jump to latest", await jump.getAttribute("aria-label"));
			// Two new ones while scrolled up: exactly those two are counted.
			await ctx.api.send(A, conversation.id, "new one");
			await ctx.api.send(A, conversation.id, "new two");
			await until(
				async () => (await b.page.locator('[data-testid="jump-count"]').textContent()) === "2",
				"the jump button says 2",
			);
			const box = await jump.boundingBox();
			assert(box && box.width >= 44 && box.height >= 44, `the jump button is a 44 px target: ${JSON.stringify(box)}`);
			const violations = await axeViolations(b.page);
			assert(violations.length === 0, JSON.stringify(violations));
			await roomReady(b.page);
		},
	},
];
