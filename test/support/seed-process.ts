/**
 * Tutorial-style peers in processes of their own (seed-main.ts), on
 * 127.0.0.1: a blocking miner stops only its own event loop. Every process
 * started here is killed by `stopSeeds()`.
 */
import { fork, type ChildProcess } from "node:child_process";
import type { SeedTx } from "./seed-peer.ts";

export type SeedCommand =
  | { readonly t: "connect"; readonly address: string }
  | { readonly t: "pay"; readonly to: string; readonly amount: number; readonly gas: number }
  | { readonly t: "mine"; readonly stallMs?: number; readonly slow?: boolean }
  | { readonly t: "request-chain"; readonly from: string }
  | { readonly t: "request-info"; readonly from: string }
  | { readonly t: "state"; readonly addresses: readonly string[] };

export type SeedReply = { readonly id: number; readonly ok: true; readonly value: unknown } | { readonly id: number; readonly ok: false; readonly error: string };

export interface SeedState {
  readonly address: string;
  readonly publicKey: string;
  readonly height: number;
  readonly tip: string;
  readonly hashes: readonly string[];
  readonly difficulty: number;
  readonly mempool: number;
  /** The addresses of the links it sends on. */
  readonly opened: readonly string[];
  /** Links others opened to it. */
  readonly serverClients: number;
  readonly balances: Readonly<Record<string, number>>;
  readonly heardTwice: number;
  readonly minedTwice: number;
  readonly competing: number;
  readonly refused: number;
  readonly infoAnswersNotJson: number;
  readonly log: readonly string[];
}

const running = new Set<ChildProcess>();
const ENTRY = new URL("./seed-main.ts", import.meta.url).pathname;

export class SeedProcess {
  private nextId = 1;
  private readonly waiting = new Map<number, (r: SeedReply) => void>();

  private constructor(
    private readonly child: ChildProcess,
    readonly address: string,
    readonly form: "article" | "v0.2.0",
  ) {
    child.on("message", (r: SeedReply) => {
      this.waiting.get(r.id)?.(r);
      this.waiting.delete(r.id);
    });
  }

  static async start(form: "article" | "v0.2.0", privateKey: string): Promise<SeedProcess> {
    const child = fork(ENTRY, [], { execArgv: ["--import", "tsx"], env: { ...process.env, SEED_FORM: form, SEED_KEY: privateKey }, stdio: ["ignore", "inherit", "inherit", "ipc"] });
    running.add(child);
    const address = await new Promise<string>((resolve, reject) => {
      child.once("message", (r: SeedReply) => (r.ok ? resolve(r.value as string) : reject(new Error(r.error))));
      child.once("exit", (code) => reject(new Error(`seed process exited with ${code}`)));
    });
    return new SeedProcess(child, address, form);
  }

  private call<T>(command: SeedCommand): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, (r) => (r.ok ? resolve(r.value as T) : reject(new Error(r.error))));
      this.child.send({ ...command, id });
    });
  }

  connect(address: string): Promise<void> {
    return this.call({ t: "connect", address });
  }

  pay(to: string, amount: number, gas: number): Promise<SeedTx> {
    return this.call({ t: "pay", to, amount, gas });
  }

  /** Mines one block synchronously: the process answers nothing (no ping, no IPC) for `stallMs` at least. */
  mine(options: { readonly stallMs?: number; readonly slow?: boolean } = {}): Promise<{ hash: string }> {
    return this.call({ t: "mine", ...options });
  }

  requestChain(from: string): Promise<void> {
    return this.call({ t: "request-chain", from });
  }

  requestInfo(from: string): Promise<void> {
    return this.call({ t: "request-info", from });
  }

  state(addresses: readonly string[] = []): Promise<SeedState> {
    return this.call({ t: "state", addresses });
  }
}

export async function stopSeeds(): Promise<void> {
  await Promise.all(
    [...running].map(async (child) => {
      running.delete(child);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGKILL");
      await exited;
    }),
  );
}
