// On a desktop Enter sends and Shift+Enter makes a new line; on a touch screen Enter makes a new
// line and the Send button sends, as in every phone messenger (issue 15.7). Typing events are
// throttled by the store. Editing my message happens here too (issue 22.8): the bar shows what
// is being edited, Send becomes Save, Escape or Cancel leaves the message as it was and brings
// the draft back; ↑ in an empty composer edits my last message.
import { type FormEvent, type KeyboardEvent, useEffect, useId, useRef, useState } from "react";
import { formatBytes as formatFileSize } from "../../shared/media";
import { IMAGE_CONTENT_TYPES, MAX_TEXT_LENGTH } from "../../shared/schemas";
import { FILE_ACCEPT, fileBadge, fileProblem } from "../attachments";
import { isTouchScreen } from "../device";
import { loadDraft, saveDraft } from "../drafts";
import { lastEditable, startEditing, stopEditing, useEditing } from "../editing";
import { failureText } from "../effects/store";
import { formatBytes } from "../format";
import { applyMention, filterMentionCandidates, type MentionQuery, mentionedIds, mentionQueryAt } from "../mentions";
import { useChat, useChatStore } from "../store/context";
import { IconButton } from "./Button";
import styles from "./Composer.module.css";
import { EditBanner, MentionList, ReplyBanner } from "./ComposerExtras";
import { EmojiPicker } from "./EmojiPicker";
import { ImageFileInput, useObjectUrl } from "./ImageFileInput";
import { IconAttach, IconCheck, IconClose, IconEmoji, IconFile, IconPoll, IconSend } from "./icons";
import { PollDialog } from "./PollDialog";
import { VoiceRecorder } from "./VoiceRecorder";

/** A phone or tablet: no hover and a coarse pointer. Read at each key press, so a docked tablet follows. */
export function Composer({ conversationId }: { conversationId: string }) {
	const store = useChatStore();
	const meId = useChat((s) => s.me.id);
	// ChatView is keyed by conversation, so each chat's composer starts from its own draft.
	const [text, setText] = useState(() => loadDraft(meId, conversationId));
	const [file, setFile] = useState<File | null>(null);
	/** Issue 23: a chosen document (PDF, Office, text, ZIP…), sent as a `file` message. */
	const [doc, setDoc] = useState<File | null>(null);
	const docInput = useRef<HTMLInputElement>(null);
	const preview = useObjectUrl(file);
	const [error, setError] = useState<string | null>(null);
	const textarea = useRef<HTMLTextAreaElement>(null);
	const fileInput = useRef<HTMLInputElement>(null);
	const errorId = useId();
	const mentionListId = useId();
	const replyingToId = useChat((s) => s.replyingTo[conversationId]);
	const replyingTo = useChat((s) =>
		replyingToId ? s.threads[conversationId]?.messages.find((m) => m.id === replyingToId) : undefined,
	);
	const editingId = useEditing(conversationId);
	const editing = useChat((s) =>
		editingId ? s.threads[conversationId]?.messages.find((m) => m.id === editingId && m.deletedAt === null) : undefined,
	);
	const messages = useChat((s) => s.threads[conversationId]?.messages);
	/** The draft put aside while editing, given back when the edit ends. */
	const draftAside = useRef<string | null>(null);
	const [saving, setSaving] = useState(false);
	const participants = useChat((s) => s.participants[conversationId]);
	const users = useChat((s) => s.users);
	const [mention, setMention] = useState<MentionQuery | null>(null);
	const [pickingEmoji, setPickingEmoji] = useState(false);
	const [makingPoll, setMakingPoll] = useState(false);
	/** Where the caret was when the picker opened: the emoji goes there. */
	const caret = useRef<{ start: number; end: number } | null>(null);
	const [activeMention, setActiveMention] = useState(0);
	const members = (participants ?? []).map((p) => users[p.user.id] ?? p.user);
	const candidates = mention ? filterMentionCandidates(members, mention.query, meId) : [];
	const suggesting = mention !== null && candidates.length > 0;

	// Grow with the text up to a few lines.
	// biome-ignore lint/correctness/useExhaustiveDependencies: re-measure whenever the text changes
	useEffect(() => {
		const el = textarea.current;
		if (!el) return;
		el.style.height = "auto";
		el.style.height = `${Math.min(el.scrollHeight, 160)}px`;
	}, [text]);

	useEffect(() => () => store.stopTyping(), [store]);

	useEffect(() => {
		if (!editingId) saveDraft(meId, conversationId, text);
	}, [meId, conversationId, text, editingId]);

	// An edit starts (the menu's Edit or ↑): the draft is put aside and the message's text comes in.
	// biome-ignore lint/correctness/useExhaustiveDependencies: only a new message to edit changes the box
	useEffect(() => {
		if (!editingId) return;
		const target = messages?.find((m) => m.id === editingId);
		if (!target || target.deletedAt !== null) {
			stopEditing(conversationId);
			return;
		}
		if (draftAside.current === null) draftAside.current = text;
		setText(target.text ?? "");
		setError(null);
		setMention(null);
		requestAnimationFrame(() => {
			const el = textarea.current;
			if (!el) return;
			el.focus();
			el.setSelectionRange(el.value.length, el.value.length);
		});
	}, [editingId]);

	// The message went away while being edited (deleted here or elsewhere): the edit ends.
	useEffect(() => {
		if (editingId && messages && !editing) endEdit();
	});

	// Leaving the chat ends an edit in progress (the draft stays saved).
	useEffect(() => () => stopEditing(conversationId), [conversationId]);

	function endEdit() {
		stopEditing(conversationId);
		setText(draftAside.current ?? loadDraft(meId, conversationId));
		draftAside.current = null;
		setError(null);
		requestAnimationFrame(() => textarea.current?.focus());
	}

	async function saveEdit() {
		if (!editing || saving) return;
		const trimmed = text.trim();
		if (!trimmed) {
			setError(
				editing.kind === "image"
					? "A caption can't be emptied. Delete the photo instead."
					: "A message can't be empty. Delete it instead.",
			);
			return;
		}
		if (trimmed.length > MAX_TEXT_LENGTH) {
			setError(`Messages can be at most ${MAX_TEXT_LENGTH.toLocaleString()} characters.`);
			return;
		}
		if (trimmed === (editing.text ?? "").trim()) return endEdit();
		setSaving(true);
		try {
			await store.editMessage(editing, trimmed);
			store.announce("Edited");
			endEdit();
		} catch (err) {
			setError(failureText(err, "the message wasn't edited"));
		} finally {
			setSaving(false);
		}
	}

	// Opening a chat puts the cursor in the message box (issue 15.10), except on touch screens,
	// where focusing would throw the keyboard over the messages the reader came to see.
	useEffect(() => {
		if (!isTouchScreen()) textarea.current?.focus({ preventScroll: true });
	}, []);

	function send(event?: FormEvent) {
		event?.preventDefault();
		if (editing) {
			void saveEdit();
			return;
		}
		const extras = {
			...(replyingTo ? { replyToId: replyingTo.id } : {}),
			mentions: mentionedIds(
				text,
				members.filter((m) => m.id !== meId),
			),
		};
		const problem = doc
			? store.sendFile(conversationId, doc, text, extras)
			: file
				? store.sendImage(conversationId, file, text, extras)
				: store.sendText(conversationId, text, extras);
		if (problem) {
			setError(problem);
			return;
		}
		if (!file && !doc && !text.trim()) return;
		setText("");
		setFile(null);
		setDoc(null);
		setError(null);
		setMention(null);
		textarea.current?.focus();
	}

	/** What is being typed after "@" at the caret, if anything. */
	function findMention(el: HTMLTextAreaElement) {
		const found = el.selectionStart === el.selectionEnd ? mentionQueryAt(el.value, el.selectionStart) : null;
		setMention((prev) => (prev?.start === found?.start && prev?.query === found?.query ? prev : found));
		if (found?.query !== mention?.query) setActiveMention(0);
	}

	function pickMention(member: { displayName: string }) {
		const el = textarea.current;
		if (!el || !mention) return;
		const next = applyMention(text, mention, el.selectionStart, member.displayName);
		setText(next.text);
		setMention(null);
		requestAnimationFrame(() => {
			el.focus();
			el.setSelectionRange(next.caret, next.caret);
		});
	}

	function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
		if (suggesting) {
			if (e.key === "ArrowDown" || e.key === "ArrowUp") {
				e.preventDefault();
				const step = e.key === "ArrowDown" ? 1 : -1;
				setActiveMention((i) => (i + step + candidates.length) % candidates.length);
				return;
			}
			if (e.key === "Enter" || e.key === "Tab") {
				const chosen = candidates[activeMention] ?? candidates[0];
				if (chosen) {
					e.preventDefault();
					pickMention(chosen);
					return;
				}
			}
			if (e.key === "Escape") {
				e.preventDefault();
				setMention(null);
				return;
			}
		}
		if (e.key === "Escape" && editing) {
			e.preventDefault();
			endEdit();
			return;
		}
		// ↑ in an empty composer edits my last message, as in Telegram and Slack.
		if (
			e.key === "ArrowUp" &&
			!editing &&
			!file &&
			text === "" &&
			!e.shiftKey &&
			!e.altKey &&
			!e.metaKey &&
			!e.ctrlKey
		) {
			const last = lastEditable(messages ?? [], meId);
			if (last) {
				e.preventDefault();
				startEditing(conversationId, last.id);
				return;
			}
		}
		if (e.key === "Escape" && replyingTo) {
			e.preventDefault();
			store.cancelReply(conversationId);
			return;
		}
		if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing && !isTouchScreen()) {
			e.preventDefault();
			send();
		}
	}

	function openEmojiPicker() {
		const el = textarea.current;
		caret.current = el ? { start: el.selectionStart, end: el.selectionEnd } : null;
		setPickingEmoji(true);
	}

	/** The picked emoji goes in at the caret (replacing a selection), and the caret after it (issue 22.7). */
	function insertEmoji(emoji: string) {
		const at = caret.current ?? { start: text.length, end: text.length };
		const next = text.slice(0, at.start) + emoji + text.slice(at.end);
		const position = at.start + emoji.length;
		setText(next);
		setPickingEmoji(false);
		store.notifyTyping(conversationId);
		// After the dialog has closed and given the focus back.
		requestAnimationFrame(() => {
			const el = textarea.current;
			if (!el) return;
			el.focus();
			el.setSelectionRange(position, position);
		});
	}

	function pick(selected: File | undefined) {
		if (!selected) return;
		if (!IMAGE_CONTENT_TYPES.some((t) => t === selected.type)) {
			setError("Only JPEG, PNG, WebP and GIF images can be sent.");
			return;
		}
		if (selected.size > 10 * 1024 * 1024) {
			setError(`That image is ${formatBytes(selected.size)}; the limit is 10 MB.`);
			return;
		}
		setError(null);
		setDoc(null);
		setFile(selected);
		textarea.current?.focus();
	}

	/** Issue 23: a document from the file picker; its type and size are checked before anything else. */
	function pickDoc(selected: File | undefined) {
		if (!selected) return;
		const problem = fileProblem(selected);
		if (problem) {
			setError(problem);
			return;
		}
		setError(null);
		setFile(null);
		setDoc(selected);
		textarea.current?.focus();
	}

	const canSend = editing ? !saving : file !== null || doc !== null || text.trim().length > 0;
	const touch = isTouchScreen();
	return (
		<form className={styles.composer} onSubmit={send} aria-label="Send a message">
			{error ? (
				<p className={styles["composer-error"]} role="alert" id={errorId}>
					{error}
				</p>
			) : null}
			{editing ? (
				<EditBanner message={editing} onCancel={endEdit} />
			) : replyingTo ? (
				<ReplyBanner message={replyingTo} onCancel={() => store.cancelReply(conversationId)} />
			) : null}
			{suggesting ? (
				<MentionList id={mentionListId} candidates={candidates} active={activeMention} onPick={pickMention} />
			) : null}
			{file && preview ? (
				<div className={styles["attachment-preview"]} data-testid="attachment-preview">
					<img src={preview} alt={`Selected: ${file.name}`} />
					<span className={styles["attachment-meta"]}>
						<span className={styles["attachment-name"]}>{file.name}</span>
						<span className="muted small">{formatBytes(file.size)}</span>
					</span>
					<IconButton onClick={() => setFile(null)} aria-label="Remove image">
						<IconClose />
					</IconButton>
				</div>
			) : null}
			{doc ? (
				<div className={styles["attachment-preview"]} data-testid="document-preview">
					<span className={styles["doc-badge"]} aria-hidden="true">
						{fileBadge(doc.name, doc.type)}
					</span>
					<span className={styles["attachment-meta"]}>
						<bdi className={styles["attachment-name"]}>{doc.name}</bdi>
						<span className="muted small">{formatFileSize(doc.size)}</span>
					</span>
					<IconButton onClick={() => setDoc(null)} aria-label="Remove file">
						<IconClose />
					</IconButton>
				</div>
			) : null}
			<div className={styles["composer-row"]}>
				<IconButton
					onClick={() => docInput.current?.click()}
					aria-label="Attach file"
					title="Attach file (PDF, Office, text, ZIP; up to 25 MB)"
					disabled={Boolean(editing)}
				>
					<IconFile />
				</IconButton>
				<input
					ref={docInput}
					type="file"
					accept={FILE_ACCEPT}
					className="sr-only"
					tabIndex={-1}
					aria-hidden="true"
					data-testid="document-input"
					onChange={(e) => {
						pickDoc(e.target.files?.[0]);
						e.target.value = "";
					}}
				/>
				<IconButton
					onClick={() => fileInput.current?.click()}
					aria-label="Attach image"
					title="Attach image"
					disabled={Boolean(editing)}
				>
					<IconAttach />
				</IconButton>
				<ImageFileInput ref={fileInput} onPick={pick} testId="file-input" />
				<IconButton
					onClick={() => setMakingPoll(true)}
					aria-label="Poll"
					title="New poll"
					aria-haspopup="dialog"
					disabled={Boolean(editing)}
				>
					<IconPoll />
				</IconButton>
				<label className="sr-only" htmlFor={`composer-${conversationId}`}>
					{editing ? "Edit message" : "Message"}
				</label>
				<textarea
					id={`composer-${conversationId}`}
					enterKeyHint={touch ? "enter" : "send"}
					ref={textarea}
					rows={1}
					placeholder={file || doc ? "Add a caption…" : "Message"}
					value={text}
					aria-describedby={error ? errorId : undefined}
					aria-autocomplete="list"
					aria-controls={suggesting ? mentionListId : undefined}
					aria-activedescendant={suggesting ? `${mentionListId}-${activeMention}` : undefined}
					onSelect={(e) => findMention(e.currentTarget)}
					onChange={(e) => {
						setText(e.target.value);
						findMention(e.target);
						if (editing) return;
						if (e.target.value) store.notifyTyping(conversationId);
						else store.stopTyping();
					}}
					onKeyDown={onKeyDown}
					onBlur={() => store.stopTyping()}
				/>
				<IconButton onClick={openEmojiPicker} aria-label="Emoji" title="Emoji" aria-haspopup="dialog">
					<IconEmoji />
				</IconButton>
				{!editing && !file && !doc && text.trim() === "" ? (
					<VoiceRecorder
						disabled={false}
						onError={setError}
						onRecorded={(recording, durationMs) => {
							const problem = store.sendVoice(conversationId, recording, durationMs);
							if (problem) setError(problem);
						}}
					/>
				) : null}
				<button
					type="submit"
					className={styles["send-btn"]}
					disabled={!canSend}
					aria-label={editing ? "Save" : "Send"}
					title={editing ? "Save" : undefined}
				>
					{editing ? <IconCheck /> : <IconSend />}
				</button>
			</div>
			{makingPoll ? (
				<PollDialog
					conversationId={conversationId}
					onClose={() => {
						setMakingPoll(false);
						requestAnimationFrame(() => textarea.current?.focus());
					}}
				/>
			) : null}
			{pickingEmoji ? (
				<EmojiPicker
					title="Choose an emoji"
					onPick={insertEmoji}
					onClose={() => {
						setPickingEmoji(false);
						requestAnimationFrame(() => textarea.current?.focus());
					}}
				/>
			) : null}
		</form>
	);
}
