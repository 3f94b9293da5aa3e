// The signed-in layout: list and chat side by side on desktop, one screen at a time on phones.
// The open chat lives in the URL hash (#/c/<id>), so back navigation and reloads work on any host.
import { useCallback, useEffect, useState, useSyncExternalStore } from "react";
import { joinTokenFromPath } from "../invites";
import { installLayerKeys, layers } from "../layers";
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

function subscribeHash(callback: () => void) {
	window.addEventListener("hashchange", callback);
	return () => window.removeEventListener("hashchange", callback);
}

const CHAT_HASH = /^#\/c\/([^/?#]+)/;

/**
 * A chat opened from the list marks its history entry, so the in-app Back goes back to that
 * list entry instead of pushing a new one (issue 15.5): X, back, Y, back, then the system Back
 * leaves the chats instead of reopening Y.
 */
function markChatsOpenedFromList(event: HashChangeEvent) {
	const from = new URL(event.oldURL).hash;
	if (CHAT_HASH.test(window.location.hash) && !CHAT_HASH.test(from))
		window.history.replaceState({ ...(window.history.state ?? {}), campusChatFromList: true }, "");
}

export function backToList(): void {
	layers.navigate(() => {
		if (window.history.state?.campusChatFromList) window.history.back();
		// Opened from a link or a reload: replace the entry, so the system Back does not return to the chat.
		else window.location.replace("#/");
	});
}

function useOpenConversationId(): string | null {
	const hash = useSyncExternalStore(subscribeHash, () => window.location.hash);
	const match = CHAT_HASH.exec(hash);
	return match?.[1] ? decodeURIComponent(match[1]) : null;
}

function subscribeOnline(callback: () => void) {
	window.addEventListener("online", callback);
	window.addEventListener("offline", callback);
	return () => {
		window.removeEventListener("online", callback);
		window.removeEventListener("offline", callback);
	};
}

/**
 * Offline shows at once; "connecting" only if it lasts, so a quick reconnect does not flash a
 * banner. A browser that says it is offline is offline, whatever the sockets are doing (issue 22.17).
 */
function useDelayedConnection() {
	const browserOnline = useSyncExternalStore(subscribeOnline, () => navigator.onLine);
	const socketState = useChat((s) => s.connection);
	const connection = browserOnline ? socketState : "offline";
	const [connectingTooLong, setConnectingTooLong] = useState(false);
	useEffect(() => {
		setConnectingTooLong(false);
		if (connection !== "connecting") return;
		const timer = setTimeout(() => setConnectingTooLong(true), 2000);
		return () => clearTimeout(timer);
	}, [connection]);
	return connection === "connecting" && !connectingTooLong ? "online" : connection;
}

/** After the open layers' history entries are gone, so their going cannot undo the navigation (layers.ts). */
export function navigateToConversation(id: string | null): void {
	layers.navigate(() => {
		window.location.hash = id ? `#/c/${encodeURIComponent(id)}` : "#/";
	});
}

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
