// The browser scenarios from issue 6's "Done when" and issue 10's receipts, each a sentence a user could check by eye;
// issue 15's are in ui-scenarios.mjs.
import {
	assert,
	axeViolations,
	batchServerFrames,
	DESKTOP,
	makePng,
	messageTexts,
	open,
	openChat,
	PHONE,
	pair,
	roomReady,
	row,
	sendText,
	shot,
	startViteDev,
	until,
	waitForMessage,
	watchCsp,
} from "./harness.mjs";
import { uiScenarios } from "./ui-scenarios.mjs";

async function badge(page, title) {
	// No auto-waiting here: callers poll with until(), and a badge may come and go between calls.
	const texts = await row(page, title).locator('[data-testid="unread-badge"]').allTextContents();
	return texts.length === 0 ? 0 : Number.parseInt(texts[0] ?? "0", 10);
}

async function tickLabel(page, text) {
	const bubble = page.locator('[data-mine="true"]', {
		has: page.locator('[data-testid="message-text"]', { hasText: text }),
	});
	return bubble.locator('[data-testid="ticks"]').getAttribute("aria-label");
}

export const scenarios = [
	{
		name: "sign up, stay signed in across a reload, sign out and sign in again",
		async run(ctx) {
			const page = await (async () => {
				const context = await ctx.browser.newContext({ viewport: DESKTOP, baseURL: ctx.origin });
				ctx.contexts.push(context);
				await watchCsp(context, "sign-up");
				const p = await context.newPage();
				await p.goto("/");
				return p;
			})();
			const email = `signup.${Date.now()}@e2e.test`;
			await page.getByRole("button", { name: "Create an account" }).click();
			await page.getByLabel("Name").fill("Dana Signup");
			await page.getByLabel("Email").fill(email);
			await page.getByLabel("Password").fill("password123");
			await page.getByRole("button", { name: "Create account" }).click();
			await page.getByRole("heading", { name: "Chats" }).waitFor();
			await page.getByText("Dana Signup").first().waitFor();
			await page.reload();
			await page.getByRole("heading", { name: "Chats" }).waitFor();
			await page.getByRole("button", { name: "Sign out" }).click();
			await page.getByRole("button", { name: "Sign in" }).waitFor();
			await page.getByLabel("Email").fill(email);
			await page.getByLabel("Password").fill("wrong-password");
			await page.getByRole("button", { name: "Sign in" }).click();
			await page.getByRole("alert").filter({ hasText: "don't match" }).waitFor();
			await page.getByLabel("Password").fill("password123");
			await page.getByRole("button", { name: "Sign in" }).click();
			await page.getByRole("heading", { name: "Chats" }).waitFor();
		},
	},
	{
		name: "two users start a direct chat and exchange messages live",
		async run(ctx) {
			const { A, B } = await pair(ctx);
			const a = await open(ctx, A);
			const b = await open(ctx, B);
			// Asha starts the chat from "New message" by searching for Ben.
			await a.page.getByRole("button", { name: "New message" }).first().click();
			await a.page.getByRole("searchbox").fill("Ben Test");
			await a.page
				.getByRole("dialog")
				.getByRole("button", { name: /Ben Test/ })
				.click();
			await a.page.getByRole("button", { name: "Chat", exact: true }).click();
			await a.page.locator("#chat-title", { hasText: "Ben Test" }).waitFor();
			await sendText(a.page, "Hi Ben! Lunch at noon?");
			await waitForMessage(a.page, "Hi Ben! Lunch at noon?");
			// Ben sees it arrive in his list, opens it, and answers.
			await row(b.page, "Asha Test").waitFor();
			await row(b.page, "Asha Test").locator('[data-testid="row-preview"]', { hasText: "Lunch at noon" }).waitFor();
			await openChat(b.page, "Asha Test");
			await waitForMessage(b.page, "Hi Ben! Lunch at noon?");
			await sendText(b.page, "Sounds good 🍜");
			await waitForMessage(a.page, "Sounds good 🍜");
			await row(a.page, "Ben Test").locator('[data-testid="row-preview"]', { hasText: "Sounds good" }).waitFor();
			await sendText(a.page, "Great, see you there");
			await waitForMessage(b.page, "Great, see you there");
			assert(
				JSON.stringify(await messageTexts(b.page)) ===
					JSON.stringify(["Hi Ben! Lunch at noon?", "Sounds good 🍜", "Great, see you there"]),
				"Ben sees the three messages once each, in order",
			);
			await row(a.page, "Ben Test")
				.locator('[data-testid="row-preview"]', { hasText: "You: Great, see you there" })
				.waitFor();
			// Asking for the same direct chat again opens the existing one.
			await a.page.getByRole("button", { name: "New message" }).first().click();
			await a.page.getByRole("searchbox").fill("Ben");
			await a.page
				.getByRole("dialog")
				.getByRole("button", { name: /Ben Test/ })
				.click();
			await a.page.getByRole("button", { name: "Chat", exact: true }).click();
			await waitForMessage(a.page, "Sounds good 🍜");
			assert((await row(a.page, "Ben Test").count()) === 1, "still one conversation with Ben");
		},
	},
	{
		name: "typing shows on the other side and disappears",
		async run(ctx) {
			const { A, B } = await pair(ctx, "Tara", "Theo");
			await ctx.api.direct(A, B);
			const a = await open(ctx, A);
			const b = await open(ctx, B);
			await openChat(a.page, "Theo Test");
			await openChat(b.page, "Tara Test");
			await a.page.getByRole("textbox", { name: "Message" }).pressSequentially("I am typing slowly", { delay: 40 });
			await b.page.locator('[data-testid="typing"]', { hasText: "Tara is typing…" }).waitFor({ timeout: 5000 });
			await a.page.getByRole("textbox", { name: "Message" }).press("Enter");
			await waitForMessage(b.page, "I am typing slowly");
			await until(
				async () => (await b.page.locator('[data-testid="typing"]').textContent()).trim() === "",
				"typing indicator clears after the send",
				5000,
			);
		},
	},
	{
		name: "ticks go sent → delivered → read",
		async run(ctx) {
			const { A, B } = await pair(ctx, "Rosa", "Raj");
			await ctx.api.direct(A, B);
			const a = await open(ctx, A);
			await openChat(a.page, "Raj Test");
			await sendText(a.page, "Are you there?");
			await until(
				async () => (await tickLabel(a.page, "Are you there?")) === "Sent",
				"tick says Sent while Raj is away",
			);
			// Raj opens the app on his list: the message is delivered, not yet read.
			const b = await open(ctx, B);
			await row(b.page, "Rosa Test").waitFor();
			await until(async () => (await tickLabel(a.page, "Are you there?")) === "Delivered", "tick says Delivered");
			await openChat(b.page, "Rosa Test");
			await until(async () => (await tickLabel(a.page, "Are you there?")) === "Read", "tick says Read");
		},
	},
	{
		name: "receipts per burst: batched frames, one read per 500 ms, ticks and read-by still right",
		async run(ctx) {
			const A = await ctx.api.register("Bea Test");
			const B = await ctx.api.register("Bo Test");
			const C = await ctx.api.register("Cy Test");
			const direct = await ctx.api.direct(A, B);
			const group = await ctx.api.group(A, "Burst Club", [B, C]);
			const aFrames = [];
			const bFrames = [];
			const a = await open(ctx, A, DESKTOP, { setup: async (c) => aFrames.push(await batchServerFrames(c)) });
			const b = await open(ctx, B, DESKTOP, { setup: async (c) => bFrames.push(await batchServerFrames(c)) });
			const c = await open(ctx, C);
			const sentByB = bFrames[0];
			await openChat(b.page, "Bea Test");
			await openChat(a.page, "Bo Test");
			// Thirty messages in a burst while Bo has the chat open.
			const started = Date.now();
			for (let i = 1; i <= 30; i++) await ctx.api.send(A, direct.conversation.id, `burst ${i}`);
			await waitForMessage(b.page, "burst 30", 15_000);
			await waitForMessage(a.page, "burst 30", 15_000);
			await until(async () => (await tickLabel(a.page, "burst 30")) === "Read", "the last of the burst shows Read");
			await new Promise((r) => setTimeout(r, 700));
			const reads = sentByB.filter((f) => f.frame.type === "message:read" && f.at >= started);
			const span = Math.max(1, Date.now() - started);
			assert(reads.length <= Math.ceil(span / 500) + 1, `${reads.length} reads in ${span} ms`);
			// The page sends them ≥ 500 ms apart; the times are taken at the test's proxy, which adds jitter.
			for (let i = 1; i < reads.length; i++)
				assert(reads[i].at - reads[i - 1].at >= 350, `reads ${reads[i].at - reads[i - 1].at} ms apart`);
			assert(reads.at(-1)?.frame.data.seq === 30, `the final read says 30: ${JSON.stringify(reads.at(-1)?.frame)}`);
			const deliveredHere = sentByB.filter(
				(f) => f.frame.type === "message:delivered" && f.at >= started && !f.frame.data.conversationId,
			);
			assert(deliveredHere.length === 0, "an open chat reports read, which implies delivered");
			// A group Bo does not have open: delivered at most once per 500 ms, the ticks and "read by" still add up.
			const groupStarted = Date.now();
			// The group's first line ("created the group") is seq 1, so the burst is seqs 2 to 11.
			let lastSeq = 0;
			for (let i = 1; i <= 10; i++)
				lastSeq = (await ctx.api.send(A, group.conversation.id, `group burst ${i}`)).message.seq;
			assert(lastSeq === 11, `the last of the group burst is seq 11 (${lastSeq})`);
			await openChat(a.page, "Burst Club");
			await waitForMessage(a.page, "group burst 10");
			await until(
				async () => (await tickLabel(a.page, "group burst 10")) === "Delivered",
				"the group message shows Delivered once both have it",
				15_000,
			);
			const delivered = sentByB.filter(
				(f) =>
					f.frame.type === "message:delivered" &&
					f.frame.data.conversationId === group.conversation.id &&
					f.at >= groupStarted,
			);
			assert(delivered.length >= 1 && delivered.length <= Math.ceil((Date.now() - groupStarted) / 500) + 1, "few");
			assert(
				delivered.at(-1)?.frame.data.seq === lastSeq,
				`the final delivered says ${lastSeq}: ${JSON.stringify(delivered)}`,
			);
			await openChat(c.page, "Burst Club");
			const last = a.page.locator('[data-mine="true"]', {
				has: a.page.locator('[data-testid="message-text"]', { hasText: "group burst 10" }),
			});
			await last.getByRole("button", { name: "Read by 1" }).waitFor({ timeout: 15_000 });
			await openChat(b.page, "Burst Club");
			await until(async () => (await tickLabel(a.page, "group burst 10")) === "Read", "read by everyone");
		},
	},
	{
		name: "presence without presence events (a group over 32): the snapshot on opening shows who is online",
		async run(ctx) {
			const A = await ctx.api.register("Pax Test");
			const B = await ctx.api.register("Pim Test");
			const C = await ctx.api.register("Pol Test");
			const g = await ctx.api.group(A, "Big Lecture", [B, C]);
			const a = await open(ctx, A, DESKTOP, {
				setup: (c) => batchServerFrames(c, 30, { drop: ["user:online", "user:offline"] }),
			});
			await row(a.page, "Big Lecture").waitFor();
			await open(ctx, B);
			await until(async () => {
				const { conversation } = await ctx.api.call("GET", `/conversations/${g.conversation.id}`, undefined, C.token);
				return conversation.participants.find((p) => p.user.id === B.user.id)?.user.online === true;
			}, "the server counts Pim as online");
			await openChat(a.page, "Big Lecture");
			await a.page.locator('[data-testid="presence"]', { hasText: "3 members, 1 online" }).waitFor();
			await a.page.getByRole("button", { name: "Group info", exact: true }).click();
			await a.page
				.locator('[data-testid="member"]', { hasText: "Pim Test" })
				.getByText("online", { exact: true })
				.waitFor();
		},
	},
	{
		name: "an image sent by one user shows on the other side and opens full size",
		async run(ctx) {
			const { A, B } = await pair(ctx, "Ivy", "Ian");
			await ctx.api.direct(A, B);
			const a = await open(ctx, A);
			const b = await open(ctx, B);
			await openChat(a.page, "Ian Test");
			await openChat(b.page, "Ivy Test");
			const png = await makePng();
			await a.page
				.locator('[data-testid="file-input"]')
				.setInputFiles({ name: "stripe.png", mimeType: "image/png", buffer: png });
			await a.page.locator('[data-testid="attachment-preview"]', { hasText: "stripe.png" }).waitFor();
			await a.page.getByRole("textbox", { name: "Message" }).fill("Look at this");
			await a.page.getByRole("button", { name: "Send" }).click();
			const img = b.page.locator('[data-testid="message-image"]').first();
			await img.waitFor({ timeout: 15_000 });
			await until(
				() => img.evaluate((el) => el.complete && el.naturalWidth === 24),
				"the image loads on Ian's side",
				15_000,
			);
			await waitForMessage(b.page, "Look at this");
			await row(b.page, "Ivy Test").locator('[data-testid="row-preview"]', { hasText: "Photo" }).waitFor();
			await b.page.getByRole("button", { name: /Photo from Ivy Test, open full size/ }).click();
			await b.page.locator('[data-testid="full-image"]').waitFor();
			await b.page.keyboard.press("Escape");
			// A file that is not an image is refused before any upload.
			await a.page
				.locator('[data-testid="file-input"]')
				.setInputFiles({ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("hello") });
			await a.page.getByRole("alert").filter({ hasText: "Only JPEG, PNG, WebP and GIF" }).waitFor();
		},
	},
	{
		name: "a group is created, a member is added, and everyone sees messages",
		async run(ctx) {
			const A = await ctx.api.register("Gina Test");
			const B = await ctx.api.register("Gus Test");
			const C = await ctx.api.register("Gwen Test");
			const groupCtx = await ctx.api.group(A, "Study Group", [B]);
			const a = await open(ctx, A);
			const b = await open(ctx, B);
			const c = await open(ctx, C);
			await openChat(a.page, "Study Group");
			await a.page.getByRole("button", { name: "Group info", exact: true }).click();
			await a.page.getByRole("button", { name: "Add members" }).click();
			await a.page.getByRole("searchbox").fill("Gwen Test");
			await a.page
				.getByRole("dialog")
				.getByRole("button", { name: /Gwen Test/ })
				.click();
			await a.page.getByRole("button", { name: /Add 1 to group/ }).click();
			await a.page.getByTestId("member-list").getByTestId("member").filter({ hasText: "Gwen Test" }).waitFor();
			await a.page.getByRole("button", { name: "Close" }).click();
			assert(groupCtx.conversation.type === "group", "group created");
			await row(c.page, "Study Group").waitFor({ timeout: 10_000 });
			await openChat(b.page, "Study Group");
			await openChat(c.page, "Study Group");
			await sendText(a.page, "Welcome Gwen!");
			await waitForMessage(b.page, "Welcome Gwen!");
			await waitForMessage(c.page, "Welcome Gwen!");
			// Both others have the chat open: "read by 2", with the names on demand.
			const welcome = a.page.locator('[data-mine="true"]', {
				has: a.page.locator('[data-testid="message-text"]', { hasText: "Welcome Gwen!" }),
			});
			await welcome.getByRole("button", { name: "Read by 2" }).click({ timeout: 15_000 });
			await welcome.locator('[data-testid="read-by-list"]', { hasText: "Gwen Test" }).waitFor();
			assert((await tickLabel(a.page, "Welcome Gwen!")) === "Read", "ticks say Read once everyone has read");
			await sendText(c.page, "Thanks, hi all");
			await waitForMessage(a.page, "Thanks, hi all");
			await waitForMessage(b.page, "Thanks, hi all");
			// Sender names show in groups.
			await b.page.locator('[data-mine="false"] [data-testid="sender-name"]', { hasText: "Gwen Test" }).waitFor();
			await b.page.locator('[data-mine="false"] [data-testid="sender-name"]', { hasText: "Gina Test" }).waitFor();
			await b.page.mouse.move(1, 1);
			await b.page.screenshot({ path: shot("desktop-group.png") });
		},
	},
	{
		name: "creating a group from New message with several people and a title",
		async run(ctx) {
			const A = await ctx.api.register("Hana Test");
			const B = await ctx.api.register("Hugo Test");
			const C = await ctx.api.register("Hedy Test");
			const a = await open(ctx, A);
			const c = await open(ctx, C);
			await a.page.getByRole("button", { name: "New message" }).first().click();
			await a.page.getByRole("searchbox").fill("Hugo Test");
			await a.page
				.getByRole("dialog")
				.getByRole("button", { name: /Hugo Test/ })
				.click();
			await a.page.getByRole("searchbox").fill("Hedy Test");
			await a.page
				.getByRole("dialog")
				.getByRole("button", { name: /Hedy Test/ })
				.click();
			await a.page.getByLabel("Group name").fill("Robotics Club");
			await a.page.getByRole("button", { name: "Create group" }).click();
			await a.page.locator("#chat-title", { hasText: "Robotics Club" }).waitFor();
			await sendText(a.page, "First meeting Friday");
			await row(c.page, "Robotics Club")
				.locator('[data-testid="row-preview"]', { hasText: "First meeting Friday" })
				.waitFor();
			assert(B.user.id, "Hugo exists");
		},
	},
	{
		name: "group info: the last-admin rule is explained, roles change, mute and leave work",
		async run(ctx) {
			const A = await ctx.api.register("Lena Test");
			const B = await ctx.api.register("Liam Test");
			await ctx.api.group(A, "Climbing Club", [B]);
			const a = await open(ctx, A);
			const b = await open(ctx, B);
			await openChat(a.page, "Climbing Club");
			await openChat(b.page, "Climbing Club");
			await a.page.getByRole("button", { name: "Group info", exact: true }).click();
			const dialog = a.page.getByRole("dialog");
			await dialog.locator('[data-testid="member"]', { hasText: "Liam Test" }).waitFor();
			// The only admin stepping down is refused, and the UI says why.
			await dialog.getByRole("button", { name: "Step down as admin" }).click();
			await dialog.getByRole("alert").filter({ hasText: "at least one admin" }).waitFor();
			await dialog.getByRole("button", { name: "Make admin" }).click();
			await dialog
				.locator('[data-testid="member"]', { hasText: "Liam Test" })
				.locator('[data-testid="role-badge"]', { hasText: "Admin" })
				.waitFor();
			await dialog.getByRole("button", { name: "Step down as admin" }).click();
			await until(
				async () => (await dialog.getByRole("button", { name: "Add members" }).count()) === 0,
				"Lena no longer sees admin actions",
			);
			// Mute shows in the list.
			await dialog.getByRole("combobox", { name: "Mute notifications" }).selectOption("always");
			await row(a.page, "Climbing Club").getByTitle("Muted").waitFor();
			// Leaving removes the group from Lena's list; Liam sees it as a system line.
			// Confirmed in the app's own dialog, never the browser's confirm() (issue 15.8).
			a.page.once("dialog", () => {
				throw new Error("a native browser dialog appeared");
			});
			await dialog.getByRole("button", { name: "Leave group" }).click();
			const confirm = a.page.getByRole("alertdialog", { name: /Leave/ });
			await confirm.getByRole("button", { name: "Cancel" }).click();
			assert((await row(a.page, "Climbing Club").count()) === 1, "Cancel keeps the group");
			await dialog.getByRole("button", { name: "Leave group" }).click();
			await confirm.getByRole("button", { name: "Leave group" }).click();
			await until(async () => (await row(a.page, "Climbing Club").count()) === 0, "the group leaves Lena's list");
			await b.page
				.locator('[data-testid="system-message"]', { hasText: /left|Lena/ })
				.first()
				.waitFor();
		},
	},
	{
		name: "the list's unread badge counts up and clears when the chat is read",
		async run(ctx) {
			const { A, B } = await pair(ctx, "Uma", "Uri");
			const { conversation } = await ctx.api.direct(A, B);
			const b = await open(ctx, B);
			await row(b.page, "Uma Test").waitFor();
			await ctx.api.send(A, conversation.id, "one");
			await until(async () => (await badge(b.page, "Uma Test")) === 1, "badge shows 1");
			await ctx.api.send(A, conversation.id, "two");
			await ctx.api.send(A, conversation.id, "three");
			await until(async () => (await badge(b.page, "Uma Test")) === 3, "badge counts up to 3");
			await until(async () => (await b.page.title()).startsWith("(3)"), "the tab title shows (3)");
			await openChat(b.page, "Uma Test");
			await b.page.locator('[data-testid="unread-divider"]').waitFor();
			await until(async () => (await badge(b.page, "Uma Test")) === 0, "badge clears when the chat is open");
			await until(async () => (await b.page.title()) === "Campus Chat", "title count clears");
			// Read elsewhere: a second tab reading clears the first's badge too.
			await b.page.evaluate(() => {
				window.location.hash = "#/";
			});
			await row(b.page, "Uma Test").waitFor();
			await ctx.api.send(A, conversation.id, "four");
			await until(async () => (await badge(b.page, "Uma Test")) === 1, "badge shows 1 again");
			await ctx.api.call("POST", `/conversations/${conversation.id}/read`, {}, B.token);
			await until(
				async () => (await badge(b.page, "Uma Test")) === 0,
				"read on another device clears the badge",
				10_000,
			);
		},
	},
	{
		name: "going offline and back loses nothing and doubles nothing",
		async run(ctx) {
			const { A, B } = await pair(ctx, "Omar", "Olga");
			const { conversation } = await ctx.api.direct(A, B);
			await ctx.api.send(A, conversation.id, "before 1");
			const b = await open(ctx, B);
			await openChat(b.page, "Omar Test");
			await waitForMessage(b.page, "before 1");
			await b.context.setOffline(true);
			await b.page.getByRole("status").filter({ hasText: "offline" }).waitFor();
			for (const n of [1, 2, 3]) await ctx.api.send(A, conversation.id, `while offline ${n}`);
			// A send while offline waits in the outbox and goes by itself once the network is back, once.
			await sendText(b.page, "reply from the tunnel");
			await b.page.getByTestId("waiting").filter({ hasText: "Waiting for network" }).waitFor();
			await b.context.setOffline(false);
			await waitForMessage(b.page, "while offline 3", 20_000);
			await b.page
				.locator('[data-testid="message"][data-mine="true"] [data-testid="message-text"]', {
					hasText: "reply from the tunnel",
				})
				.waitFor();
			await ctx.api.send(A, conversation.id, "after");
			await waitForMessage(b.page, "after");
			const texts = await messageTexts(b.page);
			assert(
				JSON.stringify(texts) ===
					JSON.stringify([
						"before 1",
						"while offline 1",
						"while offline 2",
						"while offline 3",
						"reply from the tunnel",
						"after",
					]),
				`messages appear once, in order: ${JSON.stringify(texts)}`,
			);
			const { messages } = await ctx.api.call(
				"GET",
				`/conversations/${conversation.id}/messages?limit=50`,
				undefined,
				A.token,
			);
			assert(
				messages.filter((m) => m.text === "reply from the tunnel").length === 1,
				"the send from the outbox is stored once",
			);
		},
	},
	{
		name: "phone layout: list and chat are separate screens with back navigation",
		async run(ctx) {
			const { A, B } = await pair(ctx, "Pia", "Paul");
			const { conversation } = await ctx.api.direct(A, B);
			await ctx.api.send(B, conversation.id, "Are we still on for the library at 4?");
			await ctx.api.send(A, conversation.id, "Yes! Second floor, by the windows 📚");
			await ctx.api.send(B, conversation.id, "Perfect. I'll bring the notes from Tuesday");
			const g = await ctx.api.group(A, "Chem 101 Lab", [B]);
			await ctx.api.send(B, g.conversation.id, "Lab report due Friday, don't forget");
			const a = await open(ctx, A, PHONE);
			await row(a.page, "Paul Test").waitFor();
			await a.page.screenshot({ path: shot("phone-list.png") });
			await openChat(a.page, "Paul Test");
			await waitForMessage(a.page, "bring the notes");
			assert(
				!(await a.page.locator('[data-testid="list-pane"]').isVisible()),
				"the list is hidden while a chat is open on a phone",
			);
			await sendText(a.page, "See you there 👋");
			await waitForMessage(a.page, "See you there");
			await until(async () => (await tickLabel(a.page, "See you there")) !== null, "my message shows a tick");
			await a.page.mouse.move(1, 1);
			await a.page.screenshot({ path: shot("phone-chat.png") });
			await a.page.getByRole("button", { name: "Back to conversations" }).click();
			await row(a.page, "Paul Test").waitFor();
			assert(!(await a.page.locator('[data-testid="chat-pane"]').isVisible()), "the chat is hidden on the list screen");
			await openChat(a.page, "Chem 101 Lab");
			await a.page.goBack();
			await row(a.page, "Chem 101 Lab").waitFor();
		},
	},
	{
		name: "desktop layout shows list and chat side by side",
		async run(ctx) {
			const A = await ctx.api.register("Asha Patel");
			const B = await ctx.api.register("Ben Okafor");
			const C = await ctx.api.register("Chloe Martin");
			const { conversation } = await ctx.api.direct(A, B);
			await ctx.api.send(B, conversation.id, "Hey! Did you finish the problem set?");
			await ctx.api.send(A, conversation.id, "Almost — stuck on question 4 😅");
			await ctx.api.send(B, conversation.id, "Same. Want to work through it together after class?");
			const g = await ctx.api.group(C, "Design Studio", [A, B]);
			await ctx.api.send(C, g.conversation.id, "Crit moved to 3pm tomorrow");
			const d = await ctx.api.direct(A, C);
			await ctx.api.send(A, d.conversation.id, "Thanks for the notes!");
			const club = await ctx.api.group(B, "Ultimate Frisbee", [A, C]);
			await ctx.api.send(B, club.conversation.id, "Practice is on, bring water");
			await ctx.api.call("PUT", `/conversations/${club.conversation.id}/mute`, { muted: true }, A.token);
			const a = await open(ctx, A, DESKTOP);
			const b = await open(ctx, B, DESKTOP);
			await row(a.page, "Ultimate Frisbee").getByTitle("Muted").waitFor();
			await a.page.screenshot({ path: shot("desktop-list.png") });
			await openChat(a.page, "Ben Okafor");
			await waitForMessage(a.page, "work through it together");
			assert(await a.page.locator('[data-testid="list-pane"]').isVisible(), "the list stays visible beside the chat");
			await sendText(a.page, "Yes please! Library at 4?");
			await openChat(b.page, "Asha Patel");
			await until(async () => (await tickLabel(a.page, "Library at 4?")) === "Read", "read tick");
			await b.page.getByRole("textbox", { name: "Message" }).pressSequentially("Works for", { delay: 30 });
			await a.page.locator('[data-testid="typing"]', { hasText: "Ben is typing…" }).waitFor();
			await a.page.getByRole("textbox", { name: "Message" }).click();
			await a.page.screenshot({ path: shot("desktop-chat.png") });
		},
	},
	{
		name: "delete for everyone shows a placeholder on both sides",
		async run(ctx) {
			const { A, B } = await pair(ctx, "Dev", "Dora");
			await ctx.api.direct(A, B);
			const a = await open(ctx, A);
			const b = await open(ctx, B);
			await openChat(a.page, "Dora Test");
			await openChat(b.page, "Dev Test");
			await sendText(a.page, "oops wrong chat");
			await waitForMessage(b.page, "oops wrong chat");
			const mine = a.page.locator('[data-mine="true"]', {
				has: a.page.locator('[data-testid="message-text"]', { hasText: "oops wrong chat" }),
			});
			await mine.hover();
			await mine.getByRole("button", { name: /^Actions for your message at / }).click();
			await a.page.getByRole("menuitem", { name: "Delete for everyone" }).click();
			await a.page
				.getByRole("alertdialog", { name: "Delete for everyone?" })
				.getByRole("button", { name: "Delete for everyone" })
				.click();
			await a.page.locator('[data-testid="deleted-text"]', { hasText: "This message was deleted" }).waitFor();
			await b.page.locator('[data-testid="deleted-text"]', { hasText: "This message was deleted" }).waitFor();
			await row(b.page, "Dev Test")
				.locator('[data-testid="row-preview"]', { hasText: "This message was deleted" })
				.waitFor();
		},
	},
	{
		name: "scrolling up loads older history page by page",
		async run(ctx) {
			const { A, B } = await pair(ctx, "Hal", "Hope");
			const { conversation } = await ctx.api.direct(A, B);
			for (let i = 1; i <= 120; i++) await ctx.api.send(i % 2 ? A : B, conversation.id, `history ${i}`);
			// Hal has read it all, so the chat opens at the bottom rather than at a "new messages" divider.
			await ctx.api.call("POST", `/conversations/${conversation.id}/read`, {}, A.token);
			const a = await open(ctx, A);
			await openChat(a.page, "Hope Test");
			await waitForMessage(a.page, "history 120");
			const before = await a.page.locator('[data-testid="message"]').count();
			assert(before <= 60, `first page is partial (${before})`);
			await until(
				async () => {
					await a.page.locator('[data-testid="messages"]').evaluate((el) => {
						el.scrollTop = 0;
					});
					return (
						(await a.page
							.locator('[data-testid="messages"] [data-testid="message-text"]', { hasText: /^history 1$/ })
							.count()) === 1
					);
				},
				"the first message appears after scrolling up",
				20_000,
			);
			assert((await a.page.locator('[data-testid="message"]').count()) === 120, "all 120 messages, no doubles");
			await a.page.getByRole("button", { name: "Jump to latest" }).click();
			await until(
				() =>
					a.page
						.locator('[data-testid="messages"]')
						.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight < 150),
				"jump-to-latest scrolls to the bottom",
			);
		},
	},
	{
		name: "no serious or critical axe-core violations on the list and chat screens",
		async run(ctx) {
			const { A, B } = await pair(ctx, "Axel", "Ada");
			const { conversation } = await ctx.api.direct(A, B);
			await ctx.api.send(B, conversation.id, "Accessibility check");
			for (const viewport of [DESKTOP, PHONE]) {
				const a = await open(ctx, A, viewport);
				await row(a.page, "Ada Test").waitFor();
				const onList = await axeViolations(a.page);
				assert(onList.length === 0, `list (${viewport.width}px): ${JSON.stringify(onList)}`);
				await openChat(a.page, "Ada Test");
				await waitForMessage(a.page, "Accessibility check");
				await sendText(a.page, "Replying for the ticks");
				await waitForMessage(a.page, "Replying for the ticks");
				const onChat = await axeViolations(a.page);
				assert(onChat.length === 0, `chat (${viewport.width}px): ${JSON.stringify(onChat)}`);
			}
		},
	},
	{
		name: "keyboard only: open a chat and send a message",
		async run(ctx) {
			const { A, B } = await pair(ctx, "Kai", "Kim");
			await ctx.api.direct(A, B);
			const a = await open(ctx, A);
			await row(a.page, "Kim Test").waitFor();
			await row(a.page, "Kim Test").focus();
			await a.page.keyboard.press("Enter");
			await a.page.locator("#chat-title", { hasText: "Kim Test" }).waitFor();
			await a.page.getByRole("textbox", { name: "Message" }).focus();
			await a.page.keyboard.type("typed with keys");
			await a.page.keyboard.press("Shift+Enter");
			await a.page.keyboard.type("second line");
			await a.page.keyboard.press("Enter");
			await waitForMessage(a.page, "second line");
			const text = (await messageTexts(a.page)).at(-1);
			assert(text === "typed with keys\nsecond line", `Shift+Enter makes a new line (${JSON.stringify(text)})`);
		},
	},
	{
		name: "under React StrictMode (dev server) each tab opens one realtime socket and one room socket",
		async run(ctx) {
			const { A, B } = await pair(ctx, "Sam", "Sia");
			const { conversation } = await ctx.api.direct(A, B);
			const vite = await startViteDev(ctx.origin);
			try {
				const context = await ctx.browser.newContext({ viewport: DESKTOP, baseURL: vite.origin });
				ctx.contexts.push(context);
				await context.addInitScript(
					([session]) => localStorage.setItem("campus-chat.session", session),
					[JSON.stringify({ token: A.token, user: A.user })],
				);
				const page = await context.newPage();
				const opened = [];
				page.on("websocket", (ws) => {
					const path = new URL(ws.url()).pathname;
					if (path.startsWith("/api/v1/")) opened.push(path);
				});
				await page.goto(`/#/c/${conversation.id}`);
				await page.locator("#chat-title", { hasText: "Sia Test" }).waitFor({ timeout: 30_000 });
				await roomReady(page);
				await ctx.api.send(B, conversation.id, "hello dev server");
				await waitForMessage(page, "hello dev server");
				const realtime = opened.filter((p) => p === "/api/v1/realtime").length;
				const room = opened.filter((p) => p.endsWith("/socket")).length;
				assert(realtime === 1 && room === 1, `one socket of each kind, saw ${JSON.stringify(opened)}`);
				assert((await messageTexts(page)).length === 1, "the message shows once");
			} finally {
				await vite.close();
			}
		},
	},
	{
		name: "a hidden tab raises the title count and a notification, except for muted chats",
		async run(ctx) {
			const { A, B } = await pair(ctx, "Nia", "Ned");
			const direct = await ctx.api.direct(A, B);
			const muted = await ctx.api.group(B, "Quiet Group", [A]);
			await ctx.api.call("PUT", `/conversations/${muted.conversation.id}/mute`, { muted: true }, A.token);
			const context = await ctx.browser.newContext({ viewport: DESKTOP, baseURL: ctx.origin });
			ctx.contexts.push(context);
			await watchCsp(context, "notifications");
			// Stand-ins for what headless Chromium cannot show: a hidden tab and granted notifications.
			await context.addInitScript(
				([session]) => {
					localStorage.setItem("campus-chat.session", session);
					window.__shown = [];
					window.__hidden = false;
					Object.defineProperty(document, "visibilityState", { get: () => (window.__hidden ? "hidden" : "visible") });
					window.Notification = class {
						static permission = "granted";
						static requestPermission = async () => "granted";
						constructor(title, options) {
							window.__shown.push({ title, body: options?.body });
						}
						close() {}
					};
				},
				[JSON.stringify({ token: A.token, user: A.user })],
			);
			const page = await context.newPage();
			await page.goto("/");
			await row(page, "Ned Test").waitFor();
			await row(page, "Quiet Group").waitFor();
			await page.evaluate(() => {
				window.__hidden = true;
			});
			await ctx.api.send(B, muted.conversation.id, "shh, muted");
			await ctx.api.send(B, direct.conversation.id, "ping from Ned");
			await until(async () => (await page.title()) === "(1) Campus Chat", "the title counts only the unmuted chat");
			const shown = await until(async () => {
				const list = await page.evaluate(() => window.__shown);
				return list.length > 0 ? list : null;
			}, "a notification is shown");
			assert(shown.length === 1, `one notification, not one for the muted chat: ${JSON.stringify(shown)}`);
			// The sender's name is isolated (FSI … PDI), so a name ending in a direction override cannot flip the rest.
			assert(shown[0].title === "\u2068Ned Test\u2069" && shown[0].body === "ping from Ned", JSON.stringify(shown[0]));
		},
	},
	...uiScenarios,
];
