// Issue 23.3: a poll inside its message bubble. Each option shows its bar, count and whether I
// chose it (my choice is the options whose voterIds hold me: the room sends every member the
// same frame); a tap votes at once (radio: one option; checkboxes: several), "Retract vote" takes
// it back and the creator or a group admin can close the poll. Results follow message:updated.
import { useId, useState } from "react";
import type { Conversation, Message, Poll } from "../../shared/schemas";
import { useChat, useChatStore } from "../store/context";
import { Button } from "./Button";
import styles from "./PollCard.module.css";

/** The options `userId` chose, in the poll's order. */
export function myChoice(poll: Poll, userId: string): string[] {
	return poll.options.filter((o) => o.voterIds.includes(userId)).map((o) => o.id);
}

/** A share of the voters, rounded, for the bar and its label (0 when nobody voted). */
export function share(count: number, voterCount: number): number {
	return voterCount === 0 ? 0 : Math.round((count / voterCount) * 100);
}

export function PollCard({ message, conversation }: { message: Message; conversation: Conversation }) {
	const poll = message.poll as Poll;
	const store = useChatStore();
	const me = useChat((s) => s.me.id);
	const users = useChat((s) => s.users);
	const amAdmin = useChat(
		(s) =>
			conversation.type === "group" &&
			s.participants[conversation.id]?.some((p) => p.user.id === me && p.role === "admin") === true,
	);
	const [busy, setBusy] = useState(false);
	// My choice as I just made it, shown at once until the server's poll replaces it.
	const [choosing, setChoosing] = useState<string[] | null>(null);
	const name = useId();
	const mine = choosing ?? myChoice(poll, me);
	const closed = poll.closedAt !== null;
	const canClose = !closed && (message.senderId === me || amAdmin);

	async function run(action: () => Promise<void>) {
		setBusy(true);
		try {
			await action();
		} finally {
			setBusy(false);
			setChoosing(null);
		}
	}
	function vote(optionIds: string[]) {
		setChoosing(optionIds);
		void run(() => store.votePoll(message, optionIds));
	}
	function choose(optionId: string, checked: boolean) {
		// One vote at a time (each is my whole choice, so two in flight could land in either order).
		if (busy) return;
		const next = poll.multiple
			? checked
				? [...mine, optionId]
				: mine.filter((id) => id !== optionId)
			: checked
				? [optionId]
				: [];
		vote(next);
	}

	const votes = `${poll.voterCount} ${poll.voterCount === 1 ? "vote" : "votes"}`;
	return (
		<form
			className={styles.poll}
			data-testid="poll"
			data-closed={closed || undefined}
			onSubmit={(e) => e.preventDefault()}
		>
			<fieldset className={styles.options} disabled={closed} aria-busy={busy || undefined}>
				<legend className={styles.question}>
					<bdi data-testid="poll-question">{poll.question}</bdi>
					<span className={styles.how}>
						{closed ? "Poll closed" : poll.multiple ? "Choose one or more" : "Choose one"}
					</span>
				</legend>
				{poll.options.map((o) => {
					const chosen = mine.includes(o.id);
					const percent = share(o.count, poll.voterCount);
					const voters = o.voterIds.map((id) => (id === me ? "You" : (users[id]?.displayName ?? "Someone")));
					return (
						<label
							key={o.id}
							className={styles.option}
							data-testid="poll-option"
							data-chosen={chosen || undefined}
							title={voters.length > 0 ? voters.join(", ") : undefined}
						>
							<input
								type={poll.multiple ? "checkbox" : "radio"}
								name={name}
								checked={chosen}
								onChange={(e) => choose(o.id, e.target.checked)}
							/>
							<span className={styles.label}>
								<span className={styles.text}>
									<bdi>{o.text}</bdi>
								</span>
								<span className={styles.count} data-testid="poll-count">
									{o.count}
									<span className="sr-only"> {o.count === 1 ? "vote" : "votes"}</span>
								</span>
								<span className={styles.bar} aria-hidden="true">
									<span className={styles.fill} style={{ width: `${percent}%` }} />
								</span>
							</span>
						</label>
					);
				})}
			</fieldset>
			<div className={styles.footer}>
				<span className={styles.total} data-testid="poll-total">
					{votes}
				</span>
				{!closed && mine.length > 0 ? (
					<Button small variant="ghost" disabled={busy} onClick={() => vote([])}>
						Retract vote
					</Button>
				) : null}
				{canClose ? (
					<Button small variant="ghost" disabled={busy} onClick={() => void run(() => store.closePoll(message))}>
						Close poll
					</Button>
				) : null}
			</div>
		</form>
	);
}
