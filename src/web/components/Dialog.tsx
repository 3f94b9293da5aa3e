// A modal on the native <dialog>: focus is trapped and restored, Escape closes it.
import { type ReactNode, useEffect, useRef } from "react";
import { IconClose } from "./icons";

interface DialogProps {
	title: string;
	onClose: () => void;
	children: ReactNode;
	className?: string;
	hideTitle?: boolean;
	/** Replaces the standard header (title and Close), e.g. the image viewer's own bar. */
	header?: ReactNode;
	role?: "dialog" | "alertdialog";
}

export function Dialog({ title, onClose, children, className = "", hideTitle, header, role }: DialogProps) {
	const ref = useRef<HTMLDialogElement>(null);
	useEffect(() => {
		const dialog = ref.current;
		if (!dialog) return;
		const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
		if (!dialog.open) dialog.showModal();
		// showModal() focuses the first control (Close); a dialog that opens to typing says where instead.
		dialog.querySelector<HTMLElement>("[data-autofocus]")?.focus();
		return () => {
			dialog.close();
			previous?.focus();
		};
	}, []);
	return (
		<dialog
			ref={ref}
			className={`dialog ${className}`}
			aria-label={title}
			role={role}
			onCancel={(e) => {
				e.preventDefault();
				onClose();
			}}
			onClick={(e) => {
				// A click on the backdrop lands on the dialog element itself.
				if (e.target === ref.current) onClose();
			}}
			onKeyDown={() => {}}
		>
			<div className="dialog-inner">
				{header ?? (
					<header className="dialog-header">
						<h2 className={hideTitle ? "sr-only" : undefined}>{title}</h2>
						<button type="button" className="icon-btn" onClick={onClose} aria-label="Close">
							<IconClose />
						</button>
					</header>
				)}
				{children}
			</div>
		</dialog>
	);
}
