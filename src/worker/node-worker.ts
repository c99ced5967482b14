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
import type { Command, DialRow, LookupResult, WorkerEvent } from "./messages.ts";
import { OwnTabs } from "../platform/own-tabs.ts";
import type { RelayState } from "../platform/relay-transport.ts";
import type { SignedTransaction } from "../core/transaction.ts";
import { chainRewards } from "./mining-stats.ts";
import { PaymentQueue } from "./payment-queue.ts";
import { peerRows } from "./peer-rows.ts";
import { TxIndex } from "./tx-index.ts";
import { makeBackup, restoreBackup } from "./wallet-backup.ts";
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
  // The log's lines carry the time they were written (HH:MM:SS, this browser's clock and zone).
  log: (line: string) => post({ ev: "log", line: `${new Date().toTimeString().slice(0, 8)} ${line}` }),
};

interface Running {
  readonly node: PeerNode;
  readonly miner: MinerRunner;
  /** Where the miner runs now (its pool is rebuilt when the page chooses otherwise). */
  choice: DeviceChoice;
  readonly vault: WalletVault;
  readonly store: IdbStore;
  readonly index: TxIndex;
  /** What this wallet's blocks on the main chain paid it: read from the index when the chain changes, not at every mining report. */
  rewards: ReturnType<typeof chainRewards>;
  /** The peers the relay names, and what it says each is. */
  readonly relayPeers: RelayPeers;
  readonly arrivals: Arrivals;
  readonly ownTabs: OwnTabs;
  /** Peers the person added, until linked: dialing, or why the last dial failed. */
  readonly dials: Map<string, DialRow>;
  /** The addresses the person added: their failures are shown (others' only while their link waits). */
  readonly asked: Set<string>;
  /** Payments made while no peer could hear them (the relay down), waiting to be broadcast. */
  readonly outbox: SignedTransaction[];
  /** The same, stored for this browser's tabs (payment-queue.ts). */
  readonly queue: PaymentQueue;
  relayState: RelayState;
  transport: RelayTransport | null;
  readonly address: string;
  /** This tab's wallet in the vault: a tab keeps the wallet it opened until it reloads. */
  readonly walletId: string;
  wallet: Wallet | null;
  /** Kept in memory while unlocked, to encrypt an imported key the same way. */
  password: string | null;
}

let running: Running | null = null;
let publishTimer: ReturnType<typeof setTimeout> | null = null;
let mempoolTimer: ReturnType<typeof setTimeout> | null = null;

/** Tabs tell each other when the wallet list changed (a wallet created, renamed, backed up), so every list stays current. */
const walletsChannel = new BroadcastChannel("tabnode-wallets");

async function postWallets(r: Running, announce: boolean): Promise<void> {
  const all = await r.vault.list();
  const current = all.find((w) => w.id === r.walletId);
  if (current !== undefined) post({ ev: "wallets", current, all });
  if (announce) walletsChannel.postMessage("changed");
}

async function start(relayUrl: string, resume: string | null, threads: number, walletId: string | null): Promise<void> {
  const store = await IdbStore.open();
  const vault = new WalletVault(store, random);
  const { summary, wallet } = await vault.open(walletId);
  const opened = { address: summary.address, wallet, encrypted: summary.encrypted };
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
  const ownTabs = new OwnTabs(() => schedulePublish());
  const r: Running = {
    node,
    miner,
    choice,
    vault,
    store,
    index,
    rewards: chainRewards(index, opened.address),
    relayPeers: new RelayPeers(node),
    arrivals: new Arrivals(),
    ownTabs,
    dials: new Map(),
    asked: new Set(),
    outbox: [],
    queue: new PaymentQueue(store),
    relayState: "connecting",
    transport: null,
    address: opened.address,
    walletId: summary.id,
    wallet: opened.wallet,
    password: null,
  };
  walletsChannel.onmessage = () => void postWallets(r, false);
  void postWallets(r, true);
  void probeGpu();
  running = r;
  await restoreMempool(r);
  await restoreOutbox(r);
  publish();
  node.on((e) => onNodeEvent(r, e));
  const transport = new RelayTransport(relayUrl, resume, node, {
    state: (state, d) => {
      r.relayState = state;
      post({ ev: "relay", state, address: null, retryInMs: d.retryInMs, reason: d.reason, resume: null });
    },
    welcome: (address, token, peers) => {
      ownTabs.setOwn(address);
      post({ ev: "relay", state: "connected", address, retryInMs: null, reason: null, resume: token });
      r.relayPeers.welcome(address, peers);
    },
    peerJoin: (peer) => r.relayPeers.join(peer),
    peerLeave: (peer) => {
      r.relayPeers.leave(peer);
      ownTabs.forget(peer.address);
    },
    kept: (addresses) => node.learn(addresses, "relay"),
  });
  r.transport = transport;
  node.useTransport(transport);
  // Each second: the miner's rates, and the peers' last-heard times and heights (which change without a node event).
  setInterval(() => {
    postMining(r);
    postPeers(r);
  }, 1000);
  // Peers' heights, as the peer list shows them, kept current (a peer does not send back the blocks it got from us).
  setInterval(() => node.askTips(), 15_000);
}

async function restoreMempool(r: Running): Promise<void> {
  const saved = await r.store.getValue("mempool");
  if (saved === undefined) return;
  for (const tx of JSON.parse(saved) as unknown[]) r.node.mempool.admit(tx, r.node.chain.ledger);
}

/**
 * A payment queued while no peer could hear it is still queued after a reload (payment-queue.ts). On start a tab
 * takes every stored payment that its chain and mempool still admit, and sends them once it can; the others (mined
 * or no longer spendable meanwhile) leave the queue.
 */
async function restoreOutbox(r: Running): Promise<void> {
  const stored = await r.queue.read();
  for (const tx of stored) if (!r.node.mempool.holds(tx.signature)) r.node.mempool.admit(tx, r.node.chain.ledger);
  const waiting = stored.filter((tx) => r.node.mempool.holds(tx.signature));
  r.outbox.push(...waiting);
  await storeOutboxChange(r, [], stored.filter((tx) => !waiting.includes(tx)));
}

function storeOutboxChange(r: Running, add: readonly SignedTransaction[], remove: readonly SignedTransaction[]): Promise<void> {
  return r.queue.change(add, remove).catch((err: unknown) => env.log(`storing the payment queue failed: ${String(err)}`));
}

function onNodeEvent(r: Running, e: NodeEvent): void {
  if (e.type === "chain") {
    r.index.apply(e.change);
    r.rewards = chainRewards(r.index, r.address);
    r.arrivals.record(e.change.added, env.now());
  }
  if (e.type === "closed" && e.direction === "out" && e.address !== null) {
    if (r.asked.has(e.address)) r.dials.set(e.address, { address: e.address, state: "failed", reason: e.why, at: Date.now() });
    else r.dials.delete(e.address);
  }
  if (e.type === "peers") flushOutbox(r);
  if (e.type === "sync") post({ ev: "sync", syncing: !e.done, received: e.received });
  if (e.type === "store-error") post({ ev: "storage", ok: false, detail: `Saving to this browser's storage failed (${e.detail}). If the disk or quota is full, free space; the chain will be fetched again from peers.` });
  if (e.type === "mempool" && mempoolTimer === null) {
    mempoolTimer = setTimeout(() => {
      mempoolTimer = null;
      void r.store.putValue("mempool", JSON.stringify(r.node.mempool.transactions())).catch(() => {});
    }, 500);
  }
  schedulePublish();
}

function schedulePublish(): void {
  if (publishTimer === null) publishTimer = setTimeout(publish, 100);
}

/** Whether a payment made now reaches anyone: the relay is up and some peer answered our link to it. */
function canBroadcast(r: Running): boolean {
  return r.relayState === "connected" && r.node.peerList().some((p) => p.direction === "out" && p.open && p.dialect !== "unknown");
}

/** Payments queued while no peer could hear them go out once one can. */
function flushOutbox(r: Running): void {
  if (r.outbox.length === 0 || !canBroadcast(r)) return;
  const sent = r.outbox.splice(0);
  for (const tx of sent) {
    if (r.node.broadcastTransaction(tx)) env.log(`queued payment ${tx.signature.slice(0, 16)}… broadcast`);
  }
  void storeOutboxChange(r, [], sent);
  schedulePublish();
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
  post({ ev: "outbox", queued: r.outbox.map(txRow) });
  postPeers(r);
}

function postPeers(r: Running): void {
  const { rows, unnamed, waiting } = peerRows(r.node.peerList(), { relayKind: (a) => r.relayPeers.kinds.get(a), ownTab: (a) => r.ownTabs.has(a), closedTab: (a) => r.ownTabs.closed(a) });
  for (const row of rows) r.dials.delete(row.address);
  // A dial that the far end answered is no longer "dialing": it waits for the peer to link back.
  for (const address of waiting) if (r.dials.get(address)?.state !== "waiting") r.dials.set(address, { address, state: "waiting", reason: null, at: Date.now() });
  for (const [address, d] of r.dials) if (d.state === "waiting" && !waiting.includes(address)) r.dials.delete(address);
  post({ ev: "peers", peers: rows, unnamed, dials: [...r.dials.values()] });
}

function postMining(r: Running): void {
  const s = r.miner.stats();
  const { running, threads, gpu, difficulty } = s;
  // Stopped means no rate and no estimate: the meters' last figures would read as if still mining.
  const hashrate = running ? s.hashrate : 0;
  const cpuHashrate = running ? s.cpuHashrate : 0;
  const expectedMs = hashrate > 0 ? (16 ** difficulty / hashrate) * 1000 : null;
  // From the chain, not the miner's memory (r.rewards), so it survives a reload.
  const { blocksFound, earned } = r.rewards;
  post({ ev: "mining", info: { running, threads, hashrate, cpuHashrate, gpu: gpu === null || running ? gpu : { ...gpu, hashrate: 0 }, difficulty, blocksFound, earned, expectedMs } });
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
  // No peer heard it while the relay is away (or before any peer answered): it waits here and goes out when one can (flushOutbox).
  if (!canBroadcast(r)) {
    // Stored now, whole: a reload right after (before the mempool's next write) must not lose it.
    r.outbox.push(result.tx);
    void storeOutboxChange(r, [result.tx], []);
  }
  publish();
  return { ok: true, value: tx.signature };
}

/** An imported key becomes a wallet of its own beside the others; the page then opens it. */
async function importKey(r: Running, hex: string): Promise<Answer> {
  const key = hex.trim().toLowerCase();
  let wallet: Wallet;
  try {
    wallet = walletFromPrivateKey(key);
  } catch (err) {
    return refuse(AppReason.KeyInvalid, (err as Error).message);
  }
  const added = await r.vault.add(`Imported ${wallet.address.slice(2, 8)}`, wallet, true);
  walletsChannel.postMessage("changed");
  return { ok: true, value: added.id };
}

async function backup(r: Running, password: string): Promise<Answer> {
  if (r.wallet === null) return refuse(AppReason.WalletLocked, "Unlock the wallet first.");
  const current = (await r.vault.list()).find((w) => w.id === r.walletId);
  const text = await makeBackup(r.wallet, current?.name ?? "Wallet", password, random);
  await r.vault.markBackedUp(r.walletId);
  await postWallets(r, true);
  return { ok: true, value: text };
}

async function restore(r: Running, text: string, password: string): Promise<Answer> {
  const restored = await restoreBackup(text, password);
  if (!restored.ok) return restored;
  const taken = (await r.vault.list()).some((w) => w.name === restored.name);
  const added = await r.vault.add(taken ? `${restored.name} (restored)` : restored.name, restored.wallet, true);
  walletsChannel.postMessage("changed");
  return { ok: true, value: added.id };
}

async function handle(c: Command): Promise<void> {
  if (c.cmd === "start") {
    if (running === null) await start(c.relayUrl, c.resume, c.threads, c.wallet);
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
      const address = c.address.trim();
      const d = r.node.connect(address);
      if (d.ok) {
        r.asked.add(address);
        r.dials.set(address, { address, state: "dialing", reason: null, at: Date.now() });
      }
      schedulePublish();
      return reply(c.id, d.ok ? { ok: true } : { ok: false, reason: d.reason, detail: d.detail });
    }
    case "import-key":
      return reply(c.id, await importKey(r, c.privateKey));
    case "set-password":
      if (r.wallet === null) return reply(c.id, refuse(AppReason.WalletLocked, "Unlock the wallet first."));
      await r.vault.save(r.walletId, r.wallet, c.password);
      void postWallets(r, true);
      r.password = c.password;
      post({ ev: "wallet", address: r.address, locked: false, encrypted: c.password !== null });
      return reply(c.id, { ok: true });
    case "unlock": {
      const wallet = await r.vault.unlock(r.walletId, c.password);
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
    case "relay-retry":
      return r.transport?.retryNow();
    case "wallet-new": {
      const created = await r.vault.create(c.name);
      walletsChannel.postMessage("changed");
      return reply(c.id, { ok: true, value: created.id });
    }
    case "wallet-rename":
      await r.vault.rename(r.walletId, c.name);
      await postWallets(r, true);
      return reply(c.id, { ok: true, value: r.walletId });
    case "backup":
      return reply(c.id, await backup(r, c.password));
    case "restore":
      return reply(c.id, await restore(r, c.text, c.password));
  }
}

scope.onmessage = (e) => {
  handle(e.data).catch((err: unknown) => post({ ev: "fatal", detail: `the node stopped: ${(err as Error).message ?? String(err)}` }));
};
