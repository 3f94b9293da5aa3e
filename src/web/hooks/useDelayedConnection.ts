import { useEffect, useState, useSyncExternalStore } from "react";
import { useChat } from "../store/context";

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
 * banner. A browser that says it is offline is offline, whatever the sockets are doing.
 */
export function useDelayedConnection() {
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
