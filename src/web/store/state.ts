// The shape of the client state. Each slice has its own reducer beside this file; the views
// read it through `useChat` (context.tsx).
import type { Conversation, Message, Participant, Pin, User } from "../../shared/schemas";

export type ConnectionState = "connecting" | "online" | "offline";

export interface PendingMessage {
	clientId: string;
	conversationId: string;
	kind: "text" | "image" | "file" | "voice";
	text: string;
	createdAt: string;
	/** `waiting`: in the outbox, sent when the network and the messages before it allow (offline/outbox.ts). */
	status: "waiting" | "uploading" | "sending" | "failed";
	file?: File;
	previewUrl?: string;
	imageKey?: string;
	/** Issue 23: a file's or voice note's upload once it is stored, its name and a voice note's length. */
	attachmentKey?: string;
	fileName?: string;
	durationMs?: number;
	progress?: number;
	error?: string;
	/** v2: the message this one answers, and the members it mentions. */
	replyToId?: string;
	mentions?: string[];
}

export interface Thread {
	messages: Message[];
	loaded: boolean;
	olderCursor: string | null;
	hasOlder: boolean;
	loadingOlder: boolean;
	error?: string;
	/** Messages saved on this device (offline/cache.ts), shown until the server's first page replaces them. */
	restored?: boolean;
}

export interface ReadMarker {
	conversationId: string;
	seq: number | null;
	unread: number;
}

export interface Notice {
	id: number;
	text: string;
	tone: "info" | "error";
}

/** Which chat is open, how the sockets are, and what the list and toast show about it. */
export interface SessionState {
	connection: ConnectionState;
	openId: string | null;
	/** Whether the open chat's room socket is connected (typing and live receipts need it). */
	roomOpen: boolean;
	/**
	 * For the open chat, what was unread at the moment it was opened: my lastReadSeq then (when
	 * known) and the unread count. The "New messages" divider comes from this alone, so messages
	 * that arrive while the chat is open never get one (issue 15.6).
	 */
	readMarker: ReadMarker | null;
	/** A short confirmation or error after an action, shown as a toast (issue 15.3). */
	notice: Notice | null;
	listLoaded: boolean;
	listError: string | null;
	/** conversationId → the id of the message the composer is replying to. */
	replyingTo: Record<string, string>;
	/** A message to scroll to and highlight (reply quote or search result); `nonce` tells repeats apart. */
	jump: JumpTarget | null;
}

export interface JumpTarget {
	conversationId: string;
	seq: number;
	nonce: number;
}

export interface ChatState extends SessionState {
	me: User;
	conversations: Conversation[];
	participants: Record<string, Participant[]>;
	threads: Record<string, Thread>;
	pending: Record<string, PendingMessage[]>;
	users: Record<string, User>;
	/** conversationId → userId → expiry (ms since epoch) */
	typing: Record<string, Record<string, number>>;
	/** People I blocked, and chats where the server refused my message (blocks.ts). */
	blocks: BlocksState;
	/** Issue 23.4: conversationId → its pinned messages, newest pin first (pins.ts). */
	pins: Record<string, Pin[]>;
}

export interface BlocksState {
	users: Record<string, User>;
	loaded: boolean;
	/** Conversations where a send answered 403 (the other person blocked me): the composer gives way to a notice. */
	refused: Record<string, true>;
}

export function initialState(me: User): ChatState {
	return {
		me,
		conversations: [],
		listLoaded: false,
		listError: null,
		participants: {},
		threads: {},
		pending: {},
		users: { [me.id]: me },
		typing: {},
		connection: "connecting",
		openId: null,
		roomOpen: false,
		readMarker: null,
		notice: null,
		blocks: { users: {}, loaded: false, refused: {} },
		pins: {},
		replyingTo: {},
		jump: null,
	};
}
