// Reports of messages for moderators: a copy of the message's text, sender and conversation as
// D1 has them when reported, one per (message, reporter). Moderators work on the table in the D1
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
 * Files the report if the message exists and the reporter is a member of its conversation;
 * the same reporter again gets their first report back (`created: false`). Null: no such
 * message for this user.
 */
export async function fileReport(
	env: AppEnv,
	report: { id: string; messageId: string; reporterId: string; reason: string; note: string | null; createdAt: string },
): Promise<{ report: ReportRecord; created: boolean } | null> {
	const db = env.DB;
	const [, found] = await db.batch<ReportRecord>([
		db
			.prepare(
				`INSERT INTO reports (id, message_id, conversation_id, sender_id, reporter_id, reason, note, message_text, status, created_at)
				 SELECT ?1, m.id, m.conversation_id, m.sender_id, ?3, ?4, ?5, m.text, 'open', ?6
				 FROM messages m JOIN participants p ON p.conversation_id = m.conversation_id AND p.user_id = ?3
				 WHERE m.id = ?2 AND true
				 ON CONFLICT (message_id, reporter_id) DO NOTHING`,
			)
			.bind(report.id, report.messageId, report.reporterId, report.reason, report.note, report.createdAt),
		// Membership is checked again: someone who left cannot read their old report back.
		db
			.prepare(
				`SELECT r.id, r.message_id, r.conversation_id, r.sender_id, r.created_at FROM reports r
				 JOIN participants p ON p.conversation_id = r.conversation_id AND p.user_id = r.reporter_id
				 WHERE r.message_id = ? AND r.reporter_id = ?`,
			)
			.bind(report.messageId, report.reporterId),
	]);
	const row = found?.results[0];
	if (!row) return null;
	return { report: row, created: row.id === report.id };
}
