// Mention autocomplete in the composer: the "@query" being typed at the caret, the members that
// match it, putting the chosen name in, and which chosen people are still mentioned at send.
// Pure, unit-tested in mentions.test.ts.

export interface MentionQuery {
	/** Index of the "@". */
	start: number;
	query: string;
}

export interface Member {
	id: string;
	displayName: string;
}

const MAX_QUERY = 40;

/** The "@…" word the caret is in, if any: "@" at the start or after whitespace, no line break in it. */
export function mentionQueryAt(text: string, caret: number): MentionQuery | null {
	const before = text.slice(0, caret);
	const at = before.lastIndexOf("@");
	if (at < 0) return null;
	if (at > 0 && !/\s/u.test(before[at - 1] ?? "")) return null;
	const query = before.slice(at + 1);
	if (query.length > MAX_QUERY || /[\n@]/u.test(query)) return null;
	// One space is allowed ("@Ann L" for "Ann Lee"); two words' worth of spaces ends the mention.
	if (/\s\s/u.test(query) || (query.match(/\s/gu)?.length ?? 0) > 2) return null;
	return { start: at, query };
}

function fold(text: string): string {
	return text.normalize("NFD").replace(/\p{M}/gu, "").toLocaleLowerCase();
}

/** Members (never me) whose name or any word of it starts with the query; name starts first. */
export function filterMentionCandidates<T extends Member>(members: T[], query: string, meId: string, limit = 6): T[] {
	const q = fold(query.trim());
	const ranked: { member: T; rank: number }[] = [];
	for (const member of members) {
		if (member.id === meId) continue;
		const name = fold(member.displayName);
		let rank = -1;
		if (!q || name.startsWith(q)) rank = 0;
		else if (name.split(/\s+/u).some((word) => word.startsWith(q))) rank = 1;
		if (rank >= 0) ranked.push({ member, rank });
	}
	ranked.sort((a, b) => a.rank - b.rank || a.member.displayName.localeCompare(b.member.displayName));
	return ranked.slice(0, limit).map((r) => r.member);
}

/** Replaces "@query" with "@Name " and says where the caret goes. */
export function applyMention(
	text: string,
	query: MentionQuery,
	caret: number,
	name: string,
): { text: string; caret: number } {
	const inserted = `@${name} `;
	const rest = text.slice(caret).replace(/^ /u, "");
	return { text: text.slice(0, query.start) + inserted + rest, caret: query.start + inserted.length };
}

/** The chosen people whose "@Name" is still in the text at send (deduplicated, at most 50). */
export function mentionedIds(text: string, chosen: Member[]): string[] {
	const lower = text.toLocaleLowerCase();
	const ids: string[] = [];
	for (const member of chosen) {
		if (ids.includes(member.id)) continue;
		const token = `@${member.displayName.toLocaleLowerCase()}`;
		let from = 0;
		for (;;) {
			const at = lower.indexOf(token, from);
			if (at < 0) break;
			const before = at === 0 ? " " : (lower[at - 1] ?? " ");
			const after = lower[at + token.length];
			if (/\s/u.test(before) && (after === undefined || !/[\p{L}\p{N}_]/u.test(after))) {
				ids.push(member.id);
				break;
			}
			from = at + 1;
		}
	}
	return ids.slice(0, 50);
}
