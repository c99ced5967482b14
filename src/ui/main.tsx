/** The page's entry: start the node's worker once, then render. */
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App.tsx";
import { startNode } from "./bridge.ts";
import "./styles.css";

// Outside React, so StrictMode's double effects in development cannot start a second node.
let startFailure: string | null = null;
try {
  startNode();
} catch (e) {
  // A browser without module workers lands here: say so on the page rather than leave it blank.
  startFailure = `The node could not start in this browser: ${e instanceof Error ? e.message : String(e)}`;
}

function rootElement(): HTMLElement {
  const existing = document.getElementById("root");
  if (existing !== null) return existing;
  const created = document.createElement("div");
  created.id = "root";
  document.body.append(created);
  return created;
}

createRoot(rootElement()).render(
  <StrictMode>
    <App startFailure={startFailure} />
  </StrictMode>,
);
