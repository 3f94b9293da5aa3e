// Issue 23.4: the bar under the chat's header with its latest pin. The counter steps through the
// pins (newest first, then round again); the text jumps to the message (history is walked back
// with beforeSeq as a reply's quote does); admins of a group, or either person in a direct chat,
// unpin from here. It reads the pins when the chat's room opens and follows conversation:pins.
import { useEffect, useState } from "react";
import type { Conversation } from "../../shared/schemas";
import { useChat, useChatStore } from "../store/context";
import { IconButton } from "./Button";
import { IconClose } from "./icons";
import styles from "./PinnedBar.module.css";
import { quoteText } from "./ReplyQuote";

export function PinnedBar({ conversation }: { conversation: Conversation }) {
	const store = useChatStore();
	const pins = useChat((s) => s.pins[conversation.id]);
	const roomOpen = useChat((s) => s.roomOpen);
	const me = useChat((s) => s.me.id);
	const amAdmin = useChat(
		(s) => s.participants[conversation.id]?.some((p) => p.user.id === me && p.role === "admin") === true,
	);
	const [index, setIndex] = useState(0);
	useEffect(() => {
		if (roomOpen) void store.loadPins(conversation.id);
	}, [store, conversation.id, roomOpen]);

	if (!pins || pins.length === 0) return null;
	const at = Math.min(index, pins.length - 1);
	const pin = pins[at];
	if (!pin) return null;
	const canUnpin = conversation.type === "direct" || amAdmin;
	const many = pins.length > 1;
	return (
		<section className={styles.bar} aria-label="Pinned messages" data-testid="pinned-bar">
			<button
				type="button"
				className={styles.pin}
				onClick={() => store.jumpTo(conversation.id, pin.message.seq)}
				data-testid="pinned-text"
			>
				<span className={styles.label}>{many ? `Pinned message ${at + 1} of ${pins.length}` : "Pinned message"}</span>
				<span className={styles.text}>
					<bdi>{quoteText({ kind: pin.message.kind, text: pin.message.text, deletedAt: pin.message.deletedAt })}</bdi>
				</span>
			</button>
			{many ? (
				<button
					type="button"
					className={styles.counter}
					onClick={() => setIndex((at + 1) % pins.length)}
					data-testid="pinned-next"
				>
					{at + 1}/{pins.length}
					<span className="sr-only">: show the next pinned message</span>
				</button>
			) : null}
			{canUnpin ? (
				<IconButton
					aria-label="Unpin this message"
					title="Unpin"
					onClick={() => void store.pinMessage(pin.message, false)}
				>
					<IconClose />
				</IconButton>
			) : null}
		</section>
	);
}
