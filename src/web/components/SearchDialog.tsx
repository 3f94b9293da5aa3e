// Message search (GET /search/messages): across every chat, or within one. Each result shows
// the chat, the sender and the server's plain-text snippet with the query's words marked
// (as <mark> elements built from text, never HTML); choosing one opens the chat at that message.

import { type FormEvent, useEffect, useRef, useState } from "react";
import { isolate } from "../../shared/text";
import { apiV2, type SearchResult } from "../api";
import { failureText } from "../effects/store";
import { listTime } from "../format";
import { highlightSnippet } from "../highlight";
import { navigateToConversation } from "../navigation";
import { useChat, useChatStore } from "../store/context";
import { conversationTitle } from "../store/messages";
import { Avatar } from "./Avatar";
import { Button } from "./Button";
import { Dialog } from "./Dialog";
import { FormError } from "./Field";
import { onResultKeys } from "./resultKeys";
import styles from "./SearchDialog.module.css";

export function SearchDialog({ conversationId, onClose }: { conversationId?: string; onClose: () => void }) {
	const store = useChatStore();
	const me = useChat((s) => s.me);
	const users = useChat((s) => s.users);
	const conversations = useChat((s) => s.conversations);
	const participants = useChat((s) => s.participants);
	const [query, setQuery] = useState("");
	const [searched, setSearched] = useState("");
	const [results, setResults] = useState<SearchResult[]>([]);
	const [cursor, setCursor] = useState<string | null>(null);
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState<string | null>(null);
	const latest = useRef(0);
	const input = useRef<HTMLInputElement>(null);
	const list = useRef<HTMLUListElement>(null);
	const scope = conversationId ? conversations.find((c) => c.id === conversationId) : undefined;
	const scopeTitle = scope ? conversationTitle(scope, participants[scope.id], me.id) : null;

	async function run(q: string, after?: string) {
		const trimmed = q.trim();
		if (!trimmed) return;
		const ticket = ++latest.current;
		setBusy(true);
		setError(null);
		try {
			const page = await apiV2.searchMessages(trimmed, { conversationId, cursor: after });
			if (ticket !== latest.current) return;
			setResults((prev) => (after ? [...prev, ...page.results] : page.results));
			setCursor(page.nextCursor);
			setSearched(trimmed);
		} catch (err) {
			if (ticket === latest.current) setError(failureText(err, "the search didn't run"));
		} finally {
			if (ticket === latest.current) setBusy(false);
		}
	}

	// Search as you type, after a short pause.
	// biome-ignore lint/correctness/useExhaustiveDependencies: run is recreated each render; the query is what matters
	useEffect(() => {
		if (!query.trim()) {
			latest.current++;
			setResults([]);
			setSearched("");
			setCursor(null);
			return;
		}
		const timer = setTimeout(() => void run(query), 250);
		return () => clearTimeout(timer);
	}, [query]);

	function submit(e: FormEvent) {
		e.preventDefault();
		void run(query);
	}

	function open(result: SearchResult) {
		const m = result.message;
		onClose();
		if (m.conversationId !== conversationId) navigateToConversation(m.conversationId);
		store.jumpTo(m.conversationId, m.seq);
	}

	return (
		<Dialog
			title={scopeTitle ? `Search in ${isolate(scopeTitle)}` : "Search messages"}
			onClose={onClose}
			className={styles.search}
		>
			{/* Arrow keys move between the box and the results, Enter opens one (issue 22.12). */}
			{/* biome-ignore lint/a11y/noStaticElementInteractions: the keys are the box's and the results' own, handled here together */}
			<div onKeyDown={(e) => onResultKeys(e, input.current, list.current)}>
				{/* biome-ignore lint/a11y/useSemanticElements: a form with the search landmark role reads the same and submits */}
				<form role="search" onSubmit={submit} className={styles.form}>
					<label className="sr-only" htmlFor="message-search">
						Search for
					</label>
					<input
						ref={input}
						id="message-search"
						type="search"
						className={styles.input}
						placeholder={scopeTitle ? "Search this chat" : "Search all chats"}
						value={query}
						maxLength={200}
						autoComplete="off"
						data-autofocus
						onChange={(e) => setQuery(e.target.value)}
					/>
				</form>
				<div className={styles.status} role="status">
					{busy && results.length === 0
						? "Searching…"
						: searched && results.length === 0 && !error && !cursor
							? `No messages match “${searched}”.`
							: searched
								? `${results.length}${cursor ? "+" : ""} result${results.length === 1 ? "" : "s"}`
								: ""}
				</div>
				{error ? <FormError>{error}</FormError> : null}
				<ul className={styles.results} data-testid="search-results" ref={list} aria-label="Results">
					{results.map((r) => {
						const m = r.message;
						const c = conversations.find((x) => x.id === m.conversationId);
						const chat = c ? conversationTitle(c, participants[c.id], me.id) : "A chat";
						const sender = users[m.senderId];
						const senderName = m.senderId === me.id ? "You" : (sender?.displayName ?? "Someone");
						return (
							<li key={m.id}>
								<button
									type="button"
									className={styles.result}
									onClick={() => open(r)}
									data-testid="search-result"
									data-result
								>
									<Avatar name={sender?.displayName ?? "?"} seed={m.senderId} url={sender?.avatarUrl} size={32} />
									<span className={styles.body}>
										<span className={styles.top}>
											<span className={styles.who}>
												<bdi>{senderName}</bdi>
												{/* A direct chat is named after its other member: "Ona in Ona" says nothing. */}
												{conversationId || (c?.type === "direct" && m.senderId !== me.id) ? null : (
													<span className={styles.chat}>
														{" "}
														in <bdi>{chat}</bdi>
													</span>
												)}
											</span>
											<time dateTime={m.createdAt}>{listTime(m.createdAt)}</time>
										</span>
										<span className={styles.snippet} data-testid="search-snippet">
											{highlightSnippet(r.snippet, searched).map((part, i) =>
												part.match ? (
													// biome-ignore lint/suspicious/noArrayIndexKey: parts are positional and never reorder
													<mark key={i}>{part.text}</mark>
												) : (
													part.text
												),
											)}
										</span>
									</span>
								</button>
							</li>
						);
					})}
				</ul>
			</div>
			{cursor ? (
				<Button variant="ghost" block disabled={busy} onClick={() => void run(searched, cursor)}>
					More results
				</Button>
			) : null}
		</Dialog>
	);
}
