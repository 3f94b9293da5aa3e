// Issue 23.5 in the browser: invite links. An admin makes a link in Group info and copies it;
// someone opens it (signed in on a desktop, or signed out on a phone: the sign-in comes first),
// sees the group's name and member count, and joins; a revoked link says so. Announcement
// groups: an admin turns on "Only admins can send messages" and a member's composer becomes a
// notice, live, and comes back when it is turned off.
import {
	assert,
	axeViolations,
	DESKTOP,
	open,
	openAs,
	openChatBy,
	PHONE,
	PHONE_CONTEXT,
	sendText,
	until,
	waitForMessage,
} from "./harness.mjs";

export const inviteScenarios = [
	{
		name: "23.5 desktop: an admin makes a single-use link in Group info; another student opens it and joins, live for the admin",
		async run(ctx) {
			const A = await ctx.api.register("Asha Inviter");
			const C = await ctx.api.register("Chloe Member");
			const B = await ctx.api.register("Ben Joiner");
			const { conversation } = await ctx.api.group(A, "Invite Club", [C]);
			const a = await open(ctx, A, DESKTOP);
			await a.page.goto(`/#/c/${conversation.id}`);
			await a.page.getByRole("button", { name: "Group info", exact: true }).click();
			const info = a.page.getByRole("dialog", { name: "Group info" });
			const section = info.getByTestId("invite-links");
			await section.getByText("No live links.").waitFor();
			await section.getByRole("combobox", { name: "Expires" }).selectOption("1d");
			await section.getByRole("checkbox", { name: "Single use" }).check();
			await section.getByRole("button", { name: "Create link" }).click();
			const linkInput = section.getByTestId("invite-link");
			await linkInput.waitFor();
			const link = await linkInput.inputValue();
			assert(link.startsWith(`${ctx.origin}/join/`), link);
			const items = section.getByTestId("invite");
			await until(async () => (await items.count()) === 1, "the new link is listed");
			assert(/single use/.test(await items.first().textContent()), await items.first().textContent());
			const violations = await axeViolations(a.page);
			assert(violations.length === 0, JSON.stringify(violations));
			await info.getByRole("button", { name: "Close" }).click();

			const b = await open(ctx, B, DESKTOP);
			await b.page.goto(link);
			const join = b.page.getByRole("dialog", { name: "Join group" });
			await join.getByRole("heading", { name: "Invite Club" }).waitFor();
			await join.getByText("2 members").waitFor();
			assert((await axeViolations(b.page)).length === 0, "the join dialog is axe clean");
			await join.getByRole("button", { name: "Join group" }).click();
			await b.page.locator('[data-testid="system-message"]', { hasText: "You joined" }).waitFor();
			await until(async () => new URL(b.page.url()).pathname === "/", `the path is / again: ${b.page.url()}`);
			assert(b.page.url().includes(`#/c/${conversation.id}`), b.page.url());
			// Asha sees the join live.
			await a.page.locator('[data-testid="system-message"]', { hasText: "Ben Joiner joined" }).waitFor();
			// The single-use link is spent: opening it again in another browser says so.
			const D = await ctx.api.register("Dev Late");
			const d = await open(ctx, D, DESKTOP);
			await d.page.goto(link);
			await d.page
				.getByRole("dialog", { name: "Join group" })
				.getByText("This invite link has already been used")
				.waitFor();
		},
	},
	{
		name: "23.5 phone: a signed-out student opens a link, signs in, sees the group and joins; a revoked link says it was turned off",
		async run(ctx) {
			const A = await ctx.api.register("Asha Poster");
			const B = await ctx.api.register("Ben Joins By Phone");
			const { conversation } = await ctx.api.group(A, "Notice Board", []);
			const { invite } = await ctx.api.call("POST", `/conversations/${conversation.id}/invites`, {}, A.token);
			const revoked = await ctx.api.call("POST", `/conversations/${conversation.id}/invites`, {}, A.token);
			await ctx.api.call(
				"DELETE",
				`/conversations/${conversation.id}/invites/${revoked.invite.id}`,
				undefined,
				A.token,
			);
			const { context, page } = await openAs(ctx.browser, ctx.origin, null, PHONE, { contextOptions: PHONE_CONTEXT });
			ctx.contexts.push(context);
			await page.goto(`/join/${invite.token}`);
			await page.getByLabel("Email").fill(B.email);
			await page.getByLabel("Password").fill(B.password);
			await page.getByRole("button", { name: "Sign in" }).tap();
			const join = page.getByRole("dialog", { name: "Join group" });
			await join.getByRole("heading", { name: "Notice Board" }).waitFor();
			await join.getByText("1 member", { exact: true }).waitFor();
			const box = await join.getByRole("button", { name: "Join group" }).boundingBox();
			assert(box && box.height >= 44, `Join is a 44 px target: ${JSON.stringify(box)}`);
			assert((await axeViolations(page)).length === 0, "the join dialog is axe clean on a phone");
			await join.getByRole("button", { name: "Join group" }).tap();
			await page.locator('[data-testid="system-message"]', { hasText: "You joined" }).waitFor();
			assert(page.url().includes(`#/c/${conversation.id}`), page.url());

			await page.goto(`/join/${revoked.invite.token}`);
			await page
				.getByRole("dialog", { name: "Join group" })
				.getByText("This invite link was turned off by a group admin.")
				.waitFor();
		},
	},
	{
		name: "23.5 desktop admin and phone member: only admins can send; the member's composer becomes a notice live, and comes back",
		async run(ctx) {
			const A = await ctx.api.register("Asha Rep");
			const B = await ctx.api.register("Ben Reader");
			await ctx.api.group(A, "Class Channel", [B]);
			const a = await open(ctx, A, DESKTOP);
			const b = await open(ctx, B, PHONE);
			await openChatBy(a.page, "Class Channel");
			await openChatBy(b.page, "Class Channel");
			await b.page.getByRole("textbox", { name: "Message" }).waitFor();

			await a.page.getByRole("button", { name: "Group info", exact: true }).click();
			const info = a.page.getByRole("dialog", { name: "Group info" });
			const toggle = info.getByRole("checkbox", { name: "Only admins can send messages" });
			await toggle.check();
			await until(async () => toggle.isChecked(), "the switch stays on");
			assert((await axeViolations(a.page)).length === 0, "group info is axe clean with the switch");
			await info.getByRole("button", { name: "Close" }).click();
			await a.page
				.locator('[data-testid="system-message"]', { hasText: "You allowed only admins to send messages" })
				.waitFor();

			// Ben's phone: the notice instead of the composer, and the line, without a reload.
			await b.page.getByTestId("reply-notice").getByText("Only admins can send messages").waitFor();
			assert((await b.page.getByRole("textbox", { name: "Message" }).count()) === 0, "no composer for a member");
			await b.page
				.locator('[data-testid="system-message"]', { hasText: "Asha Rep allowed only admins to send messages" })
				.waitFor();
			assert((await axeViolations(b.page)).length === 0, "the notice is axe clean on a phone");

			// Asha still posts, and Ben reads it.
			await sendText(a.page, "Exam moved to room 101");
			await waitForMessage(b.page, "Exam moved to room 101");

			await a.page.getByRole("button", { name: "Group info", exact: true }).click();
			await a.page
				.getByRole("dialog", { name: "Group info" })
				.getByRole("checkbox", { name: "Only admins can send messages" })
				.uncheck();
			await b.page.getByRole("textbox", { name: "Message" }).waitFor();
			await sendText(b.page, "Thanks!");
			await waitForMessage(a.page, "Thanks!");
		},
	},
];
