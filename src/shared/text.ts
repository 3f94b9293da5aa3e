// Text rules both sides need for what people type as names and what is shown of it: which
// names are accepted, how a name is kept from reordering the text around it, and where a long
// text may be cut.

/**
 * Characters a name (display name, group title) may not hold: C0/C1 controls (NUL, BEL, ESC,
 * newlines, tabs…), line and paragraph separators, and the bidi embeddings, overrides and
 * isolates (U+202A–U+202E, U+2066–U+2069), which reorder whatever is shown after the name. The
 * marks U+200E/U+200F stay allowed: they change no text around them.
 */
const FORBIDDEN_IN_NAME = /[\p{Cc}\p{Zl}\p{Zp}\u202A-\u202E\u2066-\u2069]/u;
/** Something a reader can see: a letter, digit, punctuation or symbol (emoji included). */
const VISIBLE = /[\p{L}\p{N}\p{P}\p{S}]/u;

export const nameHasForbidden = (name: string) => FORBIDDEN_IN_NAME.test(name);
export const nameHasVisible = (name: string) => VISIBLE.test(name);

/**
 * `text` between FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE: the string twin of `<bdi>`,
 * for names inside a sentence built as one string (system lines, notification titles, labels).
 * Whatever direction characters a name holds then end with it.
 */
export const isolate = (text: string) => `\u2068${text}\u2069`;

const graphemes = typeof Intl !== "undefined" && "Segmenter" in Intl ? new Intl.Segmenter() : null;

/**
 * `text` cut to at most `max` UTF-16 units without splitting a grapheme (an emoji with its
 * modifiers and joiners, a letter with its marks, a surrogate pair), with "…" where cut (the
 * "…" counts toward `max`).
 */
export function cutGraphemes(text: string, max: number): string {
	if (text.length <= max) return text;
	let end = 0;
	if (graphemes) {
		for (const { index, segment } of graphemes.segment(text)) {
			if (index + segment.length > max - 1) break;
			end = index + segment.length;
		}
	} else {
		// Without Intl.Segmenter, at least never leave half a surrogate pair.
		end = max - 1;
		const code = text.charCodeAt(end - 1);
		if (code >= 0xd800 && code <= 0xdbff) end -= 1;
	}
	return `${text.slice(0, end)}…`;
}
