/**
 * npm run bench:relay [tabs] [seconds] [rates]   (or BENCH_TABS, BENCH_SECONDS, BENCH_RATES)
 *
 * N simulated tabs (default 500) on loopback, each sending to the next tab's
 * address through the relay, at fixed total rates (default 5,000, 10,000 and
 * 20,000 frames/s, one window of `seconds`, default 10, each); then it stops
 * by itself. `npm run bench:relay -- --capacity` measures capacity instead
 * (bench/relay-capacity.ts).
 *
 * The relay runs in a child process of its own (bench/relay-child.ts). Where
 * the machine has two cores or more and `taskset` is at hand, the relay and
 * all its threads are pinned to the last core and this process (the load
 * generator, all N tabs) to the first (`taskset -a -p -c`), so they do not
 * compete; the report says whether they were.
 *
 * Latency is from the sender's send() to the receiver's message event, both
 * in this process (one clock); each frame carries its index, and send and
 * receive times go into preallocated arrays, so measuring allocates nothing
 * per frame. Sending is open-loop (a fixed schedule, not waiting for
 * replies), so latency includes any queueing the relay causes, and any stall
 * of this process while a frame is in flight.
 *
 * Each rate's window follows a second of unmeasured traffic at that rate, so
 * the relay's code is optimised for it, as in a relay that has been running.
 *
 * Attribution of the tail: both processes record their pauses
 * (bench/stalls.ts): every garbage collection, and every gap of a 5 ms timer
 * over 10 ms with the CPU time the process used in it, which tells a long
 * turn of its own ("busy": it used the CPU for most of the gap) from not
 * being run at all ("descheduled": other work on its core, or the
 * hypervisor). Each frame of the slowest 1% goes to what held most of its
 * flight: relay GC or busy, generator GC or busy, descheduled, or queueing
 * (nothing held a quarter of it). Prints a table, then one JSON line.
 */
import { runCapacity } from "./relay-capacity.ts";
import { connectTabs, Flights, linkRing, measureRate, startRelayChild, type Placement, type RateResult } from "./relay-load.ts";

function report(tabsCount: number, seconds: number, placement: Placement, memory: { heapBytesPerTab: number; rssBytesPerTab: number }, results: readonly RateResult[]): void {
  console.log(`${tabsCount} tabs, ${seconds} s per rate; ${placement.how}`);
  console.table(
    Object.fromEntries(
      results.map((r) => [
        `${r.rate}/s`,
        {
          forwarded: r.forwardedPerSecond,
          lost: r.lost,
          "p50 ms": r.p50Ms,
          "p99 ms": r.p99Ms,
          "max ms": r.maxMs,
          "relay CPU %": r.relayCpuPercentOfOneCore,
          "µs/frame": r.relayCpuMicrosPerFrame,
          "gen CPU %": r.generatorCpuPercentOfOneCore,
          "other CPU %": r.otherCpuPercentOfOneCore ?? "?",
          "relay GC max/total ms": `${r.relay.gcMaxMs}/${r.relay.gcTotalMs} (${r.relay.gcCount})`,
          "relay stall max ms": r.relay.stallMaxMs,
          "gen GC max/total ms": `${r.generator.gcMaxMs}/${r.generator.gcTotalMs} (${r.generator.gcCount})`,
          "gen stall max ms": r.generator.stallMaxMs,
          "tail % relay gc/busy": `${r.tail.relayGc}/${r.tail.relayBusy}`,
          "gen gc/busy": `${r.tail.generatorGc}/${r.tail.generatorBusy}`,
          "descheduled": r.tail.descheduled,
          "queueing": r.tail.queueing,
        },
      ]),
    ),
  );
  console.log(`relay memory per connected tab: heap ${memory.heapBytesPerTab} B, RSS ${memory.rssBytesPerTab} B (after GC, 0 -> ${tabsCount} tabs)`);
  console.log(JSON.stringify({ tabs: tabsCount, seconds, pinned: placement.pinned, placement: placement.how, ...memory, rates: results }));
}

async function main(): Promise<void> {
  const positional = process.argv.slice(2).filter((a) => !a.startsWith("--"));
  const n = Number(positional[0] ?? process.env.BENCH_TABS ?? 500);
  const seconds = Number(positional[1] ?? process.env.BENCH_SECONDS ?? 10);
  const rates = (positional[2] ?? process.env.BENCH_RATES ?? "5000,10000,20000").split(",").map(Number);
  if (![n, seconds, ...rates].every((x) => Number.isFinite(x) && x > 0) || n < 2) throw new Error("usage: bench/relay.ts [tabs>=2] [seconds>0] [rate,rate,...]");

  const { relay, placement } = await startRelayChild([String(n)]);
  const guard = setTimeout(() => {
    console.error("bench: did not finish in time");
    relay.child.kill();
    process.exit(1);
  }, (seconds * rates.length + 180) * 1000);
  const before = (await relay.ask("memory")).memory!;
  const flights = new Flights();
  const tabs = await connectTabs(relay.port, n, flights);
  const connected = (await relay.ask("memory")).memory!;
  await linkRing(tabs, flights);
  const results: RateResult[] = [];
  for (const rate of rates) results.push(await measureRate(relay, tabs, rate, seconds, flights));
  report(n, seconds, placement, { heapBytesPerTab: Math.round((connected.heapUsed - before.heapUsed) / n), rssBytesPerTab: Math.round((connected.rss - before.rss) / n) }, results);
  for (const tab of tabs) tab.socket.terminate();
  await relay.stop();
  clearTimeout(guard);
}

void (process.argv.includes("--capacity") ? runCapacity() : main()).catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
