// The README's "Moderation" SQL, exactly as an admin pastes it into the D1 console, run against
// the migrated database: list open reports, suspend, unsuspend, close a report, reset a
// forgotten password and sign someone out everywhere.
import { describe, expect, it } from "vitest";
import readme from "../README.md?raw";
import { passwordHash, temporaryPassword } from "../scripts/password-hash.mjs";
import { api, env, groupChat, registerUser, sendText } from "./helpers";

/** The ```sql block of the README's Moderation section whose first line is `-- <title>`. */
function statement(title: string): string {
	const section = readme.slice(readme.indexOf("## Moderation"));
	const blocks = [...section.matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");
	const block = blocks.find((b) => b.startsWith(`-- ${title}\n`));
	if (!block) throw new Error(`README has no "-- ${title}" block under Moderation`);
	return block;
}

describe("the README's moderation SQL", () => {
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
		const listed = await env.DB.prepare(
			statement("List open reports, oldest first, with the reported text and the sender's and reporter's names"),
		).all<Record<string, unknown>>();
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
		await env.DB.prepare(statement("Close a report").replace("REPORT_ID", reportId)).run();
		const closed = await env.DB.prepare("SELECT status, closed_at FROM reports WHERE id = ?")
			.bind(reportId)
			.first<{ status: string; closed_at: string | null }>();
		expect(closed?.status).toBe("closed");
		expect(Date.parse(closed?.closed_at ?? "")).not.toBeNaN();
		const after = await env.DB.prepare(
			statement("List open reports, oldest first, with the reported text and the sender's and reporter's names"),
		).all<Record<string, unknown>>();
		expect(after.results.some((r) => r.id === reportId)).toBe(false);
	});

	it("suspends a user (their requests and logins answer 401) and lifts it again", async () => {
		const user = await registerUser("Suspendable");
		const bystander = await registerUser("Bystander");
		const forUser = (sql: string) => sql.replace("student@campus.test", user.user.email);
		await env.DB.prepare(forUser(statement("Suspend a user"))).run();
		const me = await api("GET", "/me", { token: user.token });
		expect(me.status).toBe(401);
		expect(me.body.error.message).toMatch(/suspended/);
		expect((await api("POST", "/realtime/ticket", { token: user.token })).status).toBe(401);
		const login = await api("POST", "/auth/login", { body: { email: user.user.email, password: user.password } });
		expect(login.status).toBe(401);
		expect((await api("GET", "/me", { token: bystander.token })).status).toBe(200);
		await env.DB.prepare(forUser(statement("Unsuspend a user"))).run();
		expect((await api("GET", "/me", { token: user.token })).status).toBe(200);
		const relogin = await api("POST", "/auth/login", { body: { email: user.user.email, password: user.password } });
		expect(relogin.status).toBe(200);
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
