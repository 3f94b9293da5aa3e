// Polls (issue 23.3): a `poll` message is sent like any other (room/messages.ts builds its poll);
// here members vote, change or withdraw their vote, and the creator or a group admin closes it.
// Each vote is one synchronous transaction in the log (room/log.ts `setPollVote`: the member's
// rows in poll_votes replaced, the message's poll rebuilt from every vote), so votes never
// interleave and none is lost. Every change goes to the room as one shared `message:updated`;
// changes that arrive while one is on its way are folded into it (it reads the poll as it is
// when it is sent), so a burst of 256 votes costs far fewer than 256 frames per socket.

import type { MessageRecord } from "../../server/views";
import { type Message, type Poll, pollText, type ServerEvent } from "../../shared/schemas";
import { fail, ok, type RoomResult } from "../rpc";
import type { RoomCore } from "./core";
import { isMember, load } from "./loading";
import { messageOut, notifyMembers } from "./publishing";

/** A new poll's stored form: options numbered o1..o12, no votes. */
export function newPoll(body: { question: string; options: string[]; multiple: boolean }): {
	poll: Poll;
	text: string;
} {
	return {
		poll: {
			question: body.question,
			multiple: body.multiple,
			options: body.options.map((text, i) => ({ id: `o${i + 1}`, text, count: 0, voterIds: [] })),
			voterCount: 0,
			closedAt: null,
			closedBy: null,
		},
		text: pollText(body.question),
	};
}

type PollAnswer = { message: Message; myOptionIds: string[] };

/**
 * Makes `optionIds` the actor's whole choice (empty withdraws it). The same choice again is
 * answered as it is and broadcasts nothing. 409 on a message that is not a poll, deleted or closed;
 * 400 for an option the poll does not have, or more than one on a single-choice poll.
 */
export async function vote(
	room: RoomCore,
	actorId: string,
	messageId: string,
	optionIds: string[],
	origin: string,
	opts: { viaRest?: boolean } = {},
): Promise<RoomResult<PollAnswer>> {
	const found = await pollMessage(room, actorId, messageId);
	if (!found.ok) return found;
	const { record, poll } = found.value;
	if (poll.closedAt) return fail(409, "the poll is closed");
	const known = new Set(poll.options.map((o) => o.id));
	const unknown = optionIds.filter((id) => !known.has(id));
	if (unknown.length > 0) {
		return fail(400, "the poll has no such option", {
			fields: [{ path: "optionIds", message: `not options of this poll: ${unknown.join(", ")}` }],
		});
	}
	if (!poll.multiple && optionIds.length > 1) {
		return fail(400, "this poll takes one option", {
			fields: [{ path: "optionIds", message: "a single-choice poll takes at most one option" }],
		});
	}
	const { changed } = room.roomLog.setPollVote(messageId, actorId, optionIds, new Date().toISOString());
	if (changed) {
		room.afterWrite();
		await announce(room, record, origin);
	}
	await room.visibleToRest(opts.viaRest);
	return answer(room, actorId, messageId, origin);
}

/** Closes a poll: its creator, or an admin of the group. Closing a closed poll answers it as it is. */
export async function closePoll(
	room: RoomCore,
	actorId: string,
	messageId: string,
	origin: string,
	opts: { viaRest?: boolean } = {},
): Promise<RoomResult<PollAnswer>> {
	const found = await pollMessage(room, actorId, messageId);
	if (!found.ok) return found;
	const { record, poll, meta } = found.value;
	const actor = room.roomLog.member(actorId);
	const isAdmin = meta.type === "group" && actor?.role === "admin";
	if (record.sender_id !== actorId && !isAdmin) {
		return fail(403, "only the poll's creator or a group admin can close it");
	}
	if (!poll.closedAt) {
		room.roomLog.closePoll(messageId, actorId, new Date().toISOString());
		room.afterWrite();
		await announce(room, record, origin);
	}
	await room.visibleToRest(opts.viaRest);
	return answer(room, actorId, messageId, origin);
}

/** The poll message a member can see and write to, or the refusal. */
async function pollMessage(room: RoomCore, actorId: string, messageId: string) {
	const meta = await load(room);
	const record = meta && (await isMember(room, actorId)) ? room.roomLog.byId(messageId) : null;
	if (!meta || !record) return fail(404, "message not found");
	const blocked = await room.blocks.refuseWrite(meta.type, actorId);
	if (blocked) return blocked;
	if (record.kind !== "poll" || !record.poll) return fail(409, "the message is not a poll");
	if (record.deleted_at) return fail(409, "the message was deleted");
	return ok({ meta, record, poll: JSON.parse(record.poll) as Poll });
}

async function answer(
	room: RoomCore,
	actorId: string,
	messageId: string,
	origin: string,
): Promise<RoomResult<PollAnswer>> {
	const now = room.roomLog.byId(messageId);
	if (!now) return fail(404, "message not found");
	return ok({
		message: await messageOut(room, now, origin),
		myOptionIds: room.roomLog.pollVotesOf(messageId, actorId),
	});
}

/** Polls with a `message:updated` queued but not sent yet, per room: the promise of that frame. */
const queued = new WeakMap<RoomCore, Map<string, Promise<void>>>();

/**
 * One shared `message:updated` for the poll, read when it goes out (in order after every frame
 * already on its way); a change made while one is queued rides on it. The conversation list
 * hears of it too when the poll is the conversation's last message.
 */
function announce(room: RoomCore, record: MessageRecord, origin: string): Promise<void> {
	let frames = queued.get(room);
	if (!frames) {
		frames = new Map();
		queued.set(room, frames);
	}
	const waiting = frames.get(record.id);
	if (waiting) return waiting;
	const pending = frames;
	const next = room.publishing.then(async () => {
		// From here on a new vote queues a frame of its own: this one may not read it.
		pending.delete(record.id);
		const row = room.roomLog.byId(record.id);
		if (!row) return;
		const message = await messageOut(room, row, origin);
		const event: ServerEvent = { type: "message:updated", data: { message } };
		room.sockets.broadcast(event);
		if (room.roomLog.latestMessage()?.id === record.id) notifyMembers(room, [event]);
	});
	frames.set(record.id, next);
	room.publishing = next.catch(() => undefined);
	return next;
}
