// Small inline SVG icons; all decorative (aria-hidden), their buttons carry the labels.
const base = { width: 20, height: 20, viewBox: "0 0 24 24" } as const;
/** A line drawing in the text colour, 2 wide with round ends and corners. */
const line = {
	fill: "none",
	stroke: "currentColor",
	strokeWidth: "2",
	strokeLinecap: "round",
	strokeLinejoin: "round",
} as const;

export const IconSend = () => (
	<svg aria-hidden="true" {...base} fill="currentColor">
		<path d="M3.4 20.4 21 12 3.4 3.6 3.4 10l12.6 2-12.6 2z" />
	</svg>
);
export const IconAttach = () => (
	<svg aria-hidden="true" {...base} {...line}>
		<path d="m21.4 11.1-9.2 9.2a6 6 0 0 1-8.5-8.5l9.2-9.2a4 4 0 0 1 5.7 5.7l-9.2 9.2a2 2 0 0 1-2.8-2.8l8.5-8.5" />
	</svg>
);
export const IconEmoji = () => (
	<svg aria-hidden="true" {...base} {...line}>
		<circle cx="12" cy="12" r="9" />
		<path d="M8.5 14.5a4.5 4.5 0 0 0 7 0M9 9.5h.01M15 9.5h.01" />
	</svg>
);
/** Issue 23.3: a bar chart, for the composer's "Poll" button. */
export const IconPoll = () => (
	<svg aria-hidden="true" {...base} {...line}>
		<path d="M5 20V10M12 20V4M19 20v-7" />
	</svg>
);
export const IconBack = () => (
	<svg aria-hidden="true" {...base} {...line} strokeWidth="2.2">
		<path d="M15 18 9 12l6-6" />
	</svg>
);
export const IconCompose = () => (
	<svg aria-hidden="true" {...base} {...line}>
		<path d="M12 20h9" />
		<path d="M16.5 3.5a2.1 2.1 0 0 1 3 3L7 19l-4 1 1-4Z" />
	</svg>
);
export const IconInfo = () => (
	<svg aria-hidden="true" {...base} fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round">
		<circle cx="12" cy="12" r="9" />
		<path d="M12 11v5M12 8h.01" />
	</svg>
);
export const IconMuted = ({ size = 14 }: { size?: number }) => (
	<svg
		aria-hidden="true"
		{...base}
		width={size}
		height={size}
		fill="none"
		stroke="currentColor"
		strokeWidth="2"
		strokeLinecap="round"
	>
		<path d="M11 5 6 9H3v6h3l5 4V5Z" />
		<path d="m22 9-6 6M16 9l6 6" />
	</svg>
);
export const IconMore = () => (
	<svg aria-hidden="true" {...base} width={18} height={18} fill="currentColor">
		<circle cx="5" cy="12" r="2" />
		<circle cx="12" cy="12" r="2" />
		<circle cx="19" cy="12" r="2" />
	</svg>
);
export const IconDown = () => (
	<svg aria-hidden="true" {...base} {...line} strokeWidth="2.2">
		<path d="m6 9 6 6 6-6" />
	</svg>
);
export const IconClose = () => (
	<svg aria-hidden="true" {...base} fill="none" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round">
		<path d="M6 6l12 12M18 6 6 18" />
	</svg>
);
export const IconClock = () => (
	<svg
		aria-hidden="true"
		{...base}
		width={14}
		height={14}
		fill="none"
		stroke="currentColor"
		strokeWidth="2"
		strokeLinecap="round"
	>
		<circle cx="12" cy="12" r="9" />
		<path d="M12 7v5l3 2" />
	</svg>
);
export const IconAlert = () => (
	<svg aria-hidden="true" {...base} width={14} height={14} fill="currentColor">
		<path d="M12 2 1 21h22L12 2Zm1 15h-2v-2h2v2Zm0-4h-2V9h2v4Z" />
	</svg>
);
export const IconCheck = ({ double }: { double?: boolean }) => (
	<svg
		aria-hidden="true"
		{...base}
		width={double ? 18 : 14}
		height={14}
		viewBox={double ? "0 0 30 24" : "0 0 24 24"}
		fill="none"
		stroke="currentColor"
		strokeWidth="2.4"
		strokeLinecap="round"
		strokeLinejoin="round"
	>
		<path d="m3 13 5 5L20 6" />
		{double ? <path d="m13 16 2 2L27 6" /> : null}
	</svg>
);

/** Read is a filled disc with the double tick cut out: a different shape, not only a different colour. */
export const IconReadCheck = () => (
	<svg aria-hidden="true" {...base} width={18} height={18} viewBox="0 0 24 24">
		<circle cx="12" cy="12" r="11" fill="currentColor" />
		<path
			d="m4.5 12.5 3.5 3.5 8-8.5M11 15.5l1 1 7.5-8"
			fill="none"
			stroke="var(--tick-cut, #fff)"
			strokeWidth="2"
			strokeLinecap="round"
			strokeLinejoin="round"
		/>
	</svg>
);

export const IconDownload = () => (
	<svg aria-hidden="true" {...base} {...line}>
		<path d="M12 4v11m0 0-4.5-4.5M12 15l4.5-4.5M5 19h14" />
	</svg>
);
export const IconSearch = () => (
	<svg aria-hidden="true" {...base} {...line}>
		<circle cx="11" cy="11" r="7" />
		<path d="m20 20-3.5-3.5" />
	</svg>
);
export const IconSettings = () => (
	<svg aria-hidden="true" {...base} {...line}>
		<circle cx="12" cy="12" r="3" />
		<path d="M19.4 15a1.7 1.7 0 0 0 .3 1.8l.1.1a2 2 0 1 1-2.8 2.8l-.1-.1a1.7 1.7 0 0 0-1.8-.3 1.7 1.7 0 0 0-1 1.5V21a2 2 0 0 1-4 0v-.1a1.7 1.7 0 0 0-1.1-1.5 1.7 1.7 0 0 0-1.8.3l-.1.1a2 2 0 1 1-2.8-2.8l.1-.1a1.7 1.7 0 0 0 .3-1.8 1.7 1.7 0 0 0-1.5-1H3a2 2 0 0 1 0-4h.1a1.7 1.7 0 0 0 1.5-1.1 1.7 1.7 0 0 0-.3-1.8l-.1-.1a2 2 0 1 1 2.8-2.8l.1.1a1.7 1.7 0 0 0 1.8.3H9a1.7 1.7 0 0 0 1-1.5V3a2 2 0 0 1 4 0v.1a1.7 1.7 0 0 0 1 1.5 1.7 1.7 0 0 0 1.8-.3l.1-.1a2 2 0 1 1 2.8 2.8l-.1.1a1.7 1.7 0 0 0-.3 1.8V9a1.7 1.7 0 0 0 1.5 1H21a2 2 0 0 1 0 4h-.1a1.7 1.7 0 0 0-1.5 1z" />
	</svg>
);
/** Issue 23: voice notes and files. */
export const IconMic = () => (
	<svg aria-hidden="true" {...base} {...line}>
		<rect x="9" y="3" width="6" height="11" rx="3" />
		<path d="M5 11a7 7 0 0 0 14 0M12 18v3" />
	</svg>
);
export const IconPlay = () => (
	<svg aria-hidden="true" {...base} fill="currentColor">
		<path d="M7 4.5v15l12.5-7.5z" />
	</svg>
);
export const IconPause = () => (
	<svg aria-hidden="true" {...base} fill="currentColor">
		<path d="M6 4h4v16H6zM14 4h4v16h-4z" />
	</svg>
);
export const IconFile = () => (
	<svg aria-hidden="true" {...base} {...line}>
		<path d="M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8z" />
		<path d="M14 3v5h5" />
	</svg>
);
