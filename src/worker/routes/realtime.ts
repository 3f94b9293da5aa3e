// The two socket endpoints. A browser cannot set headers on a WebSocket, so the handshake
// carries a single-use ticket (POST /realtime/ticket); other clients may send a bearer token.
import { type Context, Hono } from "hono";
import { type AuthVariables, redeemTicket, verifyToken } from "../auth";
import { type AppEnv, isDevelopment, isOriginAllowed } from "../config";
import { ApiError, notFound } from "../errors";
import { hubStub, pathId, publicOrigin, roomStub } from "../http";
import { isMember } from "../queries";

type Vars = { Bindings: AppEnv; Variables: AuthVariables };

/** Checks a socket handshake and returns who is opening it; any failure means no 101. */
async function authenticateHandshake(c: Context<Vars>): Promise<string> {
	if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") {
		throw new ApiError(400, "expected a WebSocket upgrade");
	}
	if (!isOriginAllowed(c.env, c.req.header("Origin"), c.req.url)) {
		throw new ApiError(403, "origin not allowed");
	}
	const ticket = c.req.query("ticket");
	if (ticket) {
		const userId = await redeemTicket(c.env, ticket);
		if (!userId) throw new ApiError(401, "ticket is invalid, expired or already used");
		return userId;
	}
	const bearer = c.req.header("Authorization")?.match(/^Bearer\s+(\S+)$/i)?.[1];
	if (bearer) return verifyToken(c.env, bearer);
	throw new ApiError(401, "missing ticket");
}

function forwardUpgrade(c: Context<Vars>, userId: string, extra: Record<string, string> = {}) {
	const headers = new Headers({
		Upgrade: "websocket",
		"X-User-Id": userId,
		"X-Public-Origin": publicOrigin(c),
		...extra,
	});
	return new Request(c.req.url, { headers });
}

export const realtimeRoutes = new Hono<Vars>()
	.get("/realtime", async (c) => {
		const userId = await authenticateHandshake(c);
		return hubStub(c.env, userId).fetch(forwardUpgrade(c, userId));
	})
	.get("/conversations/:id/socket", async (c) => {
		const id = pathId(c, "id");
		const userId = await authenticateHandshake(c);
		if (!(await isMember(c.env, id, userId))) throw notFound("conversation");
		return roomStub(c.env, id).fetch(forwardUpgrade(c, userId));
	})
	// Development only: lets the benchmark see whether an idle room hibernated.
	.get("/debug/rooms/:id/stats", async (c) => {
		if (!isDevelopment(c.env)) throw notFound();
		return c.json(await roomStub(c.env, pathId(c, "id")).stats());
	});
