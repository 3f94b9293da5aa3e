// What Durable Object RPC methods return: errors travel as values, because a thrown error
// loses its status on the way back to the Worker.

import type { AppEnv } from "../server/config";
import type { ErrorStatus } from "../shared/schemas";

/** Extra error details; plain JSON so they survive the RPC boundary. */
export type RpcDetails = Record<string, number | string | string[] | { path: string; message: string }[]>;

export type RoomResult<T> =
	| { ok: true; value: T }
	| { ok: false; status: ErrorStatus; message: string; details?: RpcDetails };

export const ok = <T>(value: T): RoomResult<T> => ({ ok: true, value });
export const fail = (status: ErrorStatus, message: string, details?: RpcDetails): RoomResult<never> => ({
	ok: false,
	status,
	message,
	details,
});

export const roomName = (conversationId: string) => `conversation:${conversationId}`;
export const hubName = (userId: string) => `user:${userId}`;

/** The conversation's room, `conversation:<id>`. */
export const roomStub = (env: AppEnv, conversationId: string) =>
	env.ROOMS.get(env.ROOMS.idFromName(roomName(conversationId)));
/** The user's hub, `user:<id>`. */
export const hubStub = (env: AppEnv, userId: string) => env.HUBS.get(env.HUBS.idFromName(hubName(userId)));
