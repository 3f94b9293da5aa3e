// The bench floor: one Relay Durable Object per room name. It accepts hibernatable sockets,
// stamps each `message:send` with the next seq, re-broadcasts it as `message:new` to every
// socket in the room (the sender's too) and then acks the sender — the app's send path
// without auth, validation or storage. The seq lives in memory only: every bench run uses a
// fresh room name, and a room that hibernates between runs is never sent to again.
import { DurableObject } from "cloudflare:workers";

// Constructor runs per object id, so the harness can tell a hibernation (wake) from a
// long-lived instance the same way it does for the app's debug stats.
const wakes = new Map();

export class Relay extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    this.seq = 0;
    const key = ctx.id.toString();
    wakes.set(key, (wakes.get(key) ?? 0) + 1);
    // Answered by the runtime itself, so a ping never wakes a hibernated room.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('{"type":"ping"}', '{"type":"pong"}'));
  }

  async fetch(request) {
    const url = new URL(request.url);
    const room = url.searchParams.get("room");
    if (url.pathname.endsWith("/stats")) {
      const key = this.ctx.id.toString();
      return Response.json({ wakes: wakes.get(key) ?? 0, sockets: this.ctx.getWebSockets().length });
    }
    if (request.headers.get("Upgrade") !== "websocket") {
      return new Response("expected a websocket upgrade", { status: 426 });
    }
    const pair = new WebSocketPair();
    this.ctx.acceptWebSocket(pair[1]);
    pair[1].serializeAttachment({ userId: url.searchParams.get("user") ?? "anonymous", room });
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  webSocketMessage(ws, raw) {
    let frame;
    try {
      frame = JSON.parse(typeof raw === "string" ? raw : new TextDecoder().decode(raw));
    } catch {
      ws.send(JSON.stringify({ type: "error", error: { code: "invalid_request", message: "bad json" } }));
      return;
    }
    if (frame?.type !== "message:send") {
      if (frame?.ref) ws.send(JSON.stringify({ type: "ack", ref: frame.ref, data: {} }));
      return;
    }
    const { userId, room } = ws.deserializeAttachment();
    const data = frame.data ?? {};
    const message = {
      id: crypto.randomUUID(),
      conversationId: room,
      seq: ++this.seq,
      senderId: userId,
      clientId: data.clientId ?? null,
      kind: "text",
      text: data.text ?? null,
      image: null,
      createdAt: new Date().toISOString(),
      deletedAt: null,
    };
    const out = JSON.stringify({ type: "message:new", data: { message } });
    for (const peer of this.ctx.getWebSockets()) {
      try {
        peer.send(out);
      } catch {
        // A socket closing under us; its close event cleans up.
      }
    }
    ws.send(JSON.stringify({ type: "ack", ref: frame.ref, data: { message } }));
  }

  webSocketClose(ws, code) {
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, "bye");
    } catch {
      // Already closed.
    }
  }

  webSocketError() {}
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/health") return Response.json({ ok: true });
    // /rooms/:name/socket and /rooms/:name/stats
    const m = url.pathname.match(/^\/rooms\/([^/]+)\/(socket|stats)$/);
    if (!m) return Response.json({ error: { code: "not_found", message: "no such route" } }, { status: 404 });
    const name = decodeURIComponent(m[1]);
    url.searchParams.set("room", name);
    const stub = env.RELAY.get(env.RELAY.idFromName(name));
    return stub.fetch(new Request(url, request));
  },
};
