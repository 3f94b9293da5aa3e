// The bell-off mark beside a muted conversation's name; `label` is what a screen reader hears.

import { IconMuted } from "./icons";
import styles from "./MutedMark.module.css";

export function MutedMark({ label }: { label: string }) {
	return (
		<span className={styles["muted-mark"]} title="Muted">
			<IconMuted />
			<span className="sr-only">{label}</span>
		</span>
	);
}
