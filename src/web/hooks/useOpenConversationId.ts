import { useSyncExternalStore } from "react";
import { CHAT_HASH, subscribeHash } from "../navigation";

/** The conversation the URL has open (#/c/<id>), or null on the list. */
export function useOpenConversationId(): string | null {
	const hash = useSyncExternalStore(subscribeHash, () => window.location.hash);
	const match = CHAT_HASH.exec(hash);
	return match?.[1] ? decodeURIComponent(match[1]) : null;
}
