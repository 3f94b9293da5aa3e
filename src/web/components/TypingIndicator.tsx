import { isolate } from "../../shared/text";
import { useChat } from "../store/context";
import { IsolatedText } from "./PersonText";
import styles from "./TypingIndicator.module.css";

/** "Asha is typing…", "Asha and Ben are typing…", "3 people are typing…". */
export function TypingIndicator({ conversationId }: { conversationId: string }) {
	const typing = useChat((s) => s.typing[conversationId]);
	const users = useChat((s) => s.users);
	const ids = Object.keys(typing ?? {});
	const names = ids.map((id) => isolate(users[id]?.displayName.split(" ")[0] ?? "Someone"));
	let text = "";
	if (names.length === 1) text = `${names[0]} is typing…`;
	else if (names.length === 2) text = `${names[0]} and ${names[1]} are typing…`;
	else if (names.length > 2) text = `${names.length} people are typing…`;
	return (
		<div className={styles.typing} aria-live="polite" data-testid="typing">
			{text ? (
				<>
					<span className={styles["typing-dots"]} aria-hidden="true">
						<span />
						<span />
						<span />
					</span>
					<IsolatedText text={text} />
				</>
			) : null}
		</div>
	);
}
