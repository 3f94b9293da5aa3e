// A modal on the native <dialog>: focus is trapped and restored, Escape closes it. It renders
// into <body> (a portal), so a dialog opened from inside something faded or clipped (a message's
// actions, which are transparent until hovered or focused) is never drawn with that opacity.
// Each dialog is a layer (layers.ts): Escape and the system Back close only the top one, so a
// confirmation inside Group info closes alone (issue 22.11).
import { type ReactNode, useEffect, useRef } from "react";
import { createPortal } from "react-dom";
import { layers } from "../layers";
import { IconButton } from "./Button";
import styles from "./Dialog.module.css";
import { IconClose } from "./icons";

interface DialogProps {
	title: string;
	onClose: () => void;
	children: ReactNode;
	className?: string;
	/** Extra class for the padded box inside the frame (e.g. a full-screen layout). */
	innerClassName?: string;
	hideTitle?: boolean;
	/** Replaces the standard header (title and Close), e.g. the image viewer's own bar. */
	header?: ReactNode;
	role?: "dialog" | "alertdialog";
}

export function Dialog({ title, onClose, children, className, innerClassName, hideTitle, header, role }: DialogProps) {
	const ref = useRef<HTMLDialogElement>(null);
	const closeRef = useRef(onClose);
	closeRef.current = onClose;
	const layerId = useRef(0);
	useEffect(() => {
		const dialog = ref.current;
		if (!dialog) return;
		const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
		if (!dialog.open) dialog.showModal();
		const id = layers.open(() => closeRef.current());
		layerId.current = id;
		// showModal() focuses the first control (Close); a dialog that opens to typing says where instead.
		dialog.querySelector<HTMLElement>("[data-autofocus]")?.focus();
		return () => {
			layers.remove(id);
			dialog.close();
			previous?.focus();
		};
	}, []);
	return createPortal(
		<dialog
			ref={ref}
			className={className ? `${styles.dialog} ${className}` : styles.dialog}
			aria-label={title}
			role={role}
			onCancel={(e) => {
				// React passes a nested dialog's cancel on to the dialogs around it (portals keep the
				// React tree): only the top one closes.
				e.preventDefault();
				e.stopPropagation();
				if (layers.isTop(layerId.current)) onClose();
			}}
			onClick={(e) => {
				// A click on the backdrop lands on the dialog element itself.
				if (e.target === ref.current) onClose();
			}}
			onKeyDown={() => {}}
		>
			<div className={innerClassName ? `${styles.inner} ${innerClassName}` : styles.inner}>
				{header ?? (
					<header className={styles.header}>
						<h2 className={hideTitle ? "sr-only" : undefined}>{title}</h2>
						<IconButton onClick={onClose} aria-label="Close">
							<IconClose />
						</IconButton>
					</header>
				)}
				{children}
			</div>
		</dialog>,
		document.body,
	);
}

/** The row of buttons at the bottom of a dialog: spread apart, or together at the end. */
export function DialogActions({ children, end }: { children: ReactNode; end?: boolean }) {
	return <div className={end ? `${styles.actions} ${styles.end}` : styles.actions}>{children}</div>;
}
