// Issue 13 (contract v2) in the browser: message actions, reactions, edits, replies, mentions,
// search, profile pictures, safe links and reports, each at phone and desktop sizes, with two
// people in two browser contexts where the other side must see it live. Axe runs on every new
// screen (menu open, picker open, search, profile, report) and must find nothing serious.
import {
	assert,
	assertAxeClean,
	bubble,
	DESKTOP,
	insideViewport,
	isTouch,
	makePng,
	open,
	openChatBy,
	openMessageMenu,
	PHONE,
	row,
	sendText,
	shot,
	until,
	waitForMessage,
} from "./harness.mjs";

/** The actions menu of the message whose text contains `text`. */
const openActions = (page, text) => openMessageMenu(page, bubble(page, text));

async function choose(page, item) {
	const target = page.getByRole("menu").getByRole("menuitem", { name: item, exact: true });
	if (await isTouch(page)) await target.tap();
	else await target.click();
}

function chip(page, text, emoji) {
	return bubble(page, text).locator(`[data-testid="reaction-chip"][data-emoji="${emoji}"]`);
}

async function chipCount(page, text, emoji) {
	const c = chip(page, text, emoji);
	if ((await c.count()) === 0) return 0;
	return Number.parseInt((await c.textContent()).replace(/\D+/g, ""), 10);
}

async function pair(ctx, a, b) {
	const A = await ctx.api.register(`${a} V2`);
	const B = await ctx.api.register(`${b} V2`);
	const { conversation } = await ctx.api.direct(A, B);
	return { A, B, conversation };
}

function reactionScenario(size) {
	const phone = size === PHONE;
	return {
		name: `13 reactions ${phone ? "phone" : "desktop"}: a quick reaction and one from the picker reach the other person live; a tap on a chip toggles`,
		async run(ctx) {
			const { A, B, conversation } = await pair(ctx, phone ? "Rafa" : "Reni", phone ? "Rosa" : "Remo");
			await ctx.api.send(B, conversation.id, "who's up for the library at 4?");
			const a = await open(ctx, A, size);
			const b = await open(ctx, B, phone ? DESKTOP : PHONE);
			await openChatBy(a.page, B.user.displayName);
			await openChatBy(b.page, A.user.displayName);
			const text = "library at 4";
			const menu = await openActions(a.page, text);
			assert(await insideViewport(a.page, menu), "the menu is inside the screen");
			await assertAxeClean(a.page, "the message menu");
			if (!phone) await a.page.screenshot({ path: shot("desktop-message-menu.png") });
			else await a.page.screenshot({ path: shot("phone-message-menu.png") });
			await choose(a.page, "React with 👍");
			await until(async () => (await a.page.getByRole("menu").count()) === 0, "the menu closes after reacting");
			await until(async () => (await chipCount(b.page, text, "👍")) === 1, "the other person sees 👍 1 live");
			const title = await chip(b.page, text, "👍").getAttribute("title");
			assert(title === A.user.displayName, `the chip names who reacted (${title})`);
			// The other person adds theirs by tapping the chip: both see 2.
			if (await isTouch(b.page)) await chip(b.page, text, "👍").tap();
			else await chip(b.page, text, "👍").click();
			await until(async () => (await chipCount(a.page, text, "👍")) === 2, "2 on the first screen, live");
			assert((await chip(b.page, text, "👍").getAttribute("aria-pressed")) === "true", "the chip shows it is mine");
			// The fuller picker.
			await openActions(a.page, text);
			await choose(a.page, "More reactions");
			const picker = a.page.getByRole("dialog", { name: "Choose a reaction" });
			await picker.waitFor();
			await picker.getByRole("button", { name: "Food" }).click();
			await assertAxeClean(a.page, "the emoji picker");
			if (!phone) await a.page.screenshot({ path: shot("desktop-emoji-picker.png") });
			const pizza = picker.locator('[data-emoji="🍕"]');
			if (phone) await pizza.tap();
			else await pizza.click();
			await until(async () => (await chipCount(b.page, text, "🍕")) === 1, "the picked emoji reaches the other side");
			// Tapping my own chip again removes it, on both sides.
			if (phone) await chip(a.page, text, "🍕").tap();
			else await chip(a.page, text, "🍕").click();
			await until(async () => (await chip(b.page, text, "🍕").count()) === 0, "removed on the other side too");
		},
	};
}

function editScenario(size) {
	const phone = size === PHONE;
	return {
		name: `13 edit ${phone ? "phone" : "desktop"}: editing my message in place shows "edited" to both, live`,
		async run(ctx) {
			const { A, B } = await pair(ctx, phone ? "Edda" : "Eli", phone ? "Emil" : "Esme");
			const a = await open(ctx, A, size);
			const b = await open(ctx, B, phone ? DESKTOP : PHONE);
			await openChatBy(a.page, B.user.displayName);
			await openChatBy(b.page, A.user.displayName);
			await sendText(a.page, "meet at 5pm by the fountain");
			await waitForMessage(b.page, "meet at 5pm");
			await openActions(a.page, "meet at 5pm");
			await choose(a.page, "Edit");
			const box = a.page.getByRole("textbox", { name: "Edit message" });
			await box.fill("meet at 6pm by the fountain");
			if (phone) await a.page.getByRole("button", { name: "Save" }).tap();
			else await box.press("Enter");
			await waitForMessage(b.page, "meet at 6pm");
			await bubble(b.page, "meet at 6pm").locator('[data-testid="edited"]').waitFor();
			await bubble(a.page, "meet at 6pm").locator('[data-testid="edited"]').waitFor();
			assert(
				(await b.page.locator('[data-testid="message-text"]', { hasText: "5pm" }).count()) === 0,
				"the old text is gone",
			);
			// Someone else's message has no Edit.
			await sendText(b.page, "ok see you");
			await waitForMessage(a.page, "ok see you");
			await openActions(a.page, "ok see you");
			assert((await a.page.getByRole("menuitem", { name: "Edit", exact: true }).count()) === 0, "no Edit on theirs");
			await a.page.keyboard.press("Escape");
		},
	};
}

function replyScenario(size) {
	const phone = size === PHONE;
	return {
		name: `13 reply ${phone ? "phone" : "desktop"}: a reply quotes the original for both, live; tapping an old quote loads history back to it and highlights it`,
		async run(ctx) {
			const { A, B, conversation } = await pair(ctx, phone ? "Pia" : "Pax", phone ? "Pete" : "Poppy");
			const { message: original } = await ctx.api.send(B, conversation.id, "what was the reading for week 3?");
			for (let i = 1; i <= 70; i++) await ctx.api.send(i % 2 ? A : B, conversation.id, `filler ${i}`);
			await ctx.api.call(
				"POST",
				`/conversations/${conversation.id}/messages`,
				{ clientId: crypto.randomUUID(), kind: "text", text: "chapter 4, I think", replyToId: original.id },
				A.token,
			);
			const a = await open(ctx, A, size);
			const b = await open(ctx, B, phone ? DESKTOP : PHONE);
			await openChatBy(a.page, B.user.displayName);
			await openChatBy(b.page, A.user.displayName);
			await waitForMessage(a.page, "chapter 4");
			assert((await bubble(a.page, "reading for week 3").count()) === 0, "the original is not loaded yet");
			// Reply through the menu: the quote sits above the composer, then inside both bubbles.
			await openActions(b.page, "filler 70");
			await choose(b.page, "Reply");
			await b.page.locator('[data-testid="reply-banner"]').waitFor();
			await assertAxeClean(b.page, "the composer while replying");
			await sendText(b.page, "thanks, got it");
			await until(async () => (await b.page.locator('[data-testid="reply-banner"]').count()) === 0, "the banner goes");
			await waitForMessage(a.page, "thanks, got it");
			const quote = bubble(a.page, "thanks, got it").locator('[data-testid="reply-quote"]');
			await until(
				async () => (await quote.textContent()).includes("filler 70"),
				"the other person sees the quote live",
			);
			if (!phone) await a.page.screenshot({ path: shot("desktop-reply.png") });
			// Tapping the old quote walks the history back and highlights the original.
			const oldQuote = bubble(a.page, "chapter 4").locator('[data-testid="reply-quote"]');
			if (phone) await oldQuote.tap();
			else await oldQuote.click();
			const target = bubble(a.page, "reading for week 3");
			await target.waitFor({ timeout: 15_000 });
			await until(
				async () => (await target.getAttribute("data-highlighted")) === "true",
				"the original is highlighted",
			);
			const area = await a.page.locator('[data-testid="messages"]').boundingBox();
			const box = await target.boundingBox();
			assert(box && area && box.y >= area.y - 1 && box.y + box.height <= area.y + area.height + 1, "it is in view");
		},
	};
}

function mentionScenario(size) {
	const phone = size === PHONE;
	return {
		name: `13 mentions ${phone ? "phone" : "desktop"}: @ offers members, the mention is highlighted and the other person's list shows an @ badge`,
		async run(ctx) {
			const A = await ctx.api.register(phone ? "Mara V2" : "Milo V2");
			const B = await ctx.api.register(phone ? "Benno V2" : "Bea V2");
			const C = await ctx.api.register(phone ? "Cato V2" : "Cleo V2");
			await ctx.api.group(A, phone ? "Mention Club P" : "Mention Club D", [B, C]);
			const a = await open(ctx, A, size);
			const b = await open(ctx, B, phone ? DESKTOP : PHONE);
			const group = phone ? "Mention Club P" : "Mention Club D";
			await openChatBy(a.page, group);
			const box = a.page.getByRole("textbox", { name: "Message" });
			await box.fill("question for @");
			await box.pressSequentially(B.user.displayName.slice(0, 2));
			const list = a.page.getByRole("listbox", { name: "People to mention" });
			await list.getByRole("option", { name: B.user.displayName }).waitFor();
			assert((await list.getByRole("option").count()) === 1, "only the matching member is offered");
			await assertAxeClean(a.page, "the mention list");
			await box.press("Enter");
			assert((await box.inputValue()) === `question for @${B.user.displayName} `, await box.inputValue());
			await box.pressSequentially("are you coming?");
			if (phone) await a.page.getByRole("button", { name: "Send", exact: true }).tap();
			else await box.press("Enter");
			await waitForMessage(a.page, "are you coming?");
			const mention = bubble(a.page, "are you coming?").locator('[data-testid="mention"]');
			await until(async () => (await mention.getAttribute("data-user-id")) === B.user.id, "the mention is marked");
			const badge = row(b.page, group).locator('[data-testid="mention-badge"]');
			await badge.waitFor({ timeout: 10_000 });
			await openChatBy(b.page, group);
			await bubble(b.page, "are you coming?").locator('[data-testid="mention"]').waitFor();
			// B is on a phone when A is not: back to the list there.
			if (!phone) await b.page.getByRole("button", { name: "Back to conversations" }).tap();
			await until(async () => (await badge.count()) === 0, "opening the chat clears the @ badge");
		},
	};
}

function searchScenario(size) {
	const phone = size === PHONE;
	return {
		name: `13 search ${phone ? "phone" : "desktop"}: results across chats with the words marked; choosing one opens the chat at the message`,
		async run(ctx) {
			const { A, B, conversation } = await pair(ctx, phone ? "Sia" : "Sol", phone ? "Sami" : "Suri");
			const word = phone ? "quokka" : "wombat";
			await ctx.api.send(B, conversation.id, `Did you see the ${word} photos from the zoo trip?`);
			for (let i = 1; i <= 60; i++) await ctx.api.send(i % 2 ? A : B, conversation.id, `later ${i}`);
			const other = await ctx.api.register(phone ? "Odo V2" : "Ona V2");
			const second = await ctx.api.direct(A, other);
			await ctx.api.send(other, second.conversation.id, `<b>${word}</b> facts are the best`);
			const a = await open(ctx, A, size);
			const searchButton = a.page.getByRole("button", { name: "Search messages" });
			if (phone) await searchButton.tap();
			else await searchButton.click();
			const dialog = a.page.getByRole("dialog", { name: "Search messages" });
			await dialog.getByRole("searchbox").fill(word.toUpperCase().slice(0, 4));
			const results = dialog.locator('[data-testid="search-result"]');
			await until(async () => (await results.count()) === 2, "two results, one per chat");
			const marks = await dialog.locator('[data-testid="search-snippet"] mark').allInnerTexts();
			assert(marks.length >= 2 && marks.every((m) => m.toLowerCase() === word.slice(0, 4)), `marked: ${marks}`);
			assert((await dialog.locator('[data-testid="search-snippet"] b').count()) === 0, "markup in text stays text");
			await assertAxeClean(a.page, "search");
			await a.page.screenshot({ path: shot(phone ? "phone-search.png" : "desktop-search.png") });
			const hit = results.filter({ hasText: "zoo trip" });
			if (phone) await hit.tap();
			else await hit.click();
			await a.page.locator("#chat-title", { hasText: B.user.displayName }).waitFor();
			const target = bubble(a.page, "zoo trip");
			await target.waitFor({ timeout: 15_000 });
			await until(
				async () => (await target.getAttribute("data-highlighted")) === "true",
				"the found message is highlighted",
			);
			// Within one chat.
			const inChat = a.page.getByRole("button", { name: "Search in this chat" });
			if (phone) await inChat.tap();
			else await inChat.click();
			const scoped = a.page.getByRole("dialog", { name: /^Search in / });
			await scoped.getByRole("searchbox").fill(word);
			await until(async () => (await scoped.locator('[data-testid="search-result"]').count()) === 1, "only this chat");
			await a.page.keyboard.press("Escape");
		},
	};
}

function profileScenario(size) {
	const phone = size === PHONE;
	return {
		name: `13 profile ${phone ? "phone" : "desktop"}: a new name and photo (previewed, then saved) show for the other person; removing the photo brings the initials back`,
		async run(ctx) {
			const { A, B } = await pair(ctx, phone ? "Ada" : "Abe", phone ? "Bo" : "Bix");
			const a = await open(ctx, A, size);
			const profile = a.page.getByRole("button", { name: "Your profile" });
			if (phone) await profile.tap();
			else await profile.click();
			const dialog = a.page.getByRole("dialog", { name: "Your profile" });
			await dialog.waitFor();
			await a.page.locator('[data-testid="avatar-input"]').setInputFiles({
				name: "me.png",
				mimeType: "image/png",
				buffer: await makePng(64, 64),
			});
			const preview = dialog.locator('[data-testid="profile-avatar-preview"] img');
			await preview.waitFor();
			assert((await preview.getAttribute("src"))?.startsWith("blob:"), "the chosen picture is previewed");
			const newName = phone ? "Ada Lovelace V2" : "Abe Renamed V2";
			await dialog.getByLabel("Display name").fill(newName);
			await assertAxeClean(a.page, "the profile dialog");
			await a.page.screenshot({ path: shot(phone ? "phone-profile.png" : "desktop-profile.png") });
			await dialog.getByRole("button", { name: "Save" }).click();
			await until(async () => (await a.page.getByRole("dialog").count()) === 0, "the dialog closes when saved");
			await until(
				async () =>
					a.page
						.locator('[data-testid="profile-button"] img')
						.evaluate((img) => img.complete && img.naturalWidth === 64),
				"my own avatar shows the new picture",
			);
			// The other person sees the name and the picture.
			const b = await open(ctx, B, phone ? DESKTOP : PHONE);
			const theirRow = row(b.page, newName);
			await theirRow.waitFor();
			await until(
				async () =>
					theirRow.locator('[data-testid="avatar-image"]').evaluate((img) => img.complete && img.naturalWidth === 64),
				"the picture loads in the other person's list",
			);
			await openChatBy(b.page, newName);
			await b.page.locator('header [data-testid="avatar-image"]').waitFor();
			// Remove it again.
			if (phone) await profile.tap();
			else await profile.click();
			await dialog.getByRole("button", { name: "Remove photo" }).click();
			await dialog.getByRole("button", { name: "Save" }).click();
			await until(
				async () => (await a.page.locator('[data-testid="profile-button"] img').count()) === 0,
				"initials again",
			);
			// A fresh load of the list (on a phone a reload would reopen the chat from the URL).
			await b.page.goto("/");
			await row(b.page, newName).waitFor();
			// The list saved on the device paints first (issue 14, offline); the server's copy replaces it.
			await until(
				async () => (await row(b.page, newName).locator('[data-testid="avatar-image"]').count()) === 0,
				"initials for the other person after the removal",
			);
		},
	};
}

function linksScenario(size) {
	const phone = size === PHONE;
	return {
		name: `13 links, emoji and report ${phone ? "phone" : "desktop"}: only http(s) become safe links, 1-3 emoji show large, a report is sent from the menu`,
		async run(ctx) {
			const { A, B, conversation } = await pair(ctx, phone ? "Lia" : "Lou", phone ? "Lars" : "Lena");
			await ctx.api.send(
				B,
				conversation.id,
				"slides at https://campus.test/slides?week=3. not javascript:alert(1) nor <a href=x>this</a>",
			);
			await ctx.api.send(B, conversation.id, "🎉🎉");
			await ctx.api.send(B, conversation.id, "🎉🎉🎉🎉 four is text");
			const a = await open(ctx, A, size);
			await openChatBy(a.page, B.user.displayName);
			const links = bubble(a.page, "slides at").locator("a");
			await links.first().waitFor();
			assert((await links.count()) === 1, "one link");
			const link = links.first();
			assert(
				(await link.getAttribute("href")) === "https://campus.test/slides?week=3",
				await link.getAttribute("href"),
			);
			assert((await link.getAttribute("rel")) === "noopener noreferrer", "rel noopener noreferrer");
			assert((await link.getAttribute("target")) === "_blank", "opens in a new tab");
			assert((await a.page.locator('a[href^="javascript:"]').count()) === 0, "no javascript: link anywhere");
			assert(
				(await bubble(a.page, "slides at").locator('[data-testid="message-text"]').textContent()).includes(
					"<a href=x>",
				),
				"markup is shown as text",
			);
			const big = a.page.locator('[data-testid="bubble"][data-emoji-only="true"]');
			await big.waitFor();
			assert((await big.count()) === 1, "only the 2-emoji message is large");
			const size1 = await big.locator("p").evaluate((p) => Number.parseFloat(getComputedStyle(p).fontSize));
			const size2 = await bubble(a.page, "four is text")
				.locator("p")
				.evaluate((p) => Number.parseFloat(getComputedStyle(p).fontSize));
			assert(size1 > size2 * 1.5, `emoji-only is larger (${size1} vs ${size2})`);
			// Report their message.
			await openActions(a.page, "slides at");
			await choose(a.page, "Report…");
			const dialog = a.page.getByRole("dialog", { name: "Report message" });
			await dialog.getByLabel("Spam").check();
			await dialog.getByLabel(/Note for the moderators/).fill("keeps posting links");
			await assertAxeClean(a.page, "the report dialog");
			await dialog.getByRole("button", { name: "Report" }).click();
			await a.page.getByText("Reported.").waitFor();
			await until(async () => (await a.page.getByRole("dialog").count()) === 0, "the report dialog closes");
		},
	};
}

export const featureScenarios = [
	reactionScenario(DESKTOP),
	reactionScenario(PHONE),
	editScenario(DESKTOP),
	editScenario(PHONE),
	replyScenario(DESKTOP),
	replyScenario(PHONE),
	mentionScenario(DESKTOP),
	mentionScenario(PHONE),
	searchScenario(DESKTOP),
	searchScenario(PHONE),
	profileScenario(DESKTOP),
	profileScenario(PHONE),
	linksScenario(DESKTOP),
	linksScenario(PHONE),
];
