// Message search queries: what a user typed, turned into an FTS5 query made only of quoted
// prefix terms, so no input is ever FTS syntax (no operator, column filter or unbalanced quote
// can reach MATCH, and nothing a user types can make the query fail).

/** More words than this add little and cost a posting-list read each. */
const MAX_TERMS = 16;
/** Words as the unicode61 tokenizer sees them: runs of letters, marks and digits. */
const WORD = /[\p{L}\p{M}\p{N}]+/gu;

/**
 * `"word"*` for each word of `q`, all required (FTS5's implicit AND): each matches the whole
 * word and every word it begins. Null when `q` has no word at all (only punctuation).
 */
export function ftsQuery(q: string): string | null {
	const words = q.normalize("NFKC").match(WORD);
	if (!words) return null;
	return words
		.slice(0, MAX_TERMS)
		.map((word) => `"${word}"*`)
		.join(" ");
}
