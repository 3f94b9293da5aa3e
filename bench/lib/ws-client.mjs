// A minimal RFC 6455 WebSocket client on node:net, used by default instead of Node's built-in
// WebSocket. Two reasons: it offers no permessage-deflate (undici's client always does, and
// then workerd deflates every frame for every socket and the harness inflates it again,
// which on a 2-core machine measures zlib rather than the app), and it costs the harness a
// few microseconds per frame, so one Node process can take a 256-member fan-out.
// Text frames only in practice; pings are answered; fragmented messages are reassembled.
import { createHash, randomBytes } from "node:crypto";
import net from "node:net";

const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
export const CONNECTING = 0;
export const OPEN = 1;
export const CLOSING = 2;
export const CLOSED = 3;

export class LiteWebSocket {
	constructor(url) {
		this.url = new URL(url);
		this.readyState = CONNECTING;
		this.listeners = { open: [], message: [], close: [], error: [] };
		this.buf = null;
		this.fragments = null;
		this.closeSent = false;
		const port = Number(this.url.port) || 80;
		this.socket = net.connect({ host: this.url.hostname, port });
		this.socket.setNoDelay(true);
		this.key = randomBytes(16).toString("base64");
		this.socket.on("connect", () => {
			const path = this.url.pathname + this.url.search;
			this.socket.write(
				`GET ${path} HTTP/1.1\r\nHost: ${this.url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
					`Sec-WebSocket-Key: ${this.key}\r\nSec-WebSocket-Version: 13\r\nOrigin: http://${this.url.host}\r\n\r\n`,
			);
		});
		this.socket.on("data", (chunk) => this.onData(chunk));
		this.socket.on("error", (err) => this.emit("error", { error: err, message: err.message }));
		this.socket.on("close", () => this.finish(1006, "connection lost"));
	}

	addEventListener(type, fn) {
		this.listeners[type].push(fn);
	}

	emit(type, ev) {
		for (const fn of this.listeners[type]) fn(ev);
	}

	onData(chunk) {
		this.buf = this.buf?.length ? Buffer.concat([this.buf, chunk]) : chunk;
		if (this.readyState === CONNECTING) {
			const end = this.buf.indexOf("\r\n\r\n");
			if (end < 0) return;
			const head = this.buf.subarray(0, end).toString("latin1");
			this.buf = this.buf.subarray(end + 4);
			const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
			const accept = /sec-websocket-accept:\s*(\S+)/i.exec(head)?.[1];
			const expected = createHash("sha1")
				.update(this.key + GUID)
				.digest("base64");
			if (status !== 101 || accept !== expected) {
				this.emit("error", { message: `handshake failed: ${head.split("\r\n")[0]}` });
				this.socket.destroy();
				return;
			}
			this.readyState = OPEN;
			this.emit("open", {});
		}
		this.parseFrames();
	}

	parseFrames() {
		const buf = this.buf;
		let off = 0;
		while (buf.length - off >= 2) {
			const b0 = buf[off];
			const b1 = buf[off + 1];
			let len = b1 & 0x7f;
			let head = 2;
			if (len === 126) {
				if (buf.length - off < 4) break;
				len = buf.readUInt16BE(off + 2);
				head = 4;
			} else if (len === 127) {
				if (buf.length - off < 10) break;
				len = Number(buf.readBigUInt64BE(off + 2));
				head = 10;
			}
			const masked = (b1 & 0x80) !== 0;
			if (masked) head += 4;
			if (buf.length - off < head + len) break;
			let payload = buf.subarray(off + head, off + head + len);
			if (masked) {
				const mask = buf.subarray(off + head - 4, off + head);
				payload = Buffer.from(payload);
				for (let i = 0; i < payload.length; i++) payload[i] ^= mask[i & 3];
			}
			off += head + len;
			this.onFrame((b0 & 0x80) !== 0, b0 & 0x0f, payload);
		}
		this.buf = off === buf.length ? null : buf.subarray(off);
	}

	onFrame(fin, opcode, payload) {
		if (opcode === 0x9) return this.writeFrame(0xa, payload); // ping -> pong
		if (opcode === 0xa) return;
		if (opcode === 0x8) {
			const code = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
			const reason = payload.length > 2 ? payload.subarray(2).toString("utf8") : "";
			if (!this.closeSent) this.writeFrame(0x8, payload.subarray(0, 2));
			this.closeSent = true;
			this.socket.end();
			this.finish(code, reason);
			return;
		}
		if (opcode === 0x1 || opcode === 0x2 || opcode === 0x0) {
			if (!fin || this.fragments) {
				this.fragments ??= { opcode, parts: [] };
				this.fragments.parts.push(Buffer.from(payload));
				if (!fin) return;
				payload = Buffer.concat(this.fragments.parts);
				opcode = this.fragments.opcode;
				this.fragments = null;
			}
			this.emit("message", { data: opcode === 0x1 ? payload.toString("utf8") : payload });
		}
	}

	writeFrame(opcode, payload) {
		if (this.socket.destroyed) return;
		this.socket.write(encodeFrame(opcode, payload));
	}

	/** Text frames encoded ahead of time, to put on the wire later in one write (floods). */
	encodeText(texts) {
		return Buffer.concat(texts.map((t) => encodeFrame(0x1, Buffer.from(t, "utf8"))));
	}

	sendEncoded(buf) {
		if (this.readyState !== OPEN) throw new Error("socket is not open");
		this.socket.write(buf);
	}

	send(text) {
		if (this.readyState !== OPEN) throw new Error("socket is not open");
		this.writeFrame(0x1, Buffer.from(text, "utf8"));
	}

	close(code = 1000, reason = "") {
		if (this.readyState === CLOSED) return;
		if (this.readyState === OPEN && !this.closeSent) {
			const r = Buffer.from(reason, "utf8");
			const p = Buffer.allocUnsafe(2 + r.length);
			p.writeUInt16BE(code, 0);
			r.copy(p, 2);
			this.writeFrame(0x8, p);
			this.closeSent = true;
		}
		this.readyState = CLOSING;
		// Do not wait long for the server's close frame.
		setTimeout(() => this.socket.destroy(), 2000).unref();
	}

	finish(code, reason) {
		if (this.readyState === CLOSED) return;
		this.readyState = CLOSED;
		this.socket.destroy();
		this.emit("close", { code, reason });
	}
}

/** One masked client frame (RFC 6455 5.3: client frames are always masked). */
function encodeFrame(opcode, payload) {
	const len = payload.length;
	const head = len < 126 ? 6 : len < 65536 ? 8 : 14;
	const frame = Buffer.allocUnsafe(head + len);
	frame[0] = 0x80 | opcode;
	if (len < 126) frame[1] = 0x80 | len;
	else if (len < 65536) {
		frame[1] = 0x80 | 126;
		frame.writeUInt16BE(len, 2);
	} else {
		frame[1] = 0x80 | 127;
		frame.writeBigUInt64BE(BigInt(len), 2);
	}
	const mask = randomBytes(4);
	mask.copy(frame, head - 4);
	for (let i = 0; i < len; i++) frame[head + i] = payload[i] ^ mask[i & 3];
	return frame;
}
