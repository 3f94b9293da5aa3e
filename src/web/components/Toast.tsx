// How an action went, in one place the reader looks (issue 15.3): a live region that is always
// in the page, so screen readers hear each notice, and a toast above the composer for the eyes.
import { useEffect } from "react";
import { useChat, useChatStore } from "../store/context";
import styles from "./Toast.module.css";

export function Toast() {
	const store = useChatStore();
	const notice = useChat((s) => s.notice);
	useEffect(() => {
		if (!notice) return;
		const timer = setTimeout(() => store.dismissNotice(notice.id), notice.tone === "error" ? 6000 : 2500);
		return () => clearTimeout(timer);
	}, [notice, store]);
	return (
		<div className={styles["toast-region"]} aria-live="polite">
			{notice ? (
				<p
					key={notice.id}
					className={notice.tone === "error" ? `${styles.toast} ${styles["toast-error"]}` : styles.toast}
					role={notice.tone === "error" ? "alert" : "status"}
					data-testid="toast"
				>
					{notice.text}
				</p>
			) : null}
		</div>
	);
}
