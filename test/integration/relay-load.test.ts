/**
 * The relay under the bench's own load (bench/relay-load.ts, as `npm run
 * bench:relay` drives it, shortened): 500 tabs in a ring through a relay
 * process, 20,000 frames/s offered for 2 s. Every frame arrives, exactly once
 * each, and the relay counts nothing dropped. Speed is the bench's to report:
 * nothing here is timed beyond a generous wait for the last frames, and the
 * processes are left to the scheduler (no pinning: other tests run beside).
 */
import { afterEach, describe, expect, it } from "vitest";
import { connectTabs, Flights, linkRing, offer, startRelayChild, waitFor, type BenchTab, type Relay } from "../../bench/relay-load.ts";

let relay: Relay | null = null;
let tabs: BenchTab[] = [];
afterEach(async () => {
  for (const tab of tabs) tab.socket.terminate();
  tabs = [];
  await relay?.stop();
  relay = null;
});

describe("the relay under the bench's load", () => {
  it("delivers every frame of 500 tabs at 20,000 frames/s, drops none", async () => {
    ({ relay } = await startRelayChild(["500"], false));
    const flights = new Flights();
    tabs = await connectTabs(relay.port, 500, flights);
    await linkRing(tabs, flights);
    expect(flights.arrived).toBe(500);

    const before = (await relay.ask("stats")).stats!;
    const sent = await offer(tabs, 20_000, 2, flights);
    expect(sent).toBe(40_000);
    expect(await waitFor(() => flights.arrived >= sent, 60_000)).toBe(true);
    const after = (await relay.ask("stats")).stats!;

    // Each frame once: every slot has its arrival, and nothing came twice or unasked.
    expect(flights.arrived).toBe(sent);
    expect(flights.strays).toBe(0);
    expect(flights.received.every((t) => t > 0)).toBe(true);
    expect(after.framesForwarded - before.framesForwarded).toBe(sent);
    expect(after.framesDropped).toEqual({});
    expect(after.connectionsClosed).toEqual({});
    expect(after.tabs.connected).toBe(500);
  }, 120_000);
});
