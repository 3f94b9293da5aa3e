// The two things the harness drives with the same frames: the app (through its public
// REST + WebSocket contract) and the relay floor (bench/relay, no auth, rooms by name).
// Both expose createRoom / roomSocketUrl so the fan-out code does not care which it talks to.
import { randomUUID } from "node:crypto";

export class HttpError extends Error {
	constructor(method, url, status, body) {
		super(`${method} ${url} -> ${status}: ${String(body).slice(0, 300)}`);
		this.status = status;
		this.body = body;
	}
}

/** Run fn over items with at most `limit` in flight; results in input order. */
export async function mapLimit(items, limit, fn) {
	const out = new Array(items.length);
	let next = 0;
	const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
		while (next < items.length) {
			const i = next++;
			out[i] = await fn(items[i], i);
		}
	});
	await Promise.all(workers);
	return out;
}

export class AppTarget {
	kind = "app";

	constructor(base) {
		this.base = base.replace(/\/$/, "");
		this.wsBase = this.base.replace(/^http/, "ws");
		this.runTag = randomUUID().slice(0, 8);
	}

	async request(method, path, { token, body, query } = {}) {
		const url = new URL(`${this.base}/api/v1${path}`);
		for (const [k, v] of Object.entries(query ?? {})) url.searchParams.set(k, String(v));
		const headers = {};
		if (token) headers.authorization = `Bearer ${token}`;
		if (body !== undefined) headers["content-type"] = "application/json";
		// Bounded: a request that hangs fails the scenario instead of stalling the bench.
		for (let attempt = 0; ; attempt++) {
			const res = await fetch(url, {
				method,
				headers,
				body: body === undefined ? undefined : JSON.stringify(body),
				signal: AbortSignal.timeout(30_000),
			});
			const text = await res.text();
			// The bench runs with RATE_LIMITS:off; a 429 means that flag is not honoured — retry a
			// few times after Retry-After rather than give up on the whole run.
			if (res.status === 429 && attempt < 5) {
				const wait = Math.min(5, Number(res.headers.get("retry-after")) || 1);
				await new Promise((r) => setTimeout(r, wait * 1000));
				continue;
			}
			if (!res.ok) throw new HttpError(method, url.pathname, res.status, text);
			return text ? JSON.parse(text) : null;
		}
	}

	async health() {
		const res = await fetch(`${this.base}/api/v1/health`, { signal: AbortSignal.timeout(5000) });
		return res.ok;
	}

	/** Register `count` users (bounded concurrency); returns [{ id, token, email }]. */
	async registerUsers(count, { concurrency = 8, prefix = "u" } = {}) {
		const idx = Array.from({ length: count }, (_, i) => i);
		return mapLimit(idx, concurrency, async (i) => {
			const email = `bench-${this.runTag}-${prefix}${i}@example.com`;
			const { user, token } = await this.request("POST", "/auth/register", {
				body: { email, password: `bench-${this.runTag}-password`, displayName: `Bench ${prefix}${i}` },
			});
			return { id: user.id, token, email };
		});
	}

	/** A group with `members[0]` as creator (admin); returns the conversation id. */
	async createRoom(members, title = "bench") {
		const [creator, ...rest] = members;
		const { conversation } = await this.request("POST", "/conversations", {
			token: creator.token,
			body: { type: "group", title, memberIds: rest.map((u) => u.id) },
		});
		return conversation.id;
	}

	async ticket(user) {
		const { ticket } = await this.request("POST", "/realtime/ticket", { token: user.token });
		return ticket;
	}

	async roomSocketUrl(user, roomId) {
		return `${this.wsBase}/api/v1/conversations/${encodeURIComponent(roomId)}/socket?ticket=${encodeURIComponent(await this.ticket(user))}`;
	}

	async realtimeSocketUrl(user) {
		return `${this.wsBase}/api/v1/realtime?ticket=${encodeURIComponent(await this.ticket(user))}`;
	}

	/** The development-only hibernation signal, or null when the endpoint is not there. */
	async roomStats(roomId, user) {
		const res = await fetch(`${this.base}/api/v1/debug/rooms/${encodeURIComponent(roomId)}/stats`, {
			headers: user ? { authorization: `Bearer ${user.token}` } : {},
			signal: AbortSignal.timeout(10_000),
		});
		if (!res.ok) return null;
		try {
			const body = await res.json();
			return typeof body?.wakes === "number" ? body : null;
		} catch {
			return null;
		}
	}
}

export class FloorTarget {
	/** store: undefined (the floor), "do" or "d1" (breakdown variants, see bench/relay/worker.js). */
	constructor(base, store) {
		this.store = store ?? null;
		this.kind = store ? `floor+${store}` : "floor";
		this.base = base.replace(/\/$/, "");
		this.wsBase = this.base.replace(/^http/, "ws");
		this.runTag = randomUUID().slice(0, 8);
		this.rooms = 0;
	}

	async registerUsers(count, { prefix = "u" } = {}) {
		return Array.from({ length: count }, (_, i) => ({ id: `floor-${this.runTag}-${prefix}${i}`, token: null }));
	}

	async createRoom() {
		return `room-${this.runTag}-${++this.rooms}`;
	}

	async roomSocketUrl(user, roomId) {
		const store = this.store ? `&store=${this.store}` : "";
		return `${this.wsBase}/rooms/${encodeURIComponent(roomId)}/socket?user=${encodeURIComponent(user.id)}${store}`;
	}

	async roomStats(roomId) {
		const res = await fetch(`${this.base}/rooms/${encodeURIComponent(roomId)}/stats`, {
			signal: AbortSignal.timeout(10_000),
		});
		return res.ok ? res.json() : null;
	}
}
