/**
 * npm run bench:relay -- --capacity [--max-tabs=16000] [--tabs-step=2000] [--rates=5000,10000,...] [--seconds=5]
 *
 * Two capacities of one relay process (one core for its JavaScript; pinned
 * as in bench/relay.ts):
 *
 * 1. Idle tabs: tabs connect in steps (default 2,000 at a time, 200 at once)
 *    up to --max-tabs (default 16,000, under this process's file descriptor
 *    limit: every tab is a descriptor here and one in the relay). After each
 *    step, once the relay's peer announcements are over, the relay's resident
 *    memory, heap and open descriptors are read (after a forced GC). It stops
 *    early when a step takes over 120 s, or a tab is refused or cut. Memory
 *    and descriptors per tab come from the growth between steps.
 *
 * 2. Frames per second one core forwards: with 500 tabs in a ring (as in
 *    bench/relay.ts), rising rates, each after a second of warm-up; the
 *    highest rate whose p99 stays under 10 ms, and where the relay's core
 *    is full. Latency on a shared machine moves with other work: the tail's
 *    attribution says how much of it was the machine.
 *
 * Prints a table for each, then one JSON line.
 */
import { performance } from "node:perf_hooks";
import { connectTab, connectTabs, Flights, linkRing, measureRate, startRelayChild, type BenchTab, type Relay, type RateResult } from "./relay-load.ts";

const P99_AIM_MS = 10;

interface IdleStep {
  readonly tabs: number;
  readonly connectSeconds: number;
  readonly rssMiB: number;
  readonly heapMiB: number;
  readonly fds: number;
  /** Growth over the step, per tab added. */
  readonly rssBytesPerTab: number;
  readonly heapBytesPerTab: number;
  readonly fdsPerTab: number;
}

function option(name: string, fallback: string): string {
  return process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
}

const MiB = 1024 * 1024;

async function idleCapacity(maxTabs: number, step: number): Promise<{ steps: IdleStep[]; stopped: string }> {
  const { relay, placement } = await startRelayChild([String(maxTabs)]);
  console.log(`idle tabs: ${placement.how}`);
  const flights = new Flights();
  const tabs: BenchTab[] = [];
  const steps: IdleStep[] = [];
  let closed = 0;
  let stopped = `reached --max-tabs=${maxTabs}`;
  let last = (await relay.ask("memory")).memory!;
  try {
    while (tabs.length < maxTabs) {
      const target = Math.min(maxTabs, tabs.length + step);
      const started = performance.now();
      while (tabs.length < target) {
        const batch = await Promise.all(Array.from({ length: Math.min(200, target - tabs.length) }, () => connectTab(`ws://127.0.0.1:${relay.port}/tab`, flights)));
        for (const t of batch) t.socket.once("close", () => closed++);
        tabs.push(...batch);
        if (performance.now() - started > 120_000) break;
      }
      const settled = await settle(relay, tabs.length, started);
      const seconds = (performance.now() - started) / 1000;
      const now = (await relay.ask("memory")).memory!;
      const added = tabs.length - (steps.at(-1)?.tabs ?? 0);
      steps.push({
        tabs: tabs.length,
        connectSeconds: Number(seconds.toFixed(1)),
        rssMiB: Number((now.rss / MiB).toFixed(1)),
        heapMiB: Number((now.heapUsed / MiB).toFixed(1)),
        fds: now.fds,
        rssBytesPerTab: Math.round((now.rss - last.rss) / added),
        heapBytesPerTab: Math.round((now.heapUsed - last.heapUsed) / added),
        fdsPerTab: Number(((now.fds - last.fds) / added).toFixed(2)),
      });
      last = now;
      console.log(`  ${tabs.length} tabs in ${seconds.toFixed(1)} s: relay RSS ${(now.rss / MiB).toFixed(0)} MiB, ${now.fds} descriptors`);
      if (closed > 0) {
        stopped = `${closed} tab(s) cut by the relay at ${tabs.length}`;
        break;
      }
      if (!settled || seconds > 120) {
        stopped = `a step took over 120 s at ${tabs.length} tabs (peer announcements to every tab)`;
        break;
      }
    }
  } catch (err) {
    stopped = `${(err as Error).message} at ${tabs.length} tabs`;
  }
  for (const t of tabs) t.socket.terminate();
  await relay.stop();
  return { steps, stopped };
}

/** Waits until the relay counts every tab and its announcements have gone quiet. */
async function settle(relay: Relay, tabs: number, since: number): Promise<boolean> {
  const deadline = since + 120_000;
  for (;;) {
    const stats = (await relay.ask("stats")).stats!;
    if (stats.tabs.connected >= tabs && stats.buffered.bytes === 0) return true;
    if (performance.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function rateCapacity(rates: readonly number[], seconds: number): Promise<{ results: RateResult[]; best: number | null; placement: string }> {
  const { relay, placement } = await startRelayChild(["500"]);
  const flights = new Flights();
  const tabs = await connectTabs(relay.port, 500, flights);
  await linkRing(tabs, flights);
  const results: RateResult[] = [];
  let best: number | null = null;
  for (const rate of rates) {
    const r = await measureRate(relay, tabs, rate, seconds, flights);
    results.push(r);
    console.log(`  ${rate}/s: forwarded ${r.forwardedPerSecond}/s, p99 ${r.p99Ms} ms, relay CPU ${r.relayCpuPercentOfOneCore}%`);
    if (r.p99Ms <= P99_AIM_MS && r.lost === 0) best = rate;
    // Past a full core the relay only queues: nothing more to learn.
    if (r.relayCpuPercentOfOneCore >= 98 || r.forwardedPerSecond < 0.9 * rate) break;
  }
  for (const tab of tabs) tab.socket.terminate();
  await relay.stop();
  return { results, best, placement: placement.how };
}

export async function runCapacity(): Promise<void> {
  const maxTabs = Number(option("max-tabs", "16000"));
  const step = Number(option("tabs-step", "2000"));
  const rates = option("rates", "5000,10000,15000,20000,25000,30000,35000,40000").split(",").map(Number);
  const seconds = Number(option("seconds", "5"));
  const idle = await idleCapacity(maxTabs, step);
  console.table(Object.fromEntries(idle.steps.map((s) => [`${s.tabs} tabs`, s])));
  console.log(`idle tabs: stopped because ${idle.stopped}`);
  const busy = await rateCapacity(rates, seconds);
  console.table(
    Object.fromEntries(
      busy.results.map((r) => [
        `${r.rate}/s`,
        { forwarded: r.forwardedPerSecond, lost: r.lost, "p50 ms": r.p50Ms, "p99 ms": r.p99Ms, "max ms": r.maxMs, "relay CPU %": r.relayCpuPercentOfOneCore, "µs/frame": r.relayCpuMicrosPerFrame, "gen CPU %": r.generatorCpuPercentOfOneCore, "other CPU %": r.otherCpuPercentOfOneCore ?? "?", descheduled: r.tail.descheduled },
      ]),
    ),
  );
  console.log(`frames/s on one core with p99 <= ${P99_AIM_MS} ms: ${busy.best ?? "none of the rates tried"} (${busy.placement})`);
  console.log(JSON.stringify({ idle, rates: busy.results, bestRateUnderP99Aim: busy.best }));
}
