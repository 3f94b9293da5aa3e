// What the tests share: calling the API like a client would, and a few ready-made users.
import { env, exports } from "cloudflare:workers";
import type { Conversation, Message, User } from "../src/shared/schemas";

export const BASE = "https://chat.test";
export { env };

export interface ApiResult<T = any> {
	status: number;
	body: T;
	headers: Headers;
}

export async function api<T = any>(
	method: string,
	path: string,
	opts: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<ApiResult<T>> {
	const headers: Record<string, string> = { ...opts.headers };
	if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
	let body: string | undefined = opts.rawBody;
	if (opts.body !== undefined) {
		headers["Content-Type"] = "application/json";
		body = JSON.stringify(opts.body);
	}
	const res = await exports.default.fetch(new Request(`${BASE}/api/v1${path}`, { method, headers, body }));
	const text = await res.text();
	let parsed: unknown = null;
	if (text) {
		try {
			parsed = JSON.parse(text);
		} catch {
			parsed = text;
		}
	}
	return { status: res.status, body: parsed as T, headers: res.headers };
}

export interface TestUser {
	user: User;
	token: string;
	password: string;
}

let counter = 0;
/** Registers a fresh user; each looks like its own device (own IP) to the rate limits. */
export async function registerUser(name = "Student"): Promise<TestUser> {
	counter += 1;
	const unique = `${Date.now().toString(36)}${counter}${Math.random().toString(36).slice(2, 6)}`;
	const password = "correct horse battery";
	const res = await api("POST", "/auth/register", {
		body: {
			email: `${name.toLowerCase().replace(/\W/g, "")}.${unique}@campus.test`,
			password,
			displayName: `${name} ${unique}`,
		},
		headers: { "CF-Connecting-IP": `10.0.${counter % 250}.${Math.floor(Math.random() * 250)}` },
	});
	if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
	return { ...res.body, password };
}

export async function directChat(a: TestUser, b: TestUser): Promise<Conversation> {
	const res = await api("POST", "/conversations", { token: a.token, body: { type: "direct", userId: b.user.id } });
	if (res.status !== 201 && res.status !== 200)
		throw new Error(`direct failed: ${res.status} ${JSON.stringify(res.body)}`);
	return res.body.conversation;
}

export async function groupChat(admin: TestUser, members: TestUser[], title = "Study group"): Promise<Conversation> {
	const res = await api("POST", "/conversations", {
		token: admin.token,
		body: { type: "group", title, memberIds: members.map((m) => m.user.id) },
	});
	if (res.status !== 201) throw new Error(`group failed: ${res.status} ${JSON.stringify(res.body)}`);
	return res.body.conversation;
}

export async function sendText(from: TestUser, conversationId: string, text: string, clientId = crypto.randomUUID()) {
	const res = await api<{ message: Message }>("POST", `/conversations/${conversationId}/messages`, {
		token: from.token,
		body: { clientId, kind: "text", text },
	});
	if (res.status !== 201 && res.status !== 200)
		throw new Error(`send failed: ${res.status} ${JSON.stringify(res.body)}`);
	return res.body.message;
}

export function expectError(res: ApiResult, status: number, code: string) {
	if (res.status !== status || res.body?.error?.code !== code || typeof res.body?.error?.message !== "string") {
		throw new Error(`expected ${status} ${code}, got ${res.status} ${JSON.stringify(res.body)}`);
	}
}

/** Accounts written straight into D1 (no password hashing): for tests that need hundreds of users. */
export async function seedUsers(count: number): Promise<string[]> {
	const ids = Array.from({ length: count }, () => crypto.randomUUID());
	const now = new Date().toISOString();
	const insert = env.DB.prepare(
		"INSERT INTO users (id, email, display_name, password_hash, created_at) VALUES (?, ?, ?, 'seeded', ?)",
	);
	await env.DB.batch(ids.map((id) => insert.bind(id, `${id}@seed.test`, `Seed ${id.slice(0, 8)}`, now)));
	return ids;
}
