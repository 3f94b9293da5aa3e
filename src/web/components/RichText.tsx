// Message text with safe links (http and https only, new tab, no opener, no referrer) and
// highlighted @mentions, built as React nodes from parseMessageText: never innerHTML.
import { parseMessageText } from "../richtext";
import { useChat } from "../store/context";
import styles from "./MessageExtras.module.css";

export function RichText({ text, mentions }: { text: string; mentions?: string[] }) {
	const users = useChat((s) => s.users);
	const meId = useChat((s) => s.me.id);
	const targets = (mentions ?? []).flatMap((id) => {
		const name = users[id]?.displayName;
		return name ? [{ userId: id, name }] : [];
	});
	return (
		<>
			{parseMessageText(text, targets).map((part, i) => {
				const key = `${i}:${part.kind}`;
				if (part.kind === "link")
					return (
						<a key={key} href={part.href} target="_blank" rel="noopener noreferrer" className={styles.link}>
							{part.text}
						</a>
					);
				if (part.kind === "mention")
					return (
						<span
							key={key}
							className={part.userId === meId ? `${styles.mention} ${styles["mention-me"]}` : styles.mention}
							data-testid="mention"
							data-user-id={part.userId}
						>
							{part.text}
						</span>
					);
				return part.text;
			})}
		</>
	);
}
