// The Hono app: /api/v1 with CORS, no-store on private answers, a 64 KiB body limit, one router
// per resource (each route declared once, see src/worker/openapi.ts), the generated OpenAPI
// document, and one error handler that answers every failure in the contract's envelope.
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { type AppEnv, isOriginAllowed } from "../server/config";
import { MAX_JSON_BODY_BYTES } from "../shared/schemas";
import { errorBody, errorResponse } from "./errors";
import { openApiRouter, serveDocument } from "./openapi";
import { adminRoutes } from "./routes/admin";
import { authRoutes } from "./routes/auth";
import { blockRoutes } from "./routes/blocks";
import { conversationRoutes } from "./routes/conversations";
import { inviteRoutes } from "./routes/invites";
import { mediaRoutes } from "./routes/media";
import { messageRoutes } from "./routes/messages";
import { messagesToRoomsRoutes } from "./routes/messagesToRooms";
import { openapiRoutes } from "./routes/openapi";
import { pinRoutes } from "./routes/pins";
import { profileRoutes } from "./routes/profile";
import { pushRoutes } from "./routes/push";
import { realtimeRoutes } from "./routes/realtime";
import { reportRoutes } from "./routes/reports";
import { searchRoutes } from "./routes/search";
import { uploadRoutes } from "./routes/uploads";

const jsonBodyLimit = bodyLimit({
	maxSize: MAX_JSON_BODY_BYTES,
	onError: (c) => c.json(errorBody(413, "request body larger than 64 KiB"), 413),
});

/** Every route under /api/v1; the document at /openapi.json is generated from these. */
const api = openApiRouter<{ Bindings: AppEnv }>()
	.route("/", openapiRoutes)
	.route("/", authRoutes)
	.route("/", realtimeRoutes)
	.route("/", conversationRoutes)
	.route("/", inviteRoutes)
	.route("/", messageRoutes)
	.route("/", pinRoutes)
	.route("/", uploadRoutes)
	.route("/", mediaRoutes)
	.route("/", pushRoutes)
	.route("/", blockRoutes)
	.route("/", reportRoutes)
	.route("/", searchRoutes)
	.route("/", profileRoutes)
	.route("/", adminRoutes)
	.route("/", messagesToRoomsRoutes);
serveDocument(api);

export const app = new Hono<{ Bindings: AppEnv }>()
	.basePath("/api/v1")
	.use(
		cors({
			origin: (origin, c) => (isOriginAllowed(c.env, origin, c.req.url) ? origin : null),
			allowHeaders: ["Authorization", "Content-Type"],
			allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
			exposeHeaders: ["Retry-After"],
			maxAge: 600,
		}),
	)
	.use(async (c, next) => {
		await next();
		// API answers carry private data: no shared or browser cache may keep them, and no
		// browser may sniff them into something else. Routes that allow caching (signed media)
		// set their own Cache-Control. A socket's 101 is left alone.
		if (c.res.status === 101) return;
		if (!c.res.headers.has("Cache-Control")) c.res.headers.set("Cache-Control", "no-store");
		c.res.headers.set("X-Content-Type-Options", "nosniff");
	})
	.use(async (c, next) => {
		// Image bytes go to the upload route, which has its own 10 MiB limit.
		if (c.req.path.startsWith("/api/v1/uploads/local/")) return next();
		return jsonBodyLimit(c, next);
	})
	.route("/", api);

app.notFound((c) => c.json(errorBody(404, `no route for ${c.req.method} ${c.req.path}`), 404));
app.onError(errorResponse);

export type AppType = typeof app;
