// Issue 23.3: polls in the browser, at desktop (1280×800, mouse) and phone (390×844, touch) sizes:
// made from the composer's Poll dialog, voted, changed and retracted live on the other person's
// screen (message:updated), closed by the creator.
import { assert, axeViolations, open, openChatBy, PHONE, press, shot, until } from "./harness.mjs";

/** The poll card whose question is `question` in the open chat. */
function pollCard(page, question) {
	return page
		.locator('[data-testid="poll"]', { has: page.locator('[data-testid="poll-question"]', { hasText: question }) })
		.first();
}

/** Each option's count as the card shows it. */
async function counts(card) {
	return (await card.locator('[data-testid="poll-count"]').allInnerTexts()).map((t) => Number.parseInt(t, 10));
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/** Makes a poll through the composer's dialog. */
async function makePoll(page, question, options, { multiple = false } = {}) {
	await press(page, page.getByRole("button", { name: "Poll", exact: true }));
	const dialog = page.getByRole("dialog", { name: "New poll" });
	await dialog.waitFor();
	await dialog.getByRole("textbox", { name: "Question" }).fill(question);
	for (const [i, text] of options.entries()) {
		if (i >= 2) await press(page, dialog.getByRole("button", { name: "Add option" }));
		await dialog.getByRole("textbox", { name: `Option ${i + 1}` }).fill(text);
	}
	if (multiple) await press(page, dialog.getByRole("checkbox", { name: "Allow more than one answer" }));
	const violations = await axeViolations(page);
	assert(violations.length === 0, `the poll dialog is axe clean: ${JSON.stringify(violations)}`);
	await press(page, dialog.getByRole("button", { name: "Send poll" }));
	await until(async () => (await dialog.count()) === 0, "the dialog closes once the poll is sent");
}

export const pollScenarios = [
	{
		name: "23.3 desktop: a poll from the composer, votes live on the other screen, closed by its creator",
		async run(ctx) {
			const A = await ctx.api.register("Polly Test");
			const B = await ctx.api.register("Pavel Test");
			await ctx.api.group(A, "Poll Club", [B]);
			const { page: pa } = await open(ctx, A);
			const { page: pb } = await open(ctx, B);
			await openChatBy(pa, "Poll Club");
			await openChatBy(pb, "Poll Club");

			// A refused poll keeps the dialog open and says why.
			await pa.getByRole("button", { name: "Poll", exact: true }).click();
			const dialog = pa.getByRole("dialog", { name: "New poll" });
			await dialog.getByRole("textbox", { name: "Question" }).fill("Only one option?");
			await dialog.getByRole("textbox", { name: "Option 1" }).fill("Yes");
			await dialog.getByRole("button", { name: "Send poll" }).click();
			await dialog.getByRole("alert").waitFor();
			assert((await dialog.getByRole("alert").innerText()).includes("at least 2"), "it says two options are needed");
			await dialog.getByRole("button", { name: "Cancel" }).click();

			await makePoll(pa, "Meeting time?", ["Mon 10:00", "Tue 14:00", "Fri 09:00"]);
			const mine = pollCard(pa, "Meeting time?");
			const theirs = pollCard(pb, "Meeting time?");
			await theirs.waitFor();
			assert(same(await counts(theirs), [0, 0, 0]), "nobody voted yet");

			await theirs.getByRole("radio", { name: /Tue 14:00/ }).check();
			await until(async () => same(await counts(mine), [0, 1, 0]), "Ben's vote shows on Polly's screen live");
			await mine.getByRole("radio", { name: /Tue 14:00/ }).check();
			await until(async () => same(await counts(theirs), [0, 2, 0]), "and Polly's on Ben's");
			assert(await theirs.getByRole("radio", { name: /Tue 14:00/ }).isChecked(), "Ben's own choice is checked");
			assert((await theirs.locator('[data-testid="poll-total"]').innerText()) === "2 votes", "2 votes in all");

			// Ben changes his mind.
			await theirs.getByRole("radio", { name: /Fri 09:00/ }).check();
			await until(async () => same(await counts(mine), [0, 1, 1]), "the change shows live");
			assert(!(await theirs.getByRole("radio", { name: /Tue 14:00/ }).isChecked()), "Ben's old choice is unchecked");
			const violations = await axeViolations(pa);
			assert(violations.length === 0, `the chat with a poll is axe clean: ${JSON.stringify(violations)}`);
			await pa.screenshot({ path: shot("desktop-poll.png") });

			// Only the creator (or an admin) sees Close poll; closing it is live and ends the voting.
			assert((await theirs.getByRole("button", { name: "Close poll" }).count()) === 0, "Ben cannot close it");
			await mine.getByRole("button", { name: "Close poll" }).click();
			await until(async () => (await theirs.innerText()).includes("Poll closed"), "Ben sees the poll closed");
			assert(await theirs.getByRole("radio", { name: /Mon 10:00/ }).isDisabled(), "and can no longer vote");
			assert(same(await counts(theirs), [0, 1, 1]), "the results stay");
		},
	},
	{
		name: "23.3 phone: a multiple-choice poll, two answers tapped and retracted",
		async run(ctx) {
			const A = await ctx.api.register("Quilla Test");
			const B = await ctx.api.register("Quentin Test");
			const chat = await ctx.api.direct(A, B);
			const { page } = await open(ctx, A, PHONE);
			await openChatBy(page, "Quentin Test");
			await makePoll(page, "What should we revise?", ["Graphs", "Trees", "Heaps"], { multiple: true });
			const card = pollCard(page, "What should we revise?");
			await card.waitFor();
			assert((await card.innerText()).includes("Choose one or more"), "it says several answers are allowed");
			await card.getByRole("checkbox", { name: /Graphs/ }).tap();
			await until(async () => same(await counts(card), [1, 0, 0]), "the first answer counts");
			await card.getByRole("checkbox", { name: /Heaps/ }).tap();
			await until(async () => same(await counts(card), [1, 0, 1]), "and the second");
			assert((await card.locator('[data-testid="poll-total"]').innerText()) === "1 vote", "one voter");

			// Quentin votes elsewhere: it shows here live.
			const history = await ctx.api.call(
				"GET",
				`/conversations/${chat.conversation.id}/messages?limit=1`,
				undefined,
				B.token,
			);
			const message = history.messages[0];
			assert(message?.kind === "poll", "the poll is the chat's last message");
			await ctx.api.call("PUT", `/messages/${message.id}/votes`, { optionIds: ["o2"] }, B.token);
			await until(async () => same(await counts(card), [1, 1, 1]), "Quentin's vote shows live");
			await page.screenshot({ path: shot("phone-poll.png") });

			await card.getByRole("button", { name: "Retract vote" }).tap();
			await until(async () => same(await counts(card), [0, 1, 0]), "my answers are taken back");
			assert(!(await card.getByRole("checkbox", { name: /Graphs/ }).isChecked()), "nothing of mine is checked");
			const violations = await axeViolations(page);
			assert(violations.length === 0, `axe clean on the phone: ${JSON.stringify(violations)}`);
		},
	},
];
