// Image helpers: real image bytes, asking for an upload, PUTting to the returned URL like a browser.
import { exports } from "cloudflare:workers";
import type { Message } from "../src/shared/schemas";
import { type ApiResult, api, type TestUser } from "./helpers";

/** A valid 1x1 PNG (signature, IHDR, IDAT, IEND). */
export const PNG_1X1 = Uint8Array.from(
	atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="),
	(ch) => ch.charCodeAt(0),
);

/** A small PDF (issue 23 files). */
export const PDF = new TextEncoder().encode(
	"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
);
/** The first bytes of a WebM (EBML header) as MediaRecorder writes it (issue 23 voice notes). */
export const WEBM = Uint8Array.from([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01, 0x42, 0xf7, 0x81, 0x01]);

export interface UploadTicket {
	key: string;
	uploadUrl: string;
	method: "PUT";
	headers: Record<string, string>;
	expiresAt: string;
}

export async function requestUpload(user: TestUser, contentType: string, size: number): Promise<UploadTicket> {
	const res = await api<UploadTicket>("POST", "/uploads", { token: user.token, body: { contentType, size } });
	if (res.status !== 201) throw new Error(`upload request failed: ${res.status} ${JSON.stringify(res.body)}`);
	return res.body;
}

/** Fetches an absolute URL on the Worker with no Authorization header, as an <img> or a presigned PUT would. */
export async function fetchUrl(
	url: string,
	init: { method?: string; headers?: Record<string, string>; body?: Uint8Array } = {},
): Promise<ApiResult & { bytes: Uint8Array }> {
	const res = await exports.default.fetch(new Request(url, init));
	const bytes = new Uint8Array(await res.arrayBuffer());
	let body: any = null;
	if ((res.headers.get("Content-Type") ?? "").includes("json")) body = JSON.parse(new TextDecoder().decode(bytes));
	return { status: res.status, body, headers: res.headers, bytes };
}

/** PUTs `bytes` to the upload URL with exactly the headers the server returned. */
export function putUpload(ticket: UploadTicket, bytes: Uint8Array, headers = ticket.headers, url = ticket.uploadUrl) {
	return fetchUrl(url, { method: "PUT", headers, body: bytes });
}

/** Asks for an upload, PUTs the bytes and returns the key. */
export async function uploadImage(user: TestUser, bytes: Uint8Array = PNG_1X1, contentType = "image/png") {
	const ticket = await requestUpload(user, contentType, bytes.byteLength);
	const put = await putUpload(ticket, bytes);
	if (put.status !== 200) throw new Error(`upload PUT failed: ${put.status} ${JSON.stringify(put.body)}`);
	return ticket.key;
}

export function sendImage(user: TestUser, conversationId: string, imageKey: string, text?: string) {
	return api<{ message: Message; error?: { code: string; message: string } }>(
		"POST",
		`/conversations/${conversationId}/messages`,
		{
			token: user.token,
			body: { clientId: crypto.randomUUID(), kind: "image", imageKey, ...(text ? { text } : {}) },
		},
	);
}
