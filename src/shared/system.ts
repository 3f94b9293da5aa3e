// The sentence a system message shows ("Asha Patel added Ben Okafor"): written by the room into
// `text`, so every client shows the same words. The web builds the reader's own lines ("Ben
// Okafor added you") from the same template, so the two can never drift apart.
import type { SystemEvent } from "./schemas";

/** How a sentence names a person: as the actor ("Someone") or as the target ("someone"). */
type Namer = (id: string, as: "actor" | "target", subject: boolean) => string;

function sentence(system: SystemEvent, name: Namer, isReader: (id: string) => boolean): string {
	const actor = name(system.actorId, "actor", true);
	const target = name(system.targetId, "target", false);
	const targetAsSubject = name(system.targetId, "target", true);
	const is = isReader(system.targetId) ? "are" : "is";
	switch (system.event) {
		case "joined":
			return system.actorId === system.targetId ? `${targetAsSubject} joined` : `${actor} added ${target}`;
		case "left":
			return `${targetAsSubject} left`;
		case "removed":
			return `${actor} removed ${target}`;
		case "created":
			return `${actor} created the group`;
		case "renamed":
			return `${actor} renamed the group to “${system.title ?? ""}”`;
		case "pinned":
			return `${actor} pinned a message`;
		case "only_admins_send":
			return system.onlyAdminsSend
				? `${actor} allowed only admins to send messages`
				: `${actor} allowed everyone to send messages`;
		case "role_changed":
			return system.role === "admin"
				? `${targetAsSubject} ${is} now an admin`
				: `${targetAsSubject} ${is} no longer an admin`;
	}
}

/** The third-person sentence the room writes into a system message's `text`. */
export function systemSentence(system: SystemEvent, names: Map<string, string>): string {
	return sentence(
		system,
		(id, as) => names.get(id) ?? (as === "actor" ? "Someone" : "someone"),
		() => false,
	);
}

/**
 * The same sentence from one reader's side: the reader is "You" as a subject and "you"
 * otherwise ("You created the group", "Ben Okafor added you", "You are now an admin").
 */
export function systemSentenceFor(system: SystemEvent, names: Map<string, string>, readerId: string): string {
	return sentence(
		system,
		(id, as, subject) =>
			id === readerId ? (subject ? "You" : "you") : (names.get(id) ?? (as === "actor" ? "Someone" : "someone")),
		(id) => id === readerId,
	);
}
