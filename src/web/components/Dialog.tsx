// A modal on the native <dialog>: focus is trapped and restored, Escape closes it.
import { type ReactNode, useEffect, useRef } from "react";
import { IconClose } from "./icons";

interface DialogProps {
	title: string;
	onClose: () => void;
	children: ReactNode;
	className?: string;
	hideTitle?: boolean;
}

export function Dialog({ title, onClose, children, className = "", hideTitle }: DialogProps) {
	const ref = useRef<HTMLDialogElement>(null);
	useEffect(() => {
		const dialog = ref.current;
		if (!dialog) return;
		const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
		if (!dialog.open) dialog.showModal();
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
				<header className="dialog-header">
					<h2 className={hideTitle ? "sr-only" : undefined}>{title}</h2>
					<button type="button" className="icon-btn" onClick={onClose} aria-label="Close">
						<IconClose />
					</button>
				</header>
				{children}
			</div>
		</dialog>
	);
}
