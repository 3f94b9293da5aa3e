// The two sockets: the per-tab realtime socket and the open chat's room socket. Their frames
// go to the handlers as events (socket-events.ts turns them into actions); sending here only
// says whether a frame went out.
import type { ClientFrame } from "../../shared/schemas";
import { ChatSocket, type RealtimeEvent } from "../realtime";

export interface SocketEffects {
	onRealtimeEvents(events: RealtimeEvent[]): void;
	onRealtimeOpen(): void;
	onRealtimeClose(): void;
	onRoomEvents(events: RealtimeEvent[]): void;
	/** Every open of the room socket; `reconnect` is false for the first. */
	onRoomOpen(id: string, reconnect: boolean): void;
	onRoomClose(id: string): void;
}

export class Sockets {
	private realtime: ChatSocket | null = null;
	private room: { id: string; socket: ChatSocket } | null = null;

	constructor(private readonly effects: SocketEffects) {}

	openRealtime(): void {
		this.realtime = new ChatSocket("/realtime", {
			onEvents: (events) => this.effects.onRealtimeEvents(events),
			onOpen: () => this.effects.onRealtimeOpen(),
			onClose: () => this.effects.onRealtimeClose(),
		});
	}

	get roomId(): string | null {
		return this.room?.id ?? null;
	}

	/** Opens the chat's room socket, closing another chat's; false if it was already open. */
	openRoom(id: string): boolean {
		if (this.room?.id === id) return false;
		this.room?.socket.close();
		let reconnect = false;
		this.room = {
			id,
			socket: new ChatSocket(`/conversations/${encodeURIComponent(id)}/socket`, {
				onEvents: (events) => this.effects.onRoomEvents(events),
				onClose: () => {
					if (this.room?.id === id) this.effects.onRoomClose(id);
				},
				onOpen: () => {
					this.effects.onRoomOpen(id, reconnect);
					reconnect = true;
				},
			}),
		};
		return true;
	}

	closeRoom(id: string): void {
		if (this.room?.id !== id) return;
		this.room.socket.close();
		this.room = null;
	}

	sendRealtime(frame: ClientFrame): boolean {
		return this.realtime?.send(frame) === true;
	}

	/** Sends on the room socket only if it is this chat's. */
	sendRoom(id: string, frame: ClientFrame): boolean {
		return this.room?.id === id && this.room.socket.send(frame);
	}

	/** The old sockets may look open but be dead; dial again now rather than after the backoff. */
	reconnect(): void {
		this.realtime?.reconnect();
		this.room?.socket.reconnect();
	}

	close(): void {
		this.realtime?.close();
		this.realtime = null;
		this.room?.socket.close();
		this.room = null;
	}
}
