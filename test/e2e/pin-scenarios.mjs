// Issue 23.4: pinned messages in the browser, at desktop (1280×800, mouse) and phone (390×844,
// touch) sizes: pinned from the message menu, the bar live on the other screen, cycling through
// the pins, a tap on the text walking history back to the message, unpinning from the bar.
import {
	assert,
	assertAxeClean,
	bubble,
	DESKTOP,
	insideViewport,
	open,
	openChatBy,
	openMessageMenu,
	PHONE,
	press,
	shot,
	until,
} from "./harness.mjs";

/** The actions menu of the message whose text contains `text`. */
const openActions = (page, text) => openMessageMenu(page, bubble(page, text));

const bar = (page) => page.locator('[data-testid="pinned-bar"]');
const barText = async (page) => ((await bar(page).count()) === 0 ? null : await bar(page).textContent());

export const pinScenarios = [
	{
		name: "23.4 desktop: an admin pins from the menu, the member's bar follows live, cycles, and jumps back in history",
		async run(ctx) {
			const A = await ctx.api.register("Pandora Test");
			const B = await ctx.api.register("Pascal Test");
			const { conversation } = await ctx.api.group(A, "Pin Club", [B]);
			const exam = await ctx.api.send(A, conversation.id, "Exam in room 101 at 9:00");
			for (let i = 1; i <= 60; i++) await ctx.api.send(i % 2 ? A : B, conversation.id, `chatter ${i}`);
			await ctx.api.call("PUT", `/conversations/${conversation.id}/pins/${exam.message.id}`, undefined, A.token);
			const a = await open(ctx, A);
			const b = await open(ctx, B);
			await openChatBy(a.page, "Pin Club");
			await openChatBy(b.page, "Pin Club");
			await until(async () => (await barText(b.page))?.includes("Exam in room 101"), "Pascal's bar shows the pin");
			assert(
				(await bar(b.page).getByRole("button", { name: "Unpin this message" }).count()) === 0,
				"a member cannot unpin",
			);

			// Pascal (not an admin) has no Pin in the menu; Pandora pins the latest message.
			await openActions(b.page, "chatter 60");
			assert((await b.page.getByRole("menuitem", { name: "Pin", exact: true }).count()) === 0, "no Pin for a member");
			await b.page.keyboard.press("Escape");
			await openActions(a.page, "chatter 60");
			await a.page.getByRole("menuitem", { name: "Pin", exact: true }).click();
			await until(
				async () => (await barText(b.page))?.includes("Pinned message 1 of 2"),
				"Pascal's bar shows the new pin first, live",
			);
			assert((await barText(b.page))?.includes("chatter 60"), "the newest pin first");
			const lines = b.page.locator('[data-testid="system-message"]', { hasText: "Pandora Test pinned a message" });
			await until(async () => (await lines.count()) === 2, "a system line for each pin");
			await assertAxeClean(b.page, "the chat with its pinned bar");

			// The counter steps to the older pin; its text jumps there, walking history back.
			await bar(b.page).getByTestId("pinned-next").click();
			await until(async () => (await barText(b.page))?.includes("Exam in room 101"), "the counter shows the older pin");
			await bar(b.page).getByTestId("pinned-text").click();
			const target = bubble(b.page, "Exam in room 101");
			await target.waitFor({ timeout: 15_000 });
			await until(
				async () => (await target.getAttribute("data-highlighted")) === "true",
				"the pinned message is highlighted",
			);
			assert(await insideViewport(b.page, target), "and scrolled into view");
			await b.page.screenshot({ path: shot("desktop-pinned.png") });

			// Pandora unpins the exam from her bar: Pascal's bar is back to one pin.
			await until(async () => (await barText(a.page))?.includes("1 of 2"), "Pandora's bar has both");
			await bar(a.page).getByTestId("pinned-next").click();
			await bar(a.page).getByRole("button", { name: "Unpin this message" }).click();
			await until(async () => {
				const text = await barText(b.page);
				return text?.includes("chatter 60") && !text.includes("of 2");
			}, "Pascal's bar follows the unpin");
		},
	},
	{
		name: "23.4 phone: either person in a direct chat pins with a long press and unpins from the bar",
		async run(ctx) {
			const A = await ctx.api.register("Penny Test");
			const B = await ctx.api.register("Percy Test");
			const { conversation } = await ctx.api.direct(A, B);
			await ctx.api.send(B, conversation.id, "My flat is number 12");
			const a = await open(ctx, A, PHONE);
			const b = await open(ctx, B, DESKTOP);
			await openChatBy(a.page, "Percy Test");
			await openChatBy(b.page, "Penny Test");
			await openActions(a.page, "My flat is number 12");
			await press(a.page, a.page.getByRole("menuitem", { name: "Pin", exact: true }));
			await until(async () => (await barText(a.page))?.includes("My flat is number 12"), "the bar shows the pin");
			await until(async () => (await barText(b.page))?.includes("My flat is number 12"), "and on Percy's screen");
			assert(await insideViewport(a.page, bar(a.page)), "the bar fits the phone's screen");
			await assertAxeClean(a.page, "the pinned bar on a phone");
			await a.page.screenshot({ path: shot("phone-pinned.png") });
			// The menu now offers Unpin; the bar's own button unpins too.
			await openActions(a.page, "My flat is number 12");
			assert((await a.page.getByRole("menuitem", { name: "Unpin", exact: true }).count()) === 1, "the menu says Unpin");
			await a.page.keyboard.press("Escape");
			await until(async () => (await a.page.getByRole("menu").count()) === 0, "the menu closes");
			await press(a.page, bar(a.page).getByRole("button", { name: "Unpin this message" }));
			await until(async () => (await bar(a.page).count()) === 0, "the bar goes");
			await until(async () => (await bar(b.page).count()) === 0, "on both screens");
		},
	},
];
