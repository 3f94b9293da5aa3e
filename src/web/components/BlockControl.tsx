// Blocking: Block / Unblock in a direct chat's contact info and on each person's row in a group's
// info (with a confirmation that says what it does), and what the chat shows instead of the composer when a reply cannot go:
// "You blocked X — Unblock" for the blocker, "You can't send messages in this chat" after the server refused (403).
// Settings' list of blocked people unblocks through the same hook.
import { type ReactNode, useState } from "react";
import type { User } from "../../shared/schemas";
import { REFUSED_TEXT } from "../effects/sending";
import { failureText } from "../effects/store";
import { useChat, useChatStore } from "../store/context";
import styles from "./BlockControl.module.css";
import { Button, LinkButton } from "./Button";
import { ConfirmDialog } from "./ConfirmDialog";
import { FormError } from "./Field";

/**
 * Block and Unblock with their busy mark and failure text, for a control that may list several
 * people (Settings): `busyId` is the person whose request is on its way.
 */
export function useBlocking() {
	const store = useChatStore();
	const [busyId, setBusyId] = useState<string | null>(null);
	const [error, setError] = useState<string | null>(null);

	async function run(user: User, block: boolean) {
		setBusyId(user.id);
		setError(null);
		try {
			await (block ? store.block(user) : store.unblock(user));
		} catch (e) {
			setError(failureText(e, `${user.displayName} was not ${block ? "blocked" : "unblocked"}`));
		} finally {
			setBusyId(null);
		}
	}

	return { busyId, error, block: (user: User) => run(user, true), unblock: (user: User) => run(user, false) };
}

interface BlockButtonProps {
	user: User;
	/** On a group member's row: a small "Block" / "Unblock" beside the row's other actions. */
	compact?: boolean;
}

export function BlockButton({ user, compact = false }: BlockButtonProps) {
	const blocked = useChat((s) => user.id in s.blocks.users);
	const [confirming, setConfirming] = useState(false);
	const { busyId, error, block, unblock } = useBlocking();
	const busy = busyId !== null;

	return (
		<div className={compact ? styles["block-compact"] : styles["block-control"]}>
			{error ? <FormError className={compact ? styles["compact-error"] : undefined}>{error}</FormError> : null}
			{blocked ? (
				<Button
					variant="ghost"
					small={compact}
					disabled={busy}
					aria-label={`Unblock ${user.displayName}`}
					onClick={() => unblock(user)}
				>
					{compact ? "Unblock" : `Unblock ${user.displayName}`}
				</Button>
			) : (
				<Button
					variant={compact ? "ghost" : "danger"}
					small={compact}
					dangerText={compact}
					disabled={busy}
					aria-label={`Block ${user.displayName}`}
					onClick={() => setConfirming(true)}
				>
					{compact ? "Block" : `Block ${user.displayName}`}
				</Button>
			)}
			{confirming ? (
				<ConfirmDialog
					title={`Block ${user.displayName}?`}
					confirmLabel="Block"
					onCancel={() => setConfirming(false)}
					onConfirm={async () => {
						setConfirming(false);
						await block(user);
					}}
				>
					<p>
						They won't be able to message you in your direct chat or see when you're online, starting now. They aren't
						notified, but if they try to write to you there, they'll see that they can't. Your chat history stays,
						groups you share aren't affected, and you can unblock them any time in Settings.
					</p>
				</ConfirmDialog>
			) : null}
		</div>
	);
}

interface ReplyGateProps {
	conversationId: string;
	/** The other person of a direct chat. */
	otherUser: User | undefined;
	/** The composer, shown when nothing stands in the way. */
	children: ReactNode;
	/** An announcement group where I am not an admin (issue 23.5). */
	adminsOnly?: boolean;
}

/** Instead of the composer: why I can't write here, with Unblock when it is my own block. */
export function ReplyGate({ conversationId, otherUser, children, adminsOnly = false }: ReplyGateProps) {
	const blockedUser = useChat((s) => (otherUser ? s.blocks.users[otherUser.id] : undefined));
	const refused = useChat((s) => conversationId in s.blocks.refused);
	if (blockedUser) return <BlockedNotice user={otherUser ?? blockedUser} />;
	if (adminsOnly)
		return (
			<div className={styles["reply-notice"]} data-testid="reply-notice" role="status">
				<p>Only admins can send messages. You can still read and react.</p>
			</div>
		);
	if (refused)
		return (
			<div className={styles["reply-notice"]} data-testid="reply-notice" role="status">
				<p>{REFUSED_TEXT}</p>
			</div>
		);
	return children;
}

function BlockedNotice({ user }: { user: User }) {
	const { busyId, error, unblock } = useBlocking();
	return (
		<div className={styles["reply-notice"]} data-testid="reply-notice" role="status">
			<p>
				You blocked {user.displayName}.{" "}
				<LinkButton disabled={busyId !== null} onClick={() => unblock(user)}>
					Unblock
				</LinkButton>
			</p>
			{error ? <FormError className={styles["notice-error"]}>{error}</FormError> : null}
		</div>
	);
}
