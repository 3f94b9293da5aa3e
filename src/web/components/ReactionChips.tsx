// Reactions under a bubble: one chip per emoji with its count; a tap toggles mine, and the
// chip's title (and accessible name) lists who reacted.
import type { Message } from "../../shared/schemas";
import { useChat, useChatStore } from "../store/context";
import { reactorNames } from "../store/reactions";
import styles from "./MessageExtras.module.css";

export function ReactionChips({ message }: { message: Message }) {
	const store = useChatStore();
	const meId = useChat((s) => s.me.id);
	const users = useChat((s) => s.users);
	const reactions = message.reactions ?? [];
	if (reactions.length === 0 || message.deletedAt) return null;
	return (
		<ul className={styles.reactions} aria-label="Reactions" data-testid="reactions">
			{reactions.map((r) => {
				const mine = r.userIds.includes(meId);
				const names = reactorNames(r.userIds, (id) => users[id]?.displayName, meId);
				return (
					<li key={r.emoji}>
						<button
							type="button"
							className={mine ? `${styles.chip} ${styles["chip-mine"]}` : styles.chip}
							aria-pressed={mine}
							aria-label={`${r.emoji} ${r.userIds.length}: ${names}${mine ? ". Tap to remove yours" : ". Tap to add yours"}`}
							title={names}
							data-testid="reaction-chip"
							data-emoji={r.emoji}
							onClick={() => void store.toggleReaction(message, r.emoji)}
						>
							<span aria-hidden="true">{r.emoji}</span>
							<span className={styles["chip-count"]} aria-hidden="true">
								{r.userIds.length}
							</span>
						</button>
					</li>
				);
			})}
		</ul>
	);
}
