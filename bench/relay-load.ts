/**
 * The load side of bench/relay.ts, shared with bench/relay-capacity.ts: the
 * relay in a child process (pinned to its own core where the machine allows),
 * simulated tabs that send to each other through it at a fixed rate, and one
 * measured window (latency, CPU, pauses of both processes and the attribution
 * of the tail). bench/relay.ts says what each figure means.
 */
import { execFileSync, fork, type ChildProcess } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { cpus as machineCpus } from "node:os";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { WebSocket } from "ws";
import type { RelayStats } from "../relay/index.ts";
import type { ChildReply, ChildRequest } from "./relay-child.ts";
import { PauseIndex, StallRecorder, summarise, type Pause, type PauseSummary } from "./stalls.ts";

// ---- the two processes ----

export interface Relay {
  readonly child: ChildProcess;
  readonly port: number;
  ask(req: ChildRequest): Promise<ChildReply>;
  stop(): Promise<void>;
}

/** Pins a process and all its threads to one core; false where that cannot be done. */
function pinTo(pid: number, cpu: number): boolean {
  try {
    execFileSync("taskset", ["-a", "-p", "-c", String(cpu), String(pid)], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

export interface Placement {
  readonly pinned: boolean;
  readonly how: string;
}

/** pin: false leaves both processes to the scheduler (a test, or BENCH_PIN=0). */
export async function startRelayChild(args: readonly string[], pin = process.env.BENCH_PIN !== "0"): Promise<{ relay: Relay; placement: Placement }> {
  const execArgv = ["--import", "tsx", "--expose-gc", ...(process.env.BENCH_RELAY_NODE_ARGS ?? "").split(" ").filter(Boolean)];
  const child = fork(fileURLToPath(new URL("./relay-child.ts", import.meta.url)), [...args], { cwd: fileURLToPath(new URL("..", import.meta.url)), execArgv });
  const { port } = await new Promise<ChildReply>((r) => child.once("message", r));
  // The machine's cores, not this process's affinity (a second relay child would see only the core pinned to first).
  const cpus = machineCpus().length;
  // Unpinned, both are left to the scheduler: on a machine with other work, a pinned process waits for its core while the other may be idle.
  const pinned = pin && cpus >= 2 && pinTo(child.pid!, cpus - 1) && pinTo(process.pid, 0);
  const why = !pin ? "asked not to (BENCH_PIN=0)" : cpus < 2 ? `${cpus} core` : "taskset failed";
  const how = pinned ? `relay on core ${cpus - 1}, generator on core 0 (taskset -a -p -c)` : `not pinned (${why}): relay and generator share ${cpus} core(s)`;
  const relay: Relay = {
    child,
    port: port!,
    ask: (req) =>
      new Promise((resolve) => {
        child.once("message", (r: ChildReply) => resolve(r));
        child.send(req);
      }),
    async stop() {
      const exited = new Promise((r) => child.once("exit", r));
      child.send("stop" satisfies ChildRequest);
      await exited;
    },
  };
  return { relay, placement: { pinned, how } };
}

// ---- the tabs ----

const FRAME_PREFIX = '{"type":"TYPE_BENCH","data":{"i":';
const INDEX_DIGITS = 9;
// About the size of a TYPE_CREATE_TRANSACTION frame (two 130-char addresses and a DER signature).
const FRAME_SUFFIX = `,"pad":"${"f".repeat(400)}"}}`;
const NEWLINE = 0x0a;

export interface BenchTab {
  readonly socket: WebSocket;
  readonly address: string;
  /** The envelope that sends to the next tab, with room for the frame index: written in place per frame. */
  template: Buffer;
}

/** What the tabs record: one slot per frame of the window. */
export class Flights {
  sent = new Float64Array(0);
  received = new Float64Array(0);
  count = 0;
  arrived = 0;
  /** Frames that arrived a second time, or whose index was never sent in this window. */
  strays = 0;

  reset(frames: number): void {
    this.sent = new Float64Array(frames);
    this.received = new Float64Array(frames);
    this.count = 0;
    this.arrived = 0;
    this.strays = 0;
  }
}

/** When the last event other than a frame arrived: the join broadcasts are over when this goes quiet. */
let lastEventAt = 0;

/** Reads the frame index from the relay's message without making a string of it. */
function frameIndex(msg: Buffer): number {
  const nl = msg.indexOf(NEWLINE);
  let i = nl + 1 + FRAME_PREFIX.length;
  let n = 0;
  for (const end = i + INDEX_DIGITS; i < end; i++) n = n * 10 + (msg[i]! - 48);
  return n;
}

export function connectTab(tabUrl: string, flights: Flights): Promise<BenchTab> {
  return new Promise((resolve, reject) => {
    // A zero mask lets ws skip masking in JavaScript (a browser masks in native
    // code): this process shares the machine with the relay being measured.
    const socket = new WebSocket(tabUrl, { perMessageDeflate: false, generateMask: () => {} });
    socket.once("error", reject);
    socket.once("message", (data: Buffer) => {
      const welcome = JSON.parse(data.toString()) as { address: string };
      resolve({ socket, address: welcome.address, template: Buffer.alloc(0) });
      socket.on("message", (msg: Buffer) => {
        // `{"t":"frame"`: byte 6 is the f. Peer and link events are skipped without parsing.
        if (msg[6] !== 0x66) return void (lastEventAt = performance.now());
        const i = frameIndex(msg);
        if (i < flights.received.length && flights.received[i] === 0) {
          flights.received[i] = performance.now();
          flights.arrived++;
        } else flights.strays++;
      });
    });
  });
}

export async function connectTabs(port: number, n: number, flights: Flights): Promise<BenchTab[]> {
  const tabUrl = `ws://127.0.0.1:${port}/tab`;
  const tabs: BenchTab[] = [];
  for (let i = 0; i < n; i += 50) tabs.push(...(await Promise.all(Array.from({ length: Math.min(50, n - i) }, () => connectTab(tabUrl, flights)))));
  await waitFor(() => performance.now() - lastEventAt > 500, 30_000); // the peer broadcasts are over
  return tabs;
}

/** Builds every tab's envelope to the next tab and opens the links, outside any measured window. */
export async function linkRing(tabs: BenchTab[], flights: Flights): Promise<void> {
  const n = tabs.length;
  tabs.forEach((tab, i) => {
    const text = `${JSON.stringify({ t: "send", to: tabs[(i + 1) % n]!.address })}\n${FRAME_PREFIX}${"0".repeat(INDEX_DIGITS)}${FRAME_SUFFIX}`;
    tab.template = Buffer.from(text);
  });
  flights.reset(n);
  tabs.forEach((tab, i) => send(tab, i, flights));
  await waitFor(() => flights.arrived >= n, 10_000);
}

function send(tab: BenchTab, index: number, flights: Flights): void {
  // A fresh buffer per frame (pooled, so cheap): ws keeps a reference until the kernel takes it.
  const frame = Buffer.allocUnsafe(tab.template.length);
  tab.template.copy(frame);
  let at = frame.length - FRAME_SUFFIX.length - 1;
  for (let v = index, d = 0; d < INDEX_DIGITS; d++, v = Math.floor(v / 10)) frame[at--] = 48 + (v % 10);
  flights.sent[index] = performance.now();
  tab.socket.send(frame, { binary: false });
}

export async function waitFor(probe: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!probe()) {
    if (performance.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

/** Sends `rate` frames a second for `seconds`, open-loop; resolves when the schedule is done. */
export async function offer(tabs: readonly BenchTab[], rate: number, seconds: number, flights: Flights): Promise<number> {
  const total = Math.floor(seconds * rate);
  flights.reset(total);
  const start = performance.now();
  await new Promise<void>((done) => {
    const tick = () => {
      const due = Math.min(Math.floor(((performance.now() - start) * rate) / 1000), total);
      for (; flights.count < due; flights.count++) send(tabs[flights.count % tabs.length]!, flights.count, flights);
      // A 1 ms timer, not a busy loop: this process must not eat a core it may
      // share with the relay (the frames go out in bursts of rate/1000).
      if (flights.count >= total) done();
      else setTimeout(tick, 1);
    };
    tick();
  });
  return total;
}

// ---- one window at one rate ----

export interface RateResult {
  readonly rate: number;
  readonly forwardedPerSecond: number;
  readonly lost: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly relayCpuPercentOfOneCore: number;
  readonly relayCpuMicrosPerFrame: number;
  readonly generatorCpuPercentOfOneCore: number;
  /** CPU the rest of the machine used meanwhile (other work, the kernel's own), percent of one core: what the two processes competed with. */
  readonly otherCpuPercentOfOneCore: number | null;
  readonly relay: PauseSummary;
  readonly generator: PauseSummary;
  /** The slowest 1% of frames, by what held most of their flight (percent of those frames): see attribute(). */
  readonly tail: Tail;
  readonly dropped: object;
}

const round2 = (x: number) => Number(x.toFixed(2));

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

export interface Tail {
  /** The relay collecting garbage, or busy on the CPU with a long turn. */
  readonly relayGc: number;
  readonly relayBusy: number;
  readonly generatorGc: number;
  readonly generatorBusy: number;
  /** Either process not running while runnable: the machine (other work on the core, the hypervisor). */
  readonly descheduled: number;
  /** No pause over a quarter of the flight: queueing in the sockets and the kernel. */
  readonly queueing: number;
}

/**
 * Each frame of the slowest 1% goes to whatever held most of its flight: a
 * pause of the relay (a collection, a long turn on the CPU), one of the
 * generator, either process not running, or nothing that stood still
 * (queueing).
 */
function attribute(flights: Flights, p99: number, relayPauses: readonly Pause[], generatorPauses: readonly Pause[]): Tail {
  const relay = new PauseIndex(relayPauses);
  const generator = new PauseIndex(generatorPauses);
  const origin = performance.timeOrigin;
  const counts = { relayGc: 0, relayBusy: 0, generatorGc: 0, generatorBusy: 0, descheduled: 0, queueing: 0 };
  let tail = 0;
  for (let i = 0; i < flights.count; i++) {
    const r = flights.received[i]!;
    if (r === 0 || r - flights.sent[i]! < p99) continue;
    tail++;
    const from = origin + flights.sent[i]!;
    const to = origin + r;
    const byRelay = relay.overlap(from, to);
    const byGenerator = generator.overlap(from, to);
    const shares: [keyof typeof counts, number][] = [
      ["relayGc", byRelay.gc],
      ["relayBusy", byRelay.busy],
      ["generatorGc", byGenerator.gc],
      ["generatorBusy", byGenerator.busy],
      ["descheduled", Math.max(byRelay.off, byGenerator.off)],
    ];
    const [holder, ms] = shares.reduce((a, b) => (b[1] > a[1] ? b : a));
    counts[ms >= (to - from) / 4 ? holder : "queueing"]++;
  }
  const pct = (n: number) => (tail === 0 ? 0 : Math.round((100 * n) / tail));
  return {
    relayGc: pct(counts.relayGc),
    relayBusy: pct(counts.relayBusy),
    generatorGc: pct(counts.generatorGc),
    generatorBusy: pct(counts.generatorBusy),
    descheduled: pct(counts.descheduled),
    queueing: pct(counts.queueing),
  };
}

/** CPU seconds the whole machine spent busy so far (all cores, /proc/stat; USER_HZ is 100 on Linux), or null off Linux. */
function machineBusySeconds(): number | null {
  try {
    const [, user, nice, system, , , irq, softirq, steal] = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).map(Number);
    return (user! + nice! + system! + irq! + softirq! + steal!) / 100;
  } catch {
    return null;
  }
}

/** Unmeasured traffic at the rate before each window: the relay's code is optimised for it, as in a relay that has been running. */
const WARM_UP_S = 1;

export async function measureRate(relay: Relay, tabs: readonly BenchTab[], rate: number, seconds: number, flights: Flights): Promise<RateResult> {
  const warm = await offer(tabs, rate, WARM_UP_S, flights);
  await waitFor(() => flights.arrived >= warm, 5000);
  const statsBefore = (await relay.ask("stats")).stats!;
  const cpuBefore = (await relay.ask("cpu")).cpuMicros!;
  await relay.ask("stalls-start");
  const generatorStalls = new StallRecorder();
  generatorStalls.start();
  const generatorCpu = process.cpuUsage();
  const machineBefore = machineBusySeconds();
  const start = performance.now();
  const sent = await offer(tabs, rate, seconds, flights);
  await waitFor(() => flights.arrived >= sent, 5000);
  const windowS = (performance.now() - start) / 1000;
  const generatorUsed = process.cpuUsage(generatorCpu);
  const machineAfter = machineBusySeconds();
  const generatorPauses = generatorStalls.take();
  const relayPauses = (await relay.ask("stalls-take")).pauses!;
  const cpuAfter = (await relay.ask("cpu")).cpuMicros!;
  const statsAfter: RelayStats = (await relay.ask("stats")).stats!;

  // BENCH_PAUSES_DIR keeps every pause of both processes and every flight, per rate, for a closer look.
  const dumpDir = process.env.BENCH_PAUSES_DIR;
  if (dumpDir !== undefined) {
    const flightsOf = Array.from({ length: sent }, (_, i) => [performance.timeOrigin + flights.sent[i]!, flights.received[i]! - flights.sent[i]!]);
    writeFileSync(`${dumpDir}/pauses-${rate}.json`, JSON.stringify({ relay: relayPauses, generator: generatorPauses, flights: flightsOf }));
  }
  const latencies = new Float64Array(flights.arrived);
  for (let i = 0, j = 0; i < sent; i++) if (flights.received[i] !== 0) latencies[j++] = flights.received[i]! - flights.sent[i]!;
  latencies.sort();
  const p99 = percentile(latencies, 99);
  const forwarded = statsAfter.framesForwarded - statsBefore.framesForwarded;
  const dropped: Record<string, number> = {};
  for (const [k, v] of Object.entries(statsAfter.framesDropped)) {
    const d = (v ?? 0) - ((statsBefore.framesDropped as Record<string, number>)[k] ?? 0);
    if (d > 0) dropped[k] = d;
  }
  return {
    rate,
    forwardedPerSecond: Math.round(forwarded / windowS),
    lost: sent - flights.arrived,
    p50Ms: round2(percentile(latencies, 50)),
    p99Ms: round2(p99),
    maxMs: round2(latencies[latencies.length - 1] ?? NaN),
    relayCpuPercentOfOneCore: Math.round((cpuAfter - cpuBefore) / 10_000 / windowS),
    relayCpuMicrosPerFrame: Number(((cpuAfter - cpuBefore) / forwarded).toFixed(1)),
    generatorCpuPercentOfOneCore: Math.round((generatorUsed.user + generatorUsed.system) / 10_000 / windowS),
    otherCpuPercentOfOneCore:
      machineBefore === null || machineAfter === null
        ? null
        : Math.max(0, Math.round(((machineAfter - machineBefore) * 1e6 - (cpuAfter - cpuBefore) - generatorUsed.user - generatorUsed.system) / 10_000 / windowS)),
    relay: summarise(relayPauses),
    generator: summarise(generatorPauses),
    tail: attribute(flights, p99, relayPauses, generatorPauses),
    dropped,
  };
}
