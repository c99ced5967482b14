/**
 * The relay lost: what it means, when the next try is, and a button to try
 * now. Sticky at the top of the window while it shows, so it is never
 * scrolled away from.
 */
import { useMemo } from "react";
import { retryRelay } from "../bridge.ts";
import { countOf, formatCountdown } from "../format.ts";
import { useTabnode } from "../store.ts";
import { useNow } from "./Clock.tsx";

function RetryCountdown({ retryAt }: { readonly retryAt: number }) {
  // The shared tick re-renders each second; the clock is read afresh because the tick's value can lag by up to a second.
  useNow();
  const left = retryAt - Date.now();
  return <> {left > 0 ? `Retrying in ${formatCountdown(left)}.` : "Retrying now."}</>;
}

export function RelayBanner() {
  const relay = useTabnode((s) => s.relay);
  const queued = useTabnode((s) => s.outbox.length);
  // retryInMs counts from when the event arrived; a new relay object is a new event.
  const retryAt = useMemo(() => (relay.retryInMs === null ? null : Date.now() + relay.retryInMs), [relay]);
  if (relay.state !== "reconnecting" && relay.state !== "down") return null;
  const what =
    relay.state === "down"
      ? "The relay is down: this tab reaches no peer."
      : "Lost the relay, reconnecting: blocks and payments wait until it is back.";
  return (
    <div className={`notice notice-sticky notice-relay-${relay.state}`} role="alert" data-testid="relay-banner">
      <strong>{what}</strong>
      {retryAt !== null && <RetryCountdown retryAt={retryAt} />}{" "}
      <button type="button" className="button-small" onClick={retryRelay} data-testid="retry-now">
        Retry now
      </button>
      {queued > 0 && (
        <span>
          {" "}
          {countOf(queued, "payment")} queued here, broadcast when it is back.
        </span>
      )}
      {relay.reason !== null && <span className="muted"> Reason: {relay.reason}</span>}
    </div>
  );
}
