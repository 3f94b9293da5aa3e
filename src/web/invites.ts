// Invite links (issue 23.5) in the UI: the link an admin copies, the `/join/<token>` path it
// opens, the expiry choices and what a link that no longer works says.
import { ApiError } from "./api";

/** The link people open: this app's origin and `/join/<token>`. */
export function inviteLink(token: string, origin = window.location.origin): string {
	return `${origin}/join/${encodeURIComponent(token)}`;
}

const JOIN_PATH = /^\/join\/([A-Za-z0-9_-]{1,64})\/?$/;

/** The token of a `/join/<token>` path, or null for any other path. */
export function joinTokenFromPath(pathname: string): string | null {
	return JOIN_PATH.exec(pathname)?.[1] ?? null;
}

export const EXPIRY_CHOICES = [
	{ value: "never", label: "Never", ms: null },
	{ value: "1h", label: "1 hour", ms: 3600_000 },
	{ value: "1d", label: "1 day", ms: 86400_000 },
	{ value: "7d", label: "7 days", ms: 7 * 86400_000 },
	{ value: "30d", label: "30 days", ms: 30 * 86400_000 },
] as const;
export type ExpiryChoice = (typeof EXPIRY_CHOICES)[number]["value"];

/** The body that creates a link with this expiry and use limit. */
export function inviteBody(expiry: ExpiryChoice, singleUse: boolean, now = Date.now()) {
	const ms = EXPIRY_CHOICES.find((c) => c.value === expiry)?.ms ?? null;
	return {
		...(ms === null ? {} : { expiresAt: new Date(now + ms).toISOString() }),
		...(singleUse ? { maxUses: 1 } : {}),
	};
}

/** Why a link cannot be used, for the person who opened it. */
export function joinFailureText(error: unknown): string {
	if (!(error instanceof ApiError)) return error instanceof Error ? error.message : "Something went wrong";
	if (error.status === 0) return "You're offline. Try again when you're back online.";
	if (error.status === 404) {
		const reason = (error.details as { reason?: string } | undefined)?.reason;
		if (reason === "expired") return "This invite link has expired. Ask a group admin for a new one.";
		if (reason === "revoked") return "This invite link was turned off by a group admin.";
		if (reason === "used_up") return "This invite link has already been used. Ask a group admin for a new one.";
		return "This invite link doesn't work. Check that you copied all of it.";
	}
	if (error.status === 409) return "This group is full: groups can have at most 256 members.";
	if (error.status === 403) return "You can't join this group.";
	return error.message;
}
