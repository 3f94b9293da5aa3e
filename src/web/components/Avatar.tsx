import { useState } from "react";
import { initials } from "../format";
import styles from "./Avatar.module.css";

// Dark enough for white initials to pass WCAG AA contrast.
const PALETTE = ["#4f46e5", "#0369a1", "#0f766e", "#15803d", "#b45309", "#b91c1c", "#be185d", "#7c3aed"];

function colorFor(seed: string): string {
	let hash = 0;
	for (let i = 0; i < seed.length; i++) hash = (hash * 31 + seed.charCodeAt(i)) | 0;
	return PALETTE[Math.abs(hash) % PALETTE.length] ?? "#6366f1";
}

interface AvatarProps {
	name: string;
	seed: string;
	url?: string | null;
	size?: number;
	online?: boolean;
	group?: boolean;
}

/**
 * Picture or initials, with an optional presence dot. Decorative: the name is always shown beside it.
 * A picture that fails to load (an expired signed URL, offline) falls back to the initials.
 */
export function Avatar({ name, seed, url, size = 44, online, group }: AvatarProps) {
	const [failed, setFailed] = useState<string | null>(null);
	const showImage = url && failed !== url;
	return (
		<span className={styles.avatar} style={{ width: size, height: size }} aria-hidden="true" data-avatar>
			{showImage ? (
				<img src={url} alt="" width={size} height={size} onError={() => setFailed(url)} data-testid="avatar-image" />
			) : (
				<span className={styles["avatar-initials"]} style={{ background: colorFor(seed), fontSize: size * 0.38 }}>
					{group ? <GroupGlyph /> : initials(name)}
				</span>
			)}
			{online ? <span className={styles["presence-dot"]} /> : null}
		</span>
	);
}

function GroupGlyph() {
	return (
		<svg viewBox="0 0 24 24" width="55%" height="55%" fill="currentColor" aria-hidden="true">
			<path d="M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8Zm7.5 0a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7ZM9 13c-3.3 0-7 1.7-7 4.5V20h14v-2.5C16 14.7 12.3 13 9 13Zm7.6.1c1.5.9 2.4 2.3 2.4 4.4V20h3v-2.5c0-2.4-2.8-4-5.4-4.4Z" />
		</svg>
	);
}
