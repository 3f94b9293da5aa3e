// Reactions on a message ({ emoji, userIds }[] in order of each emoji's first use, contract v2):
// the optimistic toggle a tap makes before the server answers, and who a chip names.
import type { Reaction } from "../../shared/schemas";

export function hasReacted(reactions: Reaction[] | undefined, emoji: string, userId: string): boolean {
	return reactions?.some((r) => r.emoji === emoji && r.userIds.includes(userId)) === true;
}

/** Adds or removes my reaction; an emoji nobody has any more disappears, a new one goes last. */
export function toggleReaction(
	reactions: Reaction[] | undefined,
	emoji: string,
	userId: string,
	on?: boolean,
): Reaction[] {
	const list = reactions ?? [];
	const add = on ?? !hasReacted(list, emoji, userId);
	const existing = list.find((r) => r.emoji === emoji);
	if (add) {
		if (existing?.userIds.includes(userId)) return list;
		if (!existing) return [...list, { emoji, userIds: [userId] }];
		return list.map((r) => (r === existing ? { emoji, userIds: [...r.userIds, userId] } : r));
	}
	if (!existing?.userIds.includes(userId)) return list;
	const userIds = existing.userIds.filter((id) => id !== userId);
	return userIds.length === 0
		? list.filter((r) => r !== existing)
		: list.map((r) => (r === existing ? { emoji, userIds } : r));
}

/** "You, Ben Okafor and 2 others": a chip's title and accessible name. */
export function reactorNames(
	userIds: string[],
	names: (id: string) => string | undefined,
	meId: string,
	max = 5,
): string {
	const ordered = [...userIds].sort((a, b) => (a === meId ? -1 : b === meId ? 1 : 0));
	const shown = ordered.slice(0, max).map((id) => (id === meId ? "You" : (names(id) ?? "Someone")));
	const more = ordered.length - shown.length;
	if (more > 0) return `${shown.join(", ")} and ${more} other${more === 1 ? "" : "s"}`;
	if (shown.length <= 1) return shown.join("");
	return `${shown.slice(0, -1).join(", ")} and ${shown.at(-1)}`;
}
