// A person's name with one line under it (email, presence), for the rows of people lists.
import type { ReactNode } from "react";
import styles from "./PersonText.module.css";

export function PersonText({ name, children }: { name: ReactNode; children: ReactNode }) {
	return (
		<span className={styles["person-text"]}>
			<span className={styles["person-name"]}>{name}</span>
			{children}
		</span>
	);
}
