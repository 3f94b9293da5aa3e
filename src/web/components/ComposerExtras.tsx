// The composer's v2 parts: the quote of the message being answered (with Cancel), the message
// being edited (with Cancel, issue 22.8), and the list of members offered while typing "@name".
import type { Message } from "../../shared/schemas";
import type { Member } from "../mentions";
import { Avatar } from "./Avatar";
import { IconButton } from "./Button";
import styles from "./ComposerExtras.module.css";
import { IconClose } from "./icons";
import { quoteText, useSenderName } from "./ReplyQuote";

export function ReplyBanner({ message, onCancel }: { message: Message; onCancel: () => void }) {
	const who = useSenderName(message.senderId);
	return (
		<div className={styles["reply-banner"]} data-testid="reply-banner">
			<span className={styles["reply-quote"]}>
				<span className={styles["reply-who"]}>Replying to {who}</span>
				<span className={styles["reply-text"]}>
					{quoteText({ kind: message.kind, text: message.text, deletedAt: message.deletedAt })}
				</span>
			</span>
			<IconButton onClick={onCancel} aria-label="Cancel reply">
				<IconClose />
			</IconButton>
		</div>
	);
}

export function EditBanner({ message, onCancel }: { message: Message; onCancel: () => void }) {
	return (
		<div className={styles["reply-banner"]} data-testid="edit-banner">
			<span className={styles["reply-quote"]}>
				<span className={styles["reply-who"]}>Editing your message</span>
				<span className={styles["reply-text"]}>
					{quoteText({ kind: message.kind, text: message.text, deletedAt: message.deletedAt })}
				</span>
			</span>
			<IconButton onClick={onCancel} aria-label="Cancel editing" title="Cancel (Esc)">
				<IconClose />
			</IconButton>
		</div>
	);
}

interface MentionListProps<T extends Member & { avatarUrl?: string | null }> {
	id: string;
	candidates: T[];
	active: number;
	onPick: (member: T) => void;
}

export function MentionList<T extends Member & { avatarUrl?: string | null }>({
	id,
	candidates,
	active,
	onPick,
}: MentionListProps<T>) {
	return (
		// The textarea keeps the focus (aria-activedescendant points into this list), as in the ARIA combobox pattern.
		<div className={styles.mentions} id={id} role="listbox" aria-label="People to mention" data-testid="mention-list">
			{candidates.map((m, i) => (
				// biome-ignore lint/a11y/useFocusableInteractive: options are chosen from the textarea (arrow keys, Enter) or by pointer
				<div
					key={m.id}
					id={`${id}-${i}`}
					role="option"
					aria-selected={i === active}
					className={styles.option}
					// Mouse down, not click: the textarea keeps its focus and caret.
					onMouseDown={(e) => {
						e.preventDefault();
						onPick(m);
					}}
				>
					<Avatar name={m.displayName} seed={m.id} url={m.avatarUrl} size={24} />
					<span>{m.displayName}</span>
				</div>
			))}
		</div>
	);
}
