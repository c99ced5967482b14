/**
 * The bridge protocol between the page (UI thread) and the node's Web Worker:
 * plain data both ways, so it survives postMessage. Commands go in; events
 * come out and land in the zustand store (src/ui/store.ts) through one bridge.
 */
import type { CommandReason } from "../app/reasons.ts";
import type { BlockRow, HistoryItem, LookupResult, TxRow } from "../app/views.ts";
import type { GpuReason } from "../miner/gpu-api.ts";
import type { GpuStats } from "../node/miner-runner.ts";
import type { RelayState } from "../platform/relay-transport.ts";
import type { Dialect } from "../protocol/dialect.ts";
import type { WalletSummary } from "./wallet-vault.ts";

/** What WebGPU offers this page, asked once at start: an adapter to offer "GPU" with, or why not. */
export type GpuProbe = { readonly available: true; readonly adapter: string; readonly software: boolean } | { readonly available: false; readonly reason: GpuReason; readonly detail: string };

export type Command =
  /** `wallet`: the id this tab chose (sessionStorage); null opens the last one used. */
  | { readonly cmd: "start"; readonly relayUrl: string; readonly resume: string | null; readonly threads: number; readonly wallet: string | null }
  | { readonly cmd: "send"; readonly id: number; readonly to: string; readonly amount: number; readonly gas: number }
  /** Mining on or off, on `threads` CPU threads (0 with the GPU alone) and the GPU if `gpu`. */
  | { readonly cmd: "mine"; readonly on: boolean; readonly threads: number; readonly gpu: boolean }
  | { readonly cmd: "add-peer"; readonly id: number; readonly address: string }
  | { readonly cmd: "import-key"; readonly id: number; readonly privateKey: string }
  | { readonly cmd: "set-password"; readonly id: number; readonly password: string | null }
  | { readonly cmd: "unlock"; readonly id: number; readonly password: string }
  | { readonly cmd: "export-key"; readonly id: number }
  | { readonly cmd: "lookup"; readonly id: number; readonly query: string }
  /** Reconnect to the relay now rather than when the backoff ends. */
  | { readonly cmd: "relay-retry" }
  /** Wallets: each answers with the wallet's id as its value (the page then opens it). */
  | { readonly cmd: "wallet-new"; readonly id: number; readonly name: string }
  | { readonly cmd: "wallet-rename"; readonly id: number; readonly name: string }
  /** An encrypted backup file of this tab's wallet: its text is the answer's value. */
  | { readonly cmd: "backup"; readonly id: number; readonly password: string }
  | { readonly cmd: "restore"; readonly id: number; readonly text: string; readonly password: string };

export type { BlockRow, HistoryItem, LookupResult, TxRow } from "../app/views.ts";

/** What a peer is, as the page names it: another tab of this browser, a tab elsewhere, a native Tabnode node, the relay's home node, a tutorial node. */
export type PeerKindShown = "own-tab" | "tab" | "native" | "home" | "tutorial";

/** One peer (an address), whichever of its two links exist. */
export interface PeerRow {
  readonly address: string;
  readonly kind: PeerKindShown;
  /** What it speaks: Tabnode, or a tutorial node (in the chain-stream form it showed). */
  readonly dialect: Dialect;
  /** It misses pings: a tutorial node mining. */
  readonly busy: boolean;
  /** Its link to us (we hear it) and ours to it (it hears us). */
  readonly inbound: boolean;
  readonly outbound: boolean;
  readonly paired: boolean;
  /** Its oldest link's opening. */
  readonly since: number;
  /** When a frame last came from it; null: never yet. */
  readonly heardAt: number | null;
  /** The highest block it showed (sent, or named as its tip); null: none yet. */
  readonly height: number | null;
}

/**
 * An address that is no peer (yet): one the person asked for, being dialed or
 * whose last dial failed and why (dialed again with backoff); or one our link
 * reaches that has not linked back.
 */
export interface DialRow {
  readonly address: string;
  readonly state: "dialing" | "failed" | "waiting";
  readonly reason: string | null;
  readonly at: number;
}

export interface MiningInfo {
  readonly running: boolean;
  /** CPU threads. */
  readonly threads: number;
  /** All devices together. */
  readonly hashrate: number;
  readonly cpuHashrate: number;
  /** The GPU's part; null when it was not chosen. */
  readonly gpu: GpuStats | null;
  readonly difficulty: number;
  readonly blocksFound: number;
  readonly earned: number;
  /** Expected ms to find a block: 16^difficulty / hashrate; null while the rate is unknown. */
  readonly expectedMs: number | null;
}

export type WorkerEvent =
  | { readonly ev: "wallet"; readonly address: string | null; readonly locked: boolean; readonly encrypted: boolean }
  /** This tab's wallet (`current`) and every wallet of this browser, sent again whenever any tab changes the list. */
  | { readonly ev: "wallets"; readonly current: WalletSummary; readonly all: readonly WalletSummary[] }
  | {
      readonly ev: "chain";
      readonly height: number;
      readonly tip: string;
      readonly difficulty: number;
      readonly work: string;
      /** The latest main-chain blocks, newest first. */
      readonly blocks: readonly BlockRow[];
    }
  | { readonly ev: "balance"; readonly confirmed: number; readonly pending: number; readonly spendable: number }
  | { readonly ev: "history"; readonly items: readonly HistoryItem[] }
  | { readonly ev: "mempool"; readonly txs: readonly TxRow[] }
  /** `unnamed`: inbound links that have not said who they are; `dials`: the peers the person added that are not linked (yet). */
  | { readonly ev: "peers"; readonly peers: readonly PeerRow[]; readonly unnamed: number; readonly dials: readonly DialRow[] }
  /** Payments this tab made while no peer could hear them, waiting to be broadcast. */
  | { readonly ev: "outbox"; readonly queued: readonly TxRow[] }
  | { readonly ev: "relay"; readonly state: RelayState; readonly address: string | null; readonly retryInMs: number | null; readonly reason: string | null; readonly resume: string | null }
  | { readonly ev: "mining"; readonly info: MiningInfo }
  | { readonly ev: "gpu-probe"; readonly probe: GpuProbe }
  | { readonly ev: "sync"; readonly syncing: boolean; readonly received: number }
  | { readonly ev: "storage"; readonly ok: boolean; readonly detail: string }
  | { readonly ev: "result"; readonly id: number; readonly ok: boolean; readonly reason: CommandReason | null; readonly detail: string | null; readonly value?: string | LookupResult }
  | { readonly ev: "log"; readonly line: string }
  | { readonly ev: "fatal"; readonly detail: string };
