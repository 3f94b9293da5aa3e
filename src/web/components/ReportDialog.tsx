// Reporting a message to the moderators (POST /messages/:id/report): a reason and an optional
// note. Reporting the same message again answers with the same report, so a double tap is harmless.
import { type FormEvent, useId, useState } from "react";
import type { Message } from "../../shared/schemas";
import type { ReportReason } from "../api";
import { failureText } from "../effects/store";
import { useChatStore } from "../store/context";
import { Dialog } from "./Dialog";
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
				<label className="field" htmlFor={noteId}>
					Note for the moderators (optional)
					<textarea
						id={noteId}
						className={styles.note}
						value={note}
						maxLength={MAX_NOTE}
						rows={3}
						onChange={(e) => setNote(e.target.value)}
					/>
				</label>
				{error ? (
					<p className="form-error" role="alert">
						{error}
					</p>
				) : null}
				<div className="dialog-actions">
					<button type="button" className="btn btn-ghost" onClick={onClose}>
						Cancel
					</button>
					<button type="submit" className="btn btn-danger" disabled={busy}>
						Report
					</button>
				</div>
			</form>
		</Dialog>
	);
}
