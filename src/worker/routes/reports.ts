// POST /messages/:id/report: a member reports a message for moderators, who read the reports
// (with a copy of the text as it was) in the D1 console (README "Moderation"). The report is
// copied from the message's room, the only store of messages (issue 21), so a message acked on
// the socket a moment ago is found.
import { createRoute } from "@hono/zod-openapi";
import { roomStub } from "../../durable/rpc";
import type { AppEnv } from "../../server/config";
import { fileReport } from "../../server/db/reports";
import { log } from "../../server/log";
import { IdParams, ReportBody, ReportResult } from "../../shared/schemas";
import type { AuthVariables } from "../auth";
import { notFound } from "../errors";
import { authed, errors, json, jsonBody, openApiRouter } from "../openapi";
import { conversationOfMessage } from "./messages";

const reportMessage = createRoute({
	method: "post",
	path: "/messages/{id}/report",
	tags: ["safety"],
	summary: "Report a message to moderators (members only; the same reporter again: 200 with the same report)",
	...authed,
	request: { params: IdParams, body: jsonBody(ReportBody) },
	responses: { 201: json(ReportResult, "Created"), 200: json(ReportResult), ...errors(400, 401, 404, 413) },
});

export const reportRoutes = openApiRouter<{ Bindings: AppEnv; Variables: AuthVariables }>().openapi(
	reportMessage,
	async (c) => {
		const messageId = c.req.valid("param").id;
		const body = c.req.valid("json");
		const reporterId = c.get("userId");
		// Message ids start with their conversation's id (older ids are looked up in D1). Membership
		// first, so a made-up id never reaches, or creates, a room.
		const conversationId = await conversationOfMessage(c.env, messageId, reporterId);
		const message = await roomStub(c.env, conversationId).reportable(reporterId, messageId);
		if (!message) throw notFound("message");
		const filed = await fileReport(c.env, message, {
			id: crypto.randomUUID(),
			reporterId,
			reason: body.reason,
			note: body.note?.trim() || null,
			createdAt: new Date().toISOString(),
		});
		if (!filed) throw notFound("message");
		const { report, created } = filed;
		const answer = { report: { id: report.id, createdAt: report.created_at } };
		if (!created) return c.json(answer, 200);
		log.warn("message_reported", {
			reportId: report.id,
			messageId,
			conversationId: report.conversation_id,
			senderId: report.sender_id,
			reporterId,
			reason: body.reason,
		});
		return c.json(answer, 201);
	},
);
