// The bell-off mark beside a muted conversation's name; `label` is what a screen reader hears.

import { IconMuted } from "./icons";
import styles from "./MutedMark.module.css";

/** `title`: "Muted", or "Muted until Tue 14:00" for a timed mute (issue 22.20). */
export function MutedMark({ label, title = "Muted" }: { label: string; title?: string }) {
	return (
		<span className={styles["muted-mark"]} title={title}>
			<IconMuted />
			<span className="sr-only">{label}</span>
		</span>
	);
}
