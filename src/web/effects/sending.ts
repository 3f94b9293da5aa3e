// Sending my messages over REST POST /conversations/:id/messages rather than the room socket:
// it is idempotent on clientId, works whether or not a socket is up, and a failed try can be
// retried with the same clientId without ever doubling the message.
//
// Every message goes through the outbox (offline/outbox.ts): per conversation one send at a
// time, in the order written. Offline, or when the server cannot take it now, a message waits
// (persisted, shown as waiting) and goes when the browser is back online, the realtime socket
// reopens or a backoff timer fires. A 403 (the other person blocked me) fails it and tells the
// chat to show why; other refusals fail it with Retry and Discard.
import type { Message } from "../../shared/schemas";
import { IMAGE_CONTENT_TYPES, MAX_IMAGE_BYTES, MAX_TEXT_LENGTH } from "../../shared/schemas";
import { ApiError, api, uploadFile } from "../api";
import { clampDuration, fileContentType, fileProblem, voiceContentType } from "../attachments";
import { failureKind, nextToSend, retryDelayMs } from "../offline/outbox";
import { pendingFor } from "../store/pending";
import type { PendingMessage } from "../store/state";
import { errorText, type Store } from "./store";

/** What the blocked side sees, as the rules say it (issue 22.5): no sending here; the history stays readable. */
export const REFUSED_TEXT = "You can't send messages in this chat. You can still read its history.";
/** An announcement group refused the send (issue 23.5): the chat shows its own notice instead of the composer. */
export const ADMINS_ONLY_TEXT = "Only admins can send messages in this group.";

/** Contract v2: what a send may carry besides its text or image. */
export type SendExtras = Pick<PendingMessage, "replyToId" | "mentions">;

export class Sending {
	/** Per conversation: how many tries in a row could not reach the server, and the retry timer. */
	private readonly backoff = new Map<string, { attempts: number; timer?: ReturnType<typeof setTimeout> }>();
	/** Issue 23: the uploads in flight, by clientId, so Cancel can stop one. */
	private readonly uploads = new Map<string, AbortController>();

	constructor(
		private readonly store: Store,
		/** The server's copy of a sent message, handled like one from a socket. */
		private readonly sent: (message: Message) => void,
		/** Sending ends my typing. */
		private readonly stopTyping: () => void,
	) {}

	/** Returns an error to show, or null once the message is on its way (or waiting in the outbox). */
	sendText(conversationId: string, text: string, extra: SendExtras = {}): string | null {
		const trimmed = text.trim();
		if (!trimmed) return null;
		if (trimmed.length > MAX_TEXT_LENGTH)
			return `Messages can be at most ${MAX_TEXT_LENGTH.toLocaleString()} characters.`;
		this.stopTyping();
		this.start({
			clientId: crypto.randomUUID(),
			conversationId,
			kind: "text",
			text: trimmed,
			createdAt: new Date().toISOString(),
			status: "waiting",
			...extra,
		});
		return null;
	}

	/** Checks type and size before anything is uploaded; returns an error to show, or null. */
	sendImage(conversationId: string, file: File, caption: string, extra: SendExtras = {}): string | null {
		const type = IMAGE_CONTENT_TYPES.find((t) => t === file.type);
		if (!type) return "Only JPEG, PNG, WebP and GIF images can be sent.";
		if (file.size > MAX_IMAGE_BYTES) return "Images can be at most 10 MB.";
		if (file.size === 0) return "That file is empty.";
		if (caption.trim().length > MAX_TEXT_LENGTH) return `Captions can be at most ${MAX_TEXT_LENGTH} characters.`;
		this.stopTyping();
		this.start({
			clientId: crypto.randomUUID(),
			conversationId,
			kind: "image",
			text: caption.trim(),
			createdAt: new Date().toISOString(),
			status: "waiting",
			file,
			previewUrl: URL.createObjectURL(file),
			progress: 0,
			...extra,
		});
		return null;
	}

	/** Issue 23: a document, with an optional caption; checked by type and size before any upload. */
	sendFile(conversationId: string, file: File, caption: string, extra: SendExtras = {}): string | null {
		const problem = fileProblem(file);
		if (problem) return problem;
		if (caption.trim().length > MAX_TEXT_LENGTH) return `Captions can be at most ${MAX_TEXT_LENGTH} characters.`;
		this.stopTyping();
		this.start({
			clientId: crypto.randomUUID(),
			conversationId,
			kind: "file",
			text: caption.trim(),
			createdAt: new Date().toISOString(),
			status: "waiting",
			file,
			fileName: file.name,
			progress: 0,
			...extra,
		});
		return null;
	}

	/** Issue 23: a recording and its length. */
	sendVoice(conversationId: string, recording: Blob, durationMs: number, extra: SendExtras = {}): string | null {
		const type = voiceContentType(recording.type);
		if (!type) return "This browser recorded in a format that can't be sent.";
		if (recording.size === 0) return "Nothing was recorded.";
		const ext = type === "audio/mp4" ? "m4a" : type === "audio/ogg" ? "ogg" : "webm";
		this.start({
			clientId: crypto.randomUUID(),
			conversationId,
			kind: "voice",
			text: "",
			createdAt: new Date().toISOString(),
			status: "waiting",
			file: new File([recording], `voice-note.${ext}`, { type }),
			durationMs: clampDuration(durationMs),
			progress: 0,
			...extra,
		});
		return null;
	}

	/** Issue 23: Cancel on a file or voice note still uploading (or waiting): the PUT stops and the message goes. */
	cancel(conversationId: string, clientId: string): void {
		this.uploads.get(clientId)?.abort();
		this.uploads.delete(clientId);
		this.discard(conversationId, clientId);
	}

	retry(conversationId: string, clientId: string): void {
		const p = pendingFor(this.store.getState().pending, conversationId, clientId);
		if (p?.status !== "failed") return;
		this.update(conversationId, clientId, { status: "waiting", error: undefined });
		this.resetBackoff(conversationId);
		this.pump(conversationId);
	}

	discard(conversationId: string, clientId: string): void {
		const p = pendingFor(this.store.getState().pending, conversationId, clientId);
		if (p?.previewUrl) URL.revokeObjectURL(p.previewUrl);
		this.store.dispatch({ type: "pending/removed", conversationId, clientId });
	}

	/** A message of mine arrived (socket, catch-up or the send's answer): its pending copy goes. */
	confirmed(message: Message): void {
		const state = this.store.getState();
		if (message.senderId !== state.me.id) return;
		const match = pendingFor(state.pending, message.conversationId, message.clientId);
		if (!match) return;
		if (match.previewUrl) URL.revokeObjectURL(match.previewUrl);
		this.store.dispatch({ type: "pending/removed", conversationId: message.conversationId, clientId: match.clientId });
	}

	/** The network may be back (online event, a socket opened, the session started): send what waits. */
	resume(): void {
		for (const conversationId of Object.keys(this.store.getState().pending)) {
			this.resetBackoff(conversationId);
			this.pump(conversationId);
		}
	}

	/** Frees the image previews and timers when the session ends. */
	dispose(): void {
		for (const list of Object.values(this.store.getState().pending))
			for (const p of list) if (p.previewUrl) URL.revokeObjectURL(p.previewUrl);
		for (const b of this.backoff.values()) clearTimeout(b.timer);
		this.backoff.clear();
	}

	private start(pending: PendingMessage): void {
		this.store.dispatch({ type: "pending/added", pending });
		this.pump(pending.conversationId);
	}

	private update(conversationId: string, clientId: string, patch: Partial<PendingMessage>): void {
		this.store.dispatch({ type: "pending/updated", conversationId, clientId, patch });
	}

	private resetBackoff(conversationId: string): void {
		const b = this.backoff.get(conversationId);
		if (b) clearTimeout(b.timer);
		this.backoff.delete(conversationId);
	}

	/** Starts the conversation's next send if none is in flight; offline, everything waits. */
	private pump(conversationId: string): void {
		if (typeof navigator !== "undefined" && navigator.onLine === false) return;
		if (this.backoff.get(conversationId)?.timer !== undefined) return;
		const next = nextToSend(this.store.getState().pending[conversationId]);
		if (!next) return;
		// Marked in flight before any await, so a second pump cannot pick the same or the next one.
		this.update(conversationId, next.clientId, {
			status: needsUpload(next) ? "uploading" : "sending",
		});
		void this.deliver(next.clientId, conversationId);
	}

	private async deliver(clientId: string, conversationId: string): Promise<void> {
		const p = pendingFor(this.store.getState().pending, conversationId, clientId);
		if (!p) return;
		try {
			let imageKey = p.imageKey;
			if (p.kind === "image" && !imageKey) {
				if (!p.file) throw new Error("The image is no longer available");
				this.update(conversationId, clientId, { status: "uploading", error: undefined, progress: 0 });
				const upload = await api.createUpload(p.file.type, p.file.size);
				await uploadFile(upload, p.file, (progress) => this.update(conversationId, clientId, { progress }));
				imageKey = upload.key;
			}
			let attachmentKey = p.attachmentKey;
			if ((p.kind === "file" || p.kind === "voice") && !attachmentKey) {
				if (!p.file) throw new Error("The file is no longer available");
				this.update(conversationId, clientId, { status: "uploading", error: undefined, progress: 0 });
				const type = p.kind === "file" ? fileContentType(p.file.name, p.file.type) : voiceContentType(p.file.type);
				if (!type) throw new Error("This file can't be sent");
				const upload = await api.createUpload(type, p.file.size);
				const abort = new AbortController();
				this.uploads.set(clientId, abort);
				try {
					await uploadFile(
						upload,
						p.file.slice(0, p.file.size, type),
						(progress) => this.update(conversationId, clientId, { progress }),
						abort.signal,
					);
				} finally {
					this.uploads.delete(clientId);
				}
				attachmentKey = upload.key;
			}
			// Cancelled while the upload was finishing: nothing is sent.
			if (!pendingFor(this.store.getState().pending, conversationId, clientId)) return this.pump(conversationId);
			this.update(conversationId, clientId, { status: "sending", error: undefined, imageKey, attachmentKey });
			const caption = p.text ? { text: p.text } : {};
			const body =
				p.kind === "image" && imageKey
					? { clientId, kind: "image" as const, imageKey, ...caption }
					: p.kind === "file" && attachmentKey
						? { clientId, kind: "file" as const, attachmentKey, name: p.fileName ?? p.file?.name ?? "file", ...caption }
						: p.kind === "voice" && attachmentKey
							? { clientId, kind: "voice" as const, attachmentKey, durationMs: p.durationMs ?? 1 }
							: { clientId, kind: "text" as const, text: p.text };
			const v2 = {
				...(p.replyToId ? { replyToId: p.replyToId } : {}),
				...(p.mentions?.length ? { mentions: p.mentions } : {}),
			};
			const { message } = await api.sendMessage(conversationId, { ...body, ...v2 });
			this.resetBackoff(conversationId);
			this.store.dispatch({ type: "conversation/replyRefused", id: conversationId, refused: false });
			// Handled like a socket's copy, which also resolves the pending one.
			this.sent(message);
		} catch (error) {
			// Cancelled (issue 23): the pending message is gone already.
			if (error instanceof DOMException && error.name === "AbortError") return this.pump(conversationId);
			this.failed(conversationId, clientId, error);
		}
		this.pump(conversationId);
	}

	private failed(conversationId: string, clientId: string, error: unknown): void {
		const status = error instanceof ApiError ? error.status : -1;
		const kind = status === -1 ? "fail" : failureKind(status);
		if (kind === "wait") {
			this.update(conversationId, clientId, { status: "waiting", error: errorText(error) });
			// Offline: the online event resumes. Online (a server hiccup): try again after a backoff.
			if (typeof navigator !== "undefined" && navigator.onLine === false) return;
			const b = this.backoff.get(conversationId) ?? { attempts: 0 };
			clearTimeout(b.timer);
			b.timer = setTimeout(() => {
				b.timer = undefined;
				this.pump(conversationId);
			}, retryDelayMs(b.attempts));
			b.attempts++;
			this.backoff.set(conversationId, b);
			return;
		}
		if (kind === "refused" && adminsOnly(error)) {
			this.update(conversationId, clientId, { status: "failed", error: ADMINS_ONLY_TEXT });
			return;
		}
		if (kind === "refused") {
			this.update(conversationId, clientId, { status: "failed", error: REFUSED_TEXT });
			this.store.dispatch({ type: "conversation/replyRefused", id: conversationId, refused: true });
			return;
		}
		this.update(conversationId, clientId, { status: "failed", error: errorText(error) });
	}
}

/** A 403 whose reason is the group's "only admins can send" (issue 23.5), not a block. */
function adminsOnly(error: unknown): boolean {
	const details = error instanceof ApiError ? error.details : undefined;
	return (
		typeof details === "object" && details !== null && "reason" in details && details.reason === "only_admins_send"
	);
}

/** Whether the next try of `p` starts with an upload. */
function needsUpload(p: PendingMessage): boolean {
	if (p.kind === "image") return !p.imageKey;
	if (p.kind === "file" || p.kind === "voice") return !p.attachmentKey;
	return false;
}
