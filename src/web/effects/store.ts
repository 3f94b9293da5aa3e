// What an effect needs from the store: read the state, dispatch actions. Plus the small
// facts about the page that the reducers are told rather than find out themselves.
import { ApiError } from "../api";
import type { ChatAction } from "../store/actions";
import type { ChatState } from "../store/state";

export interface Store {
	getState(): ChatState;
	dispatch(action: ChatAction): void;
}

export function isVisible(): boolean {
	return typeof document === "undefined" || document.visibilityState === "visible";
}

/** The open chat if the reader can see it (its messages count as read, not unread). */
export function viewingId(state: ChatState): string | null {
	return state.openId !== null && isVisible() ? state.openId : null;
}

export function errorText(error: unknown): string {
	if (error instanceof ApiError) return error.message;
	if (error instanceof Error) return error.message;
	return "Something went wrong";
}

/** Why an action failed, in words: a request that never reached the server means offline. */
export function failureText(error: unknown, what: string): string {
	const offline =
		(typeof navigator !== "undefined" && !navigator.onLine) || (error instanceof ApiError && error.status === 0);
	if (offline) return `You're offline, so ${what}. Try again when you're back online.`;
	return `${what[0]?.toUpperCase() ?? ""}${what.slice(1)}: ${errorText(error)}`;
}
