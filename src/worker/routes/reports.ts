// POST /messages/:id/report: a member reports a message for moderators, who read the reports
// (with a copy of the text as it was) in the D1 console (README "Moderation").
import { Hono } from "hono";
import type { AppEnv } from "../../server/config";
import { fileReport } from "../../server/db/reports";
import { log } from "../../server/log";
import { ReportBody } from "../../shared/schemas";
import { type AuthVariables, requireUser } from "../auth";
import { notFound } from "../errors";
import { pathId, readJson } from "../http";

export const reportRoutes = new Hono<{ Bindings: AppEnv; Variables: AuthVariables }>().post(
	"/messages/:id/report",
	requireUser,
	async (c) => {
		const messageId = pathId(c, "id");
		const body = await readJson(c, ReportBody);
		const reporterId = c.get("userId");
		const filed = await fileReport(c.env, {
			id: crypto.randomUUID(),
			messageId,
			reporterId,
			reason: body.reason,
			note: body.note?.trim() || null,
			createdAt: new Date().toISOString(),
		});
		if (!filed) throw notFound("message");
		const { report, created } = filed;
		if (created) {
			log.warn("message_reported", {
				reportId: report.id,
				messageId,
				conversationId: report.conversation_id,
				senderId: report.sender_id,
				reporterId,
				reason: body.reason,
			});
		}
		return c.json({ report: { id: report.id, createdAt: report.created_at } }, created ? 201 : 200);
	},
);
