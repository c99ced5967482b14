/**
 * The page's state: what the node's worker last reported, nothing derived
 * from the chain here. The bridge (bridge.ts) is the only writer; components
 * read with `useTabnode(selector)`.
 */
import { create } from "zustand";
import type { RelayState } from "../platform/relay-transport.ts";
import type { BlockRow, DialRow, GpuProbe, HistoryItem, MiningInfo, PeerRow, TxRow } from "../worker/messages.ts";
import type { WalletSummary } from "../worker/wallet-vault.ts";

export interface TabnodeState {
  readonly wallet: { readonly address: string | null; readonly locked: boolean; readonly encrypted: boolean };
  /** This tab's wallet and all of this browser's; null until the worker has opened them. */
  readonly wallets: { readonly current: WalletSummary; readonly all: readonly WalletSummary[] } | null;
  readonly chain: { readonly height: number; readonly tip: string; readonly difficulty: number; readonly work: string; readonly blocks: readonly BlockRow[] };
  readonly balance: { readonly confirmed: number; readonly pending: number; readonly spendable: number };
  readonly history: readonly HistoryItem[];
  readonly mempool: readonly TxRow[];
  readonly peers: readonly PeerRow[];
  /** Inbound links that have not said who they are (not peers yet). */
  readonly unnamedLinks: number;
  /** Peers the person added that are not linked: dialing, or the last failure. */
  readonly dials: readonly DialRow[];
  /** Payments waiting for the relay to be broadcast. */
  readonly outbox: readonly TxRow[];
  readonly relay: { readonly state: RelayState; readonly address: string | null; readonly retryInMs: number | null; readonly reason: string | null };
  readonly mining: MiningInfo;
  /** What WebGPU offers: null until the node's worker has asked. */
  readonly gpuProbe: GpuProbe | null;
  readonly sync: { readonly syncing: boolean; readonly received: number };
  /** `advisory`: a warning the person may dismiss for good (persistence refused), unlike a failure to save. */
  readonly storage: { readonly ok: boolean; readonly detail: string; readonly advisory?: boolean } | null;
  /** The worker's log, newest last, bounded. */
  readonly log: readonly string[];
  /** Set when the node could not start at all. */
  readonly fatal: string | null;
  /** Threads the machine offers (navigator.hardwareConcurrency). */
  readonly hardwareThreads: number;
}

export const initialState: TabnodeState = {
  wallet: { address: null, locked: false, encrypted: false },
  wallets: null,
  chain: { height: 0, tip: "", difficulty: 1, work: "0", blocks: [] },
  balance: { confirmed: 0, pending: 0, spendable: 0 },
  history: [],
  mempool: [],
  peers: [],
  unnamedLinks: 0,
  dials: [],
  outbox: [],
  relay: { state: "connecting", address: null, retryInMs: null, reason: null },
  mining: { running: false, threads: 1, hashrate: 0, cpuHashrate: 0, gpu: null, difficulty: 1, blocksFound: 0, earned: 0, expectedMs: null },
  gpuProbe: null,
  sync: { syncing: false, received: 0 },
  storage: null,
  log: [],
  fatal: null,
  hardwareThreads: 1,
};

export const useTabnode = create<TabnodeState>()(() => initialState);
