import { useState } from "react";
import { lastSeen } from "../format";
import { useNow } from "../hooks/useNow";
import { backToList } from "../navigation";
import { useChat } from "../store/context";
import { mutedNow, sendingLockedForMe } from "../store/conversations";
import { conversationTitle, otherParticipant } from "../store/messages";
import { Avatar } from "./Avatar";
import { ReplyGate } from "./BlockControl";
import { IconButton } from "./Button";
import styles from "./ChatView.module.css";
import { Composer } from "./Composer";
import { ConversationInfoDialog } from "./ConversationInfoDialog";
import { EmptyState } from "./EmptyState";
import { IconBack, IconInfo, IconSearch } from "./icons";
import { MessageList } from "./MessageList";
import { MutedMark } from "./MutedMark";
import { PinnedBar } from "./PinnedBar";
import { SearchDialog } from "./SearchDialog";
import { TypingIndicator } from "./TypingIndicator";

export function ChatView({ conversationId }: { conversationId: string }) {
	const me = useChat((s) => s.me);
	const conversation = useChat((s) => s.conversations.find((c) => c.id === conversationId));
	const participants = useChat((s) => s.participants[conversationId]);
	const users = useChat((s) => s.users);
	const listLoaded = useChat((s) => s.listLoaded);
	const roomOpen = useChat((s) => s.roomOpen);
	const [infoOpen, setInfoOpen] = useState(false);
	const [searchOpen, setSearchOpen] = useState(false);
	const now = useNow(30_000);

	if (!conversation) {
		return (
			<section className={styles.chat} aria-label="Conversation">
				<ChatHeaderBack />
				<EmptyState>
					<p className="muted">{listLoaded ? "This conversation isn't available." : "Loading…"}</p>
				</EmptyState>
			</section>
		);
	}

	const title = conversationTitle(conversation, participants, me.id);
	const other = conversation.type === "direct" ? otherParticipant(participants, me.id) : undefined;
	const otherUser = other ? (users[other.user.id] ?? other.user) : undefined;
	let subtitle = "";
	if (otherUser) subtitle = otherUser.online ? "online" : lastSeen(otherUser.lastSeenAt, now);
	else if (participants) {
		const online = participants.filter((p) => p.user.id !== me.id && users[p.user.id]?.online).length;
		const members = `${participants.length} member${participants.length === 1 ? "" : "s"}`;
		subtitle = `${members}${online > 0 ? `, ${online} online` : ""}`;
	}

	return (
		<section className={styles.chat} aria-labelledby="chat-title" data-room={roomOpen ? "open" : "connecting"}>
			<header className={styles["chat-header"]}>
				<ChatHeaderBack />
				{/* The whole title area opens the info for pointer users; the Info button is its keyboard and screen-reader twin. */}
				{/* biome-ignore lint/a11y/useKeyWithClickEvents: the Info button beside it does the same */}
				{/* biome-ignore lint/a11y/noStaticElementInteractions: see above */}
				<div className={styles["chat-header-main"]} onClick={() => setInfoOpen(true)}>
					<Avatar
						name={title}
						seed={otherUser?.id ?? conversation.id}
						url={otherUser?.avatarUrl}
						online={otherUser?.online === true}
						group={conversation.type === "group"}
						size={40}
					/>
					<span className={styles["chat-header-text"]}>
						{/* The chat's name is the screen's top-level heading (on a phone the list and its "Chats" are hidden). */}
						<h1 className={styles["chat-title"]} id="chat-title">
							<bdi>{title}</bdi>
							{mutedNow(conversation) ? <MutedMark label=" (muted)" /> : null}
						</h1>
						<span
							className={otherUser?.online ? `${styles["chat-subtitle"]} ${styles.online}` : styles["chat-subtitle"]}
							data-testid="presence"
						>
							{subtitle}
						</span>
					</span>
				</div>
				<IconButton onClick={() => setSearchOpen(true)} aria-label="Search in this chat" title="Search in this chat">
					<IconSearch />
				</IconButton>
				<IconButton
					onClick={() => setInfoOpen(true)}
					aria-label={conversation.type === "group" ? "Group info" : "Conversation info"}
					title="Info"
				>
					<IconInfo />
				</IconButton>
			</header>
			<PinnedBar conversation={conversation} />
			<MessageList conversation={conversation} />
			<TypingIndicator conversationId={conversationId} />
			<ReplyGate
				conversationId={conversationId}
				otherUser={otherUser}
				adminsOnly={sendingLockedForMe(conversation, participants, me.id)}
			>
				<Composer conversationId={conversationId} />
			</ReplyGate>
			{searchOpen ? <SearchDialog conversationId={conversationId} onClose={() => setSearchOpen(false)} /> : null}
			{infoOpen ? <ConversationInfoDialog conversation={conversation} onClose={() => setInfoOpen(false)} /> : null}
		</section>
	);
}

function ChatHeaderBack() {
	return (
		<IconButton className={styles["back-btn"]} onClick={backToList} aria-label="Back to conversations">
			<IconBack />
		</IconButton>
	);
}
