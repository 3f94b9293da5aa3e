// The centred message that fills the chat pane when there is no conversation to show.
import type { ReactNode } from "react";
import styles from "./EmptyState.module.css";

export function EmptyState({ children }: { children: ReactNode }) {
	return <div className={styles.empty}>{children}</div>;
}
