// Menus and popovers are position: fixed and placed by placePopover (flip and clamp), so they
// never run off a phone's edge (issue 15.1). They close on an outside tap or click, on Escape
// and Back (each is a layer, layers.ts: only the top one closes), and follow their anchor on
// resize and scroll.
import { type RefObject, useLayoutEffect } from "react";
import { layers } from "../layers";
import { placePopover } from "../popover";

interface PopoverOptions {
	/** Goes above its anchor when it fits (it must not cover what lies under the anchor). */
	prefer?: "below" | "above";
	/** A scroll closes it instead of moving it along (a small note such as Read by, issue 22.15). */
	closeOnScroll?: boolean;
}

export function usePopover(
	open: boolean,
	close: () => void,
	anchor: RefObject<HTMLElement | null>,
	popover: RefObject<HTMLElement | null>,
	align: "start" | "end",
	{ prefer = "below", closeOnScroll = false }: PopoverOptions = {},
): void {
	useLayoutEffect(() => {
		if (!open) return;
		const place = () => {
			const a = anchor.current;
			const p = popover.current;
			if (!a || !p) return;
			const viewport = { width: document.documentElement.clientWidth, height: window.innerHeight };
			const spot = placePopover(
				a.getBoundingClientRect(),
				{ width: p.offsetWidth, height: p.offsetHeight },
				viewport,
				align,
				undefined,
				prefer,
			);
			p.style.top = `${spot.top}px`;
			p.style.left = `${spot.left}px`;
			p.dataset.side = spot.side;
		};
		place();
		const onPointer = (e: PointerEvent) => {
			const target = e.target;
			if (!(target instanceof Node)) return;
			if (anchor.current?.contains(target) || popover.current?.contains(target)) return;
			close();
		};
		const layer = layers.open(() => {
			close();
			anchor.current?.focus();
		});
		const onScroll = (e: Event) => {
			if (!closeOnScroll) return place();
			if (e.target instanceof Node && popover.current?.contains(e.target)) return;
			close();
		};
		window.addEventListener("resize", place);
		window.addEventListener("scroll", onScroll, true);
		document.addEventListener("pointerdown", onPointer);
		return () => {
			layers.remove(layer);
			window.removeEventListener("resize", place);
			window.removeEventListener("scroll", onScroll, true);
			document.removeEventListener("pointerdown", onPointer);
		};
	}, [open, close, anchor, popover, align, prefer, closeOnScroll]);
}
