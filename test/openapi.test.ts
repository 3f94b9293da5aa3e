import { describe, expect, it } from "vitest";
import { app } from "../src/worker/app";
import { api } from "./helpers";

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
	"patch /me",
];
const ADDITIONS = ["post /conversations/{id}/delivered", "get /media/{key}", "put /uploads/local/{key}"];

interface Doc {
	openapi: string;
	paths: Record<string, Record<string, { responses: Record<string, unknown>; security: unknown[] }>>;
	components: { schemas: Record<string, Record<string, unknown>> };
}

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
		const served = new Set(
			app.routes
				.filter((r) => ["GET", "POST", "PUT", "PATCH", "DELETE"].includes(r.method))
				.map((r) => {
					const path = r.path
						.replace(/^\/api\/v1/, "")
						.replace(/:(\w+)/g, "{$1}")
						.replace(/\/\*$/, "/{key}");
					return `${r.method.toLowerCase()} ${path}`;
				})
				.filter((op) => !op.includes("/debug/")),
		);
		expect(new Set(operations(await fetchDocument()))).toEqual(served);
	});

	it("takes its schemas from the zod schemas: limits, enums and the error envelope", async () => {
		const doc = await fetchDocument();
		const { schemas } = doc.components;
		const send = JSON.stringify(schemas.SendMessageBody);
		expect(send).toContain('"maxLength":4000');
		expect(send).toContain('"const":"image"');
		expect(JSON.stringify(schemas.CreateConversationBody)).toContain('"maxItems":255');
		expect(JSON.stringify(schemas.Message)).toContain('"system"');
		expect(JSON.stringify(schemas.ErrorEnvelope)).toContain("payload_too_large");
		const refs = JSON.stringify(doc).match(/#\/components\/schemas\/\w+/g) ?? [];
		for (const r of new Set(refs)) expect(schemas, r).toHaveProperty(r.split("/").at(-1) as string);
		const list = doc.paths["/conversations"]?.get;
		expect(Object.keys(list?.responses ?? {})).toEqual(expect.arrayContaining(["200", "400", "401"]));
		expect(doc.paths["/health"]?.get?.security).toEqual([]);
		expect(JSON.stringify(schemas.Conversation)).not.toContain("additionalProperties");
	});
});
