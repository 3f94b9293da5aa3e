import { describe, expect, it } from "vitest";
import { app } from "../src/worker/app";
import { api, directChat, expectError, registerUser } from "./helpers";

// Every REST row of CONTRACT.md, plus the additions the project serves.
const CONTRACT = [
	"post /auth/register",
	"post /auth/login",
	"get /me",
	"get /users",
	"post /realtime/ticket",
	"post /conversations",
	"get /conversations",
	"get /conversations/{id}",
	"patch /conversations/{id}",
	"get /conversations/{id}/messages",
	"post /conversations/{id}/messages",
	"delete /messages/{id}",
	"post /conversations/{id}/read",
	"put /conversations/{id}/mute",
	"post /conversations/{id}/members",
	"delete /conversations/{id}/members/{userId}",
	"put /conversations/{id}/members/{userId}",
	"post /conversations/{id}/leave",
	"post /uploads",
	"get /health",
	"get /realtime",
	"get /conversations/{id}/socket",
	// Version 2 additions.
	"patch /messages/{id}",
	"put /messages/{id}/reactions/{emoji}",
	"delete /messages/{id}/reactions/{emoji}",
	"get /search/messages",
	"post /messages/{id}/report",
	"post /messages/{id}/forward",
	"put /users/{id}/block",
	"delete /users/{id}/block",
	"get /me/blocks",
	"patch /me",
	"post /auth/logout",
	"post /auth/logout-all",
	"put /me/password",
	"get /push/vapid-public-key",
	"post /push/subscriptions",
	"delete /push/subscriptions",
];
const ADDITIONS = [
	"post /conversations/{id}/delivered",
	"get /media/{key}",
	"put /uploads/local/{key}",
	"post /admin/messages-to-rooms",
	"post /conversations/{id}/invites",
	"get /conversations/{id}/invites",
	"delete /conversations/{id}/invites/{inviteId}",
	"get /invites/{token}",
	"post /invites/{token}/join",
];

interface Operation {
	responses: Record<string, unknown>;
	security: unknown[];
	parameters?: { name: string; in: string; required: boolean }[];
	requestBody?: { required?: boolean; content: Record<string, { schema: { $ref?: string } }> };
}
interface Doc {
	openapi: string;
	paths: Record<string, Record<string, Operation>>;
	components: { schemas: Record<string, Record<string, unknown>>; securitySchemes: Record<string, unknown> };
}

// What each route takes besides its path ids, as the routes validate it: the JSON body's schema
// (by component name) and the query parameters. Every route the app serves must be listed here.
const INPUTS: Record<string, { body?: string; query?: string[] }> = {
	"get /health": {},
	"get /openapi.json": {},
	"post /auth/register": { body: "RegisterBody" },
	"post /auth/login": { body: "LoginBody" },
	"post /auth/logout": {},
	"post /auth/logout-all": {},
	"get /me": {},
	"put /me/password": { body: "ChangePasswordBody" },
	"get /users": { query: ["q"] },
	"post /realtime/ticket": {},
	"get /realtime": { query: ["ticket"] },
	"get /conversations/{id}/socket": { query: ["ticket"] },
	"post /conversations": { body: "CreateConversationBody" },
	"get /conversations": { query: ["limit", "cursor"] },
	"get /conversations/{id}": {},
	"patch /conversations/{id}": { body: "RenameConversationBody" },
	"get /conversations/{id}/messages": { query: ["limit", "cursor", "afterSeq", "beforeSeq"] },
	"post /conversations/{id}/messages": { body: "SendMessageBody" },
	"delete /messages/{id}": { query: ["scope"] },
	"post /conversations/{id}/read": { body: "ReadBody" },
	"post /conversations/{id}/delivered": { body: "DeliveredBody" },
	"put /conversations/{id}/mute": { body: "MuteBody" },
	"post /conversations/{id}/members": { body: "AddMembersBody" },
	"delete /conversations/{id}/members/{userId}": {},
	"put /conversations/{id}/members/{userId}": { body: "RoleBody" },
	"post /conversations/{id}/leave": {},
	"post /uploads": { body: "UploadBody" },
	"put /uploads/local/{key}": { body: "binary", query: ["exp", "sig"] },
	"get /media/{key}": { query: ["exp", "sig", "name", "view"] },
	"get /push/vapid-public-key": {},
	"post /push/subscriptions": { body: "PushSubscriptionBody" },
	"delete /push/subscriptions": { body: "PushUnsubscribeBody" },
	"put /users/{id}/block": {},
	"delete /users/{id}/block": {},
	"get /me/blocks": {},
	"post /messages/{id}/report": { body: "ReportBody" },
	"post /messages/{id}/forward": { body: "ForwardBody" },
	"get /admin/reports/{id}": { query: ["around"] },
	"delete /admin/reports/{id}/message": {},
	"patch /messages/{id}": { body: "EditMessageBody" },
	"put /messages/{id}/reactions/{emoji}": {},
	"delete /messages/{id}/reactions/{emoji}": {},
	"get /search/messages": { query: ["q", "conversationId", "limit", "cursor"] },
	"patch /me": { body: "UpdateProfileBody" },
	"put /messages/{id}/votes": { body: "VoteBody" },
	"post /messages/{id}/poll/close": {},
	"get /conversations/{id}/pins": {},
	"put /conversations/{id}/pins/{messageId}": {},
	"delete /conversations/{id}/pins/{messageId}": {},
	"post /admin/messages-to-rooms": { body: "MessagesToRoomsBody" },
	"post /conversations/{id}/invites": { body: "CreateInviteBody" },
	"get /conversations/{id}/invites": {},
	"delete /conversations/{id}/invites/{inviteId}": {},
	"get /invites/{token}": {},
	"post /invites/{token}/join": {},
};

/** Every REST route the app serves, as `method /path/{param}` (debug routes are not the API). */
const servedRoutes = () =>
	new Set(
		app.routes
			.filter((r) => ["GET", "POST", "PUT", "PATCH", "DELETE"].includes(r.method))
			.map((r) => {
				const path = r.path
					.replace(/^\/api\/v1/, "")
					.replace(/:(\w+)(\{[^}]*\})?/g, "{$1}")
					.replace(/\/\*$/, "/{key}");
				return `${r.method.toLowerCase()} ${path}`;
			})
			.filter((op) => !op.includes("/debug/")),
	);

async function fetchDocument() {
	const res = await api<Doc>("GET", "/openapi.json");
	expect(res.status).toBe(200);
	expect(res.headers.get("Content-Type")).toMatch(/application\/json/);
	expect(typeof res.body).toBe("object");
	return res.body;
}

const operations = (doc: Doc) =>
	Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m} ${path}`));

describe("OpenAPI document", () => {
	it("is served without auth as valid JSON with openapi 3.1.0", async () => {
		const doc = await fetchDocument();
		expect(doc.openapi).toBe("3.1.0");
	});

	it("describes every endpoint of the contract and its additions", async () => {
		const described = operations(await fetchDocument());
		for (const op of [...CONTRACT, ...ADDITIONS]) expect(described, op).toContain(op);
	});

	it("describes every route the app serves, and nothing it does not", async () => {
		const served = servedRoutes();
		expect(served.size).toBeGreaterThanOrEqual(CONTRACT.length + ADDITIONS.length);
		expect(new Set(operations(await fetchDocument()))).toEqual(served);
	});

	it("describes each served route's inputs: path ids, query parameters and JSON body schema", async () => {
		const doc = await fetchDocument();
		for (const op of servedRoutes()) {
			const expected = INPUTS[op];
			expect(expected, `${op} is served but not listed in INPUTS`).toBeDefined();
			const [method, path] = op.split(" ") as [string, string];
			const operation = doc.paths[path]?.[method];
			expect(operation, op).toBeDefined();
			const params = operation?.parameters ?? [];
			const pathIds = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
			expect(
				params.filter((p) => p.in === "path").map((p) => p.name),
				op,
			).toEqual(pathIds);
			expect(
				params.filter((p) => p.in === "query").map((p) => p.name),
				op,
			).toEqual(expected?.query ?? []);
			const body = operation?.requestBody;
			if (expected?.body === "binary") {
				expect(JSON.stringify(body?.content), op).toContain('"format":"binary"');
			} else if (expected?.body) {
				expect(body?.content["application/json"]?.schema.$ref, op).toBe(`#/components/schemas/${expected.body}`);
			} else {
				expect(body, op).toBeUndefined();
			}
			// Only bodies with defaults (read, mute, a new invite link) may be left out.
			if (body)
				expect(body.required, op).toBe(!["ReadBody", "MuteBody", "CreateInviteBody"].includes(expected?.body ?? ""));
		}
	});

	it("marks the bearer routes, and answers errors in the envelope", async () => {
		const doc = await fetchDocument();
		expect(doc.components.securitySchemes).toHaveProperty("bearer");
		const open = ["get /health", "get /openapi.json", "post /auth/register", "post /auth/login"];
		open.push("get /realtime", "get /conversations/{id}/socket", "put /uploads/local/{key}", "get /media/{key}");
		for (const op of operations(doc)) {
			const [method, path] = op.split(" ") as [string, string];
			const operation = doc.paths[path]?.[method] as Operation;
			// The admin routes take the ADMIN_TOKEN secret as their bearer, not a user's JWT.
			const scheme = path.startsWith("/admin/") ? "adminToken" : "bearer";
			expect(operation.security, op).toEqual(open.includes(op) ? [] : [{ [scheme]: [] }]);
			if (!open.includes(op)) expect(Object.keys(operation.responses), op).toContain("401");
			for (const [status, answer] of Object.entries(operation.responses)) {
				if (Number(status) < 400) continue;
				expect(JSON.stringify(answer), `${op} ${status}`).toContain("#/components/schemas/ErrorEnvelope");
			}
		}
	});

	it("takes its schemas from the zod schemas: limits, enums and the error envelope", async () => {
		const doc = await fetchDocument();
		const { schemas } = doc.components;
		const send = JSON.stringify(schemas.SendMessageBody);
		expect(send).toContain('"maxLength":4000');
		expect(send).toMatch(/"(const":"image"|enum":\["image"\])/);
		expect(JSON.stringify(schemas.CreateConversationBody)).toContain('"maxItems":255');
		expect(JSON.stringify(schemas.Message)).toContain('"system"');
		expect(JSON.stringify(schemas.ErrorEnvelope)).toContain("payload_too_large");
		const refs = JSON.stringify(doc).match(/#\/components\/schemas\/\w+/g) ?? [];
		for (const r of new Set(refs)) expect(schemas, r).toHaveProperty(r.split("/").at(-1) as string);
		const list = doc.paths["/conversations"]?.get;
		expect(Object.keys(list?.responses ?? {})).toEqual(expect.arrayContaining(["200", "400", "401"]));
		expect(doc.paths["/health"]?.get?.security).toEqual([]);
		expect(JSON.stringify(schemas.Conversation)).not.toContain("additionalProperties");
		// A named object is never nullable itself; only the fields that hold it may be null.
		for (const [name, schema] of Object.entries(schemas)) expect(String(schema.type), name).not.toContain("null");
		expect(JSON.stringify(schemas.Conversation)).toContain(
			'{"anyOf":[{"$ref":"#/components/schemas/Message"},{"type":"null"}]}',
		);
	});
});

describe("validation from the route declarations", () => {
	it("answers a bad query or body 400 with the fields, a malformed path id 404, never 500", async () => {
		const [me, other] = [await registerUser("Vera"), await registerUser("Otto")];
		const repeated = await api("GET", "/conversations?limit=1&limit=2", { token: me.token });
		expectError(repeated, 400, "invalid_request");
		expect(repeated.body.error.details.fields.map((f: { path: string }) => f.path)).toEqual(["limit"]);
		const badBody = await api("POST", "/conversations", { token: me.token, body: { type: "direct", userId: "" } });
		expectError(badBody, 400, "invalid_request");
		expect(badBody.body.error.details.fields.map((f: { path: string }) => f.path)).toEqual(["userId"]);
		// JSON must be sent as JSON: another media type is refused, not read.
		const asText = await api("POST", "/auth/login", {
			rawBody: JSON.stringify({ email: me.user.email, password: me.password }),
			headers: { "Content-Type": "text/plain" },
		});
		expectError(asText, 400, "invalid_request");
		expectError(await api("GET", "/conversations/not!an!id", { token: me.token }), 404, "not_found");
		expectError(await api("DELETE", `/messages/${"x".repeat(65)}`, { token: me.token }), 404, "not_found");
		// Authentication comes before validation: no token, 401 whatever the input.
		expectError(await api("GET", "/conversations?limit=abc"), 401, "unauthorized");
		// A body with defaults may be left out entirely.
		const chat = await directChat(me, other);
		const read = await api("POST", `/conversations/${chat.id}/read`, { token: me.token });
		expect(read.status).toBe(200);
		expect(read.body).toEqual({ lastReadSeq: expect.any(Number) });
	});
});
