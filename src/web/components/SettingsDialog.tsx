// Settings, from the gear in the list's header: notifications on and off (the browser asks for
// permission only when they are turned on here, never on load), the people I blocked, each
// with Unblock, and changing my password (PUT /me/password, issue 22.19).
import { type FormEvent, useEffect, useId, useState } from "react";
import { ApiError, api, isWrongCurrentPassword } from "../api";
import { failureText } from "../effects/store";
import {
	type NotificationStatus,
	notificationStatus,
	OPEN_ONLY_NOTE,
	pushAvailable,
	turnOffNotifications,
	turnOnNotifications,
} from "../pwa/push";
import { blockedPeople } from "../store/blocks";
import { useChat, useChatStore } from "../store/context";
import { chooseTheme, loadTheme, THEME_CHOICES, type ThemeChoice } from "../theme";
import { Avatar } from "./Avatar";
import { useBlocking } from "./BlockControl";
import { Button, IconButton } from "./Button";
import { Dialog } from "./Dialog";
import { Field, FormError, TextInput } from "./Field";
import { IconSettings } from "./icons";
import { PersonText } from "./PersonText";
import styles from "./SettingsDialog.module.css";

/** The header's gear and the dialog it opens. */
export function SettingsButton() {
	const [open, setOpen] = useState(false);
	return (
		<>
			<IconButton onClick={() => setOpen(true)} aria-label="Settings" title="Settings">
				<IconSettings />
			</IconButton>
			{open ? <SettingsDialog onClose={() => setOpen(false)} /> : null}
		</>
	);
}

export function SettingsDialog({ onClose }: { onClose: () => void }) {
	const store = useChatStore();
	const [loadFailed, setLoadFailed] = useState(false);
	useEffect(() => {
		let cancelled = false;
		void store.loadBlocks().then((ok) => {
			if (!cancelled) setLoadFailed(!ok);
		});
		return () => {
			cancelled = true;
		};
	}, [store]);
	return (
		<Dialog title="Settings" onClose={onClose} className={styles.settings}>
			<NotificationsSetting />
			<ThemeSetting />
			<BlockedPeople loadFailed={loadFailed} />
			<ChangePassword />
		</Dialog>
	);
}

function NotificationsSetting() {
	const meId = useChat((s) => s.me.id);
	const [status, setStatus] = useState<NotificationStatus | null>(null);
	const [busy, setBusy] = useState(false);
	const [note, setNote] = useState<string | null>(null);
	const [error, setError] = useState<string | null>(null);
	const hintId = useId();

	useEffect(() => {
		let cancelled = false;
		void Promise.all([notificationStatus(meId), pushAvailable()]).then(([s, available]) => {
			if (cancelled) return;
			setStatus(s);
			if (s.state === "on" && !s.push && available) setNote(OPEN_ONLY_NOTE);
		});
		return () => {
			cancelled = true;
		};
	}, [meId]);

	async function toggle(on: boolean) {
		setBusy(true);
		setError(null);
		setNote(null);
		try {
			if (on) {
				const result = await turnOnNotifications(meId);
				setStatus(result.status);
				setNote(result.note ?? null);
			} else {
				await turnOffNotifications(meId);
				setStatus({ state: "off" });
			}
		} catch (e) {
			setError(failureText(e, on ? "notifications were not turned on" : "notifications were not turned off"));
			setStatus(await notificationStatus(meId));
		} finally {
			setBusy(false);
		}
	}

	const unavailable = status?.state === "unsupported" || status?.state === "denied";
	const hint =
		status?.state === "unsupported"
			? "This browser can't show notifications."
			: status?.state === "denied"
				? "Notifications are blocked for Campus Chat in your browser's site settings. Allow them there, then turn them on here."
				: "New messages, when Campus Chat isn't on screen. Muted chats stay quiet unless you're mentioned.";
	return (
		<section className={styles.section} aria-labelledby={`${hintId}-h`}>
			<h3 id={`${hintId}-h`}>Notifications</h3>
			<label className={styles.switch}>
				<span className={styles["switch-text"]}>
					<span>Message notifications</span>
					<span className="muted small" id={hintId}>
						{hint}
					</span>
				</span>
				<input
					type="checkbox"
					role="switch"
					checked={status?.state === "on"}
					aria-checked={status?.state === "on"}
					disabled={busy || status === null || unavailable}
					aria-describedby={hintId}
					onChange={(e) => void toggle(e.target.checked)}
				/>
			</label>
			{note ? (
				<p className="muted small" role="status">
					{note}
				</p>
			) : null}
			{error ? <FormError>{error}</FormError> : null}
		</section>
	);
}

function BlockedPeople({ loadFailed }: { loadFailed: boolean }) {
	const blocks = useChat((s) => s.blocks);
	const people = blockedPeople(blocks);
	const { busyId, error, unblock } = useBlocking();

	return (
		<section className={styles.section} aria-labelledby="blocked-heading">
			<h3 id="blocked-heading">Blocked people</h3>
			{error ? <FormError>{error}</FormError> : null}
			{people.length === 0 ? (
				<p className="muted small">
					{blocks.loaded
						? "You haven't blocked anyone. To block someone, open your chat with them and choose Conversation info, or find them in a group's Group info."
						: loadFailed
							? "Couldn't load the people you blocked. Check your connection and open Settings again."
							: "Loading…"}
				</p>
			) : (
				<ul className={styles["blocked-list"]} data-testid="blocked-list">
					{people.map((u) => (
						<li key={u.id} className={styles.person}>
							<Avatar name={u.displayName} seed={u.id} url={u.avatarUrl} size={36} />
							<PersonText name={u.displayName}>
								<span className="muted small">{u.email}</span>
							</PersonText>
							<Button
								variant="ghost"
								small
								disabled={busyId === u.id}
								aria-label={`Unblock ${u.displayName}`}
								onClick={() => void unblock(u)}
							>
								Unblock
							</Button>
						</li>
					))}
				</ul>
			)}
		</section>
	);
}

/** The API's rule for a chosen password (`newPassword` in src/shared/schemas.ts). */
const MIN_PASSWORD_LENGTH = 8;

/** Current and new password; the other devices are signed out by the server, this one stays. */
function ChangePassword() {
	const [open, setOpen] = useState(false);
	const [current, setCurrent] = useState("");
	const [next, setNext] = useState("");
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState<string | null>(null);
	const [done, setDone] = useState(false);
	const headingId = useId();
	const hintId = useId();

	async function save(e: FormEvent) {
		e.preventDefault();
		if (next.length < MIN_PASSWORD_LENGTH)
			return setError(`The new password needs at least ${MIN_PASSWORD_LENGTH} characters.`);
		if (next === current) return setError("The new password is the same as the current one.");
		setBusy(true);
		setError(null);
		try {
			await api.changePassword(current, next);
			setDone(true);
			setOpen(false);
			setCurrent("");
			setNext("");
		} catch (err) {
			if (err instanceof ApiError && isWrongCurrentPassword(err))
				setError("That isn't your current password. Check it and try again.");
			else if (err instanceof ApiError && err.status === 429)
				setError("Too many wrong passwords. Wait 15 minutes, then try again.");
			else setError(failureText(err, "the password wasn't changed"));
		} finally {
			setBusy(false);
		}
	}

	return (
		<section className={styles.section} aria-labelledby={headingId}>
			<h3 id={headingId}>Password</h3>
			{done ? (
				<p className="muted small" role="status">
					Password changed. Your other devices are signed out; this one stays signed in.
				</p>
			) : null}
			{open ? (
				<form onSubmit={save} noValidate className={styles["password-form"]}>
					<Field>
						<span>Current password</span>
						<TextInput
							type="password"
							autoComplete="current-password"
							required
							value={current}
							data-autofocus
							onChange={(e) => setCurrent(e.target.value)}
						/>
					</Field>
					<Field>
						<span>New password</span>
						<TextInput
							type="password"
							autoComplete="new-password"
							required
							minLength={MIN_PASSWORD_LENGTH}
							aria-describedby={hintId}
							value={next}
							onChange={(e) => setNext(e.target.value)}
						/>
						<small className="muted" id={hintId}>
							At least {MIN_PASSWORD_LENGTH} characters. Your other devices will be signed out.
						</small>
					</Field>
					{error ? <FormError>{error}</FormError> : null}
					<div className={styles["password-actions"]}>
						<Button
							variant="ghost"
							onClick={() => {
								setOpen(false);
								setError(null);
							}}
						>
							Cancel
						</Button>
						<Button variant="primary" type="submit" disabled={busy || !current || !next}>
							{busy ? "Changing…" : "Change password"}
						</Button>
					</div>
				</form>
			) : (
				<Button
					variant="ghost"
					onClick={() => {
						setOpen(true);
						setDone(false);
					}}
				>
					Change password…
				</Button>
			)}
		</section>
	);
}

/** Appearance (issue 23.7): System, Light or Dark, kept on this device. */
function ThemeSetting() {
	const [choice, setChoice] = useState<ThemeChoice>(() => loadTheme());
	const id = useId();
	return (
		<section className={styles.section} aria-labelledby={`${id}-h`}>
			<h3 id={`${id}-h`}>Appearance</h3>
			<div className={styles.switch}>
				<label htmlFor={`${id}-theme`} className={styles["switch-text"]}>
					<span>Theme</span>
					<span className="small muted">System follows your device's light or dark setting.</span>
				</label>
				<select
					id={`${id}-theme`}
					className={styles["theme-select"]}
					value={choice}
					onChange={(e) => {
						const next = e.target.value as ThemeChoice;
						setChoice(next);
						chooseTheme(next);
					}}
				>
					{THEME_CHOICES.map((c) => (
						<option key={c.value} value={c.value}>
							{c.label}
						</option>
					))}
				</select>
			</div>
		</section>
	);
}
