/**
 * Real native-node processes for integration tests: `node --import tsx
 * src/cli/main.ts` with its own environment, on a free port of 127.0.0.1, its
 * data in a temporary directory. Every process started here is killed by
 * `stopAll()`, which each test file calls after its tests.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { StoredBlock } from "../../src/node/store.ts";
import { COOKIE_FILE } from "../../src/platform/cookie-file.ts";
import { SqliteStore } from "../../src/platform/sqlite-store.ts";

const ROOT = new URL("../..", import.meta.url).pathname;
const running = new Set<NodeProcess>();
const dirs: string[] = [];

export function tempDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `tabnode-${label}-`));
  dirs.push(dir);
  return dir;
}

/** A native node's data directory holding `stored` (a chain built in this process), removed with the others. */
export async function dataDirWith(stored: readonly StoredBlock[], label: string): Promise<string> {
  const dir = tempDir(label);
  const store = new SqliteStore(dir);
  store.appendBlocks(stored);
  await store.close();
  return dir;
}

export interface NodeProcess {
  readonly child: ChildProcess;
  readonly port: number;
  readonly address: string;
  readonly dataDir: string;
  readonly logs: string[];
  readonly exited: Promise<number | null>;
  get<T = any>(path: string): Promise<T>;
  /** POSTs JSON as the operator: with the token from the node's cookie file. */
  post<T = any>(path: string, body: unknown): Promise<{ status: number; body: T }>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** The operator token a running node wrote to its data directory. */
export const cookieOf = (dataDir: string) => readFileSync(join(dataDir, COOKIE_FILE), "utf8");

export interface StartOptions {
  /** The tree whose src/cli/main.ts runs: this repository by default (a bench may run another commit's worktree). */
  readonly root?: string;
  /** How long it may take to listen (a node re-validating a large store takes longer). */
  readonly startMs?: number;
}

export async function startNode(env: Record<string, string> = {}, dataDir = env.DATA_DIR ?? tempDir("node"), options: StartOptions = {}): Promise<NodeProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts"], {
    cwd: options.root ?? ROOT,
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1", DATA_DIR: dataDir, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: string[] = [];
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
  const port = await new Promise<number>((done, failed) => {
    let buffer = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      failed(new Error(`node did not start:\n${logs.join("\n")}`));
    }, options.startMs ?? 20_000);
    const take = (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split("\n");
      buffer = lines.pop()!;
      for (const line of lines) {
        logs.push(line);
        const m = /listening on port (\d+)/.exec(line);
        if (m !== null) {
          clearTimeout(timer);
          done(Number(m[1]));
        }
      }
    };
    child.stdout!.on("data", take);
    child.stderr!.on("data", take);
    void exited.then((code) => failed(new Error(`node exited with ${code}:\n${logs.join("\n")}`)));
  });
  const base = `http://127.0.0.1:${port}`;
  const proc: NodeProcess = {
    child,
    port,
    address: env.MY_ADDRESS ?? `ws://localhost:${port}`,
    dataDir,
    logs,
    exited,
    async get(path) {
      const res = await fetch(base + path);
      return (await res.json()) as never;
    },
    async post(path, body) {
      const headers = { "content-type": "application/json", authorization: `Bearer ${cookieOf(dataDir)}` };
      const res = await fetch(base + path, { method: "POST", headers, body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as never };
    },
    async kill(signal = "SIGKILL") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
      running.delete(proc);
    },
  };
  running.add(proc);
  return proc;
}

export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((p) => p.kill("SIGKILL")));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Polls until `check` returns a truthy value, or fails with `what` after `ms`. */
export async function until<T>(what: string, check: () => Promise<T | undefined | null | false> | T | undefined | null | false, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
