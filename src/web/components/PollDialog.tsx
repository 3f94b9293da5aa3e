// Issue 23.3: making a poll from the composer: a question, 2 to 12 options (Add option, Remove),
// and "Allow more than one answer". The rules are the server's (CreatePoll in the shared schema):
// they are checked here first so the dialog can say what to fix; a refusal keeps it open.
import { type FormEvent, useId, useRef, useState } from "react";
import {
	CreatePoll,
	POLL_MAX_OPTIONS,
	POLL_MIN_OPTIONS,
	POLL_OPTION_MAX,
	POLL_QUESTION_MAX,
} from "../../shared/schemas";
import { failureText } from "../effects/store";
import { useChatStore } from "../store/context";
import { Button, IconButton } from "./Button";
import { Dialog, DialogActions } from "./Dialog";
import { Field, FormError, TextInput } from "./Field";
import { IconClose } from "./icons";
import styles from "./PollCard.module.css";

export function PollDialog({ conversationId, onClose }: { conversationId: string; onClose: () => void }) {
	const store = useChatStore();
	const [question, setQuestion] = useState("");
	const [options, setOptions] = useState(["", ""]);
	const [multiple, setMultiple] = useState(false);
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState<string | null>(null);
	// One clientId for every try of this poll: a retry after a lost answer never sends it twice.
	const clientId = useRef(crypto.randomUUID());
	const questionId = useId();
	const list = useRef<HTMLFieldSetElement>(null);

	function setOption(i: number, value: string) {
		setOptions((all) => all.map((o, j) => (j === i ? value : o)));
	}
	function addOption() {
		setOptions((all) => [...all, ""]);
		requestAnimationFrame(() => list.current?.querySelector<HTMLInputElement>("li:last-child input")?.focus());
	}

	async function submit(e: FormEvent) {
		e.preventDefault();
		// The dialog is a portal inside the composer's form: its submit must not reach that form.
		e.stopPropagation();
		const filled = options.map((o) => o.trim()).filter((o) => o.length > 0);
		const parsed = CreatePoll.safeParse({ question, options: filled, multiple });
		if (!parsed.success) {
			setError(parsed.error.issues[0]?.message ?? "Check the poll.");
			return;
		}
		setBusy(true);
		setError(null);
		try {
			await store.sendPoll(conversationId, parsed.data, clientId.current);
			onClose();
		} catch (err) {
			setError(failureText(err, "the poll wasn't sent"));
			setBusy(false);
		}
	}

	return (
		<Dialog title="New poll" onClose={onClose}>
			<form className={styles.form} onSubmit={submit} data-testid="poll-form" noValidate>
				<Field htmlFor={questionId}>
					Question
					<TextInput
						id={questionId}
						value={question}
						maxLength={POLL_QUESTION_MAX}
						onChange={(e) => setQuestion(e.target.value)}
						placeholder="Ask something"
						data-autofocus
					/>
				</Field>
				<fieldset className={styles.choices} ref={list}>
					<legend>Options</legend>
					<ol className={styles.choices}>
						{options.map((o, i) => (
							// biome-ignore lint/suspicious/noArrayIndexKey: the rows are positions; their text is edited in place
							<li key={i} className={styles.choice}>
								<TextInput
									aria-label={`Option ${i + 1}`}
									value={o}
									maxLength={POLL_OPTION_MAX}
									onChange={(e) => setOption(i, e.target.value)}
								/>
								{options.length > POLL_MIN_OPTIONS ? (
									<IconButton
										aria-label={`Remove option ${i + 1}`}
										onClick={() => setOptions((all) => all.filter((_, j) => j !== i))}
									>
										<IconClose />
									</IconButton>
								) : null}
							</li>
						))}
					</ol>
					{options.length < POLL_MAX_OPTIONS ? (
						<Button small variant="ghost" onClick={addOption}>
							Add option
						</Button>
					) : null}
				</fieldset>
				<label className={styles.check}>
					<input type="checkbox" checked={multiple} onChange={(e) => setMultiple(e.target.checked)} />
					Allow more than one answer
				</label>
				{error ? <FormError>{error}</FormError> : null}
				<DialogActions>
					<Button variant="ghost" onClick={onClose}>
						Cancel
					</Button>
					<Button variant="primary" type="submit" disabled={busy}>
						Send poll
					</Button>
				</DialogActions>
			</form>
		</Dialog>
	);
}
