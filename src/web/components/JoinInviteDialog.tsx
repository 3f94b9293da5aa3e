// The `/join/<token>` deep link (issue 23.5): the group's name and member count, and Join.
// Opened signed out, the sign-in screen comes first and this dialog after it (the path stays).
// Joining (or Open, for a member) opens the chat; either way the path goes back to `/`.
import { useEffect, useState } from "react";
import type { z } from "zod";
import type { InvitePreview } from "../../shared/schemas";
import { api } from "../api";
import { joinFailureText } from "../invites";
import { navigateToConversation } from "../navigation";
import { useChatStore } from "../store/context";
import { Avatar } from "./Avatar";
import { Button } from "./Button";
import { Dialog, DialogActions } from "./Dialog";
import { FormError } from "./Field";
import styles from "./JoinInviteDialog.module.css";

type Preview = z.infer<typeof InvitePreview>;

export function JoinInviteDialog({ token, onClose }: { token: string; onClose: () => void }) {
	const store = useChatStore();
	const [preview, setPreview] = useState<Preview | null>(null);
	const [error, setError] = useState<string | null>(null);
	const [busy, setBusy] = useState(false);

	useEffect(() => {
		let cancelled = false;
		api
			.previewInvite(token)
			.then(({ invite }) => {
				if (!cancelled) setPreview(invite);
			})
			.catch((e) => {
				if (!cancelled) setError(joinFailureText(e));
			});
		return () => {
			cancelled = true;
		};
	}, [token]);

	async function join() {
		setBusy(true);
		setError(null);
		try {
			const id = await store.joinInvite(token);
			onClose();
			navigateToConversation(id);
		} catch (e) {
			setError(joinFailureText(e));
			setBusy(false);
		}
	}

	const title = preview?.title ?? "Group";
	return (
		<Dialog title="Join group" onClose={onClose}>
			<div className={styles.summary} data-testid="join-invite">
				{preview ? (
					<>
						<Avatar name={title} seed={token} url={null} size={64} group />
						<h3>{title}</h3>
						<p className="muted small">
							{preview.memberCount} {preview.memberCount === 1 ? "member" : "members"}
						</p>
						{preview.member ? <p className="small">You're already in this group.</p> : null}
					</>
				) : error ? null : (
					<p className="muted">Opening the invite link…</p>
				)}
			</div>
			{error ? <FormError>{error}</FormError> : null}
			<DialogActions>
				<Button variant="ghost" onClick={onClose}>
					{preview && !error ? "Not now" : "Close"}
				</Button>
				{preview && !error ? (
					<Button variant="primary" disabled={busy} onClick={join} data-autofocus>
						{preview.member ? "Open group" : busy ? "Joining…" : "Join group"}
					</Button>
				) : null}
			</DialogActions>
		</Dialog>
	);
}
