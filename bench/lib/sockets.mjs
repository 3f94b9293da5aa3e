// WebSocket helpers: open with a deadline, route every text frame to a handler with its
// arrival time, close everything at the end. The client is the lean one in ws-client.mjs
// (no compression) unless `--client undici` picks Node's built-in WebSocket, which negotiates
// permessage-deflate like a browser does.
import { LiteWebSocket } from "./ws-client.mjs";

let Client = LiteWebSocket;
export let clientName = "lite";

export function selectClient(name) {
	if (name === "undici") Client = globalThis.WebSocket;
	else if (name === "lite") Client = LiteWebSocket;
	else throw new Error(`unknown --client ${name} (lite or undici)`);
	clientName = name;
}

const OPEN = 1;

/**
 * Open a socket; resolves once it is open, rejects on error, early close or timeout.
 * onFrame(text, arrivedAtMs) is called for every text frame.
 */
export function openSocket(url, onFrame, { timeoutMs = 15_000 } = {}) {
	return new Promise((resolve, reject) => {
		const ws = new Client(url);
		ws.closedInfo = null;
		const timer = setTimeout(() => {
			try {
				ws.close();
			} catch {}
			reject(new Error(`socket open timed out: ${redact(url)}`));
		}, timeoutMs);
		ws.addEventListener("open", () => {
			clearTimeout(timer);
			resolve(ws);
		});
		ws.addEventListener("error", (ev) => {
			clearTimeout(timer);
			reject(new Error(`socket error on ${redact(url)}: ${ev?.error?.message ?? ev?.message ?? "error"}`));
		});
		ws.addEventListener("close", (ev) => {
			clearTimeout(timer);
			ws.closedInfo = { code: ev.code, reason: ev.reason, at: performance.now() };
			reject(new Error(`socket closed before open (${ev.code}): ${redact(url)}`));
		});
		ws.addEventListener("message", (ev) => {
			if (typeof ev.data === "string") onFrame(ev.data, performance.now());
		});
	});
}

function redact(url) {
	return String(url).replace(/ticket=[^&]+/, "ticket=…");
}

export function closeAll(sockets) {
	let stillOpen = 0;
	for (const ws of sockets) {
		if (!ws) continue;
		if (ws.readyState === OPEN) stillOpen++;
		try {
			ws.close(1000, "bench done");
		} catch {}
	}
	return stillOpen;
}

/** Sockets that closed on their own before we closed them. */
export function countClosed(sockets) {
	return sockets.filter((ws) => ws && ws.readyState !== OPEN).length;
}

/**
 * Ping every socket in `sockets` (an array that may still grow) every `ms`, as real clients
 * do: the app drops realtime sockets that are silent for 60 s. The runtime answers the ping
 * itself, so it never wakes a hibernated object. Returns a stop function.
 */
export function keepAlive(sockets, ms = 25_000) {
	const timer = setInterval(() => {
		for (const ws of sockets) {
			try {
				if (ws && ws.readyState === OPEN) ws.send('{"type":"ping"}');
			} catch {}
		}
	}, ms);
	return () => clearInterval(timer);
}
