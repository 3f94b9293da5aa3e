// Sessions (one per login) and the single-use socket tickets issued inside them.
import { and, eq, isNull } from "drizzle-orm";
import type { AppEnv } from "../config";
import { orm } from "./client";
import { sessions } from "./schema";

export async function insertSession(
	env: AppEnv,
	session: { id: string; userId: string; createdAt: string; expiresAt: string },
) {
	await orm(env).insert(sessions).values(session).run();
}

/** Revokes one live session of the user (logout). */
export async function revokeSession(env: AppEnv, userId: string, sessionId: string, at: string) {
	await orm(env)
		.update(sessions)
		.set({ revokedAt: at })
		.where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId), isNull(sessions.revokedAt)))
		.run();
}

/** Revokes every live session of the user (logout-all). */
export async function revokeAllSessions(env: AppEnv, userId: string, at: string) {
	await orm(env)
		.update(sessions)
		.set({ revokedAt: at })
		.where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)))
		.run();
}

/** The statement (for a batch) that revokes every live session of the user but `keep`, returning their ids. */
export function revokeOtherSessionsStatement(
	env: AppEnv,
	userId: string,
	keep: string,
	at: string,
): D1PreparedStatement {
	return env.DB.prepare(
		"UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND id != ? AND revoked_at IS NULL RETURNING id",
	).bind(at, userId, keep);
}

/**
 * Whether the session is live (not revoked, not expired, its user still exists) and, if so,
 * whether its user is suspended (README "Moderation").
 */
export async function sessionState(
	env: AppEnv,
	sessionId: string,
	userId: string,
	now: string,
): Promise<"live" | "ended" | "suspended"> {
	const row = await env.DB.prepare(
		`SELECT u.suspended_at FROM sessions s JOIN users u ON u.id = s.user_id
		 WHERE s.id = ?1 AND s.user_id = ?2 AND s.revoked_at IS NULL AND s.expires_at > ?3`,
	)
		.bind(sessionId, userId, now)
		.first<{ suspended_at: string | null }>();
	if (!row) return "ended";
	return row.suspended_at === null ? "live" : "suspended";
}

export async function insertTicket(
	env: AppEnv,
	ticket: { ticketHash: string; userId: string; expiresAt: string; sessionId: string },
) {
	await env.DB.prepare(
		"INSERT INTO realtime_tickets (ticket_hash, user_id, expires_at, session_id) VALUES (?, ?, ?, ?)",
	)
		.bind(ticket.ticketHash, ticket.userId, ticket.expiresAt, ticket.sessionId)
		.run();
}

/**
 * Marks the ticket used in one statement, so a ticket opens one socket even when two race, and
 * returns whom it was for; null if unknown, expired, used, its session ended meanwhile or its
 * user is suspended.
 */
export async function spendTicket(env: AppEnv, ticketHash: string, now: string) {
	return env.DB.prepare(
		`UPDATE realtime_tickets SET used_at = ?1
		 WHERE ticket_hash = ?2 AND used_at IS NULL AND expires_at > ?1
		   AND EXISTS (SELECT 1 FROM sessions s JOIN users u ON u.id = s.user_id
		               WHERE s.id = realtime_tickets.session_id AND s.user_id = realtime_tickets.user_id
		                 AND s.revoked_at IS NULL AND s.expires_at > ?1 AND u.suspended_at IS NULL)
		 RETURNING user_id, session_id,
		   (SELECT expires_at FROM sessions WHERE id = realtime_tickets.session_id) AS session_expires_at`,
	)
		.bind(now, ticketHash)
		.first<{ user_id: string; session_id: string; session_expires_at: string }>();
}

/**
 * Housekeeping for the hourly cron: sessions that expired or were revoked (their tokens answer
 * 401 either way: a token needs its row), and socket tickets past their minute. Returns counts.
 */
export async function deleteEndedSessionsAndTickets(env: AppEnv, now: string) {
	const [sessionsGone, ticketsGone] = await env.DB.batch([
		env.DB.prepare("DELETE FROM sessions WHERE expires_at <= ?1 OR revoked_at IS NOT NULL").bind(now),
		env.DB.prepare("DELETE FROM realtime_tickets WHERE expires_at <= ?1").bind(now),
	]);
	return { sessions: sessionsGone?.meta.changes ?? 0, tickets: ticketsGone?.meta.changes ?? 0 };
}
