// The signed-in session, kept in localStorage so a reload stays signed in.
import { z } from "zod";
import { User } from "../shared/schemas";

const KEY = "campus-chat.session";
const Session = z.object({ token: z.string(), user: User });
export type Session = z.infer<typeof Session>;

export function loadSession(): Session | null {
	try {
		const raw = localStorage.getItem(KEY);
		if (!raw) return null;
		const parsed = Session.safeParse(JSON.parse(raw));
		return parsed.success ? parsed.data : null;
	} catch {
		return null;
	}
}

export function saveSession(session: Session | null): void {
	try {
		if (session) localStorage.setItem(KEY, JSON.stringify(session));
		else localStorage.removeItem(KEY);
	} catch {
		// Private mode or storage full: the session then lasts only for this tab.
	}
}
