// Full-size image (issue 15.12): fitted to the screen, with who sent it, when, the caption, a
// download link, and Close in the top right corner where people look for it.
import { fullTime } from "../format";
import { IconButton, iconButtonClass } from "./Button";
import { Dialog } from "./Dialog";
import styles from "./ImageViewer.module.css";
import { IconClose, IconDownload } from "./icons";

interface ImageViewerProps {
	src: string;
	sender: string;
	createdAt: string;
	caption: string | null;
	onClose: () => void;
}

export function ImageViewer({ src, sender, createdAt, caption, onClose }: ImageViewerProps) {
	const title = `Photo from ${sender === "You" ? "you" : sender}`;
	return (
		<Dialog
			title={title}
			onClose={onClose}
			className={styles["image-viewer"]}
			innerClassName={styles["viewer-inner"]}
			header={
				<header className={styles["viewer-bar"]}>
					<div className={styles["viewer-who"]}>
						<h2 className={styles["viewer-sender"]}>{sender}</h2>
						<time className={styles["viewer-time"]} dateTime={createdAt}>
							{fullTime(createdAt)}
						</time>
					</div>
					<a
						className={`${iconButtonClass} ${styles["viewer-btn"]}`}
						href={src}
						download
						aria-label="Download photo"
						title="Download"
					>
						<IconDownload />
					</a>
					<IconButton className={styles["viewer-btn"]} onClick={onClose} aria-label="Close">
						<IconClose />
					</IconButton>
				</header>
			}
		>
			<figure className={styles["viewer-figure"]}>
				<img
					src={src}
					alt={caption ? `${title}: ${caption}` : title}
					className={styles["full-image"]}
					data-testid="full-image"
				/>
				{caption ? <figcaption className={styles["viewer-caption"]}>{caption}</figcaption> : null}
			</figure>
		</Dialog>
	);
}
