// Issue 23: recording a voice note with MediaRecorder. On a phone the mic button is held down
// while speaking and let go to send; sliding the finger away from it cancels. On a desktop a
// click starts and the Send button (or a second click on the mic) ends it; Escape or Cancel
// drops it. Five minutes stop the recording by themselves and send it.
import { type PointerEvent as ReactPointerEvent, useEffect, useRef, useState } from "react";
import { MAX_VOICE_MS } from "../../shared/schemas";
import { recordingType } from "../attachments";
import { IconClose, IconMic, IconSend } from "./icons";
import styles from "./VoiceRecorder.module.css";

/** How far a finger may move from the mic before the recording is cancelled. */
const SLIDE_CANCEL_PX = 60;
/** A touch shorter than this was a tap, not a recording. */
const MIN_HOLD_MS = 400;

interface Recording {
	recorder: MediaRecorder;
	stream: MediaStream;
	chunks: Blob[];
	startedAt: number;
	cancelled: boolean;
	timer: ReturnType<typeof setTimeout>;
}

export function VoiceRecorder({
	disabled,
	onRecorded,
	onError,
}: {
	disabled: boolean;
	onRecorded: (recording: Blob, durationMs: number) => void;
	onError: (message: string | null) => void;
}) {
	const recording = useRef<Recording | null>(null);
	/** Set while getUserMedia is pending, so a release before it answers ends it at once. */
	const starting = useRef<{ released: boolean; cancelled: boolean } | null>(null);
	const touch = useRef<{ x: number; y: number } | null>(null);
	const [startedAt, setStartedAt] = useState<number | null>(null);
	const [now, setNow] = useState(0);
	const [hint, setHint] = useState<string | null>(null);

	// biome-ignore lint/correctness/useExhaustiveDependencies: stop reads only refs and state setters
	useEffect(() => {
		if (startedAt === null) return;
		const tick = setInterval(() => setNow(Date.now()), 250);
		const onKey = (e: KeyboardEvent) => {
			if (e.key !== "Escape") return;
			e.preventDefault();
			e.stopPropagation();
			stop(true);
		};
		document.addEventListener("keydown", onKey, true);
		return () => {
			clearInterval(tick);
			document.removeEventListener("keydown", onKey, true);
		};
	}, [startedAt]);

	// Leaving the chat mid-recording drops it and frees the microphone.
	// biome-ignore lint/correctness/useExhaustiveDependencies: stop reads only refs and state setters
	useEffect(() => () => stop(true), []);

	async function start() {
		if (recording.current || starting.current) return;
		if (typeof MediaRecorder === "undefined" || !navigator.mediaDevices?.getUserMedia) {
			onError("This browser can't record voice notes.");
			return;
		}
		onError(null);
		setHint(null);
		const pending = { released: false, cancelled: false };
		starting.current = pending;
		let stream: MediaStream;
		try {
			stream = await navigator.mediaDevices.getUserMedia({ audio: true });
		} catch {
			starting.current = null;
			onError("Allow the microphone for this site to record a voice note.");
			return;
		}
		starting.current = null;
		if (pending.cancelled) {
			for (const track of stream.getTracks()) track.stop();
			return;
		}
		const type = recordingType((t) => MediaRecorder.isTypeSupported(t));
		const recorder = new MediaRecorder(stream, type ? { mimeType: type } : undefined);
		const state: Recording = {
			recorder,
			stream,
			chunks: [],
			startedAt: Date.now(),
			cancelled: false,
			timer: setTimeout(() => stop(false), MAX_VOICE_MS),
		};
		recorder.ondataavailable = (e) => {
			if (e.data.size > 0) state.chunks.push(e.data);
		};
		recorder.onstop = () => {
			for (const track of stream.getTracks()) track.stop();
			if (state.cancelled) return;
			const durationMs = Math.min(MAX_VOICE_MS, Date.now() - state.startedAt);
			onRecorded(new Blob(state.chunks, { type: recorder.mimeType || type || "audio/webm" }), durationMs);
		};
		recorder.start(250);
		recording.current = state;
		setStartedAt(state.startedAt);
		setNow(state.startedAt);
		if (pending.released) stop(false);
	}

	/** Ends the recording: sent, or (`cancel`) dropped. */
	function stop(cancel: boolean) {
		if (starting.current) {
			starting.current.released = true;
			starting.current.cancelled = cancel;
		}
		const state = recording.current;
		if (!state) return;
		recording.current = null;
		clearTimeout(state.timer);
		state.cancelled = cancel;
		if (state.recorder.state !== "inactive") state.recorder.stop();
		else for (const track of state.stream.getTracks()) track.stop();
		setStartedAt(null);
	}

	function onPointerDown(e: ReactPointerEvent<HTMLButtonElement>) {
		if (e.pointerType !== "touch" || disabled) return;
		e.preventDefault();
		e.currentTarget.setPointerCapture?.(e.pointerId);
		touch.current = { x: e.clientX, y: e.clientY };
		void start();
	}

	function onPointerMove(e: ReactPointerEvent<HTMLButtonElement>) {
		const from = touch.current;
		if (!from || e.pointerType !== "touch") return;
		if (Math.hypot(e.clientX - from.x, e.clientY - from.y) > SLIDE_CANCEL_PX) {
			touch.current = null;
			stop(true);
			setHint("Voice note cancelled");
		}
	}

	function onPointerUp(e: ReactPointerEvent<HTMLButtonElement>) {
		if (e.pointerType !== "touch" || !touch.current) return;
		touch.current = null;
		const held = recording.current ? Date.now() - recording.current.startedAt : 0;
		if (recording.current && held < MIN_HOLD_MS) {
			stop(true);
			setHint("Hold to record, let go to send");
			return;
		}
		stop(false);
	}

	const active = startedAt !== null;
	const elapsed = active ? Math.max(0, now - startedAt) : 0;
	return (
		<>
			{active ? (
				<div className={styles.bar} role="status" data-testid="recording">
					<span className={styles.dot} aria-hidden="true" />
					<span className={styles.time} data-testid="recording-time">
						{clock(elapsed)}
					</span>
					<span className={styles.hint}>{touch.current ? "Slide away to cancel" : "Recording…"}</span>
					<button
						type="button"
						className={styles.cancel}
						onClick={() => stop(true)}
						aria-label="Cancel voice note"
						data-testid="recording-cancel"
					>
						<IconClose />
					</button>
					<button
						type="button"
						className={styles.send}
						onClick={() => stop(false)}
						aria-label="Send voice note"
						data-testid="recording-send"
					>
						<IconSend />
					</button>
				</div>
			) : hint ? (
				<span className="sr-only" role="status">
					{hint}
				</span>
			) : null}
			<button
				type="button"
				className={styles.mic}
				disabled={disabled}
				aria-label={active ? "Stop and send voice note" : "Record voice note"}
				title="Record voice note (hold on a phone)"
				aria-pressed={active}
				data-testid="voice-record"
				onPointerDown={onPointerDown}
				onPointerMove={onPointerMove}
				onPointerUp={onPointerUp}
				onPointerCancel={() => {
					touch.current = null;
					stop(true);
				}}
				onContextMenu={(e) => e.preventDefault()}
				onClick={(e) => {
					// A touch press is handled by the pointer events; a click is a mouse or keyboard.
					if ((e.nativeEvent as PointerEvent).pointerType === "touch") return;
					if (active) stop(false);
					else void start();
				}}
			>
				<IconMic />
			</button>
		</>
	);
}

/** m:ss of a recording so far (0:00 at the start). */
function clock(ms: number): string {
	const s = Math.floor(ms / 1000);
	return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}
