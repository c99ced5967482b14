/** Showing the private key for a backup, only after a warning and an explicit click, and hidden again on request. */
import { useState } from "react";
import { exportKey } from "../bridge.ts";
import { refusalText } from "../format.ts";
import { Confirm } from "./Confirm.tsx";
import { CopyButton } from "./CopyButton.tsx";
import { Message } from "./Field.tsx";
import { useRequest } from "./useRequest.tsx";

type View = { readonly step: "hidden" } | { readonly step: "warning" } | { readonly step: "shown"; readonly key: string } | { readonly step: "failed"; readonly text: string };

export function ExportKey() {
  const [view, setView] = useState<View>({ step: "hidden" });
  const { busy, run } = useRequest();
  const reveal = async () => {
    const result = await run(exportKey);
    if (result.ok && typeof result.value === "string") return setView({ step: "shown", key: result.value });
    setView({ step: "failed", text: refusalText(result) });
  };
  const hide = () => setView({ step: "hidden" });

  switch (view.step) {
    case "warning":
      return (
        <Confirm confirmLabel="Show my private key" busy={busy} onConfirm={() => void reveal()} onCancel={hide}>
          Anyone who sees this key can spend all your coins. Show it only where no one can see your screen, and keep the copy somewhere safe.
        </Confirm>
      );
    case "shown":
      return (
        <div className="form">
          <div className="label">Your private key</div>
          <p className="mono secret">{view.key}</p>
          <div className="row">
            <CopyButton value={view.key} label="Copy key" />
            <button type="button" className="button-small" onClick={hide}>
              Hide
            </button>
          </div>
        </div>
      );
    case "failed":
    case "hidden":
      return (
        <div className="form">
          <div className="row">
            <button type="button" onClick={() => setView({ step: "warning" })}>
              Show the private key…
            </button>
          </div>
          {view.step === "failed" && <Message tone="error">{view.text}</Message>}
        </div>
      );
  }
}
