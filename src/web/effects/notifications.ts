// A system notification for a message that arrives while the page is hidden (once per message).

import { mediaLabel } from "../../shared/media";
import type { Message } from "../../shared/schemas";
import { isolate } from "../../shared/text";
import { notificationsWanted } from "../pwa/push";
import { mutedNow } from "../store/conversations";
import type { ChatState } from "../store/state";
import { isVisible } from "./store";

export class MessageNotifications {
	private readonly notified = new Set<string>();

	maybeNotify(message: Message, state: ChatState): void {
		if (message.senderId === state.me.id || message.kind === "system") return;
		if (this.notified.has(message.id)) return;
		this.notified.add(message.id);
		const conversation = state.conversations.find((c) => c.id === message.conversationId);
		// As with Web Push (contract v2): a muted chat still notifies a message that mentions me.
		const mentionsMe = message.mentions?.includes(state.me.id) === true;
		if (!conversation || (mutedNow(conversation) && !mentionsMe)) return;
		if (isVisible() || typeof Notification === "undefined" || Notification.permission !== "granted") return;
		// Turned off in Settings.
		if (!notificationsWanted(state.me.id)) return;
		const sender = state.users[message.senderId]?.displayName ?? "New message";
		// Plain text, so each name is isolated (FSI…PDI) the way <bdi> isolates it on the page.
		const title =
			conversation.type === "group" && conversation.title
				? `${isolate(sender)} in ${isolate(conversation.title)}`
				: isolate(sender);
		const media = mediaLabel(message);
		const body =
			message.kind === "image"
				? message.text
					? `📷 ${message.text}`
					: "📷 Photo"
				: media
					? `${media}${message.text ? `: ${message.text}` : ""}`
					: (message.text ?? "");
		try {
			const n = new Notification(title, { body, tag: message.conversationId });
			n.onclick = () => {
				window.focus();
				window.location.hash = `#/c/${encodeURIComponent(message.conversationId)}`;
				n.close();
			};
		} catch {
			// Android allows notifications only from a service worker; its click handler opens the chat.
			void navigator.serviceWorker
				?.getRegistration("/")
				.then((registration) =>
					registration?.showNotification(title, {
						body,
						tag: `conversation:${message.conversationId}`,
						icon: "/icons/icon-192.png",
						data: { conversationId: message.conversationId },
					}),
				)
				.catch(() => undefined);
		}
	}
}
