/** Copies a value to the clipboard and says so briefly; says so too when the browser refuses. */
import { useEffect, useState } from "react";

type CopyState = "idle" | "copied" | "failed";

export function CopyButton({ value, label = "Copy" }: { readonly value: string; readonly label?: string }) {
  const [state, setState] = useState<CopyState>("idle");
  useEffect(() => {
    if (state === "idle") return;
    const t = setTimeout(() => setState("idle"), 2000);
    return () => clearTimeout(t);
  }, [state]);
  const copy = () => {
    // The clipboard needs a secure context (https or localhost); elsewhere it is undefined.
    const write = navigator.clipboard?.writeText(value) ?? Promise.reject(new Error("no clipboard"));
    write.then(
      () => setState("copied"),
      () => setState("failed"),
    );
  };
  const text = state === "copied" ? "Copied" : state === "failed" ? "Copy failed: select the text" : label;
  return (
    <button type="button" className="button-small" onClick={copy} aria-live="polite">
      {text}
    </button>
  );
}
