// Where a menu or popover goes so it stays on screen (issue 15.1): below its anchor if it fits,
// else above (flip), else on the side with more room; then clamped inside the viewport on both
// axes. Pure, so the geometry is unit-tested; usePopoverPlacement applies it.

export interface Rect {
	top: number;
	left: number;
	bottom: number;
	right: number;
}

export interface Placement {
	top: number;
	left: number;
	side: "below" | "above";
}

export const VIEWPORT_MARGIN = 8;
const GAP = 4;

export function placePopover(
	anchor: Rect,
	size: { width: number; height: number },
	viewport: { width: number; height: number },
	align: "start" | "end" = "start",
	margin = VIEWPORT_MARGIN,
	/** "above" for a popover that must not cover what is under its anchor (Read by over the reactions, issue 22.15). */
	prefer: "below" | "above" = "below",
): Placement {
	const roomBelow = viewport.height - margin - (anchor.bottom + GAP);
	const roomAbove = anchor.top - GAP - margin;
	const side =
		prefer === "above"
			? size.height <= roomAbove || roomAbove >= roomBelow
				? "above"
				: "below"
			: size.height <= roomBelow || roomBelow >= roomAbove
				? "below"
				: "above";
	const wantedTop = side === "below" ? anchor.bottom + GAP : anchor.top - GAP - size.height;
	const wantedLeft = align === "end" ? anchor.right - size.width : anchor.left;
	return {
		top: clamp(wantedTop, margin, viewport.height - margin - size.height),
		left: clamp(wantedLeft, margin, viewport.width - margin - size.width),
		side,
	};
}

/** Like Math.min(Math.max(...)), but a popover bigger than the room keeps its start edge on screen. */
function clamp(value: number, min: number, max: number): number {
	return Math.max(min, Math.min(value, max));
}
