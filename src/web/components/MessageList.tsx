// The scrolling history of one chat: date separators, a "new messages" divider at the first
// message that was unread when the chat was opened (and only then), infinite scroll upward
// (cursor pages), a jump-to-latest button that counts what is below, and one tab stop for the
// messages' actions with arrow keys between them (roving tabindex).
import { Fragment, useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";
import type { Conversation, Message } from "../../shared/schemas";
import { dayKey, dayLabel } from "../format";
import { useChat, useChatStore } from "../store/context";
import { firstUnreadId } from "../store/messages";
import { myParticipant } from "../store/participants";
import type { PendingMessage } from "../store/state";
import { IconDown } from "./icons";
import { MessageBubble, PendingBubble } from "./MessageBubble";
import styles from "./MessageList.module.css";

const EMPTY: Message[] = [];
const NO_PENDING: PendingMessage[] = [];
const NEAR_BOTTOM_PX = 120;

export function MessageList({ conversation }: { conversation: Conversation }) {
	const store = useChatStore();
	const id = conversation.id;
	const thread = useChat((s) => s.threads[id]);
	const pending = useChat((s) => s.pending[id]) ?? NO_PENDING;
	const me = useChat((s) => s.me);
	const readMarker = useChat((s) => s.readMarker);
	const messages = thread?.messages ?? EMPTY;
	const scroller = useRef<HTMLOListElement>(null);
	const topSentinel = useRef<HTMLLIElement>(null);
	const atBottom = useRef(true);
	const [showJump, setShowJump] = useState(false);
	const [below, setBelow] = useState(0);
	const didInitialScroll = useRef(false);
	const anchor = useRef<{ firstSeq: number; fromBottom: number } | null>(null);
	const [activeSeq, setActiveSeq] = useState<number | null>(null);
	const jump = useChat((s) => s.jump);
	// My read watermark: the jump button counts only what is after it (issue 22.4).
	const myReadSeq = useChat((s) => myParticipant(s.participants, id, s.me.id)?.lastReadSeq);
	// Offline, the chat saved on this device is all there will be: open it as if loaded, at the
	// bottom or the first unread, instead of waiting at the top for a page that cannot come (issue 22.17).
	const offline = useChat((s) => s.connection === "offline");
	const ready = thread?.loaded === true || (thread?.restored === true && offline);

	// The divider is decided once per opening, from what was unread then; live messages never move it.
	const marker = readMarker?.conversationId === id ? readMarker : null;
	const [divider, setDivider] = useState<{ decided: boolean; id: string | null }>({ decided: false, id: null });
	const decided =
		divider.decided || !marker || !ready ? divider : { decided: true, id: firstUnreadId(messages, marker, me.id) };
	if (decided !== divider) setDivider(decided);
	const firstUnread = decided.id;

	// Roving tabindex: the remembered message if it still has actions, else the latest that does.
	const actionable = messages.filter((m) => m.kind !== "system" && m.deletedAt === null);
	const tabStopSeq = actionable.some((m) => m.seq === activeSeq) ? activeSeq : (actionable.at(-1)?.seq ?? null);

	const watermark = useRef<number | null>(null);
	watermark.current = myReadSeq ?? marker?.seq ?? null;

	/** Messages from others below the viewport that are after my read watermark (unknown: none). */
	const countBelow = useCallback(() => {
		const el = scroller.current;
		if (!el) return;
		const bottom = el.getBoundingClientRect().bottom;
		const readUpTo = watermark.current;
		let n = 0;
		if (readUpTo !== null)
			for (const li of el.querySelectorAll<HTMLElement>('[data-mine="false"]'))
				if (Number(li.dataset.seq) > readUpTo && li.getBoundingClientRect().top > bottom - 8) n++;
		setBelow(n);
	}, []);

	/** Tells the store the last message that is inside the viewport now: read once the page is visible and focused (issue 22.2). */
	const noteSeen = useCallback(() => {
		const el = scroller.current;
		if (!el) return;
		const seq = lastSeqOnScreen(el);
		if (seq > 0) store.noteSeen(id, seq);
	}, [id, store]);

	// biome-ignore lint/correctness/useExhaustiveDependencies: a moved watermark changes what counts as new
	useEffect(() => countBelow(), [myReadSeq, countBelow]);

	/** Is the reader near the bottom (new messages keep it pinned there)? If not, the jump button shows. */
	const notePosition = useCallback((el: HTMLElement) => {
		atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_BOTTOM_PX;
		setShowJump(!atBottom.current);
	}, []);

	const scrollToBottom = useCallback((smooth = false) => {
		const el = scroller.current;
		if (!el) return;
		el.scrollTo({ top: el.scrollHeight, behavior: smooth ? "smooth" : "auto" });
		atBottom.current = true;
		setShowJump(false);
		setBelow(0);
	}, []);

	// Keep the view where the reader is: pinned to the bottom for new messages, or anchored
	// in place when older pages are prepended above.
	// biome-ignore lint/correctness/useExhaustiveDependencies: pending sends also move the bottom
	useLayoutEffect(() => {
		const el = scroller.current;
		if (!el || !ready || !decided.decided) return;
		if (!didInitialScroll.current) {
			didInitialScroll.current = true;
			const line = el.querySelector<HTMLElement>(`.${styles["unread-divider"]}`);
			if (line) {
				// Open at the first unread message, the divider just above it (issue 15.2).
				const offset = line.getBoundingClientRect().top - el.getBoundingClientRect().top;
				el.scrollTop = Math.max(0, el.scrollTop + offset - 8);
				notePosition(el);
				countBelow();
			} else scrollToBottom();
			noteSeen();
			return;
		}
		const saved = anchor.current;
		if (saved && messages[0] && messages[0].seq < saved.firstSeq) {
			el.scrollTop = el.scrollHeight - saved.fromBottom;
			anchor.current = null;
			return;
		}
		if (atBottom.current) scrollToBottom();
		else countBelow();
		noteSeen();
	}, [messages, pending, ready, decided.decided, scrollToBottom, countBelow, notePosition, noteSeen]);

	// Sending my own message always brings me to the bottom.
	const pendingCount = pending.length;
	const lastPendingCount = useRef(pendingCount);
	useLayoutEffect(() => {
		if (pendingCount > lastPendingCount.current) scrollToBottom();
		lastPendingCount.current = pendingCount;
	}, [pendingCount, scrollToBottom]);

	// A reply quote or a search result asked for a message: once it is in the list, scroll to
	// it, highlight it for a moment and give its actions button the focus.
	// biome-ignore lint/correctness/useExhaustiveDependencies: re-checked whenever messages arrive (older pages loading back to it)
	useEffect(() => {
		const el = scroller.current;
		if (!el || !jump || jump.conversationId !== id || !thread?.loaded) return;
		const li = el.querySelector<HTMLLIElement>(`li[data-seq="${jump.seq}"]`);
		if (!li) return;
		store.jumpDone(jump.nonce);
		li.scrollIntoView({ block: "center" });
		notePosition(el);
		noteSeen();
		li.dataset.highlighted = "true";
		setActiveSeq(jump.seq);
		li.querySelector<HTMLButtonElement>("[data-message-actions]")?.focus({ preventScroll: true });
		// Not cleaned up with the effect: clearing the jump re-runs it, and the glow should still fade.
		setTimeout(() => {
			delete li.dataset.highlighted;
		}, 2500);
	}, [jump, id, thread?.loaded, messages, store, notePosition, noteSeen]);

	const loadOlder = useCallback(() => {
		const el = scroller.current;
		const first = store.getState().threads[id]?.messages[0];
		if (!el || !first) return;
		anchor.current = { firstSeq: first.seq, fromBottom: el.scrollHeight - el.scrollTop };
		void store.loadOlder(id);
	}, [id, store]);

	useEffect(() => {
		const el = scroller.current;
		const sentinel = topSentinel.current;
		if (!el || !sentinel || !thread?.loaded || !thread.hasOlder) return;
		const observer = new IntersectionObserver(
			(entries) => {
				if (entries.some((e) => e.isIntersecting) && didInitialScroll.current) loadOlder();
			},
			{ root: el, rootMargin: "300px 0px 0px 0px" },
		);
		observer.observe(sentinel);
		return () => observer.disconnect();
	}, [thread?.loaded, thread?.hasOlder, loadOlder]);

	// The list shrinks when the composer grows (a reply's quote, an edit, the mention list, more
	// lines): a reader at the bottom stays there, so the message being answered is not pushed
	// under the composer with the jump button over it (issue 22.14).
	useEffect(() => {
		const el = scroller.current;
		if (!el || typeof ResizeObserver === "undefined") return;
		const observer = new ResizeObserver(() => {
			if (atBottom.current && didInitialScroll.current) scrollToBottom();
		});
		observer.observe(el);
		return () => observer.disconnect();
	}, [scrollToBottom]);

	const countFrame = useRef(0);
	function onScroll() {
		const el = scroller.current;
		if (!el) return;
		notePosition(el);
		cancelAnimationFrame(countFrame.current);
		countFrame.current = requestAnimationFrame(() => {
			countBelow();
			noteSeen();
		});
	}

	/** Arrow keys move between the messages' actions buttons; Home and End go to the ends. */
	function onKeyDown(e: React.KeyboardEvent<HTMLOListElement>) {
		if (!(e.target instanceof HTMLElement) || !e.target.hasAttribute("data-message-actions")) return;
		const buttons = [...e.currentTarget.querySelectorAll<HTMLButtonElement>("[data-message-actions]")];
		const index = buttons.indexOf(e.target as HTMLButtonElement);
		const to =
			e.key === "ArrowUp"
				? index - 1
				: e.key === "ArrowDown"
					? index + 1
					: e.key === "Home"
						? 0
						: e.key === "End"
							? buttons.length - 1
							: null;
		if (to === null) return;
		e.preventDefault();
		const target = buttons[Math.max(0, Math.min(buttons.length - 1, to))];
		target?.focus();
		target?.scrollIntoView({ block: "nearest" });
	}

	const isGroup = conversation.type === "group";
	let previousDay = "";
	let previousSender = "";

	return (
		<div className={styles["message-area"]}>
			<ol
				className={styles.messages}
				ref={scroller}
				onScroll={onScroll}
				onKeyDown={onKeyDown}
				aria-label="Messages"
				// biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be focusable for keyboard users
				tabIndex={0}
				data-testid="messages"
			>
				<li ref={topSentinel} className={styles["history-edge"]} aria-hidden={!thread?.loadingOlder}>
					{thread?.loadingOlder ? "Loading earlier messages…" : null}
					{thread?.loaded && !thread.hasOlder && messages.length > 0 ? (
						<span className="muted small">Start of the conversation</span>
					) : null}
				</li>
				{!thread?.loaded && !thread?.error ? (
					<li className={`${styles["history-edge"]} muted`}>Loading messages…</li>
				) : null}
				{thread?.error && !thread.loaded && !(thread.restored && messages.length > 0) ? (
					<li className={styles["history-edge"]} role="alert">
						Couldn't load messages: {thread.error}
					</li>
				) : null}
				{thread?.error && !thread.loaded && thread.restored && messages.length > 0 ? (
					<li className={styles["history-edge"]} data-testid="saved-messages">
						Showing the messages saved on this device.
					</li>
				) : null}
				{thread?.loaded && messages.length === 0 && pending.length === 0 ? (
					<li className={`${styles["history-edge"]} muted`}>No messages yet. Say hello!</li>
				) : null}
				{messages.map((m) => {
					const day = dayKey(m.createdAt);
					const newDay = day !== previousDay;
					previousDay = day;
					const showSender =
						isGroup && m.kind !== "system" && m.senderId !== me.id && (newDay || m.senderId !== previousSender);
					previousSender = m.kind === "system" ? "" : m.senderId;
					return (
						<Fragment key={m.id}>
							{newDay ? <DateSeparator iso={m.createdAt} /> : null}
							{firstUnread === m.id ? (
								<li className={styles["unread-divider"]} data-testid="unread-divider">
									<span>New messages</span>
								</li>
							) : null}
							<MessageBubble
								message={m}
								conversation={conversation}
								showSender={showSender}
								tabStop={m.seq === tabStopSeq}
								onActivate={setActiveSeq}
							/>
						</Fragment>
					);
				})}
				{pending.map((p) => {
					const day = dayKey(p.createdAt);
					const newDay = day !== previousDay;
					previousDay = day;
					return (
						<Fragment key={p.clientId}>
							{newDay ? <DateSeparator iso={p.createdAt} /> : null}
							<PendingBubble pending={p} />
						</Fragment>
					);
				})}
			</ol>
			{showJump ? (
				<button
					type="button"
					className={styles["jump-latest"]}
					onClick={() => scrollToBottom(true)}
					aria-label={
						below > 0 ? `Jump to latest, ${below} new message${below === 1 ? "" : "s"} below` : "Jump to latest"
					}
				>
					<IconDown />
					{below > 0 ? (
						<span className={styles["jump-count"]} aria-hidden="true" data-testid="jump-count">
							{below > 99 ? "99+" : below}
						</span>
					) : null}
				</button>
			) : null}
		</div>
	);
}

/**
 * The highest seq of a message whose box is at least partly inside the scroller's viewport
 * (0 if none): what the reader has on screen now.
 */
function lastSeqOnScreen(el: HTMLElement): number {
	const view = el.getBoundingClientRect();
	const items = el.querySelectorAll<HTMLElement>("li[data-seq]");
	for (let i = items.length - 1; i >= 0; i--) {
		const box = items[i]?.getBoundingClientRect();
		if (!box || box.top >= view.bottom - 4) continue;
		return box.bottom > view.top + 4 ? Number(items[i]?.dataset.seq) || 0 : 0;
	}
	return 0;
}

function DateSeparator({ iso }: { iso: string }) {
	return (
		<li className={styles["date-separator"]}>
			<time dateTime={iso}>{dayLabel(iso)}</time>
		</li>
	);
}
