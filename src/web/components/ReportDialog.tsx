// Reporting a message to the moderators (POST /messages/:id/report): a reason and an optional
// note. Reporting the same message again answers with the same report, so a double tap is harmless.
import { type FormEvent, useId, useState } from "react";
import type { Message } from "../../shared/schemas";
import type { ReportReason } from "../api";
import { failureText } from "../effects/store";
import { useChatStore } from "../store/context";
import { Button } from "./Button";
import { Dialog, DialogActions } from "./Dialog";
import { Field, FormError } from "./Field";
import styles from "./MessageExtras.module.css";

const REASONS: { value: ReportReason; label: string }[] = [
	{ value: "spam", label: "Spam" },
	{ value: "harassment", label: "Harassment or bullying" },
	{ value: "other", label: "Something else" },
];
const MAX_NOTE = 1000;

export function ReportDialog({ message, onClose }: { message: Message; onClose: () => void }) {
	const store = useChatStore();
	const [reason, setReason] = useState<ReportReason | null>(null);
	const [note, setNote] = useState("");
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState<string | null>(null);
	const noteId = useId();

	async function submit(e: FormEvent) {
		e.preventDefault();
		if (!reason) {
			setError("Choose a reason.");
			return;
		}
		setBusy(true);
		setError(null);
		try {
			await store.reportMessage(message, reason, note);
			store.announce("Reported. Thank you: a moderator will look at it.");
			onClose();
		} catch (err) {
			setError(failureText(err, "the report wasn't sent"));
			setBusy(false);
		}
	}

	return (
		<Dialog title="Report message" onClose={onClose}>
			<form onSubmit={submit} className={styles["report-form"]} data-testid="report-form">
				<fieldset className={styles.reasons}>
					<legend>Why are you reporting it?</legend>
					{REASONS.map((r, i) => (
						<label key={r.value} className={styles.reason}>
							<input
								type="radio"
								name="reason"
								value={r.value}
								checked={reason === r.value}
								onChange={() => setReason(r.value)}
								data-autofocus={i === 0 ? true : undefined}
							/>
							{r.label}
						</label>
					))}
				</fieldset>
				<Field htmlFor={noteId}>
					Note for the moderators (optional)
					<textarea
						id={noteId}
						className={styles.note}
						value={note}
						maxLength={MAX_NOTE}
						rows={3}
						onChange={(e) => setNote(e.target.value)}
					/>
				</Field>
				{error ? <FormError>{error}</FormError> : null}
				<DialogActions>
					<Button variant="ghost" onClick={onClose}>
						Cancel
					</Button>
					<Button variant="danger" type="submit" disabled={busy}>
						Report
					</Button>
				</DialogActions>
			</form>
		</Dialog>
	);
}
