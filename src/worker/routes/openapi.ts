// GET /openapi.json — the machine-readable copy of the contract, public like /health.
import { Hono } from "hono";
import type { AppEnv } from "../../server/config";
import { openApiDocument } from "../openapi";

export const openapiRoutes = new Hono<{ Bindings: AppEnv }>().get("/openapi.json", (c) => c.json(openApiDocument()));
