// A person's name with one line under it (email, presence), for the rows of people lists. The
// name is in <bdi>, as every user-supplied name the UI shows is: whatever direction characters
// it holds (a trailing U+202E) end with it instead of reordering the text after it.
import type { ReactNode } from "react";
import styles from "./PersonText.module.css";

/**
 * A sentence built as one string with its names isolated (FSI…PDI, `isolate` in
 * src/shared/text.ts: system lines, typing, list previews), shown with each isolated part in a
 * <bdi> instead, so the page's text (and what tests and screen readers read) has no invisible
 * marks while every name still ends its own direction.
 */
export function IsolatedText({ text }: { text: string }) {
	const nodes: ReactNode[] = [];
	let at = 0;
	for (const match of text.matchAll(/\u2068([^\u2068\u2069]*)\u2069/gu)) {
		nodes.push(text.slice(at, match.index), <bdi key={match.index}>{match[1]}</bdi>);
		at = match.index + match[0].length;
	}
	nodes.push(text.slice(at));
	return <>{nodes}</>;
}

export function PersonText({ name, children }: { name: ReactNode; children: ReactNode }) {
	return (
		<span className={styles["person-text"]}>
			<bdi className={styles["person-name"]}>{name}</bdi>
			{children}
		</span>
	);
}
