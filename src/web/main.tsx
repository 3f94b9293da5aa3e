// Tokens and resets first, then the component styles (each component imports its own module).
import "./styles/tokens.css";
import "./styles/global.css";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./components/App";
import { registerServiceWorker } from "./pwa/register";

const root = document.getElementById("root");
if (!root) throw new Error("#root is missing from index.html");
createRoot(root).render(
	<StrictMode>
		<App />
	</StrictMode>,
);

registerServiceWorker();
