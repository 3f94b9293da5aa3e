import { describe, expect, it } from "vitest";
import {
	clampDuration,
	fileBadge,
	fileContentType,
	fileProblem,
	nextSpeed,
	recordingType,
	voiceContentType,
} from "./attachments";

describe("files the composer takes (issue 23)", () => {
	it("sends a document by its extension, whatever type the browser guessed", () => {
		expect(fileContentType("marks.csv", "application/vnd.ms-excel")).toBe("text/csv");
		expect(fileContentType("Slides.PPTX", "")).toBe(
			"application/vnd.openxmlformats-officedocument.presentationml.presentation",
		);
		expect(fileContentType("code.zip", "application/x-zip-compressed")).toBe("application/zip");
		expect(fileContentType("notes", "text/plain")).toBe("text/plain");
		expect(fileContentType("page.html", "text/html")).toBeNull();
		expect(fileContentType("logo.svg", "image/svg+xml")).toBeNull();
	});

	it("says why a file cannot go: its type, an empty file, over 25 MB", () => {
		expect(fileProblem({ name: "a.pdf", type: "application/pdf", size: 25_000_000 })).toBeNull();
		expect(fileProblem({ name: "a.pdf", type: "application/pdf", size: 26_000_000 })).toBe(
			"That file is 26.0 MB; the limit is 25 MB.",
		);
		expect(fileProblem({ name: "a.pdf", type: "application/pdf", size: 0 })).toBe("That file is empty.");
		expect(fileProblem({ name: "run.exe", type: "application/x-msdownload", size: 10 })).toMatch(/^Only PDF/);
	});

	it("labels the icon by extension", () => {
		expect(fileBadge("notes.pdf", "application/pdf")).toBe("PDF");
		expect(fileBadge("thesis.docx", "")).toBe("DOCX");
		expect(fileBadge("README", "text/plain")).toBe("FILE");
	});
});

describe("voice notes (issue 23)", () => {
	it("records Opus in WebM where it can, else Ogg, else AAC in MP4 (Safari)", () => {
		expect(recordingType(() => true)).toBe("audio/webm;codecs=opus");
		expect(recordingType((t) => t === "audio/mp4")).toBe("audio/mp4");
		expect(recordingType(() => false)).toBeNull();
		expect(voiceContentType("audio/webm;codecs=opus")).toBe("audio/webm");
		expect(voiceContentType("audio/mp4; codecs=mp4a.40.2")).toBe("audio/mp4");
		expect(voiceContentType("video/webm")).toBeNull();
	});

	it("sends a length of 1 ms to 5 minutes and cycles speed 1x, 1.5x, 2x", () => {
		expect(clampDuration(0)).toBe(1);
		expect(clampDuration(12_345.6)).toBe(12_346);
		expect(clampDuration(301_000)).toBe(300_000);
		expect([nextSpeed(1), nextSpeed(1.5), nextSpeed(2)]).toEqual([1.5, 2, 1]);
	});
});
