// New message: one person opens (or creates) the direct chat; several plus a title make a group.
import { type FormEvent, useId, useState } from "react";
import type { User } from "../../shared/schemas";
import { useChatStore } from "../store/context";
import { Button } from "./Button";
import { Dialog, DialogActions } from "./Dialog";
import { Field, FormError, LengthHint, TextInput } from "./Field";
import { PeopleSearch } from "./PeopleSearch";

/** `POST /conversations` takes a group title of at most 120 characters (CreateConversationBody). */
const MAX_NEW_GROUP_TITLE = 120;

export function NewMessageDialog({ onClose, onOpen }: { onClose: () => void; onOpen: (id: string) => void }) {
	const store = useChatStore();
	const [selected, setSelected] = useState<User[]>([]);
	const [title, setTitle] = useState("");
	const [error, setError] = useState<string | null>(null);
	const [busy, setBusy] = useState(false);
	const isGroup = selected.length > 1;
	const hintId = useId();

	function toggle(user: User) {
		setSelected((list) =>
			list.some((u) => u.id === user.id) ? list.filter((u) => u.id !== user.id) : [...list, user],
		);
	}

	async function submit(e: FormEvent) {
		e.preventDefault();
		if (selected.length === 0) return;
		setBusy(true);
		setError(null);
		try {
			const [first] = selected;
			const id =
				selected.length === 1 && first
					? await store.startDirect(first.id)
					: await store.createGroup(
							title.trim(),
							selected.map((u) => u.id),
						);
			onOpen(id);
		} catch (err) {
			setError(err instanceof Error ? err.message : "Couldn't start the conversation");
		} finally {
			setBusy(false);
		}
	}

	return (
		<Dialog title="New message" onClose={onClose}>
			<form onSubmit={submit}>
				<PeopleSearch selected={selected} onToggle={toggle} label="To" />
				{isGroup ? (
					<Field>
						<span>Group name</span>
						<TextInput
							required
							maxLength={MAX_NEW_GROUP_TITLE}
							aria-describedby={hintId}
							value={title}
							onChange={(e) => setTitle(e.target.value)}
							placeholder="e.g. Study group"
						/>
						<LengthHint id={hintId} length={title.length} max={MAX_NEW_GROUP_TITLE} />
					</Field>
				) : null}
				{error ? <FormError>{error}</FormError> : null}
				<DialogActions>
					<p className="muted small">
						{selected.length === 0
							? "Pick one person for a direct chat, or several for a group."
							: isGroup
								? `Group with ${selected.length} people and you`
								: `Direct chat with ${selected[0]?.displayName}`}
					</p>
					<Button
						variant="primary"
						type="submit"
						disabled={busy || selected.length === 0 || (isGroup && !title.trim())}
					>
						{isGroup ? "Create group" : "Chat"}
					</Button>
				</DialogActions>
			</form>
		</Dialog>
	);
}
