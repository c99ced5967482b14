/// <reference types="vite-plugin-pwa/react" />
/**
 * The service worker (vite-plugin-pwa, Workbox) keeps the app shell, so the
 * page opens without a network. When the relay serves a newer build, the new
 * worker waits; this notice says so and reloads onto it when asked, never on
 * its own (a reload restarts this tab's node and miner).
 */
import { useRegisterSW } from "virtual:pwa-register/react";
import { useTabnode } from "../store.ts";

/**
 * Registered once the wallet shows: the service worker's precache (about 1 MB)
 * then does not compete with the first visit's start.
 */
export function UpdateNotice() {
  const started = useTabnode((s) => s.wallet.address !== null);
  return started ? <ServiceWorkerUpdate /> : null;
}

function ServiceWorkerUpdate() {
  const {
    needRefresh: [needRefresh],
    updateServiceWorker,
  } = useRegisterSW({
    onRegisterError: (error: unknown) => console.warn(`the service worker did not register: ${String(error)}`),
  });
  if (!needRefresh) return null;
  return (
    <div className="notices">
      <div className="notice notice-info" role="status" data-testid="update-notice">
        <strong>Update available:</strong> a new version of Tabnode has been downloaded.{" "}
        <button type="button" className="button-small" data-testid="update-reload" onClick={() => void updateServiceWorker(true)}>
          Reload to update
        </button>
      </div>
    </div>
  );
}
