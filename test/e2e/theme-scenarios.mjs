// Issue 23.7 in the browser: the dark theme follows the system's setting (Chromium's emulated
// prefers-color-scheme) and the switch in Settings, and axe finds nothing serious in it, on a
// desktop and a phone: the list, a chat with both sides' bubbles, Group info and Settings.
import { assert, assertAxeClean, DESKTOP, open, openChatBy, PHONE, waitForMessage } from "./harness.mjs";

const themeOf = (page) => page.evaluate(() => document.documentElement.dataset.theme);
const background = (page) => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);

export const themeScenarios = [
	{
		name: "23.7 desktop: a dark system gets the dark theme, axe clean in the list, a chat, Group info and Settings; Light in Settings sticks",
		async run(ctx) {
			const A = await ctx.api.register("Asha Dark");
			const B = await ctx.api.register("Ben Dark");
			const { conversation } = await ctx.api.group(A, "Night Owls", [B]);
			await ctx.api.send(A, conversation.id, "Mine in the dark");
			await ctx.api.send(B, conversation.id, "Theirs in the dark");
			const a = await open(ctx, A, DESKTOP, { contextOptions: { colorScheme: "dark" } });
			assert((await themeOf(a.page)) === "dark", `theme ${await themeOf(a.page)}`);
			assert((await background(a.page)) === "rgb(15, 23, 42)", `dark background: ${await background(a.page)}`);
			await assertAxeClean(a.page, "the list");
			await openChatBy(a.page, "Night Owls");
			await waitForMessage(a.page, "Theirs in the dark");
			await assertAxeClean(a.page, "a chat");
			await a.page.getByRole("button", { name: "Group info", exact: true }).click();
			await a.page.getByRole("dialog", { name: "Group info" }).getByTestId("invite-links").waitFor();
			await assertAxeClean(a.page, "group info");
			await a.page.getByRole("dialog", { name: "Group info" }).getByRole("button", { name: "Close" }).click();

			await a.page.getByRole("button", { name: "Settings" }).click();
			const settings = a.page.getByRole("dialog", { name: "Settings" });
			const select = settings.getByRole("combobox", { name: /Theme/ });
			assert((await select.inputValue()) === "system", await select.inputValue());
			await assertAxeClean(a.page, "settings");
			await select.selectOption("light");
			assert((await themeOf(a.page)) === "light", "Light applies at once");
			await a.page.reload();
			await a.page.getByRole("heading", { name: "Chats" }).waitFor();
			assert((await themeOf(a.page)) === "light", "Light is kept on this device over a dark system");
			await assertAxeClean(a.page, "light over a dark system");
		},
	},
	{
		name: "23.7 phone: a light system switched to Dark in Settings; the chat and its composer are axe clean in dark",
		async run(ctx) {
			const A = await ctx.api.register("Asha Phone Theme");
			const B = await ctx.api.register("Ben Phone Theme");
			const { conversation } = await ctx.api.direct(A, B);
			await ctx.api.send(B, conversation.id, "Dark on the bus");
			const a = await open(ctx, A, PHONE, { contextOptions: { colorScheme: "light" } });
			assert((await themeOf(a.page)) === "light", "a light system starts light");
			await a.page.getByRole("button", { name: "Settings" }).tap();
			await a.page
				.getByRole("dialog", { name: "Settings" })
				.getByRole("combobox", { name: /Theme/ })
				.selectOption("dark");
			assert((await themeOf(a.page)) === "dark", "Dark applies at once");
			await assertAxeClean(a.page, "settings on a phone");
			await a.page.getByRole("dialog", { name: "Settings" }).getByRole("button", { name: "Close" }).tap();
			await openChatBy(a.page, "Ben Phone Theme");
			await waitForMessage(a.page, "Dark on the bus");
			await assertAxeClean(a.page, "a chat on a phone");
		},
	},
];
