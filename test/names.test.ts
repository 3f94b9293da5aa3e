// Names people see (display names at registration and in PATCH /me, group titles at creation
// and in PATCH /conversations/:id): no control or direction-override characters, and at least
// one visible character. A refusal is the contract's 400 naming the field and changes nothing.
import { describe, expect, it } from "vitest";
import { api, env, expectError, groupChat, registerUser } from "./helpers";

/** Each refused for a different reason: C0 controls, a newline, bidi overrides and isolates, nothing visible. */
const BAD_NAMES = [
	"Ann\u0000",
	"Ann\u001b[31m",
	"Ann\u0007",
	"Ann\nBen",
	"Ann\u2028Ben",
	"Mallory\u202e",
	"\u202dAnn",
	"Ann\u2066",
	"\u200b\u200b",
	"\u200d",
	"\u0301",
];
const GOOD_NAMES = ["Zoë Ñúñez", "أحمد", "שרה כהן", "李雷", "DJ 🎧", "O'Brien-Smith", "Ann\u200f"];

const fieldsOf = (res: { body: { error: { details: { fields: { path: string }[] } } } }) =>
	res.body.error.details.fields.map((f) => f.path);

describe("names", () => {
	it("registration refuses display names with control or direction characters, or nothing visible", async () => {
		for (const displayName of BAD_NAMES) {
			const email = `bad.${crypto.randomUUID()}@campus.test`;
			const res = await api("POST", "/auth/register", {
				body: { email, password: "correct horse battery", displayName },
			});
			expectError(res, 400, "invalid_request");
			expect(fieldsOf(res), JSON.stringify(displayName)).toEqual(["displayName"]);
			const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM users WHERE email = ?").bind(email).first();
			expect(row?.n).toBe(0);
		}
		for (const displayName of GOOD_NAMES) {
			const res = await api("POST", "/auth/register", {
				body: { email: `good.${crypto.randomUUID()}@campus.test`, password: "correct horse battery", displayName },
			});
			expect(res.status, displayName).toBe(201);
			expect(res.body.user.displayName).toBe(displayName);
		}
	});

	it("PATCH /me refuses them too and keeps the old name", async () => {
		const a = await registerUser("Renamer");
		for (const displayName of BAD_NAMES) {
			const res = await api("PATCH", "/me", { token: a.token, body: { displayName } });
			expectError(res, 400, "invalid_request");
			expect(fieldsOf(res)).toEqual(["displayName"]);
		}
		expect((await api("GET", "/me", { token: a.token })).body.user.displayName).toBe(a.user.displayName);
		expect((await api("PATCH", "/me", { token: a.token, body: { displayName: "أحمد" } })).body.user.displayName).toBe(
			"أحمد",
		);
	});

	it("group titles follow the same rule, at creation and rename", async () => {
		const [a, b] = await Promise.all([registerUser("Admin"), registerUser("Member")]);
		for (const title of BAD_NAMES) {
			const res = await api("POST", "/conversations", {
				token: a.token,
				body: { type: "group", title, memberIds: [b.user.id] },
			});
			expectError(res, 400, "invalid_request");
			expect(fieldsOf(res)).toEqual(["title"]);
		}
		expect((await api("GET", "/conversations", { token: b.token })).body.conversations).toEqual([]);
		const group = await groupChat(a, [b], "Chess club");
		for (const title of BAD_NAMES) {
			const res = await api("PATCH", `/conversations/${group.id}`, { token: a.token, body: { title } });
			expectError(res, 400, "invalid_request");
			expect(fieldsOf(res)).toEqual(["title"]);
		}
		expect((await api("GET", `/conversations/${group.id}`, { token: b.token })).body.conversation.title).toBe(
			"Chess club",
		);
		const renamed = await api("PATCH", `/conversations/${group.id}`, { token: a.token, body: { title: "שחמט ♟" } });
		expect(renamed.status).toBe(200);
	});
});
