// Everything that changes the client state, as data. Socket events become these in
// effects/socket-events.ts; requests and timers dispatch them from the other effects. Actions
// carry what a reducer cannot know by itself (who I am, which chat is in view, the time), so
// every reducer stays a pure function of (state, action).
import type { Conversation, Message, Participant, Pin, Reaction, User } from "../../shared/schemas";
import type { ConnectionState, Notice, PendingMessage, ReadMarker } from "./state";

export type ChatAction =
	// conversations
	| { type: "conversations/listed"; conversations: Conversation[]; viewingId: string | null }
	| { type: "conversations/listFailed"; error: string }
	| { type: "conversation/received"; conversation: Conversation; viewingId: string | null; muting?: boolean }
	| { type: "conversation/forgotten"; id: string }
	| { type: "conversation/muted"; id: string; muted: boolean; mutedUntil?: string | null }
	| { type: "conversation/viewed"; id: string }
	| { type: "conversation/readElsewhere"; conversationId: string; seq: number }
	| { type: "conversation/previewed"; message: Message; meId: string; viewingId: string | null; countUnread: boolean }
	// threads
	| { type: "messages/received"; conversationId: string; messages: Message[] }
	| { type: "thread/pageLoaded"; conversationId: string; messages: Message[]; nextCursor: string | null }
	| { type: "thread/olderRequested"; conversationId: string }
	| { type: "thread/olderLoaded"; conversationId: string; messages: Message[]; nextCursor: string | null }
	| { type: "thread/failed"; conversationId: string; error: string }
	| { type: "message/deleted"; conversationId: string; messageId: string; at: string }
	// `previous`: the last message I can still see in that chat (null: none; absent: not known here)
	| { type: "message/hidden"; conversationId: string; messageId: string; previous?: Message | null }
	// v2: edits and reactions (socket frames, or my own request's answer)
	| { type: "message/updated"; message: Message }
	| { type: "message/reactions"; conversationId: string; messageId: string; reactions: Reaction[] }
	// pending sends
	| { type: "pending/added"; pending: PendingMessage }
	| { type: "pending/updated"; conversationId: string; clientId: string; patch: Partial<PendingMessage> }
	| { type: "pending/removed"; conversationId: string; clientId: string }
	// participants and users
	| {
			type: "watermark/moved";
			conversationId: string;
			userId: string;
			field: "lastReadSeq" | "lastDeliveredSeq";
			seq: number;
	  }
	| { type: "member/received"; conversationId: string; participant: Participant }
	| { type: "member/removed"; conversationId: string; userId: string }
	| { type: "users/received"; users: User[] }
	| { type: "presence/changed"; userId: string; online: boolean; lastSeenAt?: string }
	// typing
	| { type: "typing/changed"; conversationId: string; userId: string; typing: boolean; now: number }
	| { type: "typing/expired"; now: number }
	// session
	| { type: "connection/changed"; connection: ConnectionState }
	| { type: "chat/opened"; id: string; readMarker: ReadMarker }
	| { type: "chat/closed" }
	| { type: "room/changed"; open: boolean }
	| { type: "notice/shown"; notice: Notice }
	| { type: "notice/dismissed"; id: number }
	// blocking
	| { type: "blocks/listed"; users: User[] }
	| { type: "blocks/changed"; user: User; blocked: boolean }
	| { type: "conversation/replyRefused"; id: string; refused: boolean }
	// v2: replying, jumping to a message, my profile
	| { type: "reply/started"; conversationId: string; messageId: string }
	| { type: "reply/cancelled"; conversationId: string }
	| { type: "jump/requested"; conversationId: string; seq: number; nonce: number }
	| { type: "jump/done"; nonce: number }
	| { type: "me/updated"; user: User }
	// issue 22.6: someone's new name or photo (user:updated), applied wherever they show
	| { type: "user/updated"; user: User }
	// issue 23.4: a conversation's pins (GET .../pins, conversation:pins, my pin's answer)
	| { type: "pins/received"; conversationId: string; pins: Pin[] };
