// My profile: display name and picture (PATCH /me). A new picture is previewed before it is
// saved, uploaded like a message image, and can be removed (back to initials).
import { type FormEvent, useId, useRef, useState } from "react";
import { IMAGE_CONTENT_TYPES, MAX_IMAGE_BYTES } from "../../shared/schemas";
import { failureText } from "../effects/store";
import { useChat, useChatStore } from "../store/context";
import { Avatar } from "./Avatar";
import { Button } from "./Button";
import { Dialog, DialogActions } from "./Dialog";
import { Field, FormError, TextInput } from "./Field";
import { ImageFileInput, useObjectUrl } from "./ImageFileInput";
import styles from "./ProfileDialog.module.css";

const MAX_NAME = 80;

export function ProfileDialog({ onClose }: { onClose: () => void }) {
	const store = useChatStore();
	const me = useChat((s) => s.me);
	const [name, setName] = useState(me.displayName);
	// undefined: keep the current picture; null: remove it; a File: the new one.
	const [avatar, setAvatar] = useState<File | null | undefined>(undefined);
	const [progress, setProgress] = useState<number | null>(null);
	const [error, setError] = useState<string | null>(null);
	const [busy, setBusy] = useState(false);
	const preview = useObjectUrl(avatar);
	const fileInput = useRef<HTMLInputElement>(null);
	const nameId = useId();

	const shownUrl = avatar === null ? null : (preview ?? me.avatarUrl);

	function pick(file: File | undefined) {
		if (!file) return;
		if (!IMAGE_CONTENT_TYPES.some((t) => t === file.type)) {
			setError("Choose a JPEG, PNG, WebP or GIF image.");
			return;
		}
		if (file.size > MAX_IMAGE_BYTES) {
			setError("Pictures can be at most 10 MB.");
			return;
		}
		setError(null);
		setAvatar(file);
	}

	async function save(e: FormEvent) {
		e.preventDefault();
		const trimmed = name.trim();
		if (!trimmed) {
			setError("Your name can't be empty.");
			return;
		}
		setBusy(true);
		setError(null);
		try {
			await store.saveProfile(
				{
					...(trimmed !== me.displayName ? { displayName: trimmed } : {}),
					...(avatar !== undefined ? { avatar } : {}),
				},
				setProgress,
			);
			store.announce("Profile saved");
			onClose();
		} catch (err) {
			setError(failureText(err, "your profile wasn't saved"));
			setBusy(false);
			setProgress(null);
		}
	}

	return (
		<Dialog title="Your profile" onClose={onClose} className={styles.profile}>
			<form onSubmit={save} data-testid="profile-form">
				<div className={styles["avatar-row"]}>
					<span data-testid="profile-avatar-preview">
						<Avatar name={name || me.displayName} seed={me.id} url={shownUrl} size={88} />
					</span>
					<div className={styles["avatar-actions"]}>
						<Button variant="ghost" small onClick={() => fileInput.current?.click()}>
							{shownUrl ? "Change photo" : "Add photo"}
						</Button>
						{shownUrl ? (
							<Button variant="ghost" small onClick={() => setAvatar(null)}>
								Remove photo
							</Button>
						) : null}
						<ImageFileInput ref={fileInput} onPick={pick} testId="avatar-input" />
					</div>
				</div>
				{progress !== null && avatar ? (
					<progress className={styles.progress} max={1} value={progress} aria-label="Uploading photo" />
				) : null}
				<Field htmlFor={nameId}>
					Display name
					<TextInput
						id={nameId}
						value={name}
						maxLength={MAX_NAME}
						autoComplete="name"
						onChange={(e) => setName(e.target.value)}
						data-autofocus
					/>
				</Field>
				<p className="muted small">{me.email}</p>
				{error ? <FormError>{error}</FormError> : null}
				<DialogActions>
					<Button variant="ghost" onClick={onClose}>
						Cancel
					</Button>
					<Button variant="primary" type="submit" disabled={busy}>
						Save
					</Button>
				</DialogActions>
			</form>
		</Dialog>
	);
}
