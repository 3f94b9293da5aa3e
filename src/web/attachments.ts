// Files and voice notes in the UI (issue 23): which type a chosen file is sent as, which
// recording format this browser can make, and what a file's icon says.
import { FILE_CONTENT_TYPES, MAX_FILE_BYTES, MAX_VOICE_MS, VOICE_CONTENT_TYPES } from "../shared/schemas";

type FileType = (typeof FILE_CONTENT_TYPES)[number];

/** By extension first: browsers disagree on types (Windows calls a .csv application/vnd.ms-excel, a .zip x-zip-compressed). */
const BY_EXTENSION: Record<string, FileType> = {
	pdf: "application/pdf",
	doc: "application/msword",
	docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	xls: "application/vnd.ms-excel",
	xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	ppt: "application/vnd.ms-powerpoint",
	pptx: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
	odt: "application/vnd.oasis.opendocument.text",
	ods: "application/vnd.oasis.opendocument.spreadsheet",
	odp: "application/vnd.oasis.opendocument.presentation",
	txt: "text/plain",
	csv: "text/csv",
	zip: "application/zip",
};

/** What the file input offers: the extensions and the types. */
export const FILE_ACCEPT = [...Object.keys(BY_EXTENSION).map((e) => `.${e}`), ...FILE_CONTENT_TYPES].join(",");

export function extensionOf(name: string): string {
	const dot = name.lastIndexOf(".");
	return dot > 0 ? name.slice(dot + 1).toLowerCase() : "";
}

/** The type a chosen document is uploaded as, or null when it is not one a chat takes. */
export function fileContentType(name: string, type: string): FileType | null {
	const byName = BY_EXTENSION[extensionOf(name)];
	if (byName) return byName;
	return FILE_CONTENT_TYPES.find((t) => t === type.split(";")[0]?.trim().toLowerCase()) ?? null;
}

/** Why a chosen file cannot be sent, or null. */
export function fileProblem(file: { name: string; type: string; size: number }): string | null {
	if (!fileContentType(file.name, file.type))
		return "Only PDF, Word, Excel, PowerPoint, OpenDocument, text, CSV and ZIP files can be sent.";
	if (file.size === 0) return "That file is empty.";
	if (file.size > MAX_FILE_BYTES) return `That file is ${(file.size / 1_000_000).toFixed(1)} MB; the limit is 25 MB.`;
	return null;
}

/** The short label on a file's icon: "PDF", "DOCX"… */
export function fileBadge(name: string, contentType: string): string {
	const ext = extensionOf(name);
	if (ext && ext.length <= 4) return ext.toUpperCase();
	return contentType === "application/pdf" ? "PDF" : "FILE";
}

/** Recording formats in order of preference: Opus in WebM (Chrome, Firefox), Ogg, then AAC in MP4 (Safari). */
export const RECORDING_TYPES = ["audio/webm;codecs=opus", "audio/webm", "audio/ogg;codecs=opus", "audio/mp4"];

/** The first recording format this browser supports, or null (no MediaRecorder). */
export function recordingType(isSupported: (type: string) => boolean): string | null {
	return RECORDING_TYPES.find((t) => isSupported(t)) ?? null;
}

/** The upload type of a recording (its parameters dropped), or null when the server would not take it. */
export function voiceContentType(mimeType: string): (typeof VOICE_CONTENT_TYPES)[number] | null {
	const base = mimeType.split(";")[0]?.trim().toLowerCase();
	return VOICE_CONTENT_TYPES.find((t) => t === base) ?? null;
}

/** A recording's length as sent: whole milliseconds, 1 to 5 minutes. */
export function clampDuration(ms: number): number {
	return Math.min(MAX_VOICE_MS, Math.max(1, Math.round(ms)));
}

/** The speeds the player cycles through. */
export const SPEEDS = [1, 1.5, 2] as const;
export function nextSpeed(speed: number): number {
	const i = SPEEDS.indexOf(speed as (typeof SPEEDS)[number]);
	return SPEEDS[(i + 1) % SPEEDS.length] ?? 1;
}
