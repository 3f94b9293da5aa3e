// The scrolling history of one chat: date separators, a "new messages" divider at the first
// unread, infinite scroll upward (cursor pages), and a jump-to-latest button.
import { Fragment, useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";
import type { Conversation, Message } from "../../shared/schemas";
import { dayKey, dayLabel } from "../format";
import type { PendingMessage } from "../store/chat-store";
import { useChat, useChatStore } from "../store/context";
import { IconDown } from "./icons";
import { MessageBubble, PendingBubble } from "./MessageBubble";

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
	const didInitialScroll = useRef(false);
	const anchor = useRef<{ firstSeq: number; fromBottom: number } | null>(null);

	// Sending a message means I had read everything before it, so the divider goes after my latest one.
	const markerSeq = readMarker?.conversationId === id ? readMarker.seq : null;
	const myLatestSeq = messages.findLast((m) => m.senderId === me.id)?.seq ?? 0;
	const firstUnread =
		markerSeq === null
			? undefined
			: messages.find((m) => m.seq > Math.max(markerSeq, myLatestSeq) && m.senderId !== me.id && m.kind !== "system");

	const scrollToBottom = useCallback((smooth = false) => {
		const el = scroller.current;
		if (!el) return;
		el.scrollTo({ top: el.scrollHeight, behavior: smooth ? "smooth" : "auto" });
		atBottom.current = true;
		setShowJump(false);
	}, []);

	// Keep the view where the reader is: pinned to the bottom for new messages, or anchored
	// in place when older pages are prepended above.
	// biome-ignore lint/correctness/useExhaustiveDependencies: pending sends also move the bottom
	useLayoutEffect(() => {
		const el = scroller.current;
		if (!el || !thread?.loaded) return;
		if (!didInitialScroll.current) {
			didInitialScroll.current = true;
			const divider = el.querySelector<HTMLElement>(".unread-divider");
			if (divider) {
				el.scrollTop = Math.max(0, divider.offsetTop - el.clientHeight / 3);
				atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_BOTTOM_PX;
				setShowJump(!atBottom.current);
			} else scrollToBottom();
			return;
		}
		const saved = anchor.current;
		if (saved && messages[0] && messages[0].seq < saved.firstSeq) {
			el.scrollTop = el.scrollHeight - saved.fromBottom;
			anchor.current = null;
			return;
		}
		if (atBottom.current) scrollToBottom();
	}, [messages, pending, thread?.loaded, scrollToBottom]);

	// Sending my own message always brings me to the bottom.
	const pendingCount = pending.length;
	const lastPendingCount = useRef(pendingCount);
	useLayoutEffect(() => {
		if (pendingCount > lastPendingCount.current) scrollToBottom();
		lastPendingCount.current = pendingCount;
	}, [pendingCount, scrollToBottom]);

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

	function onScroll() {
		const el = scroller.current;
		if (!el) return;
		const near = el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_BOTTOM_PX;
		atBottom.current = near;
		setShowJump(!near);
	}

	const isGroup = conversation.type === "group";
	let previousDay = "";
	let previousSender = "";

	return (
		<div className="message-area">
			<ol
				className="messages"
				ref={scroller}
				onScroll={onScroll}
				aria-label="Messages"
				// biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be focusable for keyboard users
				tabIndex={0}
				data-testid="messages"
			>
				<li ref={topSentinel} className="history-edge" aria-hidden={!thread?.loadingOlder}>
					{thread?.loadingOlder ? "Loading earlier messages…" : null}
					{thread?.loaded && !thread.hasOlder && messages.length > 0 ? (
						<span className="muted small">Start of the conversation</span>
					) : null}
				</li>
				{!thread?.loaded && !thread?.error ? <li className="history-edge muted">Loading messages…</li> : null}
				{thread?.error && !thread.loaded ? (
					<li className="history-edge" role="alert">
						Couldn't load messages: {thread.error}
					</li>
				) : null}
				{thread?.loaded && messages.length === 0 && pending.length === 0 ? (
					<li className="history-edge muted">No messages yet. Say hello!</li>
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
							{firstUnread?.id === m.id ? (
								<li className="unread-divider" data-testid="unread-divider">
									<span>New messages</span>
								</li>
							) : null}
							<MessageBubble message={m} conversation={conversation} showSender={showSender} />
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
				<button type="button" className="jump-latest" onClick={() => scrollToBottom(true)} aria-label="Jump to latest">
					<IconDown />
				</button>
			) : null}
		</div>
	);
}

function DateSeparator({ iso }: { iso: string }) {
	return (
		<li className="date-separator">
			<time dateTime={iso}>{dayLabel(iso)}</time>
		</li>
	);
}
