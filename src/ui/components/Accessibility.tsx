/**
 * What a screen reader or keyboard user needs beyond the panels themselves:
 * skip links past the top bar, a polite live region that announces received
 * coins and new blocks, and a document title that carries the balance (and
 * the news, while the tab is in the background).
 */
import { useEffect, useState, type MouseEvent } from "react";
import { countOf } from "../format.ts";
import { useTabnode, type TabnodeState } from "../store.ts";

/** Moves focus to an element (the hash router owns location.hash, so skip links cannot be plain anchors). */
function focusFirst(selector: string): void {
  const el = document.querySelector<HTMLElement>(selector);
  if (el === null) return;
  if (!el.matches("a, button, input, select, textarea, [tabindex]")) el.tabIndex = -1;
  el.focus();
  el.scrollIntoView({ block: "start" });
}

export function SkipLinks({ home }: { readonly home: boolean }) {
  const skip = (selector: string) => (e: MouseEvent) => {
    e.preventDefault();
    focusFirst(selector);
  };
  return (
    <div className="skip-links">
      <a className="skip-link" href="#/" onClick={skip("#main")} data-testid="skip-main">
        Skip to main content
      </a>
      {home && (
        <>
          <a className="skip-link" href="#/" onClick={skip('[data-testid="send-to"]')}>
            Skip to sending coins
          </a>
          <a className="skip-link" href="#/" onClick={skip('[data-testid="mine-toggle"]')}>
            Skip to mining
          </a>
        </>
      )}
    </div>
  );
}

/** The news since the last state, in words; null when nothing worth announcing changed. */
export function newsBetween(before: Pick<TabnodeState, "balance" | "chain" | "sync">, after: Pick<TabnodeState, "balance" | "chain" | "sync">): string | null {
  // A catch-up from peers brings many blocks at once: one line when it ends, not one per block.
  if (after.sync.syncing) return null;
  const parts: string[] = [];
  // The first chain report is the stored chain loading, not news.
  if (after.chain.height > before.chain.height && before.chain.tip !== "") {
    const n = after.chain.height - before.chain.height;
    parts.push(n === 1 ? `New block ${after.chain.height}.` : `${countOf(n, "new block")}, height ${after.chain.height}.`);
  }
  const gained = after.balance.confirmed - before.balance.confirmed;
  if (gained > 0) parts.push(`Received ${countOf(gained, "coin")}: balance ${countOf(after.balance.confirmed, "coin")}.`);
  const incoming = after.balance.pending - before.balance.pending;
  if (incoming > 0) parts.push(`Incoming payment of ${countOf(incoming, "coin")}, pending.`);
  return parts.length === 0 ? null : parts.join(" ");
}

const KEPT = 4;

/** A polite log: each piece of news is a line added, which is all a screen reader reads out. */
export function Announcer() {
  const [lines, setLines] = useState<readonly { readonly id: number; readonly text: string }[]>([]);
  useEffect(() => {
    let id = 0;
    return useTabnode.subscribe((after, before) => {
      if (after.wallet.address !== before.wallet.address) return;
      const news = newsBetween(before, after);
      if (news !== null) setLines((prev) => [...prev.slice(1 - KEPT), { id: ++id, text: news }]);
    });
  }, []);
  return (
    <div className="visually-hidden" role="log" aria-live="polite" data-testid="announcer">
      {lines.map((l) => (
        <p key={l.id}>{l.text}</p>
      ))}
    </div>
  );
}

/** "297 coins (+100 pending) · Tabnode": the balance in the tab strip and the window list. */
export function DocumentTitle() {
  const confirmed = useTabnode((s) => s.balance.confirmed);
  const pending = useTabnode((s) => s.balance.pending);
  const address = useTabnode((s) => s.wallet.address);
  useEffect(() => {
    const balance = `${countOf(confirmed, "coin")}${pending > 0 ? ` (+${pending} pending)` : ""}`;
    document.title = address === null ? "Tabnode" : `${balance} · Tabnode`;
  }, [confirmed, pending, address]);
  return null;
}
