/**
 * The node's Web Worker: the same PeerNode as the native node, on IndexedDB
 * and the relay, with mining threads of its own. The page only renders what
 * this worker reports (src/worker/messages.ts).
 */
import { Arrivals, balanceOf, chainStatus, checkPayment, historyOf, latestBlocks, lookup, txRow } from "../app/queries.ts";
import { AppReason, refuse, type CommandFailure } from "../app/reasons.ts";
import { signPayment, walletFromPrivateKey, type Wallet } from "../core/wallet.ts";
import { MinerRunner } from "../node/miner-runner.ts";
import { DEFAULT_NODE_CONFIG, PeerNode, type NodeEvent } from "../node/node.ts";
import { IdbStore } from "../platform/idb-store.ts";
import { RelayTransport } from "../platform/relay-transport.ts";
import { RelayPeers } from "../node/relay-peers.ts";
import { browserVerifier, browserVerifyThreads } from "../platform/browser-verify.ts";
import type { DeviceChoice } from "../miner/thread.ts";
import { openBrowserGpu } from "../platform/browser-gpu.ts";
import { browserWorkerPool } from "../platform/worker-pool.ts";
import type { Command, LookupResult, WorkerEvent } from "./messages.ts";
import { TxIndex } from "./tx-index.ts";
import { WalletVault } from "./wallet-vault.ts";

const scope = self as unknown as { postMessage(e: WorkerEvent): void; onmessage: ((e: MessageEvent<Command>) => void) | null };
const post = (e: WorkerEvent) => scope.postMessage(e);
const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));
const env = {
  now: () => Date.now(),
  random,
  schedule: (fn: () => void, ms: number) => {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  },
  log: (line: string) => post({ ev: "log", line }),
};

interface Running {
  readonly node: PeerNode;
  readonly miner: MinerRunner;
  /** Where the miner runs now (its pool is rebuilt when the page chooses otherwise). */
  choice: DeviceChoice;
  readonly vault: WalletVault;
  readonly store: IdbStore;
  readonly index: TxIndex;
  /** The peers the relay names, and what it says each is. */
  readonly relayPeers: RelayPeers;
  readonly arrivals: Arrivals;
  readonly address: string;
  wallet: Wallet | null;
  /** Kept in memory while unlocked, to encrypt an imported key the same way. */
  password: string | null;
}

let running: Running | null = null;
let publishTimer: ReturnType<typeof setTimeout> | null = null;
let mempoolTimer: ReturnType<typeof setTimeout> | null = null;

async function start(relayUrl: string, resume: string | null, threads: number): Promise<void> {
  const store = await IdbStore.open();
  const vault = new WalletVault(store, random);
  const opened = await vault.open();
  post({ ev: "wallet", address: opened.address, locked: opened.wallet === null, encrypted: opened.encrypted });
  const verify = await browserVerifier().catch((err: unknown) => {
    env.log(`libsecp256k1 did not load, verifying with elliptic: ${String(err)}`);
    return undefined;
  });
  const verifyThreads = { count: Math.max(1, navigator.hardwareConcurrency || 1), factory: browserVerifyThreads };
  const node = await PeerNode.open(store, { ...DEFAULT_NODE_CONFIG, address: "" }, { ...env, verify, verifyThreads });
  const index = new TxIndex();
  index.apply({ connected: Array.from({ length: node.chain.height }, (_, i) => node.chain.at(i + 1)!), disconnected: [] });
  const choice = { cpuThreads: threads, gpu: false };
  const miner = new MinerRunner(node, opened.address, env, (listener) => browserWorkerPool(choice, listener));
  const r: Running = { node, miner, choice, vault, store, index, relayPeers: new RelayPeers(node), arrivals: new Arrivals(), address: opened.address, wallet: opened.wallet, password: null };
  void probeGpu();
  running = r;
  await restoreMempool(r);
  publish();
  node.on((e) => onNodeEvent(r, e));
  const transport = new RelayTransport(relayUrl, resume, node, {
    state: (state, d) => post({ ev: "relay", state, address: null, retryInMs: d.retryInMs, reason: d.reason, resume: null }),
    welcome: (address, token, peers) => {
      post({ ev: "relay", state: "connected", address, retryInMs: null, reason: null, resume: token });
      r.relayPeers.welcome(address, peers);
    },
    peerJoin: (peer) => r.relayPeers.join(peer),
    peerLeave: (peer) => r.relayPeers.leave(peer),
  });
  node.useTransport(transport);
  setInterval(() => postMining(r), 1000);
}

async function restoreMempool(r: Running): Promise<void> {
  const saved = await r.store.getValue("mempool");
  if (saved === undefined) return;
  for (const tx of JSON.parse(saved) as unknown[]) r.node.mempool.admit(tx, r.node.chain.ledger);
}

function onNodeEvent(r: Running, e: NodeEvent): void {
  if (e.type === "chain") {
    r.index.apply(e.change);
    r.arrivals.record(e.change.added, env.now());
  }
  if (e.type === "sync") post({ ev: "sync", syncing: !e.done, received: e.received });
  if (e.type === "store-error") post({ ev: "storage", ok: false, detail: `Saving to this browser's storage failed (${e.detail}). If the disk or quota is full, free space; the chain will be fetched again from peers.` });
  if (e.type === "mempool" && mempoolTimer === null) {
    mempoolTimer = setTimeout(() => {
      mempoolTimer = null;
      void r.store.putValue("mempool", JSON.stringify(r.node.mempool.transactions())).catch(() => {});
    }, 500);
  }
  if (publishTimer === null) publishTimer = setTimeout(publish, 100);
}

/** Everything the page shows, coalesced: a sync of thousands of blocks is a few updates, not thousands. */
function publish(): void {
  publishTimer = null;
  const r = running;
  if (r === null) return;
  const { node } = r;
  post({ ev: "chain", ...chainStatus(node), blocks: latestBlocks(node, 30, r.arrivals.of) });
  post({ ev: "balance", ...balanceOf(node, r.address) });
  post({ ev: "history", items: historyOf(node, r.index, r.address) });
  post({ ev: "mempool", txs: node.mempool.transactions().map(txRow) });
  postMining(r);
  post({
    ev: "peers",
    peers: r.node.peerList().map((p) => ({ address: p.address, direction: p.direction, kind: (p.address && r.relayPeers.kinds.get(p.address)) || "unknown", dialect: p.dialect, busy: p.busy, since: p.since })),
  });
}

function postMining(r: Running): void {
  const s = r.miner.stats();
  const expectedMs = s.hashrate > 0 ? (16 ** s.difficulty / s.hashrate) * 1000 : null;
  const { running, threads, hashrate, cpuHashrate, gpu, difficulty, blocksFound, earned } = s;
  post({ ev: "mining", info: { running, threads, hashrate, cpuHashrate, gpu, difficulty, blocksFound, earned, expectedMs } });
}

/** Asks WebGPU for an adapter once, so the page can offer the GPU by name (or say why it cannot). */
async function probeGpu(): Promise<void> {
  const opened = await openBrowserGpu();
  if (!opened.ok) return post({ ev: "gpu-probe", probe: { available: false, reason: opened.reason, detail: opened.detail } });
  opened.device.destroy();
  post({ ev: "gpu-probe", probe: { available: true, adapter: opened.adapter.name, software: opened.adapter.software } });
}

type Answer = { ok: true; value?: string | LookupResult } | CommandFailure;

function send(r: Running, to: string, amount: number, gas: number): Answer {
  const checked = checkPayment(r.wallet, to, amount, gas);
  if (!checked.ok) return checked;
  const tx = signPayment(checked.wallet, { to, amount, gas }, random);
  const result = r.node.submitTransaction(tx);
  if (!result.ok) return result;
  publish();
  return { ok: true, value: tx.signature };
}

async function importKey(r: Running, hex: string): Promise<Answer> {
  const key = hex.trim().toLowerCase();
  let wallet: Wallet;
  try {
    wallet = walletFromPrivateKey(key);
  } catch (err) {
    return refuse(AppReason.KeyInvalid, (err as Error).message);
  }
  await r.vault.save(wallet, r.password);
  // The miner and balances follow the address: simplest and exact is to start again on the new key.
  return { ok: true, value: wallet.address };
}

async function handle(c: Command): Promise<void> {
  if (c.cmd === "start") {
    if (running === null) await start(c.relayUrl, c.resume, c.threads);
    return;
  }
  const r = running;
  if (r === null) return;
  const reply = (id: number, a: Answer) =>
    post({ ev: "result", id, ok: a.ok, reason: a.ok ? null : a.reason, detail: a.ok ? null : a.detail, ...(a.ok && a.value !== undefined ? { value: a.value } : {}) });
  switch (c.cmd) {
    case "mine":
      if (c.on) {
        if (c.threads !== r.choice.cpuThreads || c.gpu !== r.choice.gpu) {
          const choice = { cpuThreads: c.threads, gpu: c.gpu };
          r.choice = choice;
          r.miner.usePool((listener) => browserWorkerPool(choice, listener));
        }
        r.miner.start();
      } else r.miner.stop();
      return postMining(r);
    case "send":
      return reply(c.id, send(r, c.to, c.amount, c.gas));
    case "add-peer": {
      const d = r.node.connect(c.address.trim());
      return reply(c.id, d);
    }
    case "import-key":
      return reply(c.id, await importKey(r, c.privateKey));
    case "set-password":
      if (r.wallet === null) return reply(c.id, refuse(AppReason.WalletLocked, "Unlock the wallet first."));
      await r.vault.save(r.wallet, c.password);
      r.password = c.password;
      post({ ev: "wallet", address: r.address, locked: false, encrypted: c.password !== null });
      return reply(c.id, { ok: true });
    case "unlock": {
      const wallet = await r.vault.unlock(c.password);
      if (wallet === null || wallet.address !== r.address) return reply(c.id, refuse(AppReason.WrongPassword, "That password does not open this wallet."));
      r.wallet = wallet;
      r.password = c.password;
      post({ ev: "wallet", address: r.address, locked: false, encrypted: true });
      return reply(c.id, { ok: true });
    }
    case "export-key":
      if (r.wallet === null) return reply(c.id, refuse(AppReason.WalletLocked, "Unlock the wallet first."));
      return reply(c.id, { ok: true, value: r.wallet.privateKey });
    case "lookup":
      return reply(c.id, { ok: true, value: lookup(r.node, r.index, c.query, r.arrivals.of) });
  }
}

scope.onmessage = (e) => {
  handle(e.data).catch((err: unknown) => post({ ev: "fatal", detail: `the node stopped: ${(err as Error).message ?? String(err)}` }));
};
