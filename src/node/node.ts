/**
 * A JeChain peer: the chain and mempool of src/core behind the wire protocol
 * of PROTOCOL.md. It runs unchanged in the native node and in a tab's Web
 * Worker; sockets, storage, clock, timers and randomness come in from outside.
 *
 * Flow: a frame becomes a checked message (src/protocol), a message becomes a
 * chain or mempool change, a change is stored, then passed on to peers and to
 * whoever listens. Nothing leaves before it is on disk.
 */
import type { Block } from "../core/block.ts";
import { Chain, type ChainChange } from "../core/chain.ts";
import { Mempool } from "../core/mempool.ts";
import { Reason, type Result } from "../core/reasons.ts";
import { VerifiedCache, type SignatureVerifier, type SignedTransaction } from "../core/transaction.ts";
import { checkDialAddress, DEFAULT_DIAL_POLICY, type AddressReason, type DialPolicy } from "../protocol/dial-rule.ts";
import { MessageType, decodeFrame, encodeFrame, type Message, type MessageOf } from "../protocol/messages.ts";
import { ChainStreams } from "./chain-stream.ts";
import { PeerTable, type Peer, type PeerView } from "./peers.ts";
import { storedBlock, type NodeStore } from "./store.ts";
import { StreamVerifier, VerifyPool, type VerifyThreadFactory } from "./verify-pool.ts";
import type { Link, LinkHandler, Transport } from "./transport.ts";

export interface NodeConfig {
  /** MY_ADDRESS: what this node tells others to dial. */
  readonly address: string;
  readonly addressPolicy: DialPolicy;
  readonly maxOutbound: number;
  readonly maxInbound: number;
  /** A chain stream that never sets `finished` (v0.2.0) ends after this much quiet. */
  readonly streamQuietMs: number;
  /** Blocks of a stream validated at a time. */
  readonly streamChunk: number;
  /** Misbehaviour within `strikeWindowMs` that gets a peer cut off, and for how long. */
  readonly strikesToBan: number;
  readonly strikeWindowMs: number;
  readonly banMs: number;
  /** Least time between two answers of one kind to one address. */
  readonly replyIntervalMs: number;
}

export const DEFAULT_NODE_CONFIG: Omit<NodeConfig, "address"> = {
  addressPolicy: DEFAULT_DIAL_POLICY,
  maxOutbound: 32,
  maxInbound: 64,
  streamQuietMs: 2_000,
  streamChunk: 2_000,
  strikesToBan: 5,
  strikeWindowMs: 60_000,
  banMs: 60_000,
  replyIntervalMs: 500,
};

export interface NodeEnv {
  readonly now: () => number;
  /** Runs `fn` after `ms`; returns a cancel function. */
  readonly schedule: (fn: () => void, ms: number) => () => void;
  readonly log: (line: string) => void;
  readonly verify?: SignatureVerifier;
  /** Threads that verify a chain stream's signatures ahead of validation; without them, a stream is verified in order. */
  readonly verifyThreads?: { readonly count: number; readonly factory: VerifyThreadFactory };
}

export type DialResult = { readonly ok: true } | { readonly ok: false; readonly reason: AddressReason | "dial-self" | "dial-banned" | "dial-peer-cap"; readonly detail: string };

export type NodeEvent =
  | { readonly type: "chain"; readonly change: ChainChange }
  | { readonly type: "mempool"; readonly size: number }
  | { readonly type: "peers"; readonly peers: readonly PeerView[] }
  | { readonly type: "sync"; readonly received: number; readonly done: boolean }
  | { readonly type: "store-error"; readonly detail: string };

/** Refusals that an honest peer can cause (a race, a duplicate): logged, never held against it. */
const BENIGN: ReadonlySet<string> = new Set([
  Reason.TxReplay,
  Reason.BlockKnown,
  Reason.BalanceInsufficient,
  Reason.MempoolFull,
  Reason.SignatureConflict,
  Reason.TimestampInFuture,
]);

export class PeerNode implements LinkHandler {
  readonly chain: Chain;
  readonly mempool: Mempool;
  private readonly peers = new PeerTable();
  private readonly streams: ChainStreams;
  private readonly listeners = new Set<(e: NodeEvent) => void>();
  private readonly lastReply = new Map<string, number>();
  /** Answers owed to addresses we are still dialing. */
  private readonly owed = new Map<string, (() => void)[]>();
  private infoAsked = 0;
  private transport: Transport | null = null;
  /** What peers are told to dial: MY_ADDRESS, or the address a relay gave this tab. */
  private address: string;
  private persisted: Promise<unknown> = Promise.resolve();
  private readonly verified = new VerifiedCache();
  private readonly verifyPool: VerifyPool | null;

  private constructor(
    readonly config: NodeConfig,
    private readonly store: NodeStore,
    private readonly env: NodeEnv,
  ) {
    const cache = this.verified;
    this.chain = new Chain({ verify: env.verify, cache });
    this.mempool = new Mempool({ verify: env.verify, cache });
    this.address = config.address;
    const threads = env.verifyThreads;
    this.verifyPool = threads !== undefined && threads.count > 0 ? new VerifyPool(threads.count, threads.factory, cache, env.log) : null;
    const pool = this.verifyPool;
    this.streams = new ChainStreams(
      config.streamQuietMs,
      config.streamChunk,
      env.schedule,
      (peer, blocks, announced, done) => this.takeStream(peer, blocks, announced, done),
      (received, done) => this.emit({ type: "sync", received, done }),
      () => (pool === null ? null : new StreamVerifier(pool, cache, (block) => this.chain.isKnownBlock(block))),
    );
  }

  /** Opens a node on a store: every stored block is validated again, in the order it was accepted. */
  static async open(store: NodeStore, config: NodeConfig, env: NodeEnv): Promise<PeerNode> {
    const node = new PeerNode(config, store, env);
    const stored = await store.loadBlocks();
    for (const s of stored) {
      // Every rule is checked again except the signatures: they verified before the block was stored.
      for (const tx of s.block.data) node.verified.record(JSON.stringify(tx), true);
      const r = node.chain.addBlock(s.block, s.next, Number.MAX_SAFE_INTEGER);
      if (!r.ok) throw new Error(`the store holds a block this node cannot accept (${r.reason}: ${r.detail}); refusing to start on it`);
    }
    return node;
  }

  /** Stops taking chain streams and ends the verification threads. */
  close(): void {
    this.streams.close();
    this.verifyPool?.dispose();
  }

  useTransport(transport: Transport): void {
    this.transport = transport;
  }

  /** A tab learns its address from the relay, after the node is open. */
  setAddress(address: string): void {
    this.address = address;
  }

  on(listener: (e: NodeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(e: NodeEvent): void {
    for (const l of this.listeners) l(e);
  }

  peerList(): PeerView[] {
    return this.peers.list();
  }

  /** Waits until every accepted block so far is on disk. */
  async flushed(): Promise<void> {
    await this.persisted;
  }

  // ---- dialing -------------------------------------------------------------

  /** Dials an address if the rules allow: ws/wss, allowed range, not us, not known, not banned, under the cap. */
  connect(address: string): DialResult {
    const now = this.env.now();
    if (address === this.address) return { ok: false, reason: "dial-self", detail: "that is this node's own address" };
    if (this.peers.outboundTo(address) !== undefined) return { ok: true };
    if (this.peers.isBanned(address, now)) return { ok: false, reason: "dial-banned", detail: `${address} is banned for misbehaving` };
    if (this.peers.outboundCount >= this.config.maxOutbound) {
      return { ok: false, reason: "dial-peer-cap", detail: `already ${this.config.maxOutbound} outbound peers` };
    }
    const allowed = checkDialAddress(address, this.config.addressPolicy);
    if (!allowed.ok) return allowed;
    if (this.transport === null) throw new Error("connect() before useTransport()");
    this.peers.addOutbound(address, this.transport.dial(address), now);
    return { ok: true };
  }

  opened(link: Link): void {
    const now = this.env.now();
    if (link.direction === "in") {
      if (this.peers.inboundCount >= this.config.maxInbound) return link.close(1013, "too many inbound peers");
      this.peers.addInbound(link, now);
      return this.emitPeers();
    }
    const peer = this.peers.byLink(link);
    if (peer === undefined) return link.close(1000, "not dialed");
    peer.open = true;
    const address = peer.address!;
    // As the seed does: introduce ourselves, then tell our other peers about the newcomer.
    link.send(this.introduction(address));
    for (const other of this.peers.sendable()) if (other !== peer) other.link.send(encodeFrame(MessageType.Handshake, [address]));
    for (const answer of this.owed.get(address) ?? []) answer();
    this.owed.delete(address);
    this.onPaired(address);
    this.emitPeers();
  }

  closed(link: Link, why: string): void {
    const peer = this.peers.byLink(link);
    if (peer === undefined) return;
    this.peers.remove(peer);
    this.streams.drop(link.id);
    if (peer.direction === "out" && peer.address !== null) this.owed.delete(peer.address);
    this.env.log(`peer ${peer.direction} ${peer.address ?? link.remote} closed: ${why}`);
    this.emitPeers();
  }

  private emitPeers(): void {
    this.emit({ type: "peers", peers: this.peers.list() });
  }

  /** Both links to `address` exist: ask for its chain and its mempool. */
  private onPaired(address: string): void {
    if (!this.peers.isPaired(address)) return;
    this.ask(address, MessageType.RequestChain);
    this.ask(address, MessageType.RequestInfo);
  }

  private ask(address: string, type: typeof MessageType.RequestChain | typeof MessageType.RequestInfo): void {
    const peer = this.peers.outboundTo(address);
    if (peer?.open !== true) return;
    if (type === MessageType.RequestInfo) this.infoAsked++;
    peer.link.send(encodeFrame(type, this.address));
  }

  // ---- frames in -------------------------------------------------------------

  message(link: Link, text: string): void {
    const peer = this.peers.byLink(link);
    if (peer === undefined) return;
    const decoded = decodeFrame(text);
    if (!decoded.ok) return this.strike(peer, decoded.reason, decoded.detail);
    this.handle(peer, decoded.message);
  }

  private handle(peer: Peer, m: Message): void {
    switch (m.type) {
      case MessageType.Handshake:
        return this.onHandshake(peer, m.data);
      case MessageType.CreateTransaction:
        this.onTransaction(peer, m.data);
        return;
      case MessageType.ReplaceChain:
        this.onBlock(peer, m.data[0], m.data[1]);
        return;
      case MessageType.RequestChain:
      case MessageType.RequestCheck:
      case MessageType.RequestInfo:
        return this.onRequest(peer, m);
      case MessageType.SendChain:
        return this.streams.push(peer, m.data.block, m.data.difficulty ?? null, m.data.finished);
      case MessageType.SendInfo:
        return this.onInfo(peer, m.data[1]);
      case MessageType.SendCheck:
        // This node never asks REQUEST_CHECK (no vote): an answer to nothing is not an order.
        return this.env.log(`drop unsolicited ${m.type} from ${describe(peer)}`);
    }
  }

  private onHandshake(peer: Peer, addresses: readonly string[]): void {
    if (peer.direction === "in" && peer.address !== null && addresses[0] === peer.address) this.reintroduce(peer.address);
    if (peer.direction === "in" && peer.address === null && addresses.length > 0) {
      const claimed = addresses[0]!;
      if (this.peers.isBanned(claimed, this.env.now())) return peer.link.close(1008, "banned for misbehaving");
      peer.address = claimed;
      this.onPaired(claimed);
      this.emitPeers();
    }
    for (const address of addresses) {
      if (address === this.address || this.peers.outboundTo(address) !== undefined) continue;
      const r = this.connect(address);
      if (!r.ok) this.env.log(`not dialing ${address.slice(0, 80)}: ${r.detail}`);
    }
  }

  /** TYPE_HANDSHAKE [our address, ...the peers we know], as the seed sends it to a peer it dialed. */
  private introduction(to: string): string {
    return encodeFrame(MessageType.Handshake, [this.address, ...this.peers.knownAddresses().filter((a) => a !== to)]);
  }

  /**
   * A peer that introduces itself again on the same link has restarted behind
   * it (a tab that reloaded keeps its relay links): it has forgotten who its
   * inbound links are, so introduce ourselves again, at most once a minute.
   */
  private reintroduce(address: string): void {
    const peer = this.peers.outboundTo(address);
    const key = `reintroduce ${address}`;
    const now = this.env.now();
    if (peer?.open !== true || now - (this.lastReply.get(key) ?? -Infinity) < 60_000) return;
    this.lastReply.set(key, now);
    peer.link.send(this.introduction(address));
  }

  private onTransaction(peer: Peer | null, value: unknown): Result<{ tx: SignedTransaction }> {
    const r = this.mempool.admit(value, this.chain.ledger);
    if (!r.ok) {
      if (peer !== null) this.refused(peer, "transaction", r.reason, r.detail);
      return r;
    }
    const frame = encodeFrame(MessageType.CreateTransaction, r.checked.tx);
    this.broadcast(frame, peer);
    this.emit({ type: "mempool", size: this.mempool.size });
    return { ok: true, tx: r.checked.tx };
  }

  private onBlock(peer: Peer | null, value: unknown, announced: number): Result<{ change: ChainChange }> {
    const r = this.chain.addBlock(value, announced, this.env.now());
    if (!r.ok) {
      if (peer !== null) this.refused(peer, "block", r.reason, r.detail);
      return r;
    }
    if (r.status === "orphan") {
      this.requestChainAfterOrphan(peer);
      return { ok: true, change: r };
    }
    this.commit(r, () => {
      if (r.status === "extended" || r.status === "reorg") {
        this.broadcast(encodeFrame(MessageType.ReplaceChain, [value as Block, announced]), peer);
      }
    });
    return { ok: true, change: r };
  }

  private requestChainAfterOrphan(peer: Peer | null): void {
    const from = peer?.address;
    if (from !== null && from !== undefined && this.peers.isPaired(from)) return this.ask(from, MessageType.RequestChain);
    for (const p of this.peers.sendable()) if (this.peers.isPaired(p.address!)) this.ask(p.address!, MessageType.RequestChain);
  }

  private onRequest(peer: Peer, m: MessageOf<typeof MessageType.RequestChain | typeof MessageType.RequestCheck | typeof MessageType.RequestInfo>): void {
    const address = m.data;
    const now = this.env.now();
    const key = `${m.type} ${address}`;
    if (now - (this.lastReply.get(key) ?? -Infinity) < this.config.replyIntervalMs) {
      return this.env.log(`drop ${m.type} from ${describe(peer)}: answered ${address} less than ${this.config.replyIntervalMs} ms ago`);
    }
    const target = this.peers.outboundTo(address);
    if (target === undefined) return this.env.log(`drop ${m.type} from ${describe(peer)}: not linked to ${address.slice(0, 80)}`);
    this.lastReply.set(key, now);
    const answer = () => this.answer(m.type, target.link);
    if (target.open) return answer();
    const queue = this.owed.get(address) ?? [];
    if (queue.length < 4) queue.push(answer);
    this.owed.set(address, queue);
  }

  private answer(type: MessageType, link: Link): void {
    if (type === MessageType.RequestCheck) {
      const check = JSON.stringify([this.chain.tip().block, this.mempool.transactions(), this.chain.difficulty()]);
      return link.send(encodeFrame(MessageType.SendCheck, check));
    }
    if (type === MessageType.RequestInfo) {
      return link.send(encodeFrame(MessageType.SendInfo, [this.chain.difficulty(), this.mempool.transactions()]));
    }
    // The article's form: blocks 1..n-1, `finished` on the last. Tabnode adds the announced difficulty.
    const height = this.chain.height;
    for (let h = 1; h <= height; h++) {
      const entry = this.chain.at(h)!;
      link.send(encodeFrame(MessageType.SendChain, { block: entry.block, finished: h === height, difficulty: entry.next }));
    }
  }

  private onInfo(peer: Peer, mempool: readonly unknown[]): void {
    if (this.infoAsked === 0) return this.env.log(`drop unsolicited ${MessageType.SendInfo} from ${describe(peer)}`);
    this.infoAsked--;
    // Their difficulty is not ours to take; their transactions are, each after its own checks.
    for (const tx of mempool.slice(0, this.mempool.maxTxs)) this.onTransaction(null, tx);
  }

  private takeStream(peer: Peer, blocks: unknown[], announced: (number | null)[], done: boolean): boolean {
    const r = this.chain.addBranch(blocks, announced, this.env.now());
    if (!r.ok) {
      this.refused(peer, "chain stream", r.reason, r.detail);
      return false;
    }
    if (r.added.length > 0) {
      const ahead = this.verifyPool === null ? "" : `; ${this.verifyPool.verified} signatures verified ahead in ${this.verifyPool.size} threads so far`;
      this.env.log(`chain stream from ${describe(peer)}: ${r.added.length} new blocks, ${r.status}, height ${this.chain.height}${done ? "" : " (more coming)"}${ahead}`);
      this.commit(r, () => {});
    }
    return true;
  }

  // ---- changes out -----------------------------------------------------------

  /** Stores a change and updates the mempool; once stored, tells listeners and runs `after` (relaying). */
  private commit(change: ChainChange, after: () => void): void {
    const stored = change.added.map(storedBlock);
    if (change.connected.length > 0 || change.disconnected.length > 0) {
      this.mempool.applyChange(change, this.chain.ledger);
    }
    // Transactions a reorganisation put back in the mempool are news again to peers on the new chain.
    const returned = change.disconnected.flatMap((e) => e.txs).filter((c) => this.mempool.has(c.norm));
    // Written now, in this call, when the store can (SQLite); otherwise in order, before anything is announced.
    const written = this.store.appendBlocks(stored);
    this.persisted = Promise.all([this.persisted, written])
      .then(
        () => {
          this.emit({ type: "chain", change });
          this.emit({ type: "mempool", size: this.mempool.size });
          after();
          for (const c of returned) this.broadcast(encodeFrame(MessageType.CreateTransaction, c.tx), null);
        },
        (err: unknown) => {
          this.env.log(`store failed: ${String(err)}`);
          this.emit({ type: "store-error", detail: String(err) });
        },
      );
  }

  private broadcast(frame: string, except: Peer | null): void {
    const skip = except?.address ?? null;
    for (const p of this.peers.sendable()) if (p.address !== skip) p.link.send(frame);
  }

  /** A transaction from this node's own user or API: admitted, then relayed. */
  submitTransaction(value: unknown): Result<{ tx: SignedTransaction }> {
    return this.onTransaction(null, value);
  }

  /** A block this node mined: accepted like any other, stored, then announced. */
  submitBlock(block: Block, announced: number): Result<{ change: ChainChange }> {
    return this.onBlock(null, block, announced);
  }

  // ---- misbehaviour ----------------------------------------------------------

  private refused(peer: Peer, what: string, reason: string, detail: string): void {
    if (BENIGN.has(reason)) return this.env.log(`ignore ${what} from ${describe(peer)}: ${reason}`);
    this.strike(peer, reason, detail);
  }

  /** One line per dropped frame; a peer that keeps misbehaving is cut off and banned for a while. */
  private strike(peer: Peer, reason: string, detail: string): void {
    const now = this.env.now();
    this.env.log(`drop ${reason} from ${describe(peer)}: ${detail.slice(0, 160)}`);
    peer.strikes = peer.strikes.filter((t) => now - t < this.config.strikeWindowMs);
    peer.strikes.push(now);
    if (peer.strikes.length < this.config.strikesToBan) return;
    this.env.log(`disconnect ${describe(peer)}: ${peer.strikes.length} bad frames in ${this.config.strikeWindowMs} ms; banned for ${this.config.banMs} ms`);
    if (peer.address === null) return peer.link.close(1008, "misbehaving");
    this.peers.ban(peer.address, now + this.config.banMs);
    for (const link of this.peers.linksOf(peer.address)) link.close(1008, "misbehaving");
  }
}

function describe(peer: Peer): string {
  return `${peer.direction}#${peer.link.id} ${peer.address ?? peer.link.remote}`;
}
