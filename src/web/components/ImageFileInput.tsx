// Choosing an image from the device (a new profile picture, an image to send): the hidden file
// input a visible button clicks, and the preview URL of what was chosen.
import { type Ref, useEffect, useState } from "react";
import { IMAGE_CONTENT_TYPES } from "../../shared/schemas";

interface ImageFileInputProps {
	/** The visible button calls `.click()` on it. */
	ref: Ref<HTMLInputElement>;
	/** The chosen file; the input is then cleared, so choosing the same file again still calls this. */
	onPick: (file: File | undefined) => void;
	testId: string;
}

/** Out of the tab order and hidden from screen readers: the button that opens it is the control. */
export function ImageFileInput({ ref, onPick, testId }: ImageFileInputProps) {
	return (
		<input
			ref={ref}
			type="file"
			accept={IMAGE_CONTENT_TYPES.join(",")}
			className="sr-only"
			tabIndex={-1}
			aria-hidden="true"
			data-testid={testId}
			onChange={(e) => {
				onPick(e.target.files?.[0]);
				e.target.value = "";
			}}
		/>
	);
}

/** A `blob:` URL showing `file` (null without one), revoked when the file changes or the view closes. */
export function useObjectUrl(file: Blob | null | undefined): string | null {
	const [url, setUrl] = useState<string | null>(null);
	useEffect(() => {
		if (!file) {
			setUrl(null);
			return;
		}
		const next = URL.createObjectURL(file);
		setUrl(next);
		return () => URL.revokeObjectURL(next);
	}, [file]);
	return url;
}
