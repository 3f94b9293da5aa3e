// Message search queries: what a user typed, turned into an FTS5 query made only of quoted
// prefix terms, so no input is ever FTS syntax (no operator, column filter or unbalanced quote
// can reach MATCH, and nothing a user types can make the query fail).

// The bounds on one query's work (issue 20: 16 one-letter words took ~500 ms over 80,000
// messages, and D1 runs one query at a time, so everyone waited): at most MAX_TERMS words, a
// word shorter than MIN_PREFIX_LENGTH is matched as a whole word, never as a prefix (the prefix
// "a" reads the posting list of every word beginning with a), and at most MAX_SHORT_TERMS such
// words, only when the query has no longer word to narrow it. Each room searches only its own
// index (src/durable/room/search.ts), so a word common in conversations the caller is not in
// costs them nothing. The per-user and per-address search rate is in src/worker/rateLimit.ts.
// Every place that runs message search builds its query here, so the same bounds hold.

/** More words than this add little and cost a posting-list read each. */
export const MAX_TERMS = 8;
/** Words shorter than this are whole-word terms, never prefixes. */
export const MIN_PREFIX_LENGTH = 2;
/** At most this many short (whole-word) terms, and only in a query with no longer word. */
export const MAX_SHORT_TERMS = 2;
/** Words as the unicode61 tokenizer sees them: runs of letters, marks and digits. */
const WORD = /[\p{L}\p{M}\p{N}]+/gu;

/**
 * `"word"*` for each word of `q`, all required (FTS5's implicit AND): each matches the whole
 * word and every word it begins; a short word is `"a"`, the whole word only. Null when `q` has
 * no word at all (only punctuation).
 */
export function ftsQuery(q: string): string | null {
	const words = queryWords(q);
	if (words.length === 0) return null;
	return words.map((word) => (isShort(word) ? `"${word}"` : `"${word}"*`)).join(" ");
}

const isShort = (word: string) => [...word].length < MIN_PREFIX_LENGTH;

/** The words a query searches for, within the bounds above, in the order typed. */
export function queryWords(q: string): string[] {
	const words = [...new Set(q.normalize("NFKC").match(WORD) ?? [])];
	const long = words.filter((w) => !isShort(w));
	return (long.length > 0 ? long : words.slice(0, MAX_SHORT_TERMS)).slice(0, MAX_TERMS);
}

/** A word as the index compares it: lower case, diacritics removed (unicode61 remove_diacritics 2). */
function folded(word: string): string {
	return word.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

const SNIPPET_WORDS = 16;

/**
 * Plain text around the first word of `text` that begins with a word of `q` (the way the index
 * matched it): at most 16 words, with "…" where the text was cut. Built here rather than by
 * FTS5's snippet(), which would need the index's cursor for every row and so force the slower
 * query plan within one conversation.
 */
export function snippetFor(text: string, q: string): string {
	const terms = queryWords(q).map(folded);
	const words = [...text.matchAll(/\S+/gu)];
	const hit = words.findIndex((w) =>
		(w[0].match(WORD) ?? []).some((part) => terms.some((t) => folded(part).startsWith(t))),
	);
	const start = Math.max(0, Math.min(hit < 0 ? 0 : hit - 4, words.length - SNIPPET_WORDS));
	const end = Math.min(words.length, start + SNIPPET_WORDS);
	const first = words[start];
	const last = words[end - 1];
	if (!first || !last) return text;
	const body = text.slice(first.index, last.index + last[0].length);
	return `${start > 0 ? "…" : ""}${body}${end < words.length ? "…" : ""}`;
}
