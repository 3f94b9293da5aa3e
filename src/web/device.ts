// What kind of screen the app is on, for choices a media query cannot make in CSS.

/** A touch screen without hover (a phone or tablet): no autofocus that would open the keyboard, Enter makes a new line. */
export function isTouchScreen(): boolean {
	return typeof window.matchMedia === "function" && window.matchMedia("(hover: none) and (pointer: coarse)").matches;
}
