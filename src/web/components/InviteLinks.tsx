// Group info's "Invite links" section for admins (issue 23.5): create a link (an expiry and a
// single-use switch), copy it, and revoke live ones. The server shows a link's token once, in
// the answer that created it, so only a link made here and now can be copied; the list says
// when each live link was made, when it ends and how often it was used.
import { useCallback, useEffect, useId, useState } from "react";
import type { Invite } from "../../shared/schemas";
import { api } from "../api";
import { failureText } from "../effects/store";
import { EXPIRY_CHOICES, type ExpiryChoice, inviteBody, inviteLink } from "../invites";
import { useChatStore } from "../store/context";
import { Button } from "./Button";
import { FormError } from "./Field";
import styles from "./InviteLinks.module.css";

const when = (iso: string) =>
	new Date(iso).toLocaleString(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });

function inviteSummary(invite: Invite): string {
	const uses = invite.maxUses === 1 ? "single use" : `${invite.uses} ${invite.uses === 1 ? "join" : "joins"}`;
	const ends = invite.expiresAt ? `until ${when(invite.expiresAt)}` : "no expiry";
	return `Made ${when(invite.createdAt)} · ${ends} · ${uses}`;
}

export function InviteLinks({ conversationId }: { conversationId: string }) {
	const store = useChatStore();
	const [invites, setInvites] = useState<Invite[] | null>(null);
	const [expiry, setExpiry] = useState<ExpiryChoice>("7d");
	const [singleUse, setSingleUse] = useState(false);
	const [fresh, setFresh] = useState<{ id: string; link: string } | null>(null);
	const [error, setError] = useState<string | null>(null);
	const [busy, setBusy] = useState(false);
	const id = useId();

	const reload = useCallback(async () => {
		try {
			setInvites((await api.listInvites(conversationId)).invites);
		} catch (e) {
			setError(failureText(e, "the invite links could not be loaded"));
		}
	}, [conversationId]);
	useEffect(() => {
		void reload();
	}, [reload]);

	async function create() {
		setBusy(true);
		setError(null);
		try {
			const { invite } = await api.createInvite(conversationId, inviteBody(expiry, singleUse));
			setFresh({ id: invite.id, link: inviteLink(invite.token ?? "") });
			await reload();
		} catch (e) {
			setError(failureText(e, "the link was not created"));
		} finally {
			setBusy(false);
		}
	}

	async function revoke(inviteId: string) {
		setBusy(true);
		setError(null);
		try {
			await api.revokeInvite(conversationId, inviteId);
			if (fresh?.id === inviteId) setFresh(null);
			store.announce("Invite link revoked");
			await reload();
		} catch (e) {
			setError(failureText(e, "the link was not revoked"));
		} finally {
			setBusy(false);
		}
	}

	async function copy(link: string) {
		try {
			await navigator.clipboard.writeText(link);
			store.announce("Link copied");
		} catch {
			store.announce("Couldn't copy: select the link and copy it yourself", "error");
		}
	}

	return (
		<section aria-labelledby={`${id}-heading`} className={styles.invites} data-testid="invite-links">
			<h3 id={`${id}-heading`}>Invite links</h3>
			<p className="muted small">Anyone signed in who opens a link sees the group's name and can join.</p>
			<div className={styles.create}>
				<label htmlFor={`${id}-expiry`}>Expires</label>
				<select
					id={`${id}-expiry`}
					className={styles.select}
					value={expiry}
					onChange={(e) => setExpiry(e.target.value as ExpiryChoice)}
				>
					{EXPIRY_CHOICES.map((c) => (
						<option key={c.value} value={c.value}>
							{c.label}
						</option>
					))}
				</select>
				<label className={styles.check}>
					<input type="checkbox" checked={singleUse} onChange={(e) => setSingleUse(e.target.checked)} />
					Single use
				</label>
				<Button variant="primary" small disabled={busy} onClick={create}>
					Create link
				</Button>
			</div>
			{fresh ? (
				<div className={styles.fresh}>
					<label htmlFor={`${id}-link`} className="small">
						New link (shown only now)
					</label>
					<div className={styles["fresh-row"]}>
						<input
							id={`${id}-link`}
							className={styles.link}
							readOnly
							value={fresh.link}
							data-testid="invite-link"
							onFocus={(e) => e.target.select()}
						/>
						<Button small onClick={() => copy(fresh.link)}>
							Copy link
						</Button>
					</div>
				</div>
			) : null}
			{error ? <FormError>{error}</FormError> : null}
			{invites && invites.length > 0 ? (
				<ul className={styles.list}>
					{invites.map((invite) => (
						<li key={invite.id} className={styles.item} data-testid="invite">
							<span className="small">{inviteSummary(invite)}</span>
							<Button
								variant="ghost"
								small
								dangerText
								disabled={busy}
								onClick={() => revoke(invite.id)}
								aria-label={`Revoke the link made ${when(invite.createdAt)}`}
							>
								Revoke
							</Button>
						</li>
					))}
				</ul>
			) : invites ? (
				<p className="muted small">No live links.</p>
			) : null}
		</section>
	);
}
