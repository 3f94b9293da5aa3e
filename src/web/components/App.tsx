// Session gate: the sign-in screen, or the chat app with one ChatStore for the signed-in user.
import { useCallback, useEffect, useMemo, useState } from "react";
import type { User } from "../../shared/schemas";
import { api, setToken, setUnauthorizedHandler } from "../api";
import { clearDrafts } from "../drafts";
import { clearOfflineData } from "../offline/persist";
import { dropPushSubscription, forgetNotificationChoice } from "../pwa/push";
import { loadSession, type Session, saveSession } from "../session";
import { ChatStore } from "../store/chat-store";
import { ChatStoreContext } from "../store/context";
import { AuthScreen } from "./AuthScreen";
import { ChatApp } from "./ChatApp";

const initialSession = loadSession();
setToken(initialSession?.token ?? null);

export function App() {
	const [session, setSession] = useState<Session | null>(initialSession);

	const signIn = useCallback((token: string, user: User) => {
		const next = { token, user };
		setToken(token);
		saveSession(next);
		setSession(next);
	}, []);

	const endSession = useCallback(() => {
		// The token no longer works, so the server cannot be told; the push service tells it (410).
		void dropPushSubscription(false);
		setToken(null);
		saveSession(null);
		setSession(null);
		window.location.hash = "";
	}, []);

	// Signing out on purpose also forgets unsent drafts, the saved chats and the outbox, and stops
	// this browser's notifications (a shared computer); an expired token keeps them.
	const signOut = useCallback(async () => {
		const signedIn = loadSession();
		if (signedIn) {
			clearDrafts(signedIn.user.id);
			clearOfflineData(signedIn.user.id);
			forgetNotificationChoice(signedIn.user.id);
		}
		await Promise.race([dropPushSubscription(true), new Promise((resolve) => setTimeout(resolve, 3000))]);
		endSession();
	}, [endSession]);

	useEffect(() => {
		setUnauthorizedHandler(endSession);
		return () => setUnauthorizedHandler(null);
	}, [endSession]);

	// Refresh the stored profile (and check the token is still good) once per load.
	useEffect(() => {
		if (!session) return;
		let cancelled = false;
		api
			.me()
			.then(({ user }) => {
				if (!cancelled) saveSession({ token: session.token, user });
			})
			.catch(() => {});
		return () => {
			cancelled = true;
		};
	}, [session]);

	if (!session) return <AuthScreen onSignedIn={signIn} />;
	return <SignedIn key={session.user.id} me={session.user} onSignOut={signOut} />;
}

function SignedIn({ me, onSignOut }: { me: User; onSignOut: () => void }) {
	// One store per signed-in user; created during render but only started in an effect.
	const store = useMemo(() => new ChatStore(me), [me]);
	useEffect(() => {
		store.retain();
		return () => store.release();
	}, [store]);
	return (
		<ChatStoreContext.Provider value={store}>
			<ChatApp onSignOut={onSignOut} />
		</ChatStoreContext.Provider>
	);
}
