// A socket client for tests: opens the contract's sockets with a fresh ticket through the real
// Worker and collects frames, with waits on what arrives (never fixed sleeps).
import { exports } from "cloudflare:workers";
import { afterEach } from "vitest";
import { api, BASE, type TestUser } from "./helpers";

export interface Frame {
	type: string;
	ref?: string;
	data?: any;
	error?: { code: string; message: string };
}

export class TestSocket {
	readonly frames: Frame[] = [];
	/** Frames as they arrived on the wire (a batch is one); `frames` has them unpacked. */
	readonly raw: string[] = [];
	closed: { code: number; reason: string } | null = null;
	private waiters: (() => void)[] = [];

	constructor(readonly ws: WebSocket) {
		ws.addEventListener("message", (event) => {
			const text = typeof event.data === "string" ? event.data : new TextDecoder().decode(event.data as ArrayBuffer);
			this.raw.push(text);
			// Contract v2: a `batch` frame carries complete frames, handled one by one in order.
			const frame = JSON.parse(text);
			if (frame.type === "batch" && Array.isArray(frame.data)) this.frames.push(...frame.data);
			else this.frames.push(frame);
			this.wake();
		});
		ws.addEventListener("close", (event) => {
			this.closed = { code: event.code, reason: event.reason };
			this.wake();
		});
	}

	private wake() {
		for (const w of this.waiters.splice(0)) w();
	}

	send(frame: unknown) {
		this.ws.send(typeof frame === "string" ? frame : JSON.stringify(frame));
	}

	/** Resolves with the first frame (from index `from`) matching `match`, or fails after `ms`. */
	async waitFor(match: (f: Frame) => boolean, ms = 5000, from = 0): Promise<Frame> {
		const deadline = Date.now() + ms;
		for (;;) {
			const found = this.frames.slice(from).find(match);
			if (found) return found;
			const left = deadline - Date.now();
			if (left <= 0)
				throw new Error(`timed out waiting for a frame; got ${JSON.stringify(this.frames.map((f) => f.type))}`);
			await new Promise<void>((resolve) => {
				const timer = setTimeout(resolve, left);
				this.waiters.push(() => {
					clearTimeout(timer);
					resolve();
				});
			});
		}
	}

	/** Waits until `count` frames match. */
	async waitForCount(match: (f: Frame) => boolean, count: number, ms = 10_000): Promise<Frame[]> {
		const deadline = Date.now() + ms;
		for (;;) {
			const found = this.frames.filter(match);
			if (found.length >= count) return found;
			const left = deadline - Date.now();
			if (left <= 0) throw new Error(`timed out: ${found.length}/${count} frames`);
			await new Promise<void>((resolve) => {
				const timer = setTimeout(resolve, left);
				this.waiters.push(() => {
					clearTimeout(timer);
					resolve();
				});
			});
		}
	}

	async waitClosed(ms = 5000) {
		const deadline = Date.now() + ms;
		while (!this.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
		return this.closed;
	}

	/** Sends a frame with a ref and resolves with its ack or error. */
	async request(type: string, data?: unknown): Promise<Frame> {
		const ref = crypto.randomUUID();
		this.send({ type, ref, ...(data === undefined ? {} : { data }) });
		return this.waitFor((f) => f.ref === ref && (f.type === "ack" || f.type === "error"));
	}

	close() {
		try {
			this.ws.close(1000, "done");
		} catch {
			// already closed
		}
	}
}

export async function ticketFor(user: TestUser): Promise<string> {
	const res = await api("POST", "/realtime/ticket", { token: user.token });
	if (res.status !== 200) throw new Error(`ticket failed: ${res.status}`);
	return res.body.ticket;
}

/** The raw handshake response, for tests of refused sockets. */
export async function handshake(path: string, query: string, headers: Record<string, string> = {}) {
	return exports.default.fetch(
		new Request(`${BASE}/api/v1${path}${query ? `?${query}` : ""}`, { headers: { Upgrade: "websocket", ...headers } }),
	);
}

export async function connect(path: string, user: TestUser): Promise<TestSocket> {
	const res = await handshake(path, `ticket=${encodeURIComponent(await ticketFor(user))}`);
	if (res.status !== 101 || !res.webSocket) throw new Error(`socket refused: ${res.status} ${await res.text()}`);
	res.webSocket.accept();
	return new TestSocket(res.webSocket);
}

export const roomSocket = (user: TestUser, conversationId: string) =>
	connect(`/conversations/${conversationId}/socket`, user);
export const realtimeSocket = (user: TestUser) => connect("/realtime", user);

export const isNew = (f: Frame) => f.type === "message:new";

/**
 * For a test file: returns `track`, which remembers each socket it is given, and closes them
 * all after every test.
 */
export function closeSocketsAfterEach() {
	const open: TestSocket[] = [];
	afterEach(() => {
		for (const s of open.splice(0)) s.close();
	});
	return async function track<T extends TestSocket>(socket: Promise<T>): Promise<T> {
		const s = await socket;
		open.push(s);
		return s;
	};
}
