// Issue 23: Forward from a message's actions: pick up to 5 of my chats (most recent first, with
// a filter by name) and send the message there, marked "Forwarded". One clientId per dialog, so
// pressing Forward again after a lost answer never doubles a copy.
import { type FormEvent, useId, useMemo, useRef, useState } from "react";
import { MAX_FORWARD_TARGETS, type Message } from "../../shared/schemas";
import { failureText } from "../effects/store";
import { useChat, useChatStore } from "../store/context";
import { conversationTitle } from "../store/messages";
import { Button } from "./Button";
import { Dialog, DialogActions } from "./Dialog";
import { FormError } from "./Field";
import styles from "./ForwardDialog.module.css";

export function ForwardDialog({ message, onClose }: { message: Message; onClose: () => void }) {
	const store = useChatStore();
	const me = useChat((s) => s.me);
	const conversations = useChat((s) => s.conversations);
	const participants = useChat((s) => s.participants);
	const [query, setQuery] = useState("");
	const [chosen, setChosen] = useState<string[]>([]);
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState<string | null>(null);
	const clientId = useRef(crypto.randomUUID());
	const filterId = useId();
	const countId = useId();

	const chats = useMemo(
		() =>
			conversations
				.map((c) => ({ id: c.id, title: conversationTitle(c, participants[c.id] ?? c.participants, me.id) }))
				.filter((c) => c.title.toLocaleLowerCase().includes(query.trim().toLocaleLowerCase())),
		[conversations, participants, me.id, query],
	);
	const full = chosen.length >= MAX_FORWARD_TARGETS;

	function toggle(id: string) {
		setChosen((list) => (list.includes(id) ? list.filter((x) => x !== id) : full ? list : [...list, id]));
	}

	async function submit(e: FormEvent) {
		e.preventDefault();
		if (chosen.length === 0) {
			setError("Choose at least one chat.");
			return;
		}
		setBusy(true);
		setError(null);
		try {
			await store.forwardMessage(message, chosen, clientId.current);
			store.announce(chosen.length === 1 ? "Forwarded" : `Forwarded to ${chosen.length} chats`);
			onClose();
		} catch (err) {
			setError(failureText(err, "the message wasn't forwarded"));
			setBusy(false);
		}
	}

	return (
		<Dialog title="Forward to…" onClose={onClose}>
			<form onSubmit={submit} className={styles.form} data-testid="forward-form">
				<label htmlFor={filterId} className={styles.label}>
					Search chats
				</label>
				<input
					id={filterId}
					type="search"
					className={styles.search}
					value={query}
					onChange={(e) => setQuery(e.target.value)}
					aria-describedby={countId}
					data-autofocus
				/>
				<p id={countId} className={styles.count} aria-live="polite">
					{chosen.length} of {MAX_FORWARD_TARGETS} chosen
				</p>
				<fieldset className={styles.chats}>
					<legend className="sr-only">Chats</legend>
					{chats.length === 0 ? <p className="muted">No chats match.</p> : null}
					{chats.map((c) => {
						const checked = chosen.includes(c.id);
						return (
							<label key={c.id} className={styles.chat} data-testid="forward-chat">
								<input type="checkbox" checked={checked} disabled={!checked && full} onChange={() => toggle(c.id)} />
								<bdi>{c.title}</bdi>
							</label>
						);
					})}
				</fieldset>
				{error ? <FormError>{error}</FormError> : null}
				<DialogActions>
					<Button variant="ghost" onClick={onClose}>
						Cancel
					</Button>
					<Button type="submit" disabled={busy || chosen.length === 0}>
						{busy ? "Forwarding…" : "Forward"}
					</Button>
				</DialogActions>
			</form>
		</Dialog>
	);
}
