// The sentence a system message shows ("Asha Patel added Ben Okafor"): written by the room into
// `text`, so every client shows the same words.
import type { SystemEvent } from "./schemas";

export function systemSentence(system: SystemEvent, names: Map<string, string>): string {
	const actor = names.get(system.actorId) ?? "Someone";
	const target = names.get(system.targetId) ?? "someone";
	switch (system.event) {
		case "joined":
			return system.actorId === system.targetId ? `${target} joined` : `${actor} added ${target}`;
		case "left":
			return `${target} left`;
		case "removed":
			return `${actor} removed ${target}`;
		case "created":
			return `${actor} created the group`;
		case "renamed":
			return `${actor} renamed the group to “${system.title ?? ""}”`;
		case "role_changed":
			return system.role === "admin" ? `${target} is now an admin` : `${target} is no longer an admin`;
	}
}
