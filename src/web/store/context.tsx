// React access to the ChatStore: a context for the instance, useSyncExternalStore for reads.
import { createContext, useContext, useSyncExternalStore } from "react";
import type { ChatStore } from "./chat-store";
import type { ChatState } from "./state";

export const ChatStoreContext = createContext<ChatStore | null>(null);

export function useChatStore(): ChatStore {
	const store = useContext(ChatStoreContext);
	if (!store) throw new Error("useChatStore outside ChatStoreContext");
	return store;
}

/** Subscribe to one slice; the selector must return something already in the state (stable identity). */
export function useChat<T>(selector: (state: ChatState) => T): T {
	const store = useChatStore();
	return useSyncExternalStore(store.subscribe, () => selector(store.getState()));
}
