// Search snippets: which parts of a plain-text snippet match the query's words, the way the
// server matches them (whole words and word prefixes, case- and accent-insensitive). The view
// renders the parts as text and <mark> elements, never as HTML. Pure, tested in highlight.test.ts.

export interface SnippetPart {
	text: string;
	match: boolean;
}

/** Lower case without accents, one UTF-16 unit per original unit where possible. */
function foldChar(ch: string): string {
	return ch.normalize("NFD").replace(/\p{M}/gu, "").toLocaleLowerCase();
}

export function queryWords(query: string): string[] {
	return [
		...new Set(
			query
				.split(/[^\p{L}\p{N}_]+/u)
				.filter(Boolean)
				.map((w) => [...w].map(foldChar).join("")),
		),
	];
}

/** The snippet cut into matching and other parts: a word matches when it starts with a query word. */
export function highlightSnippet(snippet: string, query: string): SnippetPart[] {
	const words = queryWords(query);
	if (words.length === 0 || !snippet) return snippet ? [{ text: snippet, match: false }] : [];
	const parts: SnippetPart[] = [];
	const push = (text: string, match: boolean) => {
		if (!text) return;
		const last = parts.at(-1);
		if (last && last.match === match) last.text += text;
		else parts.push({ text, match });
	};
	for (const token of snippet.split(/([\p{L}\p{N}_]+)/u)) {
		if (!token) continue;
		if (!/[\p{L}\p{N}_]/u.test(token)) {
			push(token, false);
			continue;
		}
		const chars = [...token];
		const folded = chars.map(foldChar);
		const joined = folded.join("");
		const word = words.filter((w) => joined.startsWith(w)).sort((a, b) => b.length - a.length)[0];
		if (!word) {
			push(token, false);
			continue;
		}
		// Map the folded prefix back to original characters.
		let length = 0;
		let n = 0;
		while (n < chars.length && length < word.length) {
			length += folded[n]?.length ?? 1;
			n++;
		}
		push(chars.slice(0, n).join(""), true);
		push(chars.slice(n).join(""), false);
	}
	return parts;
}
