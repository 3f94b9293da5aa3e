// The quoted message above a reply, in the bubble (a button that jumps to the original) and
// above the composer while replying.
import type { ReplyTo } from "../../shared/schemas";
import { useChat } from "../store/context";
import styles from "./MessageExtras.module.css";

export function quoteText(quote: Pick<ReplyTo, "kind" | "text" | "deletedAt" | "hidden">): string {
	if (quote.deletedAt) return "This message was deleted";
	if (quote.hidden) return "You deleted this message";
	if (quote.kind === "image") return quote.text ? `Photo: ${quote.text}` : "Photo";
	// Issue 23: a quote carries no attachment, so a file or voice note is named by its kind.
	if (quote.kind === "file") return quote.text ? `📎 File: ${quote.text}` : "📎 File";
	if (quote.kind === "voice") return "🎤 Voice note";
	return quote.text ?? "";
}

export function useSenderName(senderId: string): string {
	const meId = useChat((s) => s.me.id);
	const name = useChat((s) => s.users[senderId]?.displayName);
	return senderId === meId ? "You" : (name ?? "Someone");
}

export function ReplyQuote({ quote, onJump }: { quote: ReplyTo; onJump: (seq: number) => void }) {
	const who = useSenderName(quote.senderId);
	return (
		<button type="button" className={styles.quote} data-testid="reply-quote" onClick={() => onJump(quote.seq)}>
			{/* Named by its visible text, with the words a screen reader needs around it. */}
			<span className="sr-only">In reply to </span>
			<bdi className={styles["quote-who"]}>{who}</bdi>
			<span className="sr-only">: </span>
			<span className={styles["quote-text"]}>{quoteText(quote)}</span>
			<span className="sr-only">. Show the original message.</span>
		</button>
	);
}
