// The emoji picker, for reactions and for the composer (issue 22.7): a built-in grid by category
// (no network), searchable by name. A modal dialog, so focus stays inside and Escape or Back
// closes it (a layer). The grid is one Tab stop (ARIA grid, roving tabindex): arrow keys move,
// Home/End go to a row's ends, Ctrl+Home/End to the first and last emoji, Enter picks; ArrowDown
// from the search box enters the grid and Enter there picks the first match (issue 22.12).
import { type KeyboardEvent, useEffect, useId, useRef, useState } from "react";
import { isTouchScreen } from "../device";
import { EMOJI_CATEGORIES, type Emoji, searchEmoji } from "../emoji";
import { Dialog } from "./Dialog";
import styles from "./EmojiPicker.module.css";

/** Columns of the grid: seven 44 px targets fit a 390 px phone's dialog. */
export const EMOJI_COLUMNS = 7;

/** The cell an arrow key moves to in a grid of `count` cells, `columns` wide; null for other keys. */
export function gridMove(index: number, key: string, ctrl: boolean, count: number, columns: number): number | null {
	if (count === 0) return null;
	const rowStart = index - (index % columns);
	const next =
		key === "ArrowRight"
			? index + 1
			: key === "ArrowLeft"
				? index - 1
				: key === "ArrowDown"
					? index + columns
					: key === "ArrowUp"
						? index - columns
						: key === "Home"
							? ctrl
								? 0
								: rowStart
							: key === "End"
								? ctrl
									? count - 1
									: Math.min(count - 1, rowStart + columns - 1)
								: null;
	if (next === null) return null;
	if (next < 0 || next >= count)
		return key === "ArrowDown" || key === "ArrowUp" ? index : Math.max(0, Math.min(count - 1, next));
	return next;
}

interface EmojiPickerProps {
	onPick: (emoji: string) => void;
	onClose: () => void;
	title?: string;
}

export function EmojiPicker({ onPick, onClose, title = "Choose a reaction" }: EmojiPickerProps) {
	const [category, setCategory] = useState(EMOJI_CATEGORIES[0]?.name ?? "");
	const [query, setQuery] = useState("");
	const [active, setActive] = useState(0);
	const grid = useRef<HTMLDivElement>(null);
	const searchId = useId();
	const statusId = useId();
	const searching = query.trim().length > 0;
	const shown: Emoji[] = searching
		? searchEmoji(query)
		: ((EMOJI_CATEGORIES.find((c) => c.name === category) ?? EMOJI_CATEGORIES[0])?.emoji ?? []);
	const rows: Emoji[][] = [];
	for (let i = 0; i < shown.length; i += EMOJI_COLUMNS) rows.push(shown.slice(i, i + EMOJI_COLUMNS));
	const current = Math.min(active, Math.max(0, shown.length - 1));

	// biome-ignore lint/correctness/useExhaustiveDependencies: a new list starts at its first emoji
	useEffect(() => setActive(0), [category, query]);

	function moveTo(index: number) {
		setActive(index);
		grid.current?.querySelector<HTMLButtonElement>(`[data-index="${index}"]`)?.focus();
	}

	function onGridKey(e: KeyboardEvent<HTMLDivElement>) {
		const next = gridMove(current, e.key, e.ctrlKey || e.metaKey, shown.length, EMOJI_COLUMNS);
		if (next === null) return;
		e.preventDefault();
		moveTo(next);
	}

	function onSearchKey(e: KeyboardEvent<HTMLInputElement>) {
		if (e.key === "ArrowDown" && shown.length > 0) {
			e.preventDefault();
			moveTo(0);
		} else if (e.key === "Enter") {
			e.preventDefault();
			const first = shown[0];
			if (searching && first) onPick(first.emoji);
		}
	}

	const label = searching ? `Emoji matching “${query.trim()}”` : category;
	return (
		<Dialog title={title} onClose={onClose} className={styles.picker}>
			<label className="sr-only" htmlFor={searchId}>
				Search emoji by name
			</label>
			<input
				id={searchId}
				type="search"
				className={styles.search}
				placeholder="Search emoji"
				autoComplete="off"
				value={query}
				aria-describedby={statusId}
				// On a phone the keyboard would cover the grid; there, the grid comes first.
				data-autofocus={isTouchScreen() ? undefined : true}
				onChange={(e) => setQuery(e.target.value)}
				onKeyDown={onSearchKey}
			/>
			{searching ? null : (
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
			)}
			<p className={searching && shown.length === 0 ? styles.status : "sr-only"} id={statusId} role="status">
				{searching ? (shown.length === 0 ? `No emoji named “${query.trim()}”.` : `${shown.length} found`) : ""}
			</p>
			{/* An ARIA grid of buttons, not a table: seven columns on every screen, focus on the buttons (roving tabindex). */}
			{/* biome-ignore lint/a11y/useSemanticElements: see above */}
			<div
				className={styles.grid}
				role="grid"
				aria-label={label}
				data-testid="emoji-grid"
				ref={grid}
				onKeyDown={onGridKey}
			>
				{rows.map((row, r) => (
					// biome-ignore lint/a11y/useSemanticElements: a row of the grid above
					// biome-ignore lint/a11y/useFocusableInteractive: focus is on the buttons in its cells
					<div role="row" className={styles.row} key={row[0]?.emoji ?? r}>
						{row.map((e, c) => {
							const index = r * EMOJI_COLUMNS + c;
							return (
								// biome-ignore lint/a11y/useSemanticElements: a cell of the grid above
								// biome-ignore lint/a11y/useFocusableInteractive: its button takes the focus
								<span role="gridcell" key={e.emoji} className={styles.cell}>
									<button
										type="button"
										className={styles.emoji}
										tabIndex={index === current ? 0 : -1}
										data-emoji={e.emoji}
										data-index={index}
										onFocus={() => setActive(index)}
										onClick={() => onPick(e.emoji)}
									>
										{e.emoji}
									</button>
								</span>
							);
						})}
					</div>
				))}
			</div>
		</Dialog>
	);
}
