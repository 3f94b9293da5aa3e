// Message text as segments the views render as React nodes (never as HTML): plain text, links
// (http and https only, and plain "www." addresses, opened as https) and @mentions of members. Also: whether a message is only a few emoji,
// which the bubble shows larger. Pure, unit-tested in richtext.test.ts.

export type TextSegment =
	| { kind: "text"; text: string }
	| { kind: "link"; text: string; href: string }
	| { kind: "mention"; text: string; userId: string };

// A URL starts at "http://" or "https://" (case-insensitive) after a start or a non-word
// character and runs to the next whitespace or angle bracket; trailing punctuation is not part of it.
// "www." starts one too (issue 22.10), unless it follows a letter, "@", "." or "/" (an email
// address or the middle of a longer name is not a link).
const URL_PATTERN = /\bhttps?:\/\/[^\s<>"]+|(?<![\p{L}\p{N}_@./-])www\.[^\s<>"]+/giu;
/** A "www." address needs a real host after it: "www.example.edu", not "www." or "www.x". */
const WWW_HOST = /^www\.[\p{L}\p{N}-]+(\.[\p{L}\p{N}-]+)+$/iu;
const TRAILING = /[.,;:!?'"”’)\]}]+$/u;

/** The href for a candidate link, or null: only absolute http(s) URLs with a host ever become links. */
export function safeHref(candidate: string): string | null {
	let url: URL;
	try {
		url = new URL(candidate);
	} catch {
		return null;
	}
	if (url.protocol !== "http:" && url.protocol !== "https:") return null;
	if (!url.hostname) return null;
	return url.href;
}

/** A plain "www." address opens as https (every campus and most sites answer it). */
export function wwwHref(raw: string): string | null {
	const href = safeHref(`https://${raw}`);
	if (!href) return null;
	return WWW_HOST.test(new URL(href).hostname) ? href : null;
}

/** Balanced closing brackets stay in a link ("https://en.wikipedia.org/wiki/Foo_(bar)"). */
function trimTrailing(raw: string): string {
	let url = raw;
	for (;;) {
		const match = TRAILING.exec(url);
		if (!match) return url;
		const tail = match[0];
		const last = tail.at(-1) ?? "";
		if (last === ")" && count(url, "(") >= count(url, ")")) return url;
		url = url.slice(0, -1);
	}
}

function count(text: string, ch: string): number {
	let n = 0;
	for (const c of text) if (c === ch) n++;
	return n;
}

function linkSegments(text: string): TextSegment[] {
	const out: TextSegment[] = [];
	let at = 0;
	for (const match of text.matchAll(URL_PATTERN)) {
		const start = match.index ?? 0;
		const raw = trimTrailing(match[0]);
		const href = /^www\./iu.test(raw) ? wwwHref(raw) : safeHref(raw);
		if (!href) continue;
		if (start > at) out.push({ kind: "text", text: text.slice(at, start) });
		out.push({ kind: "link", text: raw, href });
		at = start + raw.length;
	}
	if (at < text.length) out.push({ kind: "text", text: text.slice(at) });
	return out;
}

export interface MentionTarget {
	userId: string;
	name: string;
}

/**
 * Splits text into text, links and mentions. A mention is "@" + a member's display name (the
 * longest name that matches wins, so "@Ann Lee" beats "@Ann"), at the start or after a space,
 * and only for the ids the message says it mentions.
 */
export function parseMessageText(text: string, mentions: MentionTarget[] = []): TextSegment[] {
	const targets = [...mentions].filter((m) => m.name.trim()).sort((a, b) => b.name.length - a.name.length);
	const out: TextSegment[] = [];
	for (const segment of linkSegments(text)) {
		if (segment.kind !== "text" || targets.length === 0) {
			out.push(segment);
			continue;
		}
		out.push(...mentionSegments(segment.text, targets));
	}
	return out;
}

function mentionSegments(text: string, targets: MentionTarget[]): TextSegment[] {
	const out: TextSegment[] = [];
	let plain = "";
	let i = 0;
	const lower = text.toLocaleLowerCase();
	while (i < text.length) {
		if (text[i] === "@" && (i === 0 || /\s|[(["'“]/u.test(text[i - 1] ?? ""))) {
			const hit = targets.find((t) => {
				const name = t.name.toLocaleLowerCase();
				if (!lower.startsWith(name, i + 1)) return false;
				const after = text[i + 1 + name.length];
				return after === undefined || !/[\p{L}\p{N}_]/u.test(after);
			});
			if (hit) {
				if (plain) out.push({ kind: "text", text: plain });
				plain = "";
				const end = i + 1 + hit.name.length;
				out.push({ kind: "mention", text: text.slice(i, end), userId: hit.userId });
				i = end;
				continue;
			}
		}
		plain += text[i];
		i++;
	}
	if (plain) out.push({ kind: "text", text: plain });
	return out;
}

const EMOJI = /\p{Extended_Pictographic}|\p{Regional_Indicator}/u;
const EMOJI_PART = /^(?:\p{Extended_Pictographic}|\p{Emoji_Modifier}|\p{Emoji_Component}|\u200d|\ufe0f|\u20e3)+$/u;

/** 1 to 3 emoji and nothing else (spaces aside): the bubble shows them large. */
export function isEmojiOnly(text: string | null | undefined): boolean {
	if (!text) return false;
	const compact = text.replace(/\s+/gu, "");
	if (!compact) return false;
	const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });
	let n = 0;
	for (const { segment } of segmenter.segment(compact)) {
		// Digits and # are Emoji_Component too: a grapheme must contain a pictograph or a flag.
		if (!EMOJI.test(segment) || !EMOJI_PART.test(segment)) return false;
		n++;
		if (n > 3) return false;
	}
	return n > 0;
}
