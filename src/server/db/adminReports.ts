// What the admin routes (src/worker/routes/admin.ts) read of a report: the whole row, with the
// ids of the people and the conversation, so the route can ask the room as a member.
import type { AppEnv } from "../config";

export interface AdminReportRow {
	id: string;
	message_id: string;
	conversation_id: string;
	sender_id: string;
	reporter_id: string;
	reason: string;
	note: string | null;
	message_text: string | null;
	status: string;
	created_at: string;
	closed_at: string | null;
}

export function reportById(env: AppEnv, id: string): Promise<AdminReportRow | null> {
	return env.DB.prepare(
		`SELECT id, message_id, conversation_id, sender_id, reporter_id, reason, note, message_text, status,
		        created_at, closed_at
		 FROM reports WHERE id = ?`,
	)
		.bind(id)
		.first<AdminReportRow>();
}
