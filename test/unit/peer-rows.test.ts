/** One row per peer: both links of an address merged, its kind from what the relay and the browser said, and what it showed. */
import { describe, expect, it } from "vitest";
import type { PeerView } from "../../src/node/peers.ts";
import { peerKind, peerRows, type PeerFacts } from "../../src/worker/peer-rows.ts";
import { chainRewards } from "../../src/worker/mining-stats.ts";
import type { TxPlace } from "../../src/worker/tx-index.ts";

const TAB = "ws://127.0.0.1:8080/peer/abc";
const OWN = "ws://127.0.0.1:8080/peer/own";
const HOME = "ws://127.0.0.1:9000";
const CLOSED = "ws://127.0.0.1:8080/peer/closed";
const SEED = "ws://127.0.0.1:3000";

function view(address: string | null, direction: "in" | "out", over: Partial<PeerView> = {}): PeerView {
  return { address, direction, kind: direction === "in" ? "inbound" : "auto", open: true, paired: false, since: 1000, remote: "r", dialect: "tabnode", busy: false, heardAt: null, height: null, ...over };
}

const facts: PeerFacts = {
  relayKind: (a) => (a === HOME ? "home" : a === TAB || a === OWN ? "tab" : undefined),
  ownTab: (a) => a === OWN,
  closedTab: (a) => a === CLOSED,
};

describe("peerRows", () => {
  it("merges an address's two links into one row: earliest since, latest heard, highest height", () => {
    const { rows, unnamed } = peerRows(
      [view(HOME, "out", { since: 500, heardAt: 700, height: 3, paired: true }), view(HOME, "in", { since: 900, heardAt: 1200, height: 5, paired: true })],
      facts,
    );
    expect(unnamed).toBe(0);
    expect(rows).toEqual([{ address: HOME, kind: "home", dialect: "tabnode", busy: false, inbound: true, outbound: true, paired: true, since: 500, heardAt: 1200, height: 5 }]);
  });

  it("counts unnamed inbound links apart, and an address only we linked to waits: no row", () => {
    const { rows, unnamed, waiting } = peerRows([view(null, "in"), view(null, "in"), view(SEED, "out", { dialect: "unknown" }), view(TAB, "out", { open: false })], facts);
    expect(rows).toEqual([]);
    expect(unnamed).toBe(2);
    expect(waiting).toEqual([SEED]);
  });

  it("leaves out a tab of this browser that said it closed", () => {
    expect(peerRows([view(CLOSED, "in"), view(CLOSED, "out"), view(OWN, "in")], facts).rows.map((r) => r.address)).toEqual([OWN]);
  });

  it("names each kind: own tab, tab, home, tutorial, native", () => {
    expect(peerKind(OWN, "tabnode", facts)).toBe("own-tab");
    expect(peerKind(TAB, "tabnode", facts)).toBe("tab");
    expect(peerKind("wss://relay.example.org/peer/x1", "tabnode", facts)).toBe("tab");
    expect(peerKind(HOME, "tabnode", facts)).toBe("home");
    expect(peerKind(SEED, "v0.2.0", facts)).toBe("tutorial");
    expect(peerKind(SEED, "tutorial", facts)).toBe("tutorial");
    expect(peerKind("ws://127.0.0.1:4000", "tabnode", facts)).toBe("native");
  });
});

describe("chainRewards", () => {
  const me = "04me";
  const place = (to: string, amount: number, reward: boolean, height: number): TxPlace =>
    ({ tx: { from: reward ? "mint" : "04x", to, amount, gas: 0, signature: `s${height}${to}` }, height, blockHash: `h${height}`, reward }) as unknown as TxPlace;
  it("counts the blocks whose reward pays the wallet, and sums those rewards (gas included in them)", () => {
    const index = { ofAddress: () => [place(me, 297, true, 1), place(me, 100, false, 2), place(me, 301, true, 3)] };
    expect(chainRewards(index, me)).toEqual({ blocksFound: 2, earned: 598 });
    expect(chainRewards({ ofAddress: () => [] }, me)).toEqual({ blocksFound: 0, earned: 0 });
  });
});
