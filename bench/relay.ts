/**
 * npm run bench:relay [tabs] [seconds] [rate]   (or BENCH_TABS, BENCH_SECONDS, BENCH_RATE)
 *
 * N simulated tabs (default 500) on loopback, each sending to the next tab's
 * address through the relay, at a fixed total rate (default 20,000 frames/s)
 * for a fixed time (default 10 s); then it stops by itself. The relay runs in
 * a child process of its own (one Node process: one core for its JavaScript),
 * so its memory and CPU are measured apart from the tabs': memory per tab is
 * the child's heap and RSS growth (after a forced GC) from zero tabs to N
 * connected tabs, divided by N. Latency is from the sender's send() to the
 * receiver's message event, both in this process (one clock). The sending is
 * open-loop (a fixed schedule, not waiting for replies), so the latency
 * includes any queueing the relay causes (and any in this process: its
 * event-loop delay is reported, to tell the two apart; the relay's is not
 * sampled, as a 1 ms sampling timer would cost it measurable CPU on a
 * virtual machine). Prints a table, then one JSON line.
 * BENCH_RELAY_NODE_ARGS passes flags to the relay's process (for example
 * "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile it).
 */
import { fork, type ChildProcess } from "node:child_process";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { WebSocket } from "ws";
import { startRelay, type RelayStats } from "../relay/index.ts";

type ChildRequest = "memory" | "stats" | "cpu" | "stop";
interface ChildReply {
  readonly port?: number;
  readonly memory?: { heapUsed: number; rss: number };
  readonly stats?: RelayStats;
  readonly cpuMicros?: number;
}

// ---- the relay's side: a child process answering the parent over IPC ----

async function relayChild(tabs: number): Promise<void> {
  const relay = await startRelay({
    port: 0,
    staticDir: "/nonexistent",
    limits: { maxTabs: tabs + 10, maxTabsPerIp: tabs + 10, framesPerSecond: 100_000, bytesPerSecond: 1 << 30 },
  });
  const gc = (globalThis as { gc?: () => void }).gc;
  process.on("message", (req: ChildRequest) => {
    const reply = (r: ChildReply) => process.send?.(r);
    if (req === "memory") {
      gc?.();
      const m = process.memoryUsage();
      reply({ memory: { heapUsed: m.heapUsed, rss: m.rss } });
    } else if (req === "stats") reply({ stats: relay.stats() });
    else if (req === "cpu") {
      const c = process.cpuUsage();
      reply({ cpuMicros: c.user + c.system });
    } else void relay.close().then(() => process.exit(0));
  });
  process.send?.({ port: relay.port } satisfies ChildReply);
}

// ---- the tabs' side ----

const FRAME_PREFIX = '{"type":"TYPE_BENCH","data":{"t":';
// About the size of a TYPE_CREATE_TRANSACTION frame (two 130-char addresses and a DER signature).
const PAD = "f".repeat(400);

interface BenchTab {
  readonly socket: WebSocket;
  readonly address: string;
  /** The envelope header that sends to the next tab: built once, as a page would. */
  header: string;
}

function ask(child: ChildProcess, req: ChildRequest): Promise<ChildReply> {
  return new Promise((resolve) => {
    child.once("message", (r: ChildReply) => resolve(r));
    child.send(req);
  });
}

/** When the last event other than a frame arrived: the join broadcasts are over when this goes quiet. */
let lastEventAt = 0;

function connectTab(tabUrl: string, latencies: number[]): Promise<BenchTab> {
  return new Promise((resolve, reject) => {
    // A zero mask lets ws skip masking in JavaScript (a browser masks in native
    // code): the tabs' process shares the machine with the relay being measured.
    const socket = new WebSocket(tabUrl, { perMessageDeflate: false, generateMask: () => {} });
    socket.once("error", reject);
    socket.once("message", (data: Buffer) => {
      const welcome = JSON.parse(data.toString()) as { address: string };
      resolve({ socket, address: welcome.address, header: "" });
      socket.on("message", (msg: Buffer) => {
        // Only frames matter here; peer and link events are skipped without parsing.
        const text = msg.toString();
        if (!text.startsWith('{"t":"frame"')) return void (lastEventAt = performance.now());
        const start = text.indexOf("\n") + 1 + FRAME_PREFIX.length;
        latencies.push(performance.now() - parseFloat(text.slice(start, start + 24)));
      });
    });
  });
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function waitFor(probe: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!probe()) {
    if (performance.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

type BenchResult = Record<string, number | boolean | object> & {
  readonly tabs: number;
  readonly seconds: number;
  readonly offeredPerSecond: number;
  readonly forwardedPerSecond: number;
  readonly lost: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly relayCpuPercentOfOneCore: number;
  readonly relayCpuMicrosPerFrame: number;
  readonly tabsLoopDelayMaxMs: number;
  readonly tabsCpuPercentOfOneCore: number;
  readonly heapBytesPerTab: number;
  readonly rssBytesPerTab: number;
  readonly dropped: object;
};

function report(result: BenchResult): void {
  const n = result.tabs;
  const seconds = result.seconds;
  console.table({
    "frames forwarded / s": { value: result.forwardedPerSecond, note: `offered ${result.offeredPerSecond}/s by ${n} tabs for ${seconds} s` },
    "latency p50 (ms)": { value: result.p50Ms, note: "send() to message event, loopback" },
    "latency p99 (ms)": { value: result.p99Ms, note: `max ${result.maxMs} ms` },
    "relay CPU (% of one core)": { value: result.relayCpuPercentOfOneCore, note: "user + system time of the relay process over the window" },
    "relay CPU per frame (µs)": { value: result.relayCpuMicrosPerFrame, note: "so one core would carry about 1e6 / this frames/s" },
    "tabs' CPU (% of one core)": { value: result.tabsCpuPercentOfOneCore, note: `this process, all N simulated tabs; its event-loop delay max ${result.tabsLoopDelayMaxMs} ms` },
    "relay heap / tab (bytes)": { value: result.heapBytesPerTab, note: "relay child process, after GC, 0 -> N tabs" },
    "relay RSS / tab (bytes)": { value: result.rssBytesPerTab, note: "same, resident set" },
    "frames lost": { value: result.lost, note: JSON.stringify(result.dropped) },
  });
  console.log(JSON.stringify(result));
}

async function main(): Promise<void> {
  const arg = (i: number, env: string, dflt: number) => Number(process.argv[2 + i] ?? process.env[env] ?? dflt);
  const n = arg(0, "BENCH_TABS", 500);
  const seconds = arg(1, "BENCH_SECONDS", 10);
  const rate = arg(2, "BENCH_RATE", 20_000);
  if (![n, seconds, rate].every((x) => Number.isFinite(x) && x > 0) || n < 2) throw new Error("usage: bench/relay.ts [tabs>=2] [seconds>0] [rate>0]");

  const child = fork(fileURLToPath(import.meta.url), ["--relay-child", String(n)], { execArgv: [...process.execArgv, "--expose-gc", ...(process.env.BENCH_RELAY_NODE_ARGS ?? "").split(" ").filter(Boolean)] });
  const guard = setTimeout(() => {
    console.error("bench: did not finish in time");
    child.kill();
    process.exit(1);
  }, (seconds + 120) * 1000);
  const { port } = await new Promise<ChildReply>((r) => child.once("message", r));
  const tabUrl = `ws://127.0.0.1:${port}/tab`;
  const before = (await ask(child, "memory")).memory!;

  const latencies: number[] = [];
  const tabs: BenchTab[] = [];
  for (let i = 0; i < n; i += 50) tabs.push(...(await Promise.all(Array.from({ length: Math.min(50, n - i) }, () => connectTab(tabUrl, latencies)))));
  await waitFor(() => performance.now() - lastEventAt > 500, 30_000); // the peer broadcasts are over
  const connected = (await ask(child, "memory")).memory!;

  // Open every tab's link to the next one, outside the measured window.
  tabs.forEach((tab, i) => (tab.header = `${JSON.stringify({ t: "send", to: tabs[(i + 1) % n]!.address })}\n`));
  for (const tab of tabs) tab.socket.send(`${tab.header}${FRAME_PREFIX}${performance.now()},"pad":"warm-up"}}`);
  await waitFor(() => latencies.length >= n, 10_000);
  latencies.length = 0;

  const statsBefore = (await ask(child, "stats")).stats!;
  const cpuBefore = (await ask(child, "cpu")).cpuMicros!;
  const start = performance.now();
  const tabsCpuBefore = process.cpuUsage();
  const tabsLoop = monitorEventLoopDelay({ resolution: 1 });
  tabsLoop.enable();
  let sent = 0;
  await new Promise<void>((done) => {
    const tick = () => {
      const elapsed = performance.now() - start;
      const due = Math.min(Math.floor((elapsed * rate) / 1000), Math.floor(seconds * rate));
      for (; sent < due; sent++) {
        const tab = tabs[sent % n]!;
        tab.socket.send(`${tab.header}${FRAME_PREFIX}${performance.now()},"pad":"${PAD}"}}`);
      }
      // A 1 ms timer, not a busy loop: the tabs' process must not eat the core
      // it shares the machine with (the frames go out in bursts of rate/1000).
      if (elapsed >= seconds * 1000) done();
      else setTimeout(tick, 1);
    };
    tick();
  });
  const drained = await waitFor(() => latencies.length >= sent, 5000);
  const windowS = (performance.now() - start) / 1000;
  const tabsCpu = process.cpuUsage(tabsCpuBefore);
  tabsLoop.disable();
  const cpuAfter = (await ask(child, "cpu")).cpuMicros!;
  const statsAfter = (await ask(child, "stats")).stats!;

  const sorted = Float64Array.from(latencies).sort();
  const forwarded = statsAfter.framesForwarded - statsBefore.framesForwarded;
  const result: BenchResult = {
    tabs: n,
    seconds,
    offeredPerSecond: Math.round(sent / seconds),
    forwardedPerSecond: Math.round(forwarded / windowS),
    received: latencies.length,
    lost: sent - latencies.length,
    p50Ms: Number(percentile(sorted, 50).toFixed(2)),
    p99Ms: Number(percentile(sorted, 99).toFixed(2)),
    maxMs: Number((sorted[sorted.length - 1] ?? NaN).toFixed(2)),
    relayCpuPercentOfOneCore: Math.round((cpuAfter - cpuBefore) / 10_000 / windowS),
    relayCpuMicrosPerFrame: Number(((cpuAfter - cpuBefore) / forwarded).toFixed(1)),
    tabsLoopDelayMaxMs: Number((tabsLoop.max / 1e6).toFixed(1)),
    tabsCpuPercentOfOneCore: Math.round((tabsCpu.user + tabsCpu.system) / 10_000 / windowS),
    heapBytesPerTab: Math.round((connected.heapUsed - before.heapUsed) / n),
    rssBytesPerTab: Math.round((connected.rss - before.rss) / n),
    dropped: statsAfter.framesDropped,
    drained,
  };
  report(result);

  for (const tab of tabs) tab.socket.terminate();
  const exited = new Promise((r) => child.once("exit", r));
  child.send("stop");
  await exited;
  clearTimeout(guard);
}

if (process.argv[2] === "--relay-child") void relayChild(Number(process.argv[3]));
else
  void main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
