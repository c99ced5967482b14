/**
 * The relay's memory has one bound across all tabs and links, not only one per
 * socket: peers that never read (slow readers on 127.0.0.1 that complete the
 * WebSocket handshake, then read nothing) are flooded by tabs through a relay
 * in its own process, whose per-socket cap alone would let it hold
 * LINKS x 64 MiB. The budget holds its count, frames beyond it are dropped
 * with their reason, the process's resident set (read from /proc) grows by no
 * more than the budget and an allowance for garbage, and afterwards the relay
 * forwards and answers as before.
 */
import { afterEach, describe, expect, it } from "vitest";
import { slowReader, type Target } from "../support/dial-targets.ts";
import { startRelayProcess, type RelayProcess } from "../support/relay-process.ts";
import type { RelayStats } from "../../relay/index.ts";
import { RelayTab } from "../support/relay-tab.ts";

const MiB = 1024 * 1024;
const BUDGET = 8 * MiB;
const FRAME = 256 * 1024;
const LINKS = 12;
const FLOODERS = 2;
/**
 * What the resident set may grow beyond the budget: frames a tab sent that
 * the relay dropped, or copied (ws masks a copy of each frame it sends) are
 * garbage until V8 collects it, and V8 lets external memory grow by tens of
 * MiB before it does; the allocator keeps some freed pages. Measured: see
 * docs/relay.md ("Memory").
 */
const GARBAGE_ALLOWANCE = 64 * MiB;

let relay: RelayProcess | null = null;
const readers: Target[] = [];
const tabs: RelayTab[] = [];
afterEach(async () => {
  for (const t of tabs.splice(0)) await t.disconnect();
  for (const r of readers.splice(0)) await r.close();
  await relay?.stop();
  relay = null;
});

async function statsWhen(p: RelayProcess, probe: (s: RelayStats) => boolean, what: string): Promise<RelayStats> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const s = await p.stats();
    if (probe(s)) return s;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function connect(p: RelayProcess) {
  const opened = await RelayTab.connect(p.tabUrl);
  tabs.push(opened.tab);
  return opened;
}

describe("the relay's total memory bound", () => {
  it("holds unsent bytes to the budget across all links, drops the rest, and keeps its memory near it", async () => {
    relay = await startRelayProcess({
      RELAY_MAX_TOTAL_BUFFERED_BYTES: String(BUDGET),
      RELAY_MAX_BUFFERED_BYTES: String(64 * MiB),
      RELAY_FRAMES_PER_SECOND: "100000",
      RELAY_BYTES_PER_SECOND: String(1 << 30),
    });
    const p = relay;
    for (let i = 0; i < LINKS; i++) readers.push(await slowReader());
    const flooders = await Promise.all(Array.from({ length: FLOODERS }, () => connect(p)));
    const { tab: a } = await connect(p);
    const { tab: b, welcome: wb } = await connect(p);
    const targetsOf = (i: number) => readers.filter((_, j) => j % FLOODERS === i).map((r) => r.address);
    for (const [i, { tab }] of flooders.entries()) {
      for (const to of targetsOf(i)) tab.send(to, "hello");
      for (const to of targetsOf(i)) await tab.take("link-open", (m) => m.to === to);
    }

    const before = p.rssBytes();
    let peakRss = before;
    const frame = "f".repeat(FRAME);
    let stats = await p.stats();
    const deadline = Date.now() + 60_000;
    while ((stats.framesDropped["relay-memory"] ?? 0) < 200) {
      if (Date.now() > deadline) throw new Error(`no flood after 60 s: ${JSON.stringify(stats)}`);
      for (const [i, { tab }] of flooders.entries()) while (tab.socket.bufferedAmount < 4 * MiB) for (const to of targetsOf(i)) tab.send(to, frame);
      await new Promise((r) => setTimeout(r, 20));
      peakRss = Math.max(peakRss, p.rssBytes());
      stats = await p.stats();
    }
    const growth = peakRss - before;
    console.log(`relay RSS ${(before / MiB).toFixed(1)} MiB before the flood, at most ${(peakRss / MiB).toFixed(1)} MiB during it (+${(growth / MiB).toFixed(1)} MiB); budget ${BUDGET / MiB} MiB, peak held ${(stats.buffered.peakBytes / MiB).toFixed(2)} MiB`);

    expect(stats.buffered.limitBytes).toBe(BUDGET);
    expect(stats.buffered.peakBytes).toBeGreaterThan(BUDGET - FRAME); // the budget was reached...
    expect(stats.buffered.peakBytes).toBeLessThanOrEqual(BUDGET + FRAME); // ...and never passed by more than one frame
    expect(await flooders[0]!.tab.take("error", (m) => m.reason === "relay-memory")).toMatchObject({ to: expect.stringMatching(/^ws:\/\/127\.0\.0\.1:/) });
    expect(growth).toBeLessThanOrEqual(BUDGET + GARBAGE_ALLOWANCE);

    // The slow readers go: every byte held for them is given back, and the relay serves as before.
    for (const r of readers.splice(0)) await r.close();
    await statsWhen(p, (s) => s.buffered.bytes === 0 && s.links.outbound === 0, "the held bytes to be given back");
    a.send(wb.address, "still forwarding");
    expect((await b.frame()).frame).toBe("still forwarding");
    expect((await fetch(`${p.url}/api/relay`)).status).toBe(200);
  });
});
