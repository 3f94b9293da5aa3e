// How files and voice notes (issue 23) read as one line: push bodies, the conversation list,
// reply quotes. Shared so the server and the UI say the same thing.
import type { Message } from "./schemas";

/** "📎 notes.pdf" for a file, "🎤 Voice note 0:12" for a voice note; null for other kinds. */
export function mediaLabel(message: Pick<Message, "kind" | "attachment">): string | null {
	if (message.kind === "file") return `📎 ${message.attachment?.name ?? "File"}`;
	if (message.kind === "voice") return `🎤 Voice note ${formatDuration(message.attachment?.durationMs ?? 0)}`;
	return null;
}

/** m:ss to the nearest second, at least 0:01 (a voice note is never 0:00). */
export function formatDuration(ms: number): string {
	const seconds = Math.max(1, Math.round(ms / 1000));
	return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

/** A size as people read it, in the units the 25 MB limit uses (1 MB = 1,000,000 bytes). */
export function formatBytes(bytes: number): string {
	if (bytes < 1000) return `${bytes} B`;
	if (bytes < 1_000_000) return `${Math.round(bytes / 100) / 10} kB`;
	return `${Math.round(bytes / 100_000) / 10} MB`;
}
