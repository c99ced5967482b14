/**
 * Tabs coming and going, told to every other tab in batches. One event per
 * tab per change would be n^2 messages when n tabs connect at once (after a
 * relay restart every tab reconnects): with 500 tabs, 125,000 messages and
 * seconds of relay time (measured with bench/relay.ts). A batch is serialised
 * once and the same text goes to every tab.
 */
import type { PeerInfo } from "./envelope.ts";
import type { Tab } from "./tab.ts";

/** How long changes gather before they are sent: short enough for a live peer list. */
export const PEER_BATCH_MS = 100;

export class PeerNews {
  private readonly joined = new Map<string, PeerInfo>();
  private readonly left = new Map<string, PeerInfo>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly audience: () => Iterable<Tab>) {}

  join(peer: PeerInfo): void {
    this.joined.set(peer.address, peer);
    this.schedule();
  }

  leave(peer: PeerInfo): void {
    // A tab that came and went within one batch is news to no one.
    if (!this.joined.delete(peer.address)) this.left.set(peer.address, peer);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer !== null) return;
    this.timer = setTimeout(() => this.flush(), PEER_BATCH_MS);
    this.timer.unref();
  }

  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const join = [...this.joined.values()];
    const joining = new Set(this.joined.keys());
    const leave = [...this.left.values()];
    this.joined.clear();
    this.left.clear();
    if (join.length === 0 && leave.length === 0) return;
    const shared = JSON.stringify({ t: "peers", join, leave });
    for (const tab of this.audience()) {
      // A tab that is itself in the batch is not told about itself.
      if (joining.has(tab.address)) tab.event({ t: "peers", join: join.filter((p) => p.address !== tab.address), leave });
      else tab.eventText(shared);
    }
  }

  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
