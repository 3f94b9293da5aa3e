// Files and voice notes (issue 23): which upload types they take, what their first bytes must
// be, and how the media route names a download. Images are in images.ts; all three share the
// presigned upload, the send check (`checkUploadForMessage`) and the `image_refs` rule.
import { FILE_CONTENT_TYPES, MAX_FILE_BYTES, MAX_VOICE_BYTES, VOICE_CONTENT_TYPES } from "../shared/schemas";
import type { UploadRule } from "./images";

export type FileContentType = (typeof FILE_CONTENT_TYPES)[number];
export type VoiceContentType = (typeof VOICE_CONTENT_TYPES)[number];

export function isFileContentType(value: string): value is FileContentType {
	return (FILE_CONTENT_TYPES as readonly string[]).includes(value);
}

export function isVoiceContentType(value: string): value is VoiceContentType {
	return (VOICE_CONTENT_TYPES as readonly string[]).includes(value);
}

const starts = (head: Uint8Array, ...bytes: number[]) => bytes.every((b, i) => head[i] === b);
const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const isZip = (head: Uint8Array) => starts(head, 0x50, 0x4b, 0x03, 0x04) || starts(head, 0x50, 0x4b, 0x05, 0x06);

/**
 * The declared document type, when the first bytes fit it: PDF starts `%PDF-`, the older Office
 * formats are OLE2 compound files, the newer ones, OpenDocument and ZIP are ZIP archives, and
 * text and CSV hold no NUL byte (nor a UTF-16 or binary header). Anything else is refused.
 */
export function sniffFile(head: Uint8Array, declared: string): FileContentType | null {
	if (!isFileContentType(declared)) return null;
	switch (declared) {
		case "application/pdf":
			return starts(head, 0x25, 0x50, 0x44, 0x46, 0x2d) ? declared : null;
		case "application/msword":
		case "application/vnd.ms-excel":
		case "application/vnd.ms-powerpoint":
			return starts(head, ...OLE) ? declared : null;
		case "text/plain":
		case "text/csv":
			return head.includes(0) ? null : declared;
		default:
			return isZip(head) ? declared : null;
	}
}

/** The declared recording type, when the first bytes are WebM (EBML), Ogg or MP4 (`ftyp`). */
export function sniffVoice(head: Uint8Array, declared: string): VoiceContentType | null {
	if (declared === "audio/webm") return starts(head, 0x1a, 0x45, 0xdf, 0xa3) ? declared : null;
	if (declared === "audio/ogg") return starts(head, 0x4f, 0x67, 0x67, 0x53) ? declared : null;
	if (declared === "audio/mp4")
		return head[4] === 0x66 && head[5] === 0x74 && head[6] === 0x79 && head[7] === 0x70 ? declared : null;
	return null;
}

export const FILE_RULE: UploadRule<FileContentType> = {
	maxBytes: MAX_FILE_BYTES,
	tooLarge: "files are limited to 25 MB (25,000,000 bytes)",
	sniff: sniffFile,
	notThat: "the uploaded file is not what its type says (PDF, Office, OpenDocument, text, CSV or ZIP)",
};

export const VOICE_RULE: UploadRule<VoiceContentType> = {
	maxBytes: MAX_VOICE_BYTES,
	tooLarge: "voice notes are limited to 10 MiB",
	sniff: sniffVoice,
	notThat: "the upload is not a WebM, Ogg or MP4 recording",
};

/** The file name a voice note downloads as. */
export function voiceFileName(contentType: VoiceContentType): string {
	return contentType === "audio/mp4"
		? "voice-note.m4a"
		: contentType === "audio/ogg"
			? "voice-note.ogg"
			: "voice-note.webm";
}

/**
 * `Content-Disposition` for a download named `name` (RFC 6266): `filename` is an ASCII fallback
 * (anything outside printable ASCII, quotes, backslashes and path separators become `_`) and
 * `filename*` the UTF-8 name percent-encoded (RFC 8187), path separators replaced too, so no
 * header injection (CR/LF), no quote breaking out and no directory in the saved name.
 */
export function contentDisposition(name: string, disposition: "attachment" | "inline" = "attachment"): string {
	// Control characters (CR, LF, NUL…) and separators go first, in both forms.
	const clean = name.replace(/[\p{Cc}\u2028\u2029/\\]/gu, "_").trim() || "download";
	const ascii = clean.replace(/[^\x20-\x7e]|["%;]/g, "_");
	const encoded = encodeURIComponent(clean).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
	return `${disposition}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
