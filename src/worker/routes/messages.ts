// DELETE /messages/:id — for me (hidden from my history) or for everyone (through the room).
import { Hono } from "hono";
import { z } from "zod";
import { type AuthVariables, requireUser } from "../auth";
import type { AppEnv } from "../config";
import { notFound } from "../errors";
import { pathId, publicOrigin, readQuery, roomStub, unwrap } from "../http";

export const DeleteQuery = z.object({ scope: z.enum(["me", "everyone"]).default("me") });

export const messageRoutes = new Hono<{ Bindings: AppEnv; Variables: AuthVariables }>()
	.use("/messages/*", requireUser)
	.delete("/messages/:id", async (c) => {
		const id = pathId(c, "id");
		const { scope } = readQuery(c, DeleteQuery);
		const me = c.get("userId");
		const row = await c.env.DB.prepare(
			`SELECT m.conversation_id FROM messages m
			 JOIN participants p ON p.conversation_id = m.conversation_id AND p.user_id = ?
			 WHERE m.id = ?`,
		)
			.bind(me, id)
			.first<{ conversation_id: string }>();
		if (!row) throw notFound("message");
		if (scope === "me") {
			await c.env.DB.prepare("INSERT OR IGNORE INTO hidden_messages (user_id, message_id, hidden_at) VALUES (?, ?, ?)")
				.bind(me, id, new Date().toISOString())
				.run();
		} else {
			unwrap(
				await roomStub(c.env, row.conversation_id).deleteForEveryone(row.conversation_id, me, id, publicOrigin(c)),
			);
		}
		return c.body(null, 204);
	});
