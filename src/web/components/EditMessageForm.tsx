// Editing my message in place (PATCH /messages/:id, within 15 minutes of sending): Enter or Save
// keeps it (Shift+Enter is a new line; on a touch screen Enter is a new line, as in the
// composer), Escape or Cancel leaves it as it was.
import { type FormEvent, useEffect, useRef, useState } from "react";
import { MAX_TEXT_LENGTH, type Message } from "../../shared/schemas";
import { failureText } from "../effects/store";
import { useChatStore } from "../store/context";
import { Button } from "./Button";
import { isTouchScreen } from "./Composer";
import styles from "./MessageExtras.module.css";

export function EditMessageForm({ message, onDone }: { message: Message; onDone: () => void }) {
	const store = useChatStore();
	const [text, setText] = useState(message.text ?? "");
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState<string | null>(null);
	const box = useRef<HTMLTextAreaElement>(null);

	useEffect(() => {
		const el = box.current;
		if (!el) return;
		el.focus();
		el.setSelectionRange(el.value.length, el.value.length);
	}, []);

	async function save(e?: FormEvent) {
		e?.preventDefault();
		const trimmed = text.trim();
		if (!trimmed) {
			setError(
				message.kind === "image"
					? "A caption can't be emptied. Delete the photo instead."
					: "A message can't be empty. Delete it instead.",
			);
			return;
		}
		if (trimmed.length > MAX_TEXT_LENGTH) {
			setError(`Messages can be at most ${MAX_TEXT_LENGTH.toLocaleString()} characters.`);
			return;
		}
		if (trimmed === (message.text ?? "").trim()) {
			onDone();
			return;
		}
		setBusy(true);
		try {
			await store.editMessage(message, trimmed);
			store.announce("Edited");
			onDone();
		} catch (err) {
			setError(failureText(err, "the message wasn't edited"));
			setBusy(false);
		}
	}

	return (
		<form className={styles["edit-form"]} onSubmit={save} data-testid="edit-form">
			<label className="sr-only" htmlFor={`edit-${message.id}`}>
				Edit message
			</label>
			<textarea
				id={`edit-${message.id}`}
				ref={box}
				value={text}
				rows={Math.min(6, Math.max(2, text.split("\n").length))}
				onChange={(e) => setText(e.target.value)}
				onKeyDown={(e) => {
					if (e.key === "Escape") {
						e.preventDefault();
						e.stopPropagation();
						onDone();
					} else if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing && !isTouchScreen()) {
						e.preventDefault();
						void save();
					}
				}}
			/>
			{error ? (
				<p className={styles["edit-error"]} role="alert">
					{error}
				</p>
			) : null}
			<div className={styles["edit-actions"]}>
				<Button variant="ghost" small onClick={onDone}>
					Cancel
				</Button>
				<Button variant="primary" small type="submit" disabled={busy}>
					Save
				</Button>
			</div>
		</form>
	);
}
