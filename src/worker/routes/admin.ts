// Admin-only routes for moderators (README "Moderation and admin"): a reported message with the
// messages around it, images included as signed URLs, and removing it for everyone. Messages live
// in each conversation's room (its SQLite log), not only in D1, so these go through the room's
// own history and delete RPCs, as a member: the reporter (or, if they left, the sender) to read,
// the sender to delete (the one member a delete for everyone is always allowed to). Authorised by
// the ADMIN_TOKEN secret as a bearer token; without the secret (32+ characters) the routes do not
// exist (404), so a deployment has no admin door until someone sets one.
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { roomStub } from "../../durable/rpc";
import type { AppEnv } from "../../server/config";
import { type AdminReportRow, reportById } from "../../server/db/adminReports";
import { isMember } from "../../server/db/participants";
import { log } from "../../server/log";
import { IdParams, Message } from "../../shared/schemas";
import { ApiError, notFound } from "../errors";
import { publicOrigin, unwrap } from "../http";
import { errors, json, openApiRouter } from "../openapi";

type Vars = { Bindings: AppEnv };

/** How far back the room's history is paged to find the reported message (100 per page). */
const SCAN_PAGES = 50;

export const AdminReport = z.object({
	id: z.string(),
	status: z.enum(["open", "closed"]),
	reason: z.string(),
	note: z.string().nullable(),
	messageText: z.string().nullable(),
	messageId: z.string(),
	conversationId: z.string(),
	senderId: z.string(),
	reporterId: z.string(),
	createdAt: z.string(),
	closedAt: z.string().nullable(),
});
export const AdminReportContext = z.object({
	report: AdminReport,
	/** The member whose view of the conversation this is (hidden-for-me messages are left out). */
	readAs: z.enum(["reporter", "sender"]),
	/** The reported message as it is now (null: no longer in the room's log). */
	message: Message.nullable(),
	/** Up to `around` messages before it and after it, oldest first, the reported one included. */
	messages: z.array(Message),
});
export const AdminRemoved = z.object({ removed: z.literal(true), messageId: z.string() });
const ContextQuery = z.object({ around: z.coerce.number().int().min(0).max(50).default(10) });

type WireMessage = z.infer<typeof Message>;
type HistoryPage = { messages: WireMessage[]; next: { before: number } | { after: number } | null };

const bearer = { security: [{ adminToken: [] as string[] }] };

const reportContext = createRoute({
	method: "get",
	path: "/admin/reports/{id}",
	tags: ["admin"],
	summary: "A report, the reported message as it is now and the messages around it (ADMIN_TOKEN)",
	...bearer,
	request: { params: IdParams, query: ContextQuery },
	responses: { 200: json(AdminReportContext), ...errors(400, 401, 404, 409) },
});

const removeReported = createRoute({
	method: "delete",
	path: "/admin/reports/{id}/message",
	tags: ["admin"],
	summary: "Remove the reported message for everyone (ADMIN_TOKEN); the report stays as it was",
	...bearer,
	request: { params: IdParams },
	responses: { 200: json(AdminRemoved), ...errors(401, 404, 409) },
});

const encoder = new TextEncoder();

/** The Authorization header carries ADMIN_TOKEN (compared in constant time); else 404 or 401. */
async function requireAdmin(c: Context<Vars>): Promise<void> {
	const token = c.env.ADMIN_TOKEN ?? "";
	if (token.length < 32) throw new ApiError(404, `no route for ${c.req.method} ${c.req.path}`);
	const given = /^Bearer (.+)$/.exec(c.req.header("Authorization") ?? "")?.[1] ?? "";
	// Both sides hashed first: equal lengths for timingSafeEqual, and no length leak.
	const [a, b] = await Promise.all(
		[given, token].map((t) => crypto.subtle.digest("SHA-256", encoder.encode(t)).then((d) => new Uint8Array(d))),
	);
	if (!crypto.subtle.timingSafeEqual(a as Uint8Array, b as Uint8Array)) {
		log.warn("admin_unauthorized", { path: c.req.path });
		throw new ApiError(401, "admin token required");
	}
}

function reportView(r: AdminReportRow) {
	return {
		id: r.id,
		status: r.status === "closed" ? ("closed" as const) : ("open" as const),
		reason: r.reason,
		note: r.note,
		messageText: r.message_text,
		messageId: r.message_id,
		conversationId: r.conversation_id,
		senderId: r.sender_id,
		reporterId: r.reporter_id,
		createdAt: r.created_at,
		closedAt: r.closed_at,
	};
}

async function reportOr404(c: Context<Vars>, id: string): Promise<AdminReportRow> {
	const report = await reportById(c.env, id);
	if (!report) throw notFound("report");
	return report;
}

export const adminRoutes = openApiRouter<Vars>()
	.openapi(reportContext, async (c) => {
		await requireAdmin(c);
		const { id } = c.req.valid("param");
		const { around } = c.req.valid("query");
		const report = await reportOr404(c, id);
		const readAs = (await isMember(c.env, report.conversation_id, report.reporter_id))
			? ("reporter" as const)
			: (await isMember(c.env, report.conversation_id, report.sender_id))
				? ("sender" as const)
				: null;
		if (!readAs) throw new ApiError(409, "neither the reporter nor the sender is still a member of the conversation");
		const viewer = readAs === "reporter" ? report.reporter_id : report.sender_id;
		const room = roomStub(c.env, report.conversation_id);
		const origin = publicOrigin(c);
		// Newest first until the reported message turns up (the log has no lookup by id over RPC).
		let position: { before: number } | null = null;
		let found: WireMessage | null = null;
		let newer: WireMessage[] = [];
		let older: WireMessage[] = [];
		for (let page = 0; page < SCAN_PAGES && !found; page++) {
			const result: HistoryPage = unwrap(await room.history(viewer, 100, position, origin));
			const { messages, next } = result;
			const at = messages.findIndex((m) => m.id === report.message_id);
			if (at >= 0) {
				found = messages[at] ?? null;
				newer = [...newer, ...messages.slice(0, at)].slice(-around);
				older = messages.slice(at + 1, at + 1 + around);
				if (older.length < around && next && "before" in next) {
					const more: HistoryPage = unwrap(await room.history(viewer, around - older.length, next, origin));
					older = [...older, ...more.messages];
				}
				break;
			}
			newer = [...newer, ...messages].slice(-around);
			if (!next || !("before" in next)) break;
			position = next;
		}
		log.info("admin_report_viewed", { reportId: report.id, conversationId: report.conversation_id, found: !!found });
		const messages = found ? [...older.reverse(), found, ...newer.reverse()] : [];
		return c.json({ report: reportView(report), readAs, message: found, messages }, 200);
	})
	.openapi(removeReported, async (c) => {
		await requireAdmin(c);
		const { id } = c.req.valid("param");
		const report = await reportOr404(c, id);
		if (!(await isMember(c.env, report.conversation_id, report.sender_id))) {
			throw new ApiError(409, "the sender is no longer a member: remove it as a group admin in the app");
		}
		unwrap(
			await roomStub(c.env, report.conversation_id).deleteMessage(report.sender_id, report.message_id, "everyone"),
		);
		log.warn("admin_message_removed", {
			reportId: report.id,
			messageId: report.message_id,
			conversationId: report.conversation_id,
			senderId: report.sender_id,
		});
		return c.json({ removed: true as const, messageId: report.message_id }, 200);
	});
