// Time and text formatting for the UI, in the browser's locale.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function startOfDay(d: Date): number {
	return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

/** Short relative time for the conversation list: "now", "5m", "14:05", "Yesterday", "Mon", "3 Nov". */
export function listTime(iso: string, now = new Date()): string {
	const d = new Date(iso);
	const diff = now.getTime() - d.getTime();
	if (diff < MINUTE) return "now";
	if (diff < HOUR) return `${Math.floor(diff / MINUTE)}m`;
	const days = Math.round((startOfDay(now) - startOfDay(d)) / DAY);
	if (days === 0) return d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
	if (days === 1) return "Yesterday";
	if (days < 7) return d.toLocaleDateString(undefined, { weekday: "short" });
	if (d.getFullYear() === now.getFullYear()) return d.toLocaleDateString(undefined, { day: "numeric", month: "short" });
	return d.toLocaleDateString(undefined, { day: "numeric", month: "short", year: "numeric" });
}

export function clockTime(iso: string): string {
	return new Date(iso).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
}

export function fullTime(iso: string): string {
	return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** Date separator label: "Today", "Yesterday", "Monday", "3 November 2026". */
export function dayLabel(iso: string, now = new Date()): string {
	const d = new Date(iso);
	const days = Math.round((startOfDay(now) - startOfDay(d)) / DAY);
	if (days === 0) return "Today";
	if (days === 1) return "Yesterday";
	if (days < 7 && days > 0) return d.toLocaleDateString(undefined, { weekday: "long" });
	return d.toLocaleDateString(undefined, {
		day: "numeric",
		month: "long",
		year: d.getFullYear() === now.getFullYear() ? undefined : "numeric",
	});
}

export function dayKey(iso: string): string {
	const d = new Date(iso);
	return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}

/** "last seen 5 minutes ago" / "last seen yesterday at 14:05". */
export function lastSeen(iso: string | null | undefined, now = new Date()): string {
	if (!iso) return "offline";
	const d = new Date(iso);
	const diff = now.getTime() - d.getTime();
	if (diff < MINUTE) return "last seen just now";
	if (diff < HOUR) {
		const m = Math.floor(diff / MINUTE);
		return `last seen ${m} minute${m === 1 ? "" : "s"} ago`;
	}
	const days = Math.round((startOfDay(now) - startOfDay(d)) / DAY);
	if (days === 0) return `last seen today at ${clockTime(iso)}`;
	if (days === 1) return `last seen yesterday at ${clockTime(iso)}`;
	return `last seen ${d.toLocaleDateString(undefined, { day: "numeric", month: "short" })}`;
}

export function initials(name: string): string {
	const parts = name.trim().split(/\s+/).filter(Boolean);
	const first = parts[0]?.[0] ?? "?";
	const second = parts.length > 1 ? (parts.at(-1)?.[0] ?? "") : "";
	return (first + second).toUpperCase();
}

export function formatBytes(bytes: number): string {
	if (bytes < 1024) return `${bytes} B`;
	if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
	return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** A mute's words (issue 22.20): "Muted", or "Muted until 14:00" today, "Muted until Tue 14:00" within a week, else the date. */
export function mutedText(until: string | null | undefined, now = new Date()): string {
	if (!until) return "Muted";
	const d = new Date(until);
	const days = Math.round((startOfDay(d) - startOfDay(now)) / DAY);
	if (days === 0) return `Muted until ${clockTime(until)}`;
	if (days > 0 && days < 7) return `Muted until ${d.toLocaleDateString([], { weekday: "short" })} ${clockTime(until)}`;
	return `Muted until ${d.toLocaleDateString([], { day: "numeric", month: "short" })} ${clockTime(until)}`;
}
