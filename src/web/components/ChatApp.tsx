// The signed-in layout: list and chat side by side on desktop, one screen at a time on phones
// (the open chat is in the URL: ../navigation.ts).
import { useCallback, useEffect, useState } from "react";
import { useDelayedConnection } from "../hooks/useDelayedConnection";
import { useOpenConversationId } from "../hooks/useOpenConversationId";
import { joinTokenFromPath } from "../invites";
import { installLayerKeys, layers } from "../layers";
import { backToList, CHAT_HASH, markChatsOpenedFromList, navigateToConversation } from "../navigation";
import { useChat, useChatStore } from "../store/context";
import { mutedNow } from "../store/conversations";
import { Button } from "./Button";
import styles from "./ChatApp.module.css";
import { ChatView } from "./ChatView";
import { ConversationList } from "./ConversationList";
import { EmptyState } from "./EmptyState";
import { JoinInviteDialog } from "./JoinInviteDialog";
import { NewMessageDialog } from "./NewMessageDialog";
import { Toast } from "./Toast";

export function ChatApp({ onSignOut }: { onSignOut: () => void }) {
	const store = useChatStore();
	const openId = useOpenConversationId();
	const connection = useDelayedConnection();
	const conversations = useChat((s) => s.conversations);
	const [composing, setComposing] = useState(false);
	// An invite link (/join/<token>, issue 23.5) opened this page, maybe before signing in.
	const [joinToken, setJoinToken] = useState(() => joinTokenFromPath(window.location.pathname));
	const closeJoin = useCallback(() => {
		setJoinToken(null);
		// After the dialog's history entry is gone, so going back does not bring the path back.
		layers.navigate(() => window.history.replaceState(window.history.state, "", `/${window.location.hash}`));
	}, []);

	useEffect(() => {
		if (!openId) return;
		store.openConversation(openId);
		return () => store.closeConversation(openId);
	}, [openId, store]);

	// Unread messages in conversations that are not muted raise the count in the tab title.
	useEffect(() => {
		const unread = conversations.reduce((n, c) => n + (mutedNow(c) ? 0 : c.unreadCount), 0);
		document.title = unread > 0 ? `(${unread}) Campus Chat` : "Campus Chat";
	}, [conversations]);

	const closeComposer = useCallback(() => setComposing(false), []);

	// Escape closes the top layer (menu, picker, viewer, dialog, confirmation), and with none open
	// the chat; Back closes the top layer too (issue 22.11).
	useEffect(
		() =>
			installLayerKeys(() => {
				if (CHAT_HASH.test(window.location.hash)) backToList();
			}),
		[],
	);

	useEffect(() => {
		window.addEventListener("hashchange", markChatsOpenedFromList);
		return () => window.removeEventListener("hashchange", markChatsOpenedFromList);
	}, []);

	return (
		<div className={openId ? `${styles.app} ${styles["has-open-chat"]}` : styles.app}>
			{connection !== "online" ? (
				<div
					className={
						connection === "offline" ? `${styles["connection-banner"]} ${styles.offline}` : styles["connection-banner"]
					}
					role="status"
				>
					{connection === "offline" ? "You're offline. Messages will sync when the connection is back." : "Connecting…"}
				</div>
			) : null}
			<div className={styles.panes}>
				<ConversationList openId={openId} onCompose={() => setComposing(true)} onSignOut={onSignOut} />
				<main className={styles["chat-pane"]} data-testid="chat-pane" aria-label="Chat">
					{openId ? (
						<ChatView key={openId} conversationId={openId} />
					) : (
						<EmptyState>
							<div>
								<h2>Your messages</h2>
								<p className="muted">Pick a conversation, or start a new one.</p>
								<Button variant="primary" onClick={() => setComposing(true)}>
									New message
								</Button>
							</div>
						</EmptyState>
					)}
				</main>
			</div>
			<Toast />
			{joinToken ? <JoinInviteDialog token={joinToken} onClose={closeJoin} /> : null}
			{composing ? (
				<NewMessageDialog
					onClose={closeComposer}
					onOpen={(id) => {
						setComposing(false);
						navigateToConversation(id);
					}}
				/>
			) : null}
		</div>
	);
}
