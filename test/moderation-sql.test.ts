// The README's "Moderation" SQL, exactly as an admin pastes it into the D1 console or into
// `wrangler d1 execute --command "…"`, run against the migrated database: list open reports,
// suspend, unsuspend, list suspended users, close a report, reset a forgotten password and sign
// someone out everywhere. Every block of the section also has to survive the shell and
// wrangler's option parser, and every change has to show its rows.
import { describe, expect, it } from "vitest";
import readme from "../README.md?raw";
import { passwordHash, temporaryPassword } from "../scripts/password-hash.mjs";
import { api, env, groupChat, registerUser, sendText } from "./helpers";

const section = readme.slice(
	readme.indexOf("## Moderation\n"),
	readme.indexOf("\n## ", readme.indexOf("## Moderation\n") + 5),
);
const blocks = [...section.matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");

/** The ```sql block right after the bold title `**<title>**` (its first words) in the Moderation section. */
function statement(title: string): string {
	const at = section.indexOf(`**${title}`);
	if (at < 0) throw new Error(`README has no "**${title}" under Moderation`);
	const block = /```sql\n([\s\S]*?)```/.exec(section.slice(at))?.[1];
	if (!block) throw new Error(`no sql block after "**${title}"`);
	return block;
}

describe("the README's moderation SQL", () => {
	it("has blocks that paste into the console and into wrangler d1 execute --command alike", () => {
		expect(blocks.length).toBeGreaterThanOrEqual(5);
		for (const block of blocks) {
			// A leading `--` comment is read by wrangler as an option; no comments at all.
			expect(block, block).not.toMatch(/--|\/\*/);
			// Inside --command "…" a double quote ends the argument; ` and $ are expanded by the shell.
			expect(block, block).not.toMatch(/["`$\\]/);
			// One statement per block.
			expect(block.trim().replace(/;$/, ""), block).not.toContain(";");
			// What changes something says what it changed (no rows: nothing matched).
			if (/^\s*(UPDATE|DELETE|INSERT)\b/i.test(block)) expect(block.trim(), block).toMatch(/\bRETURNING\b[^;]*;$/i);
		}
	});

	it("lists an open report with the reported text and both names, and closes it", async () => {
		const sender = await registerUser("Troll");
		const reporter = await registerUser("Moderated");
		const chat = await groupChat(sender, [reporter], "Moderated group");
		const message = await sendText(sender, chat.id, "the reported words");
		const filed = await api("POST", `/messages/${message.id}/report`, {
			token: reporter.token,
			body: { reason: "harassment", note: "please look" },
		});
		expect(filed.status).toBe(201);
		const reportId: string = filed.body.report.id;
		const listed = await env.DB.prepare(statement("List open reports")).all<Record<string, unknown>>();
		expect(listed.results.find((r) => r.id === reportId)).toMatchObject({
			reason: "harassment",
			note: "please look",
			message_text: "the reported words",
			sender: sender.user.displayName,
			sender_email: sender.user.email,
			reporter: reporter.user.displayName,
			reporter_email: reporter.user.email,
			conversation_id: chat.id,
			message_id: message.id,
		});
		const closed = await env.DB.prepare(statement("Close a report").replace("REPORT_ID", reportId)).all<{
			id: string;
			status: string;
			closed_at: string;
		}>();
		expect(closed.results).toHaveLength(1);
		expect(closed.results[0]).toMatchObject({ id: reportId, status: "closed", message_id: message.id });
		expect(Date.parse(closed.results[0]?.closed_at ?? "")).not.toBeNaN();
		const after = await env.DB.prepare(statement("List open reports")).all<Record<string, unknown>>();
		expect(after.results.some((r) => r.id === reportId)).toBe(false);
		// A mistyped id shows no row, and changes nothing.
		const typo = await env.DB.prepare(statement("Close a report").replace("REPORT_ID", `${reportId}x`)).all();
		expect(typo.results).toEqual([]);
	});

	it("suspends a user (their requests and logins answer 401, the row is shown) and lifts it again", async () => {
		const user = await registerUser("Suspendable");
		const bystander = await registerUser("Bystander");
		const forUser = (sql: string) => sql.replace("student@campus.test", user.user.email);
		const suspended = await env.DB.prepare(forUser(statement("Suspend a user"))).all<Record<string, unknown>>();
		expect(suspended.results).toHaveLength(1);
		expect(suspended.results[0]).toMatchObject({ id: user.user.id, email: user.user.email });
		expect(Date.parse(String(suspended.results[0]?.suspended_at))).not.toBeNaN();
		const me = await api("GET", "/me", { token: user.token });
		expect(me.status).toBe(401);
		expect(me.body.error.message).toMatch(/suspended/);
		expect((await api("POST", "/realtime/ticket", { token: user.token })).status).toBe(401);
		const login = await api("POST", "/auth/login", { body: { email: user.user.email, password: user.password } });
		expect(login.status).toBe(401);
		expect((await api("GET", "/me", { token: bystander.token })).status).toBe(200);
		const listed = await env.DB.prepare(statement("List suspended users")).all<{ id: string }>();
		expect(listed.results.map((r) => r.id)).toContain(user.user.id);
		expect(listed.results.map((r) => r.id)).not.toContain(bystander.user.id);

		const lifted = await env.DB.prepare(forUser(statement("Unsuspend a user"))).all<Record<string, unknown>>();
		expect(lifted.results).toEqual([expect.objectContaining({ id: user.user.id, suspended_at: null })]);
		expect((await api("GET", "/me", { token: user.token })).status).toBe(200);
		const relogin = await api("POST", "/auth/login", { body: { email: user.user.email, password: user.password } });
		expect(relogin.status).toBe(200);
	});

	it("shows no row and suspends nobody for a mistyped email", async () => {
		const user = await registerUser("NotSuspended");
		const typo = statement("Suspend a user").replace("student@campus.test", `x${user.user.email}`);
		expect((await env.DB.prepare(typo).all()).results).toEqual([]);
		expect((await api("GET", "/me", { token: user.token })).status).toBe(200);
	});

	it("resets a forgotten password with the script's hash, and signs the user out on every device", async () => {
		const user = await registerUser("Forgetful");
		const bystander = await registerUser("Remembers");
		const temporary = temporaryPassword();
		const forUser = (sql: string) => sql.replaceAll("student@campus.test", user.user.email);
		const reset = await env.DB.prepare(
			forUser(statement("Reset a forgotten password")).replace("PASTE_HASH", await passwordHash(temporary)),
		).all<{ id: string; email: string }>();
		expect(reset.results).toEqual([{ id: user.user.id, email: user.user.email }]);
		const old = await api("POST", "/auth/login", { body: { email: user.user.email, password: user.password } });
		expect(old.status).toBe(401);
		const fresh = await api("POST", "/auth/login", { body: { email: user.user.email, password: temporary } });
		expect(fresh.status).toBe(200);
		const ended = await env.DB.prepare(forUser(statement("Sign a user out on every device"))).all<{ id: string }>();
		expect(ended.results.length).toBe(2);
		expect((await api("GET", "/me", { token: user.token })).status).toBe(401);
		expect((await api("GET", "/me", { token: fresh.body.token })).status).toBe(401);
		expect((await api("GET", "/me", { token: bystander.token })).status).toBe(200);
		// The student picks their own password, with the temporary one as the current.
		const again = await api("POST", "/auth/login", { body: { email: user.user.email, password: temporary } });
		const changed = await api("PUT", "/me/password", {
			token: again.body.token,
			body: { currentPassword: temporary, newPassword: "my own password" },
		});
		expect(changed.status).toBe(204);
		const mine = await api("POST", "/auth/login", { body: { email: user.user.email, password: "my own password" } });
		expect(mine.status).toBe(200);
	});
});
