// GET /health — public liveness. GET /openapi.json (this API's document, generated from every
// declared route) is added by app.ts through `serveDocument`, once all routers are mounted.
import { createRoute } from "@hono/zod-openapi";
import type { AppEnv } from "../../server/config";
import { Health } from "../../shared/schemas";
import { json, open, openApiRouter } from "../openapi";

const health = createRoute({
	method: "get",
	path: "/health",
	tags: ["meta"],
	summary: "Liveness",
	...open,
	responses: { 200: json(Health) },
});

export const openapiRoutes = openApiRouter<{ Bindings: AppEnv }>().openapi(health, (c) =>
	c.json({ ok: true as const }, 200),
);
