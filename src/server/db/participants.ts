// Membership rows: who is in which conversation, with which role, and their mute flag.
import { eq } from "drizzle-orm";
import type { AppEnv } from "../config";
import { orm } from "./client";
import { participants } from "./schema";

/** The caller's role in the conversation, or null for a non-member. */
export async function isMember(env: AppEnv, conversationId: string, userId: string) {
	return env.DB.prepare("SELECT role FROM participants WHERE conversation_id = ? AND user_id = ?")
		.bind(conversationId, userId)
		.first<{ role: "admin" | "member" }>();
}

/** Every conversation the user is a member of. */
export async function conversationIdsOf(env: AppEnv, userId: string): Promise<string[]> {
	const rows = await orm(env)
		.select({ conversationId: participants.conversationId })
		.from(participants)
		.where(eq(participants.userId, userId));
	return rows.map((row) => row.conversationId);
}

/** Sets the member's mute flag, or toggles it when `muted` is undefined; null for a non-member. */
export async function setMuted(env: AppEnv, conversationId: string, userId: string, muted: boolean | undefined) {
	const row = await env.DB.prepare(
		`UPDATE participants SET muted = CASE WHEN ?3 IS NULL THEN 1 - muted ELSE ?3 END
		 WHERE conversation_id = ?1 AND user_id = ?2 RETURNING muted`,
	)
		.bind(conversationId, userId, muted === undefined ? null : muted ? 1 : 0)
		.first<{ muted: number }>();
	return row === null ? null : Boolean(row.muted);
}
