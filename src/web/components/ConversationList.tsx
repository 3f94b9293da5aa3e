import { useEffect, useState } from "react";
import { mediaLabel } from "../../shared/media";
import type { Conversation, Message, Participant, User } from "../../shared/schemas";
import { isolate } from "../../shared/text";
import { listTime, mutedText } from "../format";
import { useNow } from "../hooks/useNow";
import { navigateToConversation } from "../navigation";
import { useChat } from "../store/context";
import { mutedNow } from "../store/conversations";
import { conversationTitle, otherParticipant, systemText } from "../store/messages";
import { Avatar } from "./Avatar";
import { Button, IconButton } from "./Button";
import styles from "./ConversationList.module.css";
import { IconCompose, IconSearch } from "./icons";
import { MutedMark } from "./MutedMark";
import { IsolatedText } from "./PersonText";
import { ProfileDialog } from "./ProfileDialog";
import { SearchDialog } from "./SearchDialog";
import { SettingsButton } from "./SettingsDialog";

interface ConversationListProps {
	openId: string | null;
	onCompose: () => void;
	onSignOut: () => void;
}

export function ConversationList({ openId, onCompose, onSignOut }: ConversationListProps) {
	const me = useChat((s) => s.me);
	const conversations = useChat((s) => s.conversations);
	const participants = useChat((s) => s.participants);
	const users = useChat((s) => s.users);
	const listLoaded = useChat((s) => s.listLoaded);
	const listError = useChat((s) => s.listError);
	const now = useNow(30_000);
	const [dialog, setDialog] = useState<"profile" | "search" | null>(null);

	return (
		<nav
			className={openId ? `${styles["list-pane"]} ${styles["beside-open-chat"]}` : styles["list-pane"]}
			data-testid="list-pane"
			aria-label="Conversations"
		>
			<header className={styles["pane-header"]}>
				<div className={styles.me}>
					<button
						type="button"
						className={styles["profile-btn"]}
						onClick={() => setDialog("profile")}
						title="Your profile"
						data-testid="profile-button"
					>
						<Avatar name={me.displayName} seed={me.id} url={me.avatarUrl} size={36} />
						<span className="sr-only">Your profile</span>
					</button>
					<div className={styles["me-text"]}>
						<h1 className={styles["app-title"]}>Chats</h1>
						<span className="muted small">{me.displayName}</span>
					</div>
				</div>
				<div className={styles["header-actions"]}>
					<SettingsButton />
					<IconButton onClick={() => setDialog("search")} aria-label="Search messages" title="Search messages">
						<IconSearch />
					</IconButton>
					<IconButton onClick={onCompose} aria-label="New message" title="New message">
						<IconCompose />
					</IconButton>
					<Button variant="ghost" small onClick={onSignOut} className={styles["sign-out"]}>
						Sign out
					</Button>
				</div>
			</header>
			{listError && !listLoaded ? (
				<p className={styles["list-status"]} role="alert">
					Couldn't load conversations: {listError}
				</p>
			) : null}
			{!listLoaded && !listError ? <p className={`${styles["list-status"]} muted`}>Loading conversations…</p> : null}
			{listLoaded && conversations.length === 0 ? (
				<div className={styles["list-empty"]}>
					<p className="muted">No conversations yet.</p>
					<Button variant="primary" onClick={onCompose}>
						Start a chat
					</Button>
				</div>
			) : null}
			<ul className={styles["conversation-list"]}>
				{conversations.map((c) => (
					<ConversationRow
						key={c.id}
						conversation={c}
						participants={participants[c.id]}
						users={users}
						me={me}
						active={c.id === openId}
						now={now}
					/>
				))}
			</ul>
			{dialog === "profile" ? <ProfileDialog onClose={() => setDialog(null)} /> : null}
			{dialog === "search" ? <SearchDialog onClose={() => setDialog(null)} /> : null}
		</nav>
	);
}

interface RowProps {
	conversation: Conversation;
	participants: Participant[] | undefined;
	users: Record<string, User>;
	me: User;
	active: boolean;
	now: Date;
}

function ConversationRow({ conversation: c, participants, users, me, active, now }: RowProps) {
	const title = conversationTitle(c, participants, me.id);
	const other = c.type === "direct" ? otherParticipant(participants, me.id) : undefined;
	const otherUser = other ? (users[other.user.id] ?? other.user) : undefined;
	const online = otherUser?.online === true;
	const preview = previewText(c.lastMessage, c.type, me.id, users, participants);
	const unread = c.unreadCount;
	return (
		<li>
			<a
				className={[styles["conversation-row"], active ? styles.active : "", unread > 0 ? styles.unread : ""].join(" ")}
				data-testid="conversation-row"
				href={`#/c/${encodeURIComponent(c.id)}`}
				aria-current={active ? "page" : undefined}
				data-conversation-id={c.id}
				onClick={(e) => {
					// Through navigateToConversation, so a menu's history entry going away cannot undo it (layers.ts);
					// a modified click still opens the link as the browser would.
					if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
					e.preventDefault();
					navigateToConversation(c.id);
				}}
			>
				<Avatar
					name={title}
					seed={otherUser?.id ?? c.id}
					url={otherUser?.avatarUrl}
					online={online}
					group={c.type === "group"}
				/>
				<span className={styles["row-main"]}>
					<span className={styles["row-top"]}>
						<bdi className={styles["row-title"]} data-testid="row-title">
							{title}
						</bdi>
						{online ? <span className="sr-only"> (online)</span> : null}
						<time className={styles["row-time"]} dateTime={c.lastActivityAt}>
							{listTime(c.lastMessage?.createdAt ?? c.lastActivityAt, now)}
						</time>
					</span>
					<span className={styles["row-bottom"]}>
						<span className={styles["row-preview"]} data-testid="row-preview">
							<IsolatedText text={preview} />
						</span>
						{mutedNow(c, now.getTime()) ? (
							<MutedMark label={mutedText(c.mutedUntil, now)} title={mutedText(c.mutedUntil, now)} />
						) : null}
						{(c.unreadMentionCount ?? 0) > 0 ? (
							<span className={styles["mention-badge"]} data-testid="mention-badge" title="You were mentioned">
								@<span className="sr-only"> you were mentioned</span>
							</span>
						) : null}
						{unread > 0 ? (
							<span
								className={mutedNow(c, now.getTime()) ? `${styles.badge} ${styles["badge-muted"]}` : styles.badge}
								data-testid="unread-badge"
							>
								{unread > 99 ? "99+" : unread}
								<span className="sr-only"> unread</span>
							</span>
						) : null}
					</span>
				</span>
			</a>
		</li>
	);
}

function previewText(
	m: Message | null,
	type: Conversation["type"],
	meId: string,
	users: Record<string, User>,
	participants: Participant[] | undefined,
): string {
	if (!m) return "No messages yet";
	if (m.kind === "system") return systemText(m, users, meId);
	if (m.deletedAt) return "This message was deleted";
	const media = mediaLabel(m);
	const body =
		m.kind === "image"
			? m.text
				? `Photo: ${m.text}`
				: "Photo"
			: media
				? m.text
					? `${media}: ${m.text}`
					: media
				: (m.text ?? "");
	if (m.senderId === meId) return `You: ${body}`;
	if (type === "group") {
		const name =
			users[m.senderId]?.displayName ?? participants?.find((p) => p.user.id === m.senderId)?.user.displayName;
		if (name) return `${isolate(name.split(" ")[0] ?? name)}: ${body}`;
	}
	return body;
}
