import { useEffect, useId, useRef, useState } from "react";
import type { Conversation, Message } from "../../shared/schemas";
import { clockTime, fullTime } from "../format";
import type { PendingMessage } from "../store/chat-store";
import { useChat, useChatStore } from "../store/context";
import { receiptFor, systemText } from "../store/messages";
import { ImageViewer } from "./ImageViewer";
import { IconAlert, IconCheck, IconClock, IconMore } from "./icons";

interface MessageBubbleProps {
	message: Message;
	conversation: Conversation;
	showSender: boolean;
}

export function MessageBubble({ message: m, conversation, showSender }: MessageBubbleProps) {
	const me = useChat((s) => s.me);
	const sender = useChat((s) => s.users[m.senderId]);
	const users = useChat((s) => s.users);
	const [viewing, setViewing] = useState(false);
	const [showActions, setShowActions] = useState(false);

	if (m.kind === "system") {
		return (
			<li className="system-message" data-seq={m.seq}>
				<span>{systemText(m, users, me.id)}</span>
			</li>
		);
	}

	const mine = m.senderId === me.id;
	const deleted = m.deletedAt !== null;
	const senderName = sender?.displayName ?? "Someone";
	return (
		<li
			className={`message ${mine ? "mine" : "theirs"} ${showActions ? "show-actions" : ""}`}
			data-seq={m.seq}
			data-testid="message"
		>
			<div className="bubble-row">
				{/* Tapping a bubble reveals its actions on touch screens; keyboards reach the actions button directly. */}
				{/* biome-ignore lint/a11y/useKeyWithClickEvents: the actions button is focusable on its own */}
				{/* biome-ignore lint/a11y/noStaticElementInteractions: see above */}
				<div
					className={`bubble ${deleted ? "deleted" : ""} ${m.image && !deleted ? "has-image" : ""}`}
					onClick={() => setShowActions((v) => !v)}
				>
					{showSender ? <span className="sender-name">{senderName}</span> : null}
					{!mine && !showSender ? <span className="sr-only">{senderName}: </span> : null}
					{deleted ? (
						<span className="deleted-text">This message was deleted</span>
					) : (
						<>
							{m.image ? (
								<button
									type="button"
									className="image-thumb"
									onClick={() => setViewing(true)}
									aria-label={`Photo from ${mine ? "you" : senderName}, open full size`}
								>
									<img src={m.image.url} alt="" loading="lazy" data-testid="message-image" />
								</button>
							) : null}
							{m.text ? <p className="message-text">{m.text}</p> : null}
						</>
					)}
					<span className="meta">
						<time dateTime={m.createdAt} title={fullTime(m.createdAt)}>
							{clockTime(m.createdAt)}
						</time>
						{mine && !deleted ? <Receipt message={m} conversation={conversation} /> : null}
					</span>
				</div>
				{deleted ? null : <MessageActions message={m} conversation={conversation} mine={mine} />}
			</div>
			{viewing && m.image ? (
				<ImageViewer
					src={m.image.url}
					alt={`Photo from ${mine ? "you" : senderName}`}
					onClose={() => setViewing(false)}
				/>
			) : null}
		</li>
	);
}

function Receipt({ message, conversation }: { message: Message; conversation: Conversation }) {
	const me = useChat((s) => s.me);
	const participants = useChat((s) => s.participants[conversation.id]);
	const [open, setOpen] = useState(false);
	const popoverId = useId();
	const info = receiptFor(message, participants, me.id);
	const label = info.status === "read" ? "Read" : info.status === "delivered" ? "Delivered" : "Sent";
	const ticks = (
		<span className={`ticks ticks-${info.status}`} role="img" aria-label={label} title={label} data-testid="ticks">
			<IconCheck double={info.status !== "sent"} />
		</span>
	);
	if (conversation.type !== "group" || info.readBy.length === 0) return ticks;
	return (
		<>
			{ticks}
			<button
				type="button"
				className="read-by"
				aria-expanded={open}
				aria-controls={popoverId}
				onClick={() => setOpen((o) => !o)}
			>
				Read by {info.readBy.length}
			</button>
			{open ? (
				<ul className="read-by-list" id={popoverId}>
					{info.readBy.map((p) => (
						<li key={p.user.id}>{p.user.displayName}</li>
					))}
				</ul>
			) : null}
		</>
	);
}

function MessageActions({
	message,
	conversation,
	mine,
}: {
	message: Message;
	conversation: Conversation;
	mine: boolean;
}) {
	const store = useChatStore();
	const me = useChat((s) => s.me);
	const participants = useChat((s) => s.participants[conversation.id]);
	const [open, setOpen] = useState(false);
	const [note, setNote] = useState<string | null>(null);
	const menuId = useId();
	const ref = useRef<HTMLDivElement>(null);
	const amAdmin =
		conversation.type === "group" && participants?.some((p) => p.user.id === me.id && p.role === "admin") === true;
	const canDeleteForEveryone = mine || amAdmin;

	useEffect(() => {
		if (!open) return;
		const first = ref.current?.querySelector<HTMLButtonElement>('[role="menuitem"]');
		first?.focus();
		const onPointer = (e: PointerEvent) => {
			if (e.target instanceof Node && !ref.current?.contains(e.target)) setOpen(false);
		};
		document.addEventListener("pointerdown", onPointer);
		return () => document.removeEventListener("pointerdown", onPointer);
	}, [open]);

	useEffect(() => {
		if (!note) return;
		const timer = setTimeout(() => setNote(null), 2500);
		return () => clearTimeout(timer);
	}, [note]);

	async function run(action: () => Promise<void>, done?: string) {
		setOpen(false);
		try {
			await action();
			if (done) setNote(done);
		} catch (e) {
			setNote(e instanceof Error ? e.message : "That didn't work");
		}
	}

	function onMenuKey(e: React.KeyboardEvent) {
		const items = [...(ref.current?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]') ?? [])];
		const index = items.indexOf(document.activeElement as HTMLButtonElement);
		if (e.key === "Escape") {
			setOpen(false);
			ref.current?.querySelector<HTMLButtonElement>(".more-btn")?.focus();
		} else if (e.key === "ArrowDown") {
			e.preventDefault();
			items[(index + 1) % items.length]?.focus();
		} else if (e.key === "ArrowUp") {
			e.preventDefault();
			items[(index - 1 + items.length) % items.length]?.focus();
		}
	}

	return (
		<div className="message-actions" ref={ref}>
			<button
				type="button"
				className="more-btn"
				aria-label="Message actions"
				aria-haspopup="menu"
				aria-expanded={open}
				aria-controls={open ? menuId : undefined}
				onClick={() => setOpen((o) => !o)}
			>
				<IconMore />
			</button>
			{open ? (
				<div className="menu" role="menu" id={menuId} tabIndex={-1} onKeyDown={onMenuKey}>
					{message.text ? (
						<button
							type="button"
							role="menuitem"
							onClick={() => run(() => navigator.clipboard.writeText(message.text ?? ""), "Copied")}
						>
							Copy text
						</button>
					) : null}
					<button type="button" role="menuitem" onClick={() => run(() => store.deleteMessage(message, "me"))}>
						Delete for me
					</button>
					{canDeleteForEveryone ? (
						<button
							type="button"
							role="menuitem"
							className="danger"
							onClick={() => run(() => store.deleteMessage(message, "everyone"))}
						>
							Delete for everyone
						</button>
					) : null}
				</div>
			) : null}
			{note ? (
				<span className="action-note" role="status">
					{note}
				</span>
			) : null}
		</div>
	);
}

export function PendingBubble({ pending: p }: { pending: PendingMessage }) {
	const store = useChatStore();
	const failed = p.status === "failed";
	return (
		<li className={`message mine pending ${failed ? "failed" : ""}`} data-testid="pending-message">
			<div className="bubble-row">
				<div className={`bubble ${p.previewUrl ? "has-image" : ""}`}>
					{p.previewUrl ? (
						<span className="image-thumb uploading">
							<img src={p.previewUrl} alt="Your attachment, sending" />
							{p.status === "uploading" ? (
								<progress className="upload-progress" max={1} value={p.progress ?? 0} aria-label="Upload progress" />
							) : null}
						</span>
					) : null}
					{p.text ? <p className="message-text">{p.text}</p> : null}
					<span className="meta">
						{failed ? (
							<span className="send-failed" role="img" aria-label="Not sent">
								<IconAlert />
							</span>
						) : (
							<span className="ticks ticks-pending" role="img" aria-label="Sending" title="Sending">
								<IconClock />
							</span>
						)}
					</span>
				</div>
			</div>
			{failed ? (
				<div className="failed-row" role="alert">
					<span>Not sent{p.error ? `: ${p.error}` : ""}</span>
					<button type="button" className="link" onClick={() => store.retry(p.conversationId, p.clientId)}>
						Retry
					</button>
					<button type="button" className="link muted" onClick={() => store.discard(p.conversationId, p.clientId)}>
						Discard
					</button>
				</div>
			) : null}
		</li>
	);
}
