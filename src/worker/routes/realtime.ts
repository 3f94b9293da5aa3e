// The two socket endpoints. A browser cannot set headers on a WebSocket, so the handshake
// carries a single-use ticket (POST /realtime/ticket); other clients may send a bearer token.
import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import { moderationStub } from "../../durable/Moderation";
import { hubStub, roomStub } from "../../durable/rpc";
import { type AppEnv, isDevelopment, isOriginAllowed } from "../../server/config";
import { isMember } from "../../server/db/participants";
import { IdParams, TicketQuery } from "../../shared/schemas";
import { type AuthVariables, authenticate, type Principal, redeemTicket } from "../auth";
import { ApiError, notFound } from "../errors";
import { pathId, publicOrigin } from "../http";
import { errors, open, openApiRouter } from "../openapi";

type Vars = { Bindings: AppEnv; Variables: AuthVariables };

/** When this isolate last told the Moderation object a socket may be opening. */
let watchedAt = 0;

/** Keeps the Moderation object checking for suspensions while sockets may be open (at most once a minute per isolate). */
function watchSuspensions(c: Context<Vars>) {
	if (Date.now() - watchedAt < 60_000) return;
	watchedAt = Date.now();
	c.executionCtx.waitUntil(
		moderationStub(c.env)
			.watch()
			.catch(() => {
				watchedAt = 0;
			}),
	);
}

/** Checks a socket handshake and returns who is opening it, in which session; any failure means no 101. */
async function authenticateHandshake(c: Context<Vars>): Promise<Principal> {
	if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") {
		throw new ApiError(400, "expected a WebSocket upgrade");
	}
	if (!isOriginAllowed(c.env, c.req.header("Origin"), c.req.url)) {
		throw new ApiError(403, "origin not allowed");
	}
	watchSuspensions(c);
	const ticket = c.req.query("ticket");
	if (ticket) {
		const principal = await redeemTicket(c.env, ticket);
		if (!principal) throw new ApiError(401, "ticket is invalid, expired or already used");
		return principal;
	}
	const bearer = c.req.header("Authorization")?.match(/^Bearer\s+(\S+)$/i)?.[1];
	if (bearer) return authenticate(c.env, bearer);
	throw new ApiError(401, "missing ticket");
}

/**
 * The upgrade request the Durable Object sees. X-Session-Id and X-Session-Expires (the token's
 * `exp`, epoch ms) let it close the socket with 4401 when the session is ended or runs out.
 */
export function upgradeRequest(url: string, principal: Principal, origin: string, extra: Record<string, string> = {}) {
	const headers = new Headers({
		Upgrade: "websocket",
		"X-User-Id": principal.userId,
		"X-Session-Id": principal.sessionId,
		"X-Session-Expires": String(principal.expiresAt),
		"X-Public-Origin": origin,
		...extra,
	});
	return new Request(url, { headers });
}

const forwardUpgrade = (c: Context<Vars>, principal: Principal, extra: Record<string, string> = {}) =>
	upgradeRequest(c.req.url, principal, publicOrigin(c), extra);

const switching = { description: "Switching Protocols: the WebSocket (frames in docs/contract.md)" };
const userSocket = createRoute({
	method: "get",
	path: "/realtime",
	tags: ["realtime"],
	summary: "WebSocket: the caller's own socket (presence and inbox); ?ticket= or a bearer header",
	...open,
	request: { query: TicketQuery },
	responses: { 101: switching, ...errors(400, 401, 403) },
});
const roomSocket = createRoute({
	method: "get",
	path: "/conversations/{id}/socket",
	tags: ["realtime"],
	summary: "WebSocket: the room of one conversation; ?ticket= or a bearer header",
	...open,
	request: { params: IdParams, query: TicketQuery },
	responses: { 101: switching, ...errors(400, 401, 403, 404) },
});

export const realtimeRoutes = openApiRouter<Vars>()
	.openapi(userSocket, async (c) => {
		const principal = await authenticateHandshake(c);
		return hubStub(c.env, principal.userId).fetch(forwardUpgrade(c, principal));
	})
	.openapi(roomSocket, async (c) => {
		const { id } = c.req.valid("param");
		const principal = await authenticateHandshake(c);
		if (!(await isMember(c.env, id, principal.userId))) throw notFound("conversation");
		return roomStub(c.env, id).fetch(forwardUpgrade(c, principal));
	})
	// Development only, not part of the API (so not in the document): lets the benchmark see
	// whether an idle room hibernated.
	.get("/debug/rooms/:id/stats", async (c) => {
		if (!isDevelopment(c.env)) throw notFound();
		return c.json(await roomStub(c.env, pathId(c, "id")).stats());
	});
