// The fuller reaction picker: a built-in grid of emoji by category (no network). A modal
// dialog, so focus stays inside, Escape closes it and focus goes back to where it was.
import { useState } from "react";
import { EMOJI_CATEGORIES } from "../emoji";
import { Dialog } from "./Dialog";
import styles from "./EmojiPicker.module.css";

export function EmojiPicker({ onPick, onClose }: { onPick: (emoji: string) => void; onClose: () => void }) {
	const [category, setCategory] = useState(EMOJI_CATEGORIES[0]?.name ?? "");
	const shown = EMOJI_CATEGORIES.find((c) => c.name === category) ?? EMOJI_CATEGORIES[0];

	function onGridKey(e: React.KeyboardEvent<HTMLFieldSetElement>) {
		const buttons = [...e.currentTarget.querySelectorAll<HTMLButtonElement>("button")];
		const index = buttons.indexOf(document.activeElement as HTMLButtonElement);
		if (index < 0) return;
		const columns = Math.max(
			1,
			Math.round(e.currentTarget.clientWidth / Math.max(1, buttons[0]?.getBoundingClientRect().width ?? 40)),
		);
		const step = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: columns, ArrowUp: -columns }[e.key];
		if (step === undefined) return;
		e.preventDefault();
		buttons[Math.max(0, Math.min(buttons.length - 1, index + step))]?.focus();
	}

	return (
		<Dialog title="Choose a reaction" onClose={onClose} className={styles.picker}>
			<fieldset className={styles.tabs}>
				<legend className="sr-only">Emoji categories</legend>
				{EMOJI_CATEGORIES.map((c) => (
					<button
						key={c.name}
						type="button"
						className={styles.tab}
						aria-pressed={c.name === category}
						onClick={() => setCategory(c.name)}
					>
						{c.name}
					</button>
				))}
			</fieldset>
			<fieldset className={styles.grid} data-testid="emoji-grid" onKeyDown={onGridKey}>
				<legend className="sr-only">{shown?.name}</legend>
				{shown?.emoji.map((emoji, i) => (
					<button
						key={emoji}
						type="button"
						className={styles.emoji}
						onClick={() => onPick(emoji)}
						data-autofocus={i === 0 ? true : undefined}
						data-emoji={emoji}
					>
						{emoji}
					</button>
				))}
			</fieldset>
		</Dialog>
	);
}
