// Search people by name or email prefix (GET /users?q=), debounced. The API needs 2 characters
// (400 below that), so one letter asks for another instead of calling it (issue 22.13).
import { useEffect, useId, useRef, useState } from "react";
import type { User } from "../../shared/schemas";
import { api } from "../api";
import { useChat, useChatStore } from "../store/context";
import { Avatar } from "./Avatar";
import { Field, TextInput } from "./Field";
import styles from "./PeopleSearch.module.css";
import { PersonText } from "./PersonText";
import { onResultKeys } from "./resultKeys";

/** `GET /users?q=` answers 400 below this (UserSearchQuery in src/shared/schemas.ts). */
const MIN_QUERY = 2;

interface PeopleSearchProps {
	selected: User[];
	onToggle: (user: User) => void;
	exclude?: Set<string>;
	label?: string;
}

export function PeopleSearch({ selected, onToggle, exclude, label = "Search people" }: PeopleSearchProps) {
	const store = useChatStore();
	const me = useChat((s) => s.me);
	const [query, setQuery] = useState("");
	const [results, setResults] = useState<User[]>([]);
	const [status, setStatus] = useState<"idle" | "short" | "loading" | "error">("idle");
	const inputId = useId();
	const input = useRef<HTMLInputElement>(null);
	const list = useRef<HTMLUListElement>(null);

	useEffect(() => {
		const q = query.trim();
		if (!q) {
			setResults([]);
			setStatus("idle");
			return;
		}
		if (q.length < MIN_QUERY) {
			setResults([]);
			setStatus("short");
			return;
		}
		setStatus("loading");
		let cancelled = false;
		const timer = setTimeout(() => {
			api
				.searchUsers(q)
				.then(({ users }) => {
					if (cancelled) return;
					store.rememberUsers(users);
					setResults(users.filter((u) => u.id !== me.id && !exclude?.has(u.id)));
					setStatus("idle");
				})
				.catch(() => {
					if (!cancelled) setStatus("error");
				});
		}, 200);
		return () => {
			cancelled = true;
			clearTimeout(timer);
		};
	}, [query, me.id, exclude, store]);

	const selectedIds = new Set(selected.map((u) => u.id));
	return (
		// Arrow keys move between the box and the people found; Enter in the box picks the first (issue 22.12).
		// biome-ignore lint/a11y/noStaticElementInteractions: the keys are the box's and the results' own, handled here together
		<div className={styles["people-search"]} onKeyDown={(e) => onResultKeys(e, input.current, list.current)}>
			<Field className={styles.label} htmlFor={inputId}>
				<span>{label}</span>
			</Field>
			<TextInput
				ref={input}
				id={inputId}
				type="search"
				placeholder="Name or email"
				value={query}
				autoComplete="off"
				// The dialog opens to search.
				autoFocus
				// showModal() moves focus to the dialog's first control; Dialog puts it back here.
				data-autofocus
				onChange={(e) => setQuery(e.target.value)}
				onKeyDown={(e) => {
					const first = results[0];
					if (e.key !== "Enter" || !first || selectedIds.has(first.id)) return;
					e.preventDefault();
					onToggle(first);
				}}
			/>
			{selected.length > 0 ? (
				<ul className={styles.chips} aria-label="Selected people">
					{selected.map((u) => (
						<li key={u.id}>
							<button
								type="button"
								className={styles.chip}
								onClick={() => onToggle(u)}
								aria-label={`Remove ${u.displayName}`}
							>
								{u.displayName} <span aria-hidden="true">×</span>
							</button>
						</li>
					))}
				</ul>
			) : null}
			<div aria-live="polite" className={`${styles["search-status"]} muted small`}>
				{status === "short" ? "Type at least 2 letters" : null}
				{status === "loading" ? "Searching…" : null}
				{status === "error" ? "Search failed. Try again." : null}
				{status === "idle" && query.trim() && results.length === 0 ? "No one found." : null}
			</div>
			<ul className={styles["people-results"]} ref={list} aria-label="People found">
				{results.map((u) => {
					const isSelected = selectedIds.has(u.id);
					return (
						<li key={u.id}>
							<button
								type="button"
								className={isSelected ? `${styles.person} ${styles.selected}` : styles.person}
								aria-pressed={isSelected}
								data-result
								onClick={() => onToggle(u)}
							>
								<Avatar name={u.displayName} seed={u.id} url={u.avatarUrl} size={36} online={u.online} />
								<PersonText name={u.displayName}>
									<span className="muted small">{u.email}</span>
								</PersonText>
								<span className={styles.check} aria-hidden="true">
									{isSelected ? "✓" : ""}
								</span>
							</button>
						</li>
					);
				})}
			</ul>
		</div>
	);
}
