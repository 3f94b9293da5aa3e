// A system notification for a message that arrives while the page is hidden (once per message).
import type { Message } from "../../shared/schemas";
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
		if (!conversation || (conversation.muted && !mentionsMe)) return;
		if (isVisible() || typeof Notification === "undefined" || Notification.permission !== "granted") return;
		const sender = state.users[message.senderId]?.displayName ?? "New message";
		const title = conversation.type === "group" && conversation.title ? `${sender} in ${conversation.title}` : sender;
		const body = message.kind === "image" ? (message.text ? `📷 ${message.text}` : "📷 Photo") : (message.text ?? "");
		try {
			const n = new Notification(title, { body, tag: message.conversationId });
			n.onclick = () => {
				window.focus();
				window.location.hash = `#/c/${encodeURIComponent(message.conversationId)}`;
				n.close();
			};
		} catch {
			// Some platforms only allow notifications from a service worker.
		}
	}
}
