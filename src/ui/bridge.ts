/**
 * The one module that owns the node's Web Worker: it starts it, turns its
 * events into store updates, and offers the page's actions as plain
 * functions. Requests that expect an answer (send, import, unlock...) return a
 * promise of the worker's result.
 */
import type { CommandReason } from "../app/reasons.ts";
import type { Command, LookupResult, WorkerEvent } from "../worker/messages.ts";
import { sayGone } from "../platform/own-tabs.ts";
import { storedThreads } from "./mining-local.ts";
import { useTabnode } from "./store.ts";

export interface ActionResult {
  readonly ok: boolean;
  readonly reason: CommandReason | null;
  readonly detail: string | null;
  readonly value?: string | LookupResult;
}

const RESUME_KEY = "tabnode.relay.resume";
/** The wallet this tab chose (per tab: sessionStorage); a new tab has none and opens the last one used. */
const WALLET_KEY = "tabnode.wallet";
const LOG_MAX = 200;

let worker: Worker | null = null;
let nextId = 1;
const pending = new Map<number, (r: ActionResult) => void>();

function post(command: Command): void {
  if (worker === null) throw new Error("the node is not started");
  worker.postMessage(command);
}

function request(make: (id: number) => Command): Promise<ActionResult> {
  const id = nextId++;
  return new Promise((resolve) => {
    pending.set(id, resolve);
    post(make(id));
  });
}

function apply(e: WorkerEvent): void {
  const set = useTabnode.setState;
  switch (e.ev) {
    case "wallet":
      return set({ wallet: { address: e.address, locked: e.locked, encrypted: e.encrypted } });
    case "chain":
      return set({ chain: { height: e.height, tip: e.tip, difficulty: e.difficulty, work: e.work, blocks: e.blocks } });
    case "balance":
      return set({ balance: { confirmed: e.confirmed, pending: e.pending, spendable: e.spendable } });
    case "history":
      return set({ history: e.items });
    case "mempool":
      return set({ mempool: e.txs });
    case "peers":
      return set({ peers: e.peers, unnamedLinks: e.unnamed, dials: e.dials });
    case "outbox":
      return set({ outbox: e.queued });
    case "relay":
      // The resume token lets a reload keep this tab's address (per tab: sessionStorage).
      if (e.resume !== null) sessionStorage.setItem(RESUME_KEY, e.resume);
      return set({ relay: { state: e.state, address: e.address, retryInMs: e.retryInMs, reason: e.reason } });
    case "mining":
      return set({ mining: e.info });
    case "wallets":
      return set({ wallets: { current: e.current, all: e.all } });
    case "gpu-probe":
      return set({ gpuProbe: e.probe });
    case "sync":
      return set({ sync: { syncing: e.syncing, received: e.received } });
    case "storage":
      return set({ storage: { ok: e.ok, detail: e.detail } });
    case "log":
      return set((s) => ({ log: [...s.log.slice(-(LOG_MAX - 1)), e.line] }));
    case "fatal":
      return set({ fatal: e.detail });
    case "result": {
      const resolve = pending.get(e.id);
      pending.delete(e.id);
      resolve?.({ ok: e.ok, reason: e.reason, detail: e.detail, value: e.value });
      return;
    }
  }
}

/** Starts the node worker once, and asks the browser to keep this site's storage. */
/** The relay is where the page came from: its directory, so a path prefix behind a proxy (docs/deploy.md) is kept. */
export function startNode(relayUrl = new URL("./", location.href).href): void {
  if (worker !== null) return;
  const hardwareThreads = Math.max(1, navigator.hardwareConcurrency || 1);
  useTabnode.setState({ hardwareThreads });
  worker = new Worker(new URL("../worker/node-worker.ts", import.meta.url), { type: "module", name: "tabnode-node" });
  worker.onmessage = (m: MessageEvent<WorkerEvent>) => apply(m.data);
  worker.onerror = (e) => useTabnode.setState({ fatal: `the node's worker failed: ${e.message}` });
  addEventListener("pagehide", () => {
    const address = useTabnode.getState().relay.address;
    if (address !== null) sayGone(address);
  });
  post({
    cmd: "start",
    relayUrl,
    resume: sessionStorage.getItem(RESUME_KEY),
    threads: Math.min(hardwareThreads, storedThreads() ?? 1),
    wallet: sessionStorage.getItem(WALLET_KEY),
  });
  void askPersistentStorage();
}

async function askPersistentStorage(): Promise<void> {
  if (navigator.storage?.persist === undefined) {
    return useTabnode.setState({
      storage: { ok: false, advisory: true, detail: "this browser cannot keep it persistent: it may clear it when the disk runs low." },
    });
  }
  const granted = await navigator.storage.persisted().then((p) => p || navigator.storage.persist());
  const estimate = await navigator.storage.estimate().catch(() => null);
  const quota = estimate?.quota ? ` (${Math.round((estimate.usage ?? 0) / 1024)} KiB used of ${Math.round(estimate.quota / 1048576)} MiB)` : "";
  useTabnode.setState({
    storage: granted
      ? { ok: true, detail: `Storage is persistent${quota}.` }
      : { ok: false, advisory: true, detail: "not persistent: the browser may clear it when the disk runs low." },
  });
}

export const sendPayment = (to: string, amount: number, gas: number) => request((id) => ({ cmd: "send", id, to, amount, gas }));
/** Mining on or off, on `threads` CPU threads (0: the GPU alone) and the GPU if `gpu`. */
export const setMining = (on: boolean, threads: number, gpu: boolean) => post({ cmd: "mine", on, threads, gpu });
export const addPeer = (address: string) => request((id) => ({ cmd: "add-peer", id, address }));
/**
 * Opens wallet `id` in this tab: the page reloads, so the node, miner and
 * history start again on its address (the relay address stays, by the resume token).
 */
export function switchWallet(id: string): void {
  sessionStorage.setItem(WALLET_KEY, id);
  location.reload();
}

/** A request whose answer names a wallet, which this tab then opens. */
async function openAnswered(make: (id: number) => Command): Promise<ActionResult> {
  const r = await request(make);
  if (r.ok && typeof r.value === "string") switchWallet(r.value);
  return r;
}

/** Imports a key as a wallet of its own, and opens it in this tab. */
export const importKey = (privateKey: string) => openAnswered((id) => ({ cmd: "import-key", id, privateKey }));
/** A new wallet with a fresh key, opened in this tab. */
export const createWallet = (name: string) => openAnswered((id) => ({ cmd: "wallet-new", id, name }));
/** Restores a wallet from a backup file's text, and opens it in this tab. */
export const restoreWallet = (text: string, password: string) => openAnswered((id) => ({ cmd: "restore", id, text, password }));
export const renameWallet = (name: string) => request((id) => ({ cmd: "wallet-rename", id, name }));
/** The backup file's text for this tab's wallet, sealed under `password`. */
export const backupWallet = (password: string) => request((id) => ({ cmd: "backup", id, password }));
export const setPassword = (password: string | null) => request((id) => ({ cmd: "set-password", id, password }));
export const unlockWallet = (password: string) => request((id) => ({ cmd: "unlock", id, password }));
export const exportKey = () => request((id) => ({ cmd: "export-key", id }));
export const lookup = (query: string) => request((id) => ({ cmd: "lookup", id, query }));
/** Reconnect to the relay at once instead of waiting out the backoff. */
export const retryRelay = () => post({ cmd: "relay-retry" });
