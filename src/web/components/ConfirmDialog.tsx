// The app's own confirmation for destructive actions (issue 15.8): never the browser's confirm(),
// which a phone shows as a system sheet and a test cannot style or label. Cancel has the focus,
// so Enter or Escape by reflex loses nothing.
import { type ReactNode, useState } from "react";
import styles from "./ConfirmDialog.module.css";
import { Dialog } from "./Dialog";

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
			<div className={`dialog-actions ${styles["confirm-actions"]}`}>
				<button type="button" className="btn btn-ghost" onClick={onCancel} data-autofocus>
					Cancel
				</button>
				<button
					type="button"
					className="btn btn-danger"
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
				</button>
			</div>
		</Dialog>
	);
}
