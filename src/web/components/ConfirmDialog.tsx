// The app's own confirmation for destructive actions (issue 15.8): never the browser's confirm(),
// which a phone shows as a system sheet and a test cannot style or label. Cancel has the focus,
// so Enter or Escape by reflex loses nothing.
import { type ReactNode, useState } from "react";
import { Button } from "./Button";
import styles from "./ConfirmDialog.module.css";
import { Dialog, DialogActions } from "./Dialog";

interface ConfirmDialogProps {
	title: string;
	children: ReactNode;
	confirmLabel: string;
	onConfirm: () => void | Promise<void>;
	onCancel: () => void;
}

export function ConfirmDialog({ title, children, confirmLabel, onConfirm, onCancel }: ConfirmDialogProps) {
	const [busy, setBusy] = useState(false);
	return (
		<Dialog title={title} onClose={onCancel} role="alertdialog">
			<div className={styles["confirm-body"]}>{children}</div>
			<DialogActions end>
				<Button variant="ghost" onClick={onCancel} data-autofocus>
					Cancel
				</Button>
				<Button
					variant="danger"
					disabled={busy}
					onClick={async () => {
						setBusy(true);
						try {
							await onConfirm();
						} finally {
							setBusy(false);
						}
					}}
				>
					{confirmLabel}
				</Button>
			</DialogActions>
		</Dialog>
	);
}
