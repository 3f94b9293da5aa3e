import { type FormEvent, useId, useState } from "react";
import type { User } from "../../shared/schemas";
import { ApiError, api } from "../api";
import styles from "./AuthScreen.module.css";
import { Button, LinkButton } from "./Button";
import { Field, FormError, TextInput } from "./Field";

interface AuthScreenProps {
	onSignedIn: (token: string, user: User) => void;
}

export function AuthScreen({ onSignedIn }: AuthScreenProps) {
	const [mode, setMode] = useState<"signin" | "signup">("signin");
	const [email, setEmail] = useState("");
	const [password, setPassword] = useState("");
	const [displayName, setDisplayName] = useState("");
	const [error, setError] = useState<string | null>(null);
	const [busy, setBusy] = useState(false);
	const [forgotOpen, setForgotOpen] = useState(false);
	const errorId = useId();
	const forgotId = useId();

	async function submit(event: FormEvent) {
		event.preventDefault();
		setBusy(true);
		setError(null);
		try {
			const result =
				mode === "signin" ? await api.login(email, password) : await api.register(email, password, displayName);
			onSignedIn(result.token, result.user);
		} catch (e) {
			if (e instanceof ApiError && e.status === 401) setError("That email and password don't match an account.");
			else if (e instanceof ApiError && e.status === 409)
				setError("An account with that email already exists. Sign in instead.");
			else setError(e instanceof Error ? e.message : "Something went wrong");
		} finally {
			setBusy(false);
		}
	}

	const signup = mode === "signup";
	return (
		<main className={styles.auth}>
			<div className={styles["auth-card"]}>
				<div className={styles["auth-brand"]}>
					<span className={styles["auth-logo"]} aria-hidden="true">
						<svg aria-hidden="true" viewBox="0 0 32 32" width="40" height="40">
							<rect width="32" height="32" rx="9" fill="currentColor" />
							<path d="M8 10h16v10H14l-5 4v-4H8z" fill="white" />
						</svg>
					</span>
					<h1>Campus Chat</h1>
					<p className="muted">{signup ? "Create your account" : "Sign in to keep talking"}</p>
				</div>
				<form onSubmit={submit} aria-describedby={error ? errorId : undefined}>
					{signup ? (
						<Field>
							<span>Name</span>
							<TextInput
								name="displayName"
								autoComplete="name"
								required
								maxLength={80}
								value={displayName}
								onChange={(e) => setDisplayName(e.target.value)}
							/>
						</Field>
					) : null}
					<Field>
						<span>Email</span>
						<TextInput
							name="email"
							type="email"
							autoComplete="email"
							required
							value={email}
							onChange={(e) => setEmail(e.target.value)}
						/>
					</Field>
					<Field>
						<span>Password</span>
						<TextInput
							name="password"
							type="password"
							autoComplete={signup ? "new-password" : "current-password"}
							required
							minLength={signup ? 8 : 1}
							value={password}
							onChange={(e) => setPassword(e.target.value)}
						/>
						{signup ? <small className="muted">At least 8 characters</small> : null}
					</Field>
					{error ? <FormError id={errorId}>{error}</FormError> : null}
					{signup ? null : (
						<div className={styles.forgot}>
							<LinkButton aria-expanded={forgotOpen} aria-controls={forgotId} onClick={() => setForgotOpen((o) => !o)}>
								Forgot your password?
							</LinkButton>
							{forgotOpen ? (
								<p id={forgotId} className="small" data-testid="forgot-help">
									Campus Chat can't send reset emails. Ask the person who runs Campus Chat for your campus (your
									course's IT or student services desk) to reset it: they give you a temporary password. Sign in with
									it, then choose your own in Settings → Password.
								</p>
							) : null}
						</div>
					)}
					<Button variant="primary" block type="submit" disabled={busy}>
						{busy ? "Please wait…" : signup ? "Create account" : "Sign in"}
					</Button>
				</form>
				<p className={styles["auth-switch"]}>
					{signup ? "Already have an account?" : "New here?"}{" "}
					<LinkButton
						onClick={() => {
							setMode(signup ? "signin" : "signup");
							setError(null);
						}}
					>
						{signup ? "Sign in" : "Create an account"}
					</LinkButton>
				</p>
			</div>
		</main>
	);
}
