// zod's config before any schema exists (no eval probe under the CSP), then tokens and resets,
// then the component styles (each component imports its own module).
import "./zod-config";
import "./styles/tokens.css";
import "./styles/global.css";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./components/App";
import { registerServiceWorker } from "./pwa/register";
import { applyTheme, loadTheme } from "./theme";

// Before the first render, so the page never paints in the other theme (issue 23.7).
applyTheme(loadTheme());

const root = document.getElementById("root");
if (!root) throw new Error("#root is missing from index.html");
createRoot(root).render(
	<StrictMode>
		<App />
	</StrictMode>,
);

registerServiceWorker();
