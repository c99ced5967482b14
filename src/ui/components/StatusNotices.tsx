/**
 * What a person must notice about the node itself, under the top bar: a
 * failure to start, the relay being lost, storage at risk, catching up.
 * Quiet when all is well.
 */
import { useState } from "react";
import { useTabnode } from "../store.ts";
import { RelayBanner } from "./RelayBanner.tsx";

function FatalPanel({ detail }: { readonly detail: string }) {
  return (
    <div className="notice notice-fatal" role="alert">
      <strong>The node stopped.</strong> {detail}{" "}
      <button type="button" className="button-small" onClick={() => location.reload()}>
        Reload the page
      </button>
    </div>
  );
}

const STORAGE_DISMISSED = "tabnode.storage-notice.dismissed";

function StorageNotice() {
  const storage = useTabnode((s) => s.storage);
  const [dismissed, setDismissed] = useState(() => localStorage.getItem(STORAGE_DISMISSED) !== null);
  if (storage === null || storage.ok || (storage.advisory === true && dismissed)) return null;
  const dismiss = () => {
    localStorage.setItem(STORAGE_DISMISSED, "1");
    setDismissed(true);
  };
  return (
    <div className="notice notice-warn" role="status" data-testid="storage-notice">
      <strong>Storage:</strong> {storage.detail}
      {storage.advisory === true && (
        <>
          {" "}
          The chain would come back from peers; a wallet only from its backup file.{" "}
          <button type="button" className="button-small" data-testid="storage-dismiss" onClick={dismiss}>
            Got it, don't show again
          </button>
        </>
      )}
    </div>
  );
}

function SyncIndicator() {
  const sync = useTabnode((s) => s.sync);
  if (!sync.syncing) return null;
  return (
    <div className="notice notice-info" role="status">
      <span className="spinner" aria-hidden="true" /> Catching up with peers: {sync.received} blocks received.
    </div>
  );
}

export function StatusNotices({ startFailure }: { readonly startFailure: string | null }) {
  const fatal = useTabnode((s) => s.fatal) ?? startFailure;
  return (
    <div className="notices">
      {fatal !== null && <FatalPanel detail={fatal} />}
      <RelayBanner />
      <StorageNotice />
      <SyncIndicator />
    </div>
  );
}
