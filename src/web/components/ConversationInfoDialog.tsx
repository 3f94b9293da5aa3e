// Group info (members, roles, presence, admin actions, leave) and the mute toggle for any chat.
import { type FormEvent, useEffect, useId, useMemo, useRef, useState } from "react";
import type { Conversation, Participant, User } from "../../shared/schemas";
import { MAX_GROUP_MEMBERS, MAX_TITLE_LENGTH } from "../../shared/schemas";
import { ApiError } from "../api";
import { failureText } from "../effects/store";
import { lastSeen, mutedText } from "../format";
import { useNow } from "../hooks/useNow";
import { backToList } from "../navigation";
import { useChat, useChatStore } from "../store/context";
import { MUTE_CHOICES, type MuteChoice, mutedNow, muteEndFor } from "../store/conversations";
import { conversationTitle, otherParticipant } from "../store/messages";
import { Avatar } from "./Avatar";
import { BlockButton } from "./BlockControl";
import { Button } from "./Button";
import { ConfirmDialog } from "./ConfirmDialog";
import styles from "./ConversationInfoDialog.module.css";
import { Dialog, DialogActions } from "./Dialog";
import { Field, FormError, LengthHint, TextInput } from "./Field";
import { InviteLinks } from "./InviteLinks";
import { PeopleSearch } from "./PeopleSearch";
import { PersonText } from "./PersonText";

/** The API's 409 message, plus what the rule means for the person reading it. */
function explain(error: unknown, action: "add" | "remove" | "demote" | "leave" | "other"): string {
	if (!(error instanceof ApiError)) return error instanceof Error ? error.message : "That didn't work";
	if (error.status !== 409 || action === "other") return error.message;
	const rule =
		action === "add"
			? `Groups can have at most ${MAX_GROUP_MEMBERS} members.`
			: "A group always needs at least one admin: make someone else an admin first.";
	return `${error.message} ${rule}`.trim();
}

export function ConversationInfoDialog({ conversation, onClose }: { conversation: Conversation; onClose: () => void }) {
	const store = useChatStore();
	const me = useChat((s) => s.me);
	const participants = useChat((s) => s.participants[conversation.id]);
	const users = useChat((s) => s.users);
	const [error, setError] = useState<string | null>(null);
	const [adding, setAdding] = useState(false);
	const [toAdd, setToAdd] = useState<User[]>([]);
	const [busy, setBusy] = useState(false);
	const [confirming, setConfirming] = useState<{ kind: "leave" } | { kind: "remove"; user: User } | null>(null);
	const isGroup = conversation.type === "group";
	const amAdmin = participants?.some((p) => p.user.id === me.id && p.role === "admin") === true;
	const memberIds = useMemo(() => new Set((participants ?? []).map((p) => p.user.id)), [participants]);
	const title = conversationTitle(conversation, participants, me.id);
	const other = isGroup ? undefined : otherParticipant(participants, me.id)?.user;
	const otherUser = other ? (users[other.id] ?? other) : undefined;
	// A direct chat's picture is the other person's.
	const otherAvatar = other ? (users[other.id]?.avatarUrl ?? other.avatarUrl) : null;

	async function act(action: () => Promise<void>, kind: "add" | "remove" | "demote" | "leave" | "other") {
		setBusy(true);
		setError(null);
		try {
			await action();
		} catch (e) {
			setError(explain(e, kind));
		} finally {
			setBusy(false);
		}
	}

	const sorted = [...(participants ?? [])].sort((a, b) => {
		if (a.user.id === me.id) return -1;
		if (b.user.id === me.id) return 1;
		if (a.role !== b.role) return a.role === "admin" ? -1 : 1;
		return a.user.displayName.localeCompare(b.user.displayName);
	});

	return (
		<Dialog title={isGroup ? "Group info" : "Contact info"} onClose={onClose} className={styles["info-dialog"]}>
			<div className={styles["info-summary"]}>
				<Avatar name={title} seed={conversation.id} url={otherAvatar} size={64} group={isGroup} />
				{isGroup && amAdmin ? (
					<GroupTitle
						title={title}
						onRename={async (next) => {
							await store.renameGroup(conversation.id, next);
							store.announce("Group renamed");
						}}
					/>
				) : (
					<h3>{title}</h3>
				)}
				{isGroup ? <p className="muted small">{participants?.length ?? "…"} members</p> : null}
			</div>
			<MuteControl
				conversation={conversation}
				onChange={(muted, until) => act(() => store.setMuted(conversation.id, muted, until), "other")}
			/>
			{isGroup && amAdmin ? (
				<AdminsOnlyControl
					on={conversation.onlyAdminsSend === true}
					onChange={(on) =>
						act(async () => {
							await store.setOnlyAdminsSend(conversation.id, on);
							store.announce(on ? "Only admins can send messages now" : "Everyone can send messages now");
						}, "other")
					}
				/>
			) : isGroup && conversation.onlyAdminsSend ? (
				<p className="muted small">Only admins can send messages in this group.</p>
			) : null}
			{error ? <FormError>{error}</FormError> : null}
			<section aria-labelledby="members-heading">
				<div className={styles["section-head"]}>
					<h3 id="members-heading">{isGroup ? "Members" : "People"}</h3>
					{isGroup && amAdmin ? (
						<Button variant="ghost" small onClick={() => setAdding((a) => !a)} aria-expanded={adding}>
							{adding ? "Cancel" : "Add members"}
						</Button>
					) : null}
				</div>
				{adding ? (
					<div className={styles["add-members"]}>
						<PeopleSearch
							selected={toAdd}
							exclude={memberIds}
							label="Find people to add"
							onToggle={(u) =>
								setToAdd((list) => (list.some((x) => x.id === u.id) ? list.filter((x) => x.id !== u.id) : [...list, u]))
							}
						/>
						<Button
							variant="primary"
							disabled={busy || toAdd.length === 0}
							onClick={() =>
								act(async () => {
									await store.addMembers(
										conversation.id,
										toAdd.map((u) => u.id),
									);
									setToAdd([]);
									setAdding(false);
								}, "add")
							}
						>
							Add {toAdd.length > 0 ? toAdd.length : ""} to group
						</Button>
					</div>
				) : null}
				<ul className={styles["member-list"]} data-testid="member-list">
					{sorted.map((p) => (
						<MemberRow
							key={p.user.id}
							participant={p}
							user={users[p.user.id] ?? p.user}
							isMe={p.user.id === me.id}
							canManage={isGroup && amAdmin}
							busy={busy}
							onRemove={() => setConfirming({ kind: "remove", user: users[p.user.id] ?? p.user })}
							onRole={(role) => act(() => store.setRole(conversation.id, p.user.id, role), "demote")}
							blockable={isGroup}
						/>
					))}
				</ul>
				{isGroup && amAdmin ? (
					<p className="muted small">Up to {MAX_GROUP_MEMBERS} members. A group always keeps at least one admin.</p>
				) : null}
			</section>
			{isGroup && amAdmin ? <InviteLinks conversationId={conversation.id} /> : null}
			{!isGroup && otherUser ? <BlockButton user={otherUser} /> : null}
			{isGroup ? (
				<DialogActions>
					<Button variant="danger" disabled={busy} onClick={() => setConfirming({ kind: "leave" })}>
						Leave group
					</Button>
				</DialogActions>
			) : null}
			{confirming?.kind === "leave" ? (
				<ConfirmDialog
					title={`Leave “${title}”?`}
					confirmLabel="Leave group"
					onCancel={() => setConfirming(null)}
					onConfirm={async () => {
						setConfirming(null);
						await act(async () => {
							await store.leave(conversation.id);
							onClose();
							backToList();
						}, "leave");
					}}
				>
					<p>You'll stop getting its messages, and its history leaves your devices.</p>
				</ConfirmDialog>
			) : null}
			{confirming?.kind === "remove" ? (
				<ConfirmDialog
					title={`Remove ${confirming.user.displayName}?`}
					confirmLabel="Remove"
					onCancel={() => setConfirming(null)}
					onConfirm={async () => {
						const { user } = confirming;
						setConfirming(null);
						await act(async () => {
							await store.removeMember(conversation.id, user.id);
							store.announce(`Removed ${user.displayName}`);
						}, "remove");
					}}
				>
					<p>
						{confirming.user.displayName} leaves “{title}” and can no longer read it. An admin can add them again.
					</p>
				</ConfirmDialog>
			) : null}
		</Dialog>
	);
}

/**
 * The group's name with, for admins, a Rename button that turns it into an inline form
 * (Save / Cancel; Escape cancels without closing the dialog). Focus goes to the field on open
 * and back to Rename after Save or Cancel; what went wrong stays beside the field.
 */
function GroupTitle({ title, onRename }: { title: string; onRename: (title: string) => Promise<void> }) {
	const [editing, setEditing] = useState(false);
	const [value, setValue] = useState(title);
	const [error, setError] = useState<string | null>(null);
	const [saving, setSaving] = useState(false);
	const inputRef = useRef<HTMLInputElement>(null);
	const renameRef = useRef<HTMLButtonElement>(null);
	const refocus = useRef(false);
	const errorId = useId();
	const inputId = useId();
	const hintId = useId();

	useEffect(() => {
		if (editing) {
			inputRef.current?.focus();
			inputRef.current?.select();
		} else if (refocus.current) {
			refocus.current = false;
			renameRef.current?.focus();
		}
	}, [editing]);

	function stop() {
		refocus.current = true;
		setEditing(false);
		setError(null);
	}

	async function save(e: FormEvent) {
		e.preventDefault();
		const next = value.trim();
		if (next.length === 0) return setError("Enter a name for the group.");
		if (next.length > MAX_TITLE_LENGTH) return setError(`A group name is at most ${MAX_TITLE_LENGTH} characters.`);
		if (next === title) return stop();
		setSaving(true);
		setError(null);
		try {
			await onRename(next);
			stop();
		} catch (err) {
			setError(failureText(err, "the group was not renamed"));
		} finally {
			setSaving(false);
		}
	}

	if (!editing) {
		return (
			<div className={styles["group-title"]}>
				<h3>{title}</h3>
				<Button
					variant="ghost"
					small
					ref={renameRef}
					aria-label="Rename group"
					onClick={() => {
						setValue(title);
						setEditing(true);
					}}
				>
					Rename
				</Button>
			</div>
		);
	}
	return (
		<form className={styles["rename-form"]} onSubmit={save} noValidate>
			<Field className={styles["rename-label"]} htmlFor={inputId}>
				<span>Group name</span>
			</Field>
			<TextInput
				ref={inputRef}
				id={inputId}
				value={value}
				maxLength={MAX_TITLE_LENGTH}
				autoComplete="off"
				aria-invalid={error !== null}
				aria-describedby={error ? `${errorId} ${hintId}` : hintId}
				onChange={(e) => setValue(e.target.value)}
				onKeyDown={(e) => {
					if (e.key !== "Escape") return;
					// Escape cancels the rename, not the whole dialog.
					e.preventDefault();
					e.stopPropagation();
					stop();
				}}
			/>
			<LengthHint id={hintId} length={value.length} max={MAX_TITLE_LENGTH} />
			{error ? (
				<FormError className={styles["rename-error"]} id={errorId}>
					{error}
				</FormError>
			) : null}
			<div className={styles["rename-actions"]}>
				<Button variant="ghost" small onClick={stop} disabled={saving}>
					Cancel
				</Button>
				<Button variant="primary" small type="submit" disabled={saving}>
					{saving ? "Saving…" : "Save"}
				</Button>
			</div>
		</form>
	);
}

interface MemberRowProps {
	participant: Participant;
	user: User;
	isMe: boolean;
	canManage: boolean;
	busy: boolean;
	onRemove: () => void;
	onRole: (role: "admin" | "member") => void;
	/** Offer Block / Unblock on this row (a group's other members; a direct chat has its own button). */
	blockable: boolean;
}

function MemberRow({ participant: p, user, isMe, canManage, busy, onRemove, onRole, blockable }: MemberRowProps) {
	const presence = isMe ? "you" : user.online ? "online" : lastSeen(user.lastSeenAt);
	return (
		<li className={styles.member} data-testid="member">
			<Avatar name={user.displayName} seed={user.id} url={user.avatarUrl} size={36} online={!isMe && user.online} />
			<PersonText name={`${user.displayName}${isMe ? " (you)" : ""}`}>
				<span className={`small ${user.online && !isMe ? styles.online : "muted"}`}>{presence}</span>
			</PersonText>
			{p.role === "admin" ? (
				<span className={styles["role-badge"]} data-testid="role-badge">
					Admin
				</span>
			) : null}
			{canManage && isMe && p.role === "admin" ? (
				<span className={styles["member-actions"]}>
					<Button variant="ghost" small disabled={busy} onClick={() => onRole("member")}>
						Step down as admin
					</Button>
				</span>
			) : null}
			{!isMe && (canManage || blockable) ? (
				<span className={styles["member-actions"]}>
					{canManage ? (
						<>
							{p.role === "admin" ? (
								<Button variant="ghost" small disabled={busy} onClick={() => onRole("member")}>
									Remove admin
								</Button>
							) : (
								<Button variant="ghost" small disabled={busy} onClick={() => onRole("admin")}>
									Make admin
								</Button>
							)}
							<Button
								variant="ghost"
								small
								dangerText
								disabled={busy}
								onClick={onRemove}
								aria-label={`Remove ${user.displayName} from the group`}
							>
								Remove
							</Button>
						</>
					) : null}
					{/* Blocking is about the person, not the group: any member can block another from here. */}
					{blockable ? <BlockButton user={user} compact /> : null}
				</span>
			) : null}
		</li>
	);
}

/**
 * Mute for 8 hours, a week, or until turned back on (issue 22.20): one native select, so the
 * keyboard and screen readers get its usual behaviour; a timed mute says when it ends.
 */
function MuteControl({
	conversation,
	onChange,
}: {
	conversation: Conversation;
	onChange: (muted: boolean, until: string | null) => void;
}) {
	const now = useNow(60_000);
	const muted = mutedNow(conversation, now.getTime());
	// A timed mute shows as its own line ("Muted until …") rather than as one of the lengths.
	const value: MuteChoice = !muted ? "off" : conversation.mutedUntil ? "timed" : "always";
	const hintId = useId();
	return (
		<div className={styles.toggle}>
			<label htmlFor={`${hintId}-mute`}>Mute notifications</label>
			<select
				id={`${hintId}-mute`}
				className={styles["mute-select"]}
				value={value}
				aria-describedby={muted && conversation.mutedUntil ? hintId : undefined}
				onChange={(e) => {
					const choice = e.target.value as MuteChoice;
					onChange(choice !== "off", choice === "off" ? null : muteEndFor(choice));
				}}
			>
				<option value="off">Off</option>
				{value === "timed" ? (
					<option value="timed" disabled>
						{mutedText(conversation.mutedUntil, now)}
					</option>
				) : null}
				{MUTE_CHOICES.map((c) => (
					<option key={c.value} value={c.value}>
						{c.label}
					</option>
				))}
			</select>
			{muted && conversation.mutedUntil ? (
				<span id={hintId} className="muted small" data-testid="muted-until">
					{mutedText(conversation.mutedUntil, now)}
				</span>
			) : null}
		</div>
	);
}

/**
 * "Only admins can send messages" (issue 23.5), for a group's admins: the switch moves at once
 * and follows the server's answer (or goes back when the change failed).
 */
function AdminsOnlyControl({ on, onChange }: { on: boolean; onChange: (on: boolean) => Promise<void> }) {
	const [pending, setPending] = useState<boolean | null>(null);
	return (
		<div className={styles.toggle}>
			<label className={styles["admins-only"]}>
				<input
					type="checkbox"
					checked={pending ?? on}
					disabled={pending !== null}
					onChange={(e) => {
						const next = e.target.checked;
						setPending(next);
						void onChange(next).finally(() => setPending(null));
					}}
				/>
				Only admins can send messages
			</label>
		</div>
	);
}
