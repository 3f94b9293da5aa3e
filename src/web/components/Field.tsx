// Form parts: <Field> is the label (wrapping its <TextInput>, or naming one placed after it with
// htmlFor), <TextInput> the app's text box, <FormError> what went wrong, read out as an alert,
// <LengthHint> the characters left as a field nears its limit (issue 22.9).
// Styles: Field.module.css.
import type { ComponentProps, ReactNode } from "react";
import styles from "./Field.module.css";

function join(...names: (string | undefined)[]): string {
	return names.filter(Boolean).join(" ");
}

export function Field({ className, ...rest }: ComponentProps<"label">) {
	// biome-ignore lint/a11y/noLabelWithoutControl: the control is a child or named by htmlFor
	return <label className={join(styles.field, className)} {...rest} />;
}

export function TextInput({ className, ...rest }: ComponentProps<"input">) {
	return <input className={join(styles.input, className)} {...rest} />;
}

export function FormError({ id, className, children }: { id?: string; className?: string; children: ReactNode }) {
	return (
		<p className={join(styles.error, className)} role="alert" id={id}>
			{children}
		</p>
	);
}

/** Shown from 20 characters before the limit: how many are left, and at the limit, that it is one. */
export function LengthHint({ id, length, max }: { id: string; length: number; max: number }) {
	const left = max - length;
	return (
		<span
			className={styles.hint}
			id={id}
			role="status"
			data-testid="length-hint"
			data-at-limit={left <= 0 || undefined}
		>
			{left > 20 ? "" : left > 0 ? `${left} of ${max} characters left` : `That's the limit: ${max} characters`}
		</span>
	);
}
