/**
 * The relay as its own process (`node --import tsx relay/main.ts`, as `npm run
 * relay` runs it), on a free port of 127.0.0.1, so a test can measure its
 * memory from outside: the resident set in /proc/<pid>/status. stop() ends it;
 * each test that starts one stops it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { RelayStats } from "../../relay/index.ts";

const ROOT = new URL("../..", import.meta.url).pathname;

export interface RelayProcess {
  readonly child: ChildProcess;
  readonly port: number;
  readonly url: string;
  readonly tabUrl: string;
  readonly logs: string[];
  /** Its DATA_DIR (a temporary directory, removed by stop()), where it writes the operator's `.cookie`. */
  readonly dataDir: string;
  /** The process's resident set now, in bytes (VmRSS). */
  rssBytes(): number;
  stats(): Promise<RelayStats>;
  stop(): Promise<void>;
}

export function rssOf(pid: number): number {
  const kib = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  if (kib === undefined) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kib) * 1024;
}

export async function startRelayProcess(env: Record<string, string> = {}): Promise<RelayProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), "tabnode-relay-"));
  const child = spawn(process.execPath, ["--import", "tsx", "relay/main.ts"], {
    cwd: ROOT,
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1", STATIC_DIR: "/nonexistent", PEERS: "", HOME_NODE: "", DATA_DIR: dataDir, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: string[] = [];
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  createInterface({ input: child.stderr! }).on("line", (line) => logs.push(line));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`relay did not start:\n${logs.join("\n")}`)), 20_000);
    createInterface({ input: child.stdout! }).on("line", (line) => {
      logs.push(line);
      const m = /GET \/api\/relay at http:\/\/127\.0\.0\.1:(\d+)/.exec(line);
      if (m === null) return;
      clearTimeout(timer);
      resolve(Number(m[1]));
    });
    void exited.then(() => reject(new Error(`relay exited:\n${logs.join("\n")}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    child,
    port,
    url,
    tabUrl: `ws://127.0.0.1:${port}/tab`,
    logs,
    dataDir,
    rssBytes: () => rssOf(child.pid!),
    stats: async () => (await (await fetch(`${url}/api/relay`)).json()) as RelayStats,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
