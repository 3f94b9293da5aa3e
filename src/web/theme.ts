// The colour theme (issue 23.7): System (follows prefers-color-scheme, live), Light or Dark,
// chosen in Settings and kept on this device (localStorage, not per account: the screen's
// owner chooses it, before anyone signs in too). The choice becomes `data-theme` on <html>,
// which picks the colour tokens in styles/tokens.css.

export type ThemeChoice = "system" | "light" | "dark";
export const THEME_CHOICES: { value: ThemeChoice; label: string }[] = [
	{ value: "system", label: "System" },
	{ value: "light", label: "Light" },
	{ value: "dark", label: "Dark" },
];
const KEY = "campus-chat.theme";

export function loadTheme(storage: Pick<Storage, "getItem"> | null = safeStorage()): ThemeChoice {
	const value = storage?.getItem(KEY);
	return value === "light" || value === "dark" ? value : "system";
}

export function resolveTheme(choice: ThemeChoice, systemDark: boolean): "light" | "dark" {
	return choice === "system" ? (systemDark ? "dark" : "light") : choice;
}

const DARK_QUERY = "(prefers-color-scheme: dark)";
let stopFollowing: (() => void) | null = null;

/** Applies a choice to the page (and keeps following the system's setting for System). */
export function applyTheme(choice: ThemeChoice): void {
	stopFollowing?.();
	stopFollowing = null;
	const media = typeof matchMedia === "function" ? matchMedia(DARK_QUERY) : null;
	const set = () => {
		document.documentElement.dataset.theme = resolveTheme(choice, media?.matches ?? false);
	};
	set();
	if (choice === "system" && media) {
		media.addEventListener("change", set);
		stopFollowing = () => media.removeEventListener("change", set);
	}
}

/** Saves a choice on this device and applies it. */
export function chooseTheme(choice: ThemeChoice): void {
	try {
		if (choice === "system") localStorage.removeItem(KEY);
		else localStorage.setItem(KEY, choice);
	} catch {
		// Storage refused (private mode): the choice holds until the page is reloaded.
	}
	applyTheme(choice);
}

function safeStorage(): Storage | null {
	try {
		return typeof localStorage === "undefined" ? null : localStorage;
	} catch {
		return null;
	}
}
