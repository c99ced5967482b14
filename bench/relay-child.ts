/**
 * The relay under bench/relay.ts, in a process of its own: started with
 * limits that let N tabs connect from one address at any rate, and answering
 * the parent over IPC (memory after a forced GC, counters, CPU time, pauses,
 * open file descriptors).
 */
import { readdirSync } from "node:fs";
import { startRelay, type RelayStats } from "../relay/index.ts";
import { StallRecorder, type Pause } from "./stalls.ts";

export type ChildRequest = "memory" | "stats" | "cpu" | "stalls-start" | "stalls-take" | "stop";
export interface ChildReply {
  readonly port?: number;
  readonly memory?: { heapUsed: number; rss: number; fds: number };
  readonly stats?: RelayStats;
  readonly cpuMicros?: number;
  readonly pauses?: Pause[];
}

export async function relayChild(args: readonly string[]): Promise<void> {
  const tabs = Number(args[0]);
  const relay = await startRelay({
    port: 0,
    staticDir: "/nonexistent",
    limits: { maxTabs: tabs + 10, maxTabsPerIp: tabs + 10, framesPerSecond: 100_000, bytesPerSecond: 1 << 30 },
  });
  const gc = (globalThis as { gc?: () => void }).gc;
  const stalls = new StallRecorder();
  process.on("message", (req: ChildRequest) => {
    const reply = (r: ChildReply) => process.send?.(r);
    switch (req) {
      case "memory": {
        gc?.();
        const m = process.memoryUsage();
        return reply({ memory: { heapUsed: m.heapUsed, rss: m.rss, fds: readdirSync("/proc/self/fd").length } });
      }
      case "stats":
        return reply({ stats: relay.stats() });
      case "cpu": {
        const c = process.cpuUsage();
        return reply({ cpuMicros: c.user + c.system });
      }
      case "stalls-start":
        stalls.start();
        return reply({});
      case "stalls-take":
        return reply({ pauses: stalls.take() });
      case "stop":
        return void relay.close().then(() => process.exit(0));
    }
  });
  process.send?.({ port: relay.port } satisfies ChildReply);
}

void relayChild(process.argv.slice(2));
