// Vite's `?raw` imports (a file's text), used by tests that check files shipped with the UI.
declare module "*?raw" {
	const text: string;
	export default text;
}
