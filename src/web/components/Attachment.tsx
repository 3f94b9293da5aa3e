// Issue 23: a file message's card (icon, name, size; a tap downloads, a PDF also opens in the
// browser's own viewer in a new tab) and a voice note's player (play/pause, position, speed).
import { useEffect, useRef, useState } from "react";
import { formatBytes, formatDuration } from "../../shared/media";
import type { Attachment } from "../../shared/schemas";
import { fileBadge, nextSpeed } from "../attachments";
import styles from "./Attachment.module.css";
import { IconPause, IconPlay } from "./icons";

/** The signed URL with `view=1`: the server shows a PDF inline (it still downloads any other type). */
export function previewUrl(url: string): string {
	return `${url}&view=1`;
}

export function FileCard({ attachment }: { attachment: Attachment }) {
	const pdf = attachment.contentType === "application/pdf";
	return (
		<div data-testid="file-card">
			<a
				className={styles.file}
				href={attachment.url}
				download={attachment.name}
				data-testid="file-download"
				aria-label={`Download ${attachment.name}, ${formatBytes(attachment.size)}`}
			>
				<span className={styles.badge} aria-hidden="true">
					{fileBadge(attachment.name, attachment.contentType)}
				</span>
				<span className={styles.meta}>
					<bdi className={styles.name} data-testid="file-name">
						{attachment.name}
					</bdi>
					<span className={styles.size} data-testid="file-size">
						{formatBytes(attachment.size)}
					</span>
				</span>
			</a>
			{pdf ? (
				<div className={styles.links}>
					<a href={previewUrl(attachment.url)} target="_blank" rel="noopener noreferrer" data-testid="file-preview">
						Open preview
					</a>
				</div>
			) : null}
		</div>
	);
}

export function VoicePlayer({ attachment, from }: { attachment: Attachment; from: string }) {
	const audio = useRef<HTMLAudioElement>(null);
	const [playing, setPlaying] = useState(false);
	const [position, setPosition] = useState(0);
	const [speed, setSpeed] = useState(1);
	// A MediaRecorder file often has no duration in its header: the message's own is the length.
	const total = (attachment.durationMs ?? 0) / 1000;

	useEffect(() => {
		const el = audio.current;
		if (el) el.playbackRate = speed;
	}, [speed]);

	function toggle() {
		const el = audio.current;
		if (!el) return;
		if (el.paused) void el.play().catch(() => setPlaying(false));
		else el.pause();
	}

	function seek(seconds: number) {
		const el = audio.current;
		if (!el) return;
		el.currentTime = seconds;
		setPosition(seconds);
	}

	return (
		<div className={styles.voice} data-testid="voice-player">
			{/* biome-ignore lint/a11y/useMediaCaption: a voice note has no captions to offer */}
			<audio
				ref={audio}
				src={attachment.url}
				preload="metadata"
				onPlay={() => setPlaying(true)}
				onPause={() => setPlaying(false)}
				onEnded={() => {
					setPlaying(false);
					setPosition(0);
				}}
				onTimeUpdate={(e) => setPosition(e.currentTarget.currentTime)}
				data-testid="voice-audio"
			/>
			<button
				type="button"
				className={styles.play}
				onClick={toggle}
				aria-label={`${playing ? "Pause" : "Play"} voice note from ${from}`}
				data-testid="voice-play"
				data-playing={playing || undefined}
			>
				{playing ? <IconPause /> : <IconPlay />}
			</button>
			<input
				type="range"
				className={styles.seek}
				min={0}
				max={Math.max(total, 0.1)}
				step={0.1}
				value={Math.min(position, total)}
				onChange={(e) => seek(Number(e.target.value))}
				aria-label="Position"
				aria-valuetext={`${formatDuration(position * 1000)} of ${formatDuration(total * 1000)}`}
				data-testid="voice-seek"
			/>
			<span className={styles.time} data-testid="voice-time">
				{position > 0 ? `${clock(position)} / ` : ""}
				{formatDuration(total * 1000)}
			</span>
			<button
				type="button"
				className={styles.speed}
				onClick={() => setSpeed((s) => nextSpeed(s))}
				aria-label={`Playback speed ${speed}x`}
				data-testid="voice-speed"
			>
				{speed}x
			</button>
		</div>
	);
}

/** m:ss from seconds, 0:00 allowed (a position). */
function clock(seconds: number): string {
	const s = Math.floor(seconds);
	return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}
