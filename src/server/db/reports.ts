// Reports of messages for moderators: a copy of the message's text, sender and conversation as
// its room has them when reported (messages live only in rooms since issue 21), one per
// (message, reporter). Moderators work on the table in the D1
// console (README "Moderation").
import type { AppEnv } from "../config";

export interface ReportRecord {
	id: string;
	message_id: string;
	conversation_id: string;
	sender_id: string;
	created_at: string;
}

/**
 * Files the report of `message` (as its room read it) if the reporter is a member of its
 * conversation; the same reporter again gets their first report back (`created: false`). Null:
 * no such message for this user.
 */
export async function fileReport(
	env: AppEnv,
	message: { id: string; conversation_id: string; sender_id: string; text: string | null },
	report: { id: string; reporterId: string; reason: string; note: string | null; createdAt: string },
): Promise<{ report: ReportRecord; created: boolean } | null> {
	const db = env.DB;
	const [, found] = await db.batch<ReportRecord>([
		db
			.prepare(
				`INSERT INTO reports (id, message_id, conversation_id, sender_id, reporter_id, reason, note, message_text, status, created_at)
				 SELECT ?1, ?2, ?7, ?8, ?3, ?4, ?5, ?9, 'open', ?6
				 FROM participants p WHERE p.conversation_id = ?7 AND p.user_id = ?3
				 ON CONFLICT (message_id, reporter_id) DO NOTHING`,
			)
			.bind(
				report.id,
				message.id,
				report.reporterId,
				report.reason,
				report.note,
				report.createdAt,
				message.conversation_id,
				message.sender_id,
				message.text,
			),
		// Membership is checked again: someone who left cannot read their old report back.
		db
			.prepare(
				`SELECT r.id, r.message_id, r.conversation_id, r.sender_id, r.created_at FROM reports r
				 JOIN participants p ON p.conversation_id = r.conversation_id AND p.user_id = r.reporter_id
				 WHERE r.message_id = ? AND r.reporter_id = ?`,
			)
			.bind(message.id, report.reporterId),
	]);
	const row = found?.results[0];
	if (!row) return null;
	return { report: row, created: row.id === report.id };
}
