import { useCallback, useEffect, useId, useRef, useState } from "react";
import { formatBytes, formatDuration, mediaLabel } from "../../shared/media";
import type { Conversation, Message } from "../../shared/schemas";
import { startEditing, useEditing } from "../editing";
import { failureText } from "../effects/store";
import { QUICK_REACTIONS } from "../emoji";
import { clockTime, fullTime } from "../format";
import { isEmojiOnly } from "../richtext";
import { useChat, useChatStore } from "../store/context";
import { canEdit, receiptFor, systemText } from "../store/messages";
import type { PendingMessage } from "../store/state";
import { quoteOf } from "../store/threads";
import { FileCard, VoicePlayer } from "./Attachment";
import attachmentStyles from "./Attachment.module.css";
import { Avatar } from "./Avatar";
import { LinkButton } from "./Button";
import { ConfirmDialog } from "./ConfirmDialog";
import { EmojiPicker } from "./EmojiPicker";
import { ForwardDialog } from "./ForwardDialog";
import { ImageViewer } from "./ImageViewer";
import { IconAlert, IconCheck, IconClock, IconMore, IconReadCheck } from "./icons";
import styles from "./MessageBubble.module.css";
import extras from "./MessageExtras.module.css";
import { IsolatedText } from "./PersonText";
import { PollCard } from "./PollCard";
import { ReactionChips } from "./ReactionChips";
import { ReplyQuote } from "./ReplyQuote";
import { ReportDialog } from "./ReportDialog";
import { RichText } from "./RichText";
import { usePopover } from "./usePopover";

const LONG_PRESS_MS = 500;

/** Class names joined, the false ones left out. */
function cx(...names: (string | false | null | undefined)[]): string {
	return names.filter(Boolean).join(" ");
}

interface MessageBubbleProps {
	message: Message;
	conversation: Conversation;
	showSender: boolean;
	/** The one message whose actions button is in the tab order (roving tabindex, issue 15.10). */
	tabStop: boolean;
	onActivate: (seq: number) => void;
}

export function MessageBubble({ message: m, conversation, showSender, tabStop, onActivate }: MessageBubbleProps) {
	const me = useChat((s) => s.me);
	const sender = useChat((s) => s.users[m.senderId]);
	const users = useChat((s) => s.users);
	const [viewing, setViewing] = useState(false);
	const [showActions, setShowActions] = useState(false);
	const [menuOpen, setMenuOpen] = useState(false);
	// Edited in the composer bar (issue 22.8); the bubble only shows that it is the one.
	const editing = useEditing(m.conversationId) === m.id;
	const item = useRef<HTMLLIElement>(null);
	const store = useChatStore();
	const press = useRef<{ timer: ReturnType<typeof setTimeout>; fired: boolean } | null>(null);

	// A tap elsewhere hides the actions a tap on this bubble revealed (touch screens have no hover).
	useEffect(() => {
		if (!showActions) return;
		const onPointer = (e: PointerEvent) => {
			if (e.target instanceof Node && !item.current?.contains(e.target)) setShowActions(false);
		};
		document.addEventListener("pointerdown", onPointer);
		return () => document.removeEventListener("pointerdown", onPointer);
	}, [showActions]);

	if (m.kind === "system") {
		return (
			<li className={styles["system-message"]} data-seq={m.seq} data-testid="system-message">
				<span>
					<IsolatedText text={systemText(m, users, me.id)} />
				</span>
			</li>
		);
	}

	const mine = m.senderId === me.id;
	const deleted = m.deletedAt !== null;
	const senderName = sender?.displayName ?? "Someone";
	const bigEmoji = !deleted && !m.image && !m.attachment && isEmojiOnly(m.text);
	const avatarColumn = conversation.type === "group" && !mine;

	// A long press opens the actions menu on touch screens (a short tap only reveals the button).
	const endPress = () => {
		if (press.current) clearTimeout(press.current.timer);
	};
	const onPointerDown = (e: React.PointerEvent) => {
		if (e.pointerType !== "touch" || deleted || editing) return;
		endPress();
		const state = {
			fired: false,
			timer: setTimeout(() => {
				state.fired = true;
				setShowActions(true);
				setMenuOpen(true);
			}, LONG_PRESS_MS),
		};
		press.current = state;
	};

	return (
		<li
			ref={item}
			className={cx(styles.message, mine ? styles.mine : styles.theirs, showActions && styles["show-actions"])}
			data-seq={m.seq}
			data-message-id={m.id}
			data-testid="message"
			data-mine={mine}
		>
			<div className={styles["bubble-row"]}>
				{avatarColumn ? (
					<span className={extras["bubble-avatar"]} data-testid="bubble-avatar">
						{showSender ? <Avatar name={senderName} seed={m.senderId} url={sender?.avatarUrl} size={28} /> : null}
					</span>
				) : null}
				{/* Tapping a bubble reveals its actions on touch screens; keyboards reach the actions button directly. */}
				{/* biome-ignore lint/a11y/useKeyWithClickEvents: the actions button is focusable on its own */}
				{/* biome-ignore lint/a11y/noStaticElementInteractions: see above */}
				<div
					className={cx(
						styles.bubble,
						deleted && styles.deleted,
						m.image && !deleted && styles["has-image"],
						bigEmoji && extras["big-emoji"],
						editing && extras.editing,
					)}
					data-testid="bubble"
					data-emoji-only={bigEmoji || undefined}
					data-editing={editing || undefined}
					onPointerDown={onPointerDown}
					onPointerUp={endPress}
					onPointerCancel={endPress}
					onPointerMove={(e) => {
						if (e.pointerType === "touch" && (Math.abs(e.movementX) > 4 || Math.abs(e.movementY) > 4)) endPress();
					}}
					onContextMenu={(e) => {
						if (press.current?.fired) e.preventDefault();
					}}
					onClick={(e) => {
						if (press.current?.fired) {
							press.current = null;
							return;
						}
						// A tap on the image or "Read by" is about that control, not the bubble's menu (issue 15.11).
						if (e.target instanceof Element && e.target.closest(`button, a, form, .${styles["read-by-list"]}`)) return;
						setShowActions((v) => !v);
					}}
				>
					{showSender ? (
						<bdi className={styles["sender-name"]} data-testid="sender-name">
							{senderName}
						</bdi>
					) : null}
					{!mine && !showSender ? <span className="sr-only">{senderName}: </span> : null}
					{deleted ? (
						<span className={styles["deleted-text"]} data-testid="deleted-text">
							This message was deleted
						</span>
					) : (
						<>
							{m.forwarded ? (
								<span className={attachmentStyles.forwarded} data-testid="forwarded">
									Forwarded
								</span>
							) : null}
							{m.replyTo ? (
								<ReplyQuote quote={m.replyTo} onJump={(seq) => store.jumpTo(m.conversationId, seq)} />
							) : null}
							{m.image ? (
								<button
									type="button"
									className={styles["image-thumb"]}
									onClick={() => setViewing(true)}
									aria-label={`Photo from ${mine ? "you" : senderName}, open full size`}
								>
									<img src={m.image.url} alt="" loading="lazy" data-testid="message-image" />
								</button>
							) : null}
							{m.kind === "file" && m.attachment ? <FileCard attachment={m.attachment} /> : null}
							{m.kind === "voice" && m.attachment ? (
								<VoicePlayer attachment={m.attachment} from={mine ? "you" : senderName} />
							) : null}
							{m.kind === "poll" && m.poll ? (
								<PollCard message={m} conversation={conversation} />
							) : m.text ? (
								<p className={styles["message-text"]} data-testid="message-text">
									<RichText text={m.text} mentions={m.mentions} />
								</p>
							) : null}
						</>
					)}
					<span className={styles.meta}>
						{m.editedAt && !deleted ? (
							<span className={extras.edited} data-testid="edited" title={`Edited ${fullTime(m.editedAt)}`}>
								edited
							</span>
						) : null}
						<time dateTime={m.createdAt} title={fullTime(m.createdAt)}>
							{clockTime(m.createdAt)}
						</time>
						{mine && !deleted ? <Receipt message={m} conversation={conversation} /> : null}
					</span>
				</div>
				{deleted ? null : (
					<MessageActions
						message={m}
						conversation={conversation}
						mine={mine}
						senderName={senderName}
						tabStop={tabStop}
						onActivate={onActivate}
						open={menuOpen}
						setOpen={setMenuOpen}
						onEdit={() => startEditing(m.conversationId, m.id)}
					/>
				)}
			</div>
			{deleted ? null : (
				<div className={cx(extras["under-bubble"], avatarColumn && extras["under-avatar"])}>
					<ReactionChips message={m} />
				</div>
			)}
			{viewing && m.image ? (
				<ImageViewer
					src={m.image.url}
					sender={mine ? "You" : senderName}
					createdAt={m.createdAt}
					caption={m.text}
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
	const anchor = useRef<HTMLButtonElement>(null);
	const popover = useRef<HTMLUListElement>(null);
	const close = useCallback(() => setOpen(false), []);
	// Above its button, so it never covers the reactions under the bubble; a scroll closes it (issue 22.15).
	usePopover(open, close, anchor, popover, "end", { prefer: "above", closeOnScroll: true });
	const info = receiptFor(message, participants, me.id);
	const label = info.label;
	// Read, delivered and sent differ by shape (disc, double tick, single tick), not only colour.
	const ticks = (
		<span
			className={cx(styles.ticks, styles[`ticks-${info.status}`])}
			role="img"
			aria-label={label}
			title={label}
			data-testid="ticks"
			data-shape={info.status === "read" ? "disc" : info.status === "delivered" ? "double" : "single"}
		>
			{info.status === "read" ? <IconReadCheck /> : <IconCheck double={info.status !== "sent"} />}
		</span>
	);
	if (conversation.type !== "group" || info.readBy.length === 0) return ticks;
	return (
		<>
			{ticks}
			<button
				ref={anchor}
				type="button"
				className={styles["read-by"]}
				aria-expanded={open}
				aria-controls={popoverId}
				onClick={() => setOpen((o) => !o)}
			>
				<span>
					Read by {info.readBy.length}
					{info.readBy.length < info.others ? ` of ${info.others}` : ""}
				</span>
			</button>
			{open ? (
				<ul
					className={cx(styles["read-by-list"], styles.popover)}
					data-testid="read-by-list"
					id={popoverId}
					ref={popover}
					aria-label="Read by"
				>
					{info.readBy.map((p) => (
						<li key={p.user.id}>{p.user.displayName}</li>
					))}
					{/* The rest of the members the message counts, so the list adds up to the ticks (issue 22.3). */}
					{info.deliveredTo
						.filter((p) => !info.readBy.includes(p))
						.map((p) => (
							<li key={p.user.id} data-state="delivered">
								{p.user.displayName} · delivered, not read
							</li>
						))}
					{info.waiting.map((p) => (
						<li key={p.user.id} data-state="waiting">
							{p.user.displayName} · not delivered yet
						</li>
					))}
				</ul>
			) : null}
		</>
	);
}

interface MessageActionsProps {
	message: Message;
	conversation: Conversation;
	mine: boolean;
	senderName: string;
	tabStop: boolean;
	onActivate: (seq: number) => void;
	open: boolean;
	setOpen: (open: boolean | ((open: boolean) => boolean)) => void;
	onEdit: () => void;
}

function MessageActions({
	message,
	conversation,
	mine,
	senderName,
	tabStop,
	onActivate,
	open,
	setOpen,
	onEdit,
}: MessageActionsProps) {
	const store = useChatStore();
	const me = useChat((s) => s.me);
	const participants = useChat((s) => s.participants[conversation.id]);
	const [confirming, setConfirming] = useState<"me" | "everyone" | null>(null);
	const [picking, setPicking] = useState(false);
	const [reporting, setReporting] = useState(false);
	const [forwarding, setForwarding] = useState(false);
	const menuId = useId();
	const button = useRef<HTMLButtonElement>(null);
	const menu = useRef<HTMLDivElement>(null);
	const close = useCallback(() => setOpen(false), [setOpen]);
	usePopover(open, close, button, menu, mine ? "end" : "start");
	const editable = canEdit(message, me.id);
	const amAdmin =
		conversation.type === "group" && participants?.some((p) => p.user.id === me.id && p.role === "admin") === true;
	const canDeleteForEveryone = mine || amAdmin;
	// Issue 23.4: admins pin in a group, both people in a direct chat.
	const canPinHere = conversation.type === "direct" || amAdmin;
	const isPinned = useChat((s) => s.pins[conversation.id]?.some((p) => p.message.id === message.id) === true);
	const who = mine ? "your message" : `${senderName}'s message`;

	useEffect(() => {
		if (open) menu.current?.querySelector<HTMLButtonElement>('[role="menuitem"]')?.focus();
	}, [open]);

	async function copy() {
		setOpen(false);
		button.current?.focus();
		try {
			await navigator.clipboard.writeText(message.text ?? "");
			store.announce("Copied");
		} catch {
			store.announce("Couldn't copy: this browser did not allow it.", "error");
		}
	}

	async function remove(scope: "me" | "everyone") {
		// Where focus goes once this message's button is gone: the next message's, else the previous one's.
		const list = button.current?.closest("ol");
		const buttons = [...(list?.querySelectorAll<HTMLButtonElement>("[data-message-actions]") ?? [])];
		const index = button.current ? buttons.indexOf(button.current) : -1;
		const neighbour = (buttons[index + 1] ?? buttons[index - 1])?.closest("li")?.dataset.seq;
		setConfirming(null);
		try {
			await store.deleteMessage(message, scope);
			store.announce(scope === "me" ? "Deleted for you" : "Deleted for everyone");
			requestAnimationFrame(() => {
				const next = neighbour
					? list?.querySelector<HTMLButtonElement>(`li[data-seq="${neighbour}"] [data-message-actions]`)
					: null;
				if (next && neighbour) {
					onActivate(Number(neighbour));
					next.focus();
				} else document.querySelector<HTMLTextAreaElement>('textarea[id^="composer-"]')?.focus();
			});
		} catch (error) {
			store.announce(failureText(error, "the message wasn't deleted"), "error");
			button.current?.focus();
		}
	}

	/** Closes the menu and gives the focus back to its button. */
	function closeMenu() {
		setOpen(false);
		button.current?.focus();
	}

	function react(emoji: string) {
		closeMenu();
		setPicking(false);
		// The picker's own focus return lands on the menu item it came from, which is gone (issue 22.12).
		requestAnimationFrame(() => button.current?.focus());
		void store.toggleReaction(message, emoji);
	}

	function onMenuKey(e: React.KeyboardEvent) {
		const items = [...(menu.current?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]') ?? [])];
		const index = items.indexOf(document.activeElement as HTMLButtonElement);
		if (e.key === "ArrowDown" || e.key === "ArrowRight") {
			e.preventDefault();
			items[(index + 1) % items.length]?.focus();
		} else if (e.key === "ArrowUp" || e.key === "ArrowLeft") {
			e.preventDefault();
			items[(index - 1 + items.length) % items.length]?.focus();
		} else if (e.key === "Home" || e.key === "End") {
			e.preventDefault();
			(e.key === "Home" ? items[0] : items.at(-1))?.focus();
		} else if (e.key === "Tab") {
			setOpen(false);
		}
	}

	return (
		<div className={styles["message-actions"]}>
			<button
				ref={button}
				type="button"
				className={styles["more-btn"]}
				data-message-actions
				aria-label={actionsLabel(who, clockTime(message.createdAt), message)}
				aria-haspopup="menu"
				aria-expanded={open}
				aria-controls={open ? menuId : undefined}
				tabIndex={tabStop ? 0 : -1}
				onFocus={() => onActivate(message.seq)}
				onClick={() => setOpen((o) => !o)}
			>
				<IconMore />
			</button>
			{open ? (
				<div
					className={cx(styles.menu, styles.popover)}
					role="menu"
					id={menuId}
					ref={menu}
					tabIndex={-1}
					onKeyDown={onMenuKey}
					aria-label={`Actions for ${who}`}
					data-testid="message-menu"
				>
					<div className={extras["quick-reactions"]} role="none">
						{QUICK_REACTIONS.map((emoji) => (
							<button
								key={emoji}
								type="button"
								role="menuitem"
								className={extras["quick-reaction"]}
								aria-label={`React with ${emoji}`}
								data-emoji={emoji}
								onClick={() => react(emoji)}
							>
								{emoji}
							</button>
						))}
						<button
							type="button"
							role="menuitem"
							className={extras["quick-reaction"]}
							aria-label="More reactions"
							title="More reactions"
							onClick={() => {
								setOpen(false);
								setPicking(true);
							}}
						>
							+
						</button>
					</div>
					<button
						type="button"
						role="menuitem"
						onClick={() => {
							setOpen(false);
							store.startReply(message);
							requestAnimationFrame(() =>
								document.querySelector<HTMLTextAreaElement>(`#composer-${CSS.escape(message.conversationId)}`)?.focus(),
							);
						}}
					>
						Reply
					</button>
					{editable ? (
						<button
							type="button"
							role="menuitem"
							onClick={() => {
								setOpen(false);
								onEdit();
							}}
						>
							Edit
						</button>
					) : null}
					<button
						type="button"
						role="menuitem"
						onClick={() => {
							setOpen(false);
							setForwarding(true);
						}}
					>
						Forward
					</button>
					{message.text ? (
						<button type="button" role="menuitem" onClick={() => void copy()}>
							Copy text
						</button>
					) : null}
					{canPinHere ? (
						<button
							type="button"
							role="menuitem"
							onClick={() => {
								setOpen(false);
								void store.pinMessage(message, !isPinned);
							}}
						>
							{isPinned ? "Unpin" : "Pin"}
						</button>
					) : null}
					{mine ? null : (
						<button
							type="button"
							role="menuitem"
							onClick={() => {
								setOpen(false);
								setReporting(true);
							}}
						>
							Report…
						</button>
					)}
					<button
						type="button"
						role="menuitem"
						onClick={() => {
							setOpen(false);
							setConfirming("me");
						}}
					>
						Delete for me
					</button>
					{canDeleteForEveryone ? (
						<button
							type="button"
							role="menuitem"
							className={styles["menu-danger"]}
							onClick={() => {
								setOpen(false);
								setConfirming("everyone");
							}}
						>
							Delete for everyone
						</button>
					) : null}
				</div>
			) : null}
			{picking ? (
				<EmojiPicker
					onPick={react}
					onClose={() => {
						setPicking(false);
						requestAnimationFrame(() => button.current?.focus());
					}}
				/>
			) : null}
			{forwarding ? (
				<ForwardDialog
					message={message}
					onClose={() => {
						setForwarding(false);
						button.current?.focus();
					}}
				/>
			) : null}
			{reporting ? (
				<ReportDialog
					message={message}
					onClose={() => {
						setReporting(false);
						button.current?.focus();
					}}
				/>
			) : null}
			{confirming ? (
				<ConfirmDialog
					title={confirming === "me" ? "Delete for you?" : "Delete for everyone?"}
					confirmLabel={confirming === "me" ? "Delete for me" : "Delete for everyone"}
					onCancel={() => setConfirming(null)}
					onConfirm={() => remove(confirming)}
				>
					<p>
						{confirming === "me"
							? "The message disappears from your history on every device. Others still see it."
							: "Everyone in the chat sees “This message was deleted” instead. This can't be undone."}
					</p>
				</ConfirmDialog>
			) : null}
		</div>
	);
}

/**
 * "Actions for your message at 4:40 PM: “See you at…”": the time alone is not unique (two
 * messages in a minute read the same), so the start of the text, or "a photo", follows (issue 22.12).
 */
export function actionsLabel(
	who: string,
	time: string,
	message: Pick<Message, "text" | "image"> & Partial<Pick<Message, "kind" | "attachment">>,
): string {
	const words = message.text?.replace(/\s+/gu, " ").trim() ?? "";
	const gist = words
		? `“${[...words].length > 40 ? `${[...words].slice(0, 40).join("").trimEnd()}…` : words}”`
		: message.image
			? "a photo"
			: message.kind === "file" || message.kind === "voice"
				? (mediaLabel({ kind: message.kind, attachment: message.attachment }) ?? "")
				: "";
	return `Actions for ${who} at ${time}${gist ? `: ${gist}` : ""}`;
}

export function PendingBubble({ pending: p }: { pending: PendingMessage }) {
	const store = useChatStore();
	const failed = p.status === "failed";
	// In the outbox (offline/outbox.ts): offline it waits for the network, online for its turn or a retry.
	const offline = useChat((s) => s.connection === "offline");
	const waiting = p.status === "waiting" ? (offline ? "Waiting for network" : "Waiting to send") : null;
	const quoted = useChat((s) =>
		p.replyToId ? s.threads[p.conversationId]?.messages.find((m) => m.id === p.replyToId) : undefined,
	);
	return (
		<li
			className={cx(styles.message, styles.mine, styles.pending, failed && styles.failed)}
			data-testid="pending-message"
			data-mine
		>
			<div className={styles["bubble-row"]}>
				<div className={cx(styles.bubble, p.previewUrl && styles["has-image"])} data-testid="bubble">
					{quoted ? <ReplyQuote quote={quoteOf(quoted)} onJump={(seq) => store.jumpTo(p.conversationId, seq)} /> : null}
					{p.previewUrl ? (
						<span className={cx(styles["image-thumb"], styles.uploading)}>
							<img src={p.previewUrl} alt="Your attachment, sending" />
							{p.status === "uploading" ? (
								<progress
									className={styles["upload-progress"]}
									max={1}
									value={p.progress ?? 0}
									aria-label="Upload progress"
								/>
							) : null}
						</span>
					) : null}
					{p.kind === "file" || p.kind === "voice" ? <PendingAttachment pending={p} /> : null}
					{p.text ? (
						<p className={styles["message-text"]} data-testid="message-text">
							{p.text}
						</p>
					) : null}
					<span className={styles.meta}>
						{failed ? (
							<span className={styles["send-failed"]} role="img" aria-label="Not sent">
								<IconAlert />
							</span>
						) : (
							<span
								className={cx(styles.ticks, styles["ticks-pending"])}
								role="img"
								aria-label={waiting ?? "Sending"}
								title={waiting ?? "Sending"}
							>
								<IconClock />
							</span>
						)}
					</span>
				</div>
			</div>
			{waiting ? (
				<div className={styles["waiting-row"]} data-testid="waiting">
					{waiting}
				</div>
			) : null}
			{failed ? (
				<div className={styles["failed-row"]} role="alert">
					<span>Not sent{p.error ? `: ${p.error}` : ""}</span>
					<LinkButton onClick={() => store.retry(p.conversationId, p.clientId)}>Retry</LinkButton>
					<LinkButton className="muted" onClick={() => store.discard(p.conversationId, p.clientId)}>
						Discard
					</LinkButton>
				</div>
			) : null}
		</li>
	);
}

/** Issue 23: a file or voice note on its way: what it is, the upload's progress and Cancel. */
function PendingAttachment({ pending: p }: { pending: PendingMessage }) {
	const store = useChatStore();
	const label = p.kind === "file" ? `📎 ${p.fileName ?? "File"}` : `🎤 Voice note ${formatDuration(p.durationMs ?? 0)}`;
	const inFlight = p.status === "uploading" || p.status === "waiting";
	return (
		<div data-testid="pending-attachment">
			<bdi className={styles["message-text"]}>{label}</bdi>
			{p.file ? <span className="small"> · {formatBytes(p.file.size)}</span> : null}
			{inFlight ? (
				<div className={attachmentStyles["pending-row"]}>
					{p.status === "uploading" ? (
						<progress max={1} value={p.progress ?? 0} aria-label={`Uploading ${label}`} data-testid="upload-progress" />
					) : null}
					<button
						type="button"
						className={attachmentStyles.cancel}
						onClick={() => store.cancelUpload(p.conversationId, p.clientId)}
						data-testid="upload-cancel"
					>
						Cancel
					</button>
				</div>
			) : null}
		</div>
	);
}
