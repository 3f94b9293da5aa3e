// The app's buttons. <Button> is a labelled action (primary, ghost or danger; small; full width),
// <LinkButton> an action that reads as a link inside a sentence, <IconButton> a round button
// holding only an icon (give it an aria-label). Styles: Button.module.css.
import type { ComponentProps } from "react";
import styles from "./Button.module.css";

function join(...names: (string | false | undefined)[]): string {
	return names.filter(Boolean).join(" ");
}

type ButtonProps = ComponentProps<"button"> & {
	variant?: "primary" | "ghost" | "danger";
	small?: boolean;
	/** Full width of its container. */
	block?: boolean;
	/** A ghost button whose action removes something: red text. */
	dangerText?: boolean;
};

export function Button({ variant, small, block, dangerText, className, type = "button", ...rest }: ButtonProps) {
	return (
		<button
			type={type}
			className={join(
				styles.btn,
				variant && styles[variant],
				small && styles.small,
				block && styles.block,
				dangerText && styles["danger-text"],
				className,
			)}
			{...rest}
		/>
	);
}

export function LinkButton({ className, type = "button", ...rest }: ComponentProps<"button">) {
	return <button type={type} className={join(styles.link, className)} {...rest} />;
}

export function IconButton({ className, type = "button", ...rest }: ComponentProps<"button">) {
	return <button type={type} className={join(styles.icon, className)} {...rest} />;
}

/** The icon button's look for a link (e.g. a download), where a <button> would be wrong. */
export const iconButtonClass = styles.icon;
