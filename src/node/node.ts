/**
 * A JeChain peer: the chain and mempool of src/core behind the wire protocol
 * of PROTOCOL.md. It runs unchanged in the native node and in a tab's Web
 * Worker; sockets, storage, clock, timers and randomness come in from outside.
 *
 * Flow: a frame becomes a checked message (src/protocol), a message becomes a
 * chain or mempool change, a change is stored, then passed on to peers and to
 * whoever listens. Nothing leaves before it is on disk. Who this node is
 * linked to, and what a misbehaving link costs, is connections.ts's; chain
 * streams are chain-stream.ts's; this file routes between them.
 */
import type { Block } from "../core/block.ts";
import { Chain, type ChainBounds, type ChainChange } from "../core/chain.ts";
import { Mempool } from "../core/mempool.ts";
import { Reason, type Result } from "../core/reasons.ts";
import { VerifiedCache, type SignatureVerifier, type SignedTransaction } from "../core/transaction.ts";
import type { CheckedHeader } from "../core/validate.ts";
import { DEFAULT_DIAL_POLICY, type DialPolicy } from "../protocol/dial-rule.ts";
import { isTutorial, streamFormShown, streamsFor, tutorialQuirk, type Quirk, type StreamForm } from "../protocol/dialect.ts";
import { MAX_FRAME_BYTES, MessageType, decodeCheck, decodeFrame, encodeFrame, type Message, type MessageOf } from "../protocol/messages.ts";
import { DEFAULT_ADDRESS_BOOK_BOUNDS, type AddressBookBounds } from "./address-book.ts";
import { ChainStreams, DEFAULT_STREAM_BOUNDS, type StreamBounds, type TakeOutcome } from "./chain-stream.ts";
import { Connections, DEFAULT_CONNECTION_BOUNDS, type ConnectionBounds, type DialResult } from "./connections.ts";
import type { Peer, PeerView } from "./peers.ts";
import { NodeCounts } from "./node-counts.ts";
import { Intervals, LogBudget } from "./rate-limit.ts";
import { storedBlock, type NodeStore } from "./store.ts";
import { StreamVerifier, VerifyPool, type VerifyThreadFactory } from "./verify-pool.ts";
import type { Direction, Link, LinkHandler, Transport } from "./transport.ts";

export type { DialResult } from "./connections.ts";

/** Why this node asks a peer for its whole chain; each reason has its own least interval per peer. */
export type AskReason = "tip" | "orphan" | "overflow";

export interface NodeConfig {
  /** MY_ADDRESS: what this node tells others to dial. */
  readonly address: string;
  readonly addressPolicy: DialPolicy;
  readonly connections: ConnectionBounds;
  readonly addressBook: AddressBookBounds;
  readonly streams: StreamBounds;
  /** What the chain holds beside the main chain (defaults: params.ts `limits`). */
  readonly chain?: Partial<ChainBounds>;
  /** Least time between two answers of one kind to one address; a whole chain, longer. */
  readonly replyIntervalMs: number;
  readonly chainReplyIntervalMs: number;
  /** Least time between two chain requests to one peer, by reason. */
  readonly askIntervalMs: Readonly<Record<AskReason, number>>;
  /** Refusals an honest peer can cause (a duplicate, a race) are not held against it, but this many of them count as one bad frame. */
  readonly benignPerStrike: number;
}

export const DEFAULT_NODE_CONFIG: Omit<NodeConfig, "address"> = {
  addressPolicy: DEFAULT_DIAL_POLICY,
  connections: DEFAULT_CONNECTION_BOUNDS,
  addressBook: DEFAULT_ADDRESS_BOOK_BOUNDS,
  streams: DEFAULT_STREAM_BOUNDS,
  replyIntervalMs: 500,
  chainReplyIntervalMs: 10_000,
  askIntervalMs: { tip: 5_000, orphan: 30_000, overflow: 5_000 },
  benignPerStrike: 50,
};

export interface NodeEnv {
  readonly now: () => number;
  /** Runs `fn` after `ms`; returns a cancel function. */
  readonly schedule: (fn: () => void, ms: number) => () => void;
  readonly log: (line: string) => void;
  /** Random bytes: which addresses to dial is drawn from them. */
  readonly random: (n: number) => Uint8Array;
  readonly verify?: SignatureVerifier;
  /** Threads that verify a chain stream's signatures ahead of validation; without them, a stream is verified in order. */
  readonly verifyThreads?: { readonly count: number; readonly factory: VerifyThreadFactory };
}

export type NodeEvent =
  | { readonly type: "chain"; readonly change: ChainChange }
  | { readonly type: "mempool"; readonly size: number }
  | { readonly type: "peers"; readonly peers: readonly PeerView[] }
  | { readonly type: "sync"; readonly received: number; readonly done: boolean }
  | { readonly type: "store-error"; readonly detail: string }
  /** A link closed or a dial failed, and why (the transport's words): the page reports a failed dial with it. */
  | { readonly type: "closed"; readonly address: string | null; readonly direction: Direction; readonly why: string };

/** What every bounded structure of the node holds now, against its bound: for operators, and for the tests that hold them to it. */
export interface NodeBounds {
  readonly peers: { readonly inbound: number; readonly outbound: number; readonly maxInbound: number };
  readonly addresses: { readonly known: number; readonly tried: number; readonly forgotten: number; readonly max: number };
  readonly streams: { readonly streams: number; readonly blocks: number; readonly bytes: number; readonly maxBlocks: number; readonly maxBytes: number };
  readonly orphans: { readonly blocks: number; readonly bytes: number; readonly maxBlocks: number; readonly maxBytes: number };
  readonly side: { readonly blocks: number; readonly bytes: number; readonly maxBlocks: number; readonly maxBytes: number };
  readonly mempool: { readonly txs: number; readonly max: number };
  readonly invalid: { readonly blocks: number; readonly max: number };
}

/** Refusals that an honest peer can cause (a race, a duplicate): logged, never held against it on their own. */
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
  readonly connections: Connections;
  /** What it has taken and refused since it started (GET /metrics). */
  readonly counts = new NodeCounts();
  private readonly streams: ChainStreams;
  private readonly listeners = new Set<(e: NodeEvent) => void>();
  private readonly replies = new Intervals();
  private readonly asks = new Intervals();
  /** Log lines that a stranger could repeat at will: at most one a minute per kind and link, and a few a minute per kind in all. */
  private readonly notes = new Intervals();
  private readonly lines: LogBudget;
  /** Answers owed to addresses we are still dialing: at most 4 per outbound link. */
  private readonly owed = new Map<string, (() => void)[]>();
  /** Peers asked for their tip (TYPE_REQUEST_CHECK) and not answered yet, by address: at most one per outbound link. */
  private readonly checksAsked = new Set<string>();
  private persisted: Promise<unknown> = Promise.resolve();
  private readonly verified = new VerifiedCache();
  private readonly verifyPool: VerifyPool | null;
  private selfAddress: string;

  private constructor(
    readonly config: NodeConfig,
    private readonly store: NodeStore,
    private readonly env: NodeEnv,
  ) {
    this.selfAddress = config.address;
    this.lines = new LogBudget(env.log);
    const cache = this.verified;
    this.chain = new Chain({ verify: env.verify, cache, bounds: config.chain });
    this.mempool = new Mempool({ verify: env.verify, cache });
    const threads = env.verifyThreads;
    this.verifyPool = threads !== undefined && threads.count > 0 ? new VerifyPool(threads.count, threads.factory, cache, env.log) : null;
    const pool = this.verifyPool;
    this.connections = new Connections(
      config.address,
      config.addressPolicy,
      config.connections,
      { now: env.now, schedule: env.schedule, say: (kind, line) => this.say(kind, line), pick: (n) => randomIndex(env.random, n) },
      {
        opened: (peer) => this.onOpened(peer),
        paired: (address, proven) => this.onPaired(address, proven),
        closed: (peer, why) => this.onClosed(peer, why),
        changed: () => this.emit({ type: "peers", peers: this.peerList() }),
      },
      config.addressBook,
    );
    this.streams = new ChainStreams(
      this.chain,
      config.streams,
      env.schedule,
      {
        take: (peer, headers, announced, done) => this.takeStream(peer, headers, announced, done),
        junk: (peer, reason, detail) => {
          this.counts.blockRefused(reason);
          this.say(`drop ${reason}`, `drop ${reason} from ${describe(peer)}: ${detail.slice(0, 160)}`);
          this.connections.punish(peer, `junk in a chain stream (${reason})`);
        },
        overflowed: (peer, detail) => {
          this.note(peer, "stream-overflow", `chain stream from ${describe(peer)} cut short: ${detail}`);
          this.askChain(peer, "overflow");
        },
        light: (peer, blocks) => this.note(peer, "stream-light", `chain stream from ${describe(peer)}: ${blocks} blocks that cannot beat this chain's work, not kept`),
        progress: (received, done) => this.emit({ type: "sync", received, done }),
      },
      () => (pool === null ? null : new StreamVerifier(pool, cache)),
    );
  }

  /** Opens a node on a store: every stored block is validated again, in the order it was accepted. */
  static async open(store: NodeStore, config: NodeConfig, env: NodeEnv): Promise<PeerNode> {
    const node = new PeerNode(config, store, env);
    const stored = await store.loadBlocks();
    // Every rule is checked again except the signatures: they verified before the block was stored.
    const verified = node.verified;
    node.chain.load(
      (function* () {
        for (const s of stored) {
          for (const tx of s.block.data) verified.record(JSON.stringify(tx), true);
          yield s;
        }
      })(),
    );
    return node;
  }

  /** Stops dialing and taking chain streams, and ends the verification threads. */
  close(): void {
    this.connections.close();
    this.streams.close();
    this.verifyPool?.dispose();
  }

  useTransport(transport: Transport): void {
    this.connections.useTransport(transport);
  }

  /** What peers are told to dial: MY_ADDRESS, or the address a relay gave this tab (learned after the node opened). */
  get address(): string {
    return this.selfAddress;
  }

  setAddress(address: string): void {
    this.selfAddress = address;
    this.connections.setSelf(address);
  }

  on(listener: (e: NodeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(e: NodeEvent): void {
    for (const l of this.listeners) l(e);
  }

  peerList(): PeerView[] {
    return this.connections.peers.list();
  }

  bounds(): NodeBounds {
    const c = this.config;
    const b = this.chain.bounds;
    const held = this.streams.held();
    return {
      peers: { inbound: this.connections.peers.inboundCount, outbound: this.connections.peers.outboundCount, maxInbound: c.connections.maxInbound },
      addresses: { known: this.connections.book.size, tried: this.connections.book.triedCount, forgotten: this.connections.book.forgottenCount, max: c.addressBook.maxNew + c.addressBook.maxTried },
      streams: { ...held, maxBlocks: 2 * c.streams.totalBlocks, maxBytes: 2 * c.streams.totalBytes },
      orphans: { blocks: this.chain.orphanCount, bytes: this.chain.orphanBytes, maxBlocks: b.orphanMaxBlocks, maxBytes: b.orphanMaxBytes },
      side: { blocks: this.chain.sideCount, bytes: this.chain.sideBytes, maxBlocks: b.sideMaxBlocks, maxBytes: b.sideMaxBytes },
      mempool: { txs: this.mempool.size, max: this.mempool.maxTxs },
      invalid: { blocks: this.chain.invalidCount, max: b.invalidMax },
    };
  }

  /** Waits until every accepted block so far is on disk. */
  async flushed(): Promise<void> {
    await this.persisted;
  }

  /** Resolves when every chain stream run handed over so far has been taken. */
  streamsIdle(): Promise<void> {
    return this.streams.idle();
  }

  // ---- links -----------------------------------------------------------------

  /** Keeps a link to `address` (PEERS, the API, the page's user, the relay's home node): dialed now and whenever lost. */
  connect(address: string, source = "user"): DialResult {
    return this.connections.connect(address, source);
  }

  /** Addresses heard of outside the wire (the relay's peer list): kept in the address book, dialed as slots need them. */
  learn(addresses: readonly string[], source: string): void {
    this.connections.learn(addresses, source);
  }

  opened(link: Link): void {
    if (link.direction === "in") this.connections.inboundOpened(link);
    else this.connections.outboundOpened(link);
  }

  closed(link: Link, why: string): void {
    this.connections.linkClosed(link, why);
  }

  shown(link: Link): void {
    if (this.connections.peers.byLink(link) !== undefined) this.emit({ type: "peers", peers: this.peerList() });
  }

  private onClosed(peer: Peer, why: string): void {
    this.streams.drop(peer.link.id);
    if (peer.direction === "out" && peer.address !== null) {
      this.owed.delete(peer.address);
      this.checksAsked.delete(peer.address);
    }
    this.say(`closed ${peer.direction}`, `peer ${peer.direction} ${peer.address ?? peer.link.remote} closed: ${why}`);
    this.emit({ type: "closed", address: peer.address, direction: peer.direction, why });
  }

  /** Our link to a peer opened: introduce ourselves (as the seed does), and send what we owe it. */
  private onOpened(peer: Peer): void {
    const address = peer.address!;
    peer.link.send(this.introduction(address));
    for (const answer of this.owed.get(address) ?? []) answer();
    this.owed.delete(address);
  }

  /**
   * Both links to `address` exist: ask for its tip and mempool (TYPE_REQUEST_CHECK,
   * which every JeChain node answers in one frame), and for its whole chain only
   * if that tip is news; and tell the others of it: the Tabnode peers if this
   * node proved it (checkPair), the tutorial nodes in any case (tutorialNamed).
   */
  private onPaired(address: string, proven: boolean): void {
    this.checksAsked.add(address);
    this.ask(address, MessageType.RequestCheck);
    const news = encodeFrame(MessageType.Handshake, [address]);
    for (const other of this.connections.peers.sendable()) {
      if (other.address !== address && (proven || isTutorial(this.connections.peers.dialectOf(other.address!)))) other.link.send(news);
    }
  }

  /**
   * Asks every paired peer not already asked for its tip (TYPE_REQUEST_CHECK, one frame every JeChain node
   * answers), so what this node knows of each peer's height stays current: a peer never sends back the blocks
   * it got from us. A tip that is news brings its chain, as at pairing.
   */
  askTips(): void {
    for (const address of this.connections.pairedAddresses()) {
      if (this.checksAsked.has(address)) continue;
      this.checksAsked.add(address);
      this.ask(address, MessageType.RequestCheck);
    }
  }

  private ask(address: string, type: typeof MessageType.RequestChain | typeof MessageType.RequestCheck): void {
    const peer = this.connections.peers.outboundTo(address);
    if (peer?.open !== true) return;
    peer.link.send(encodeFrame(type, this.selfAddress));
  }

  /** Asks the address a link claims for its chain, if paired, at most once per reason's interval. */
  private askChainOf(address: string, reason: AskReason): boolean {
    if (!this.connections.peers.isPaired(address)) return false;
    if (!this.asks.allow(`${reason} ${address}`, this.env.now(), this.config.askIntervalMs[reason])) return false;
    this.ask(address, MessageType.RequestChain);
    return true;
  }

  /** A chain to fetch because of what `peer` sent (an orphan, a stream cut short): from that peer, else from one paired peer. */
  private askChain(peer: Peer | null, reason: AskReason): void {
    if (peer?.address != null && this.askChainOf(peer.address, reason)) return;
    if (!this.asks.allow(`${reason} any`, this.env.now(), this.config.askIntervalMs[reason])) return;
    const paired = this.connections.pairedAddresses();
    if (paired.length > 0) this.ask(paired[randomIndex(this.env.random, paired.length)]!, MessageType.RequestChain);
  }

  // ---- frames in -------------------------------------------------------------

  message(link: Link, text: string): void {
    const peer = this.connections.peers.byLink(link);
    if (peer === undefined) return;
    peer.heardAt = this.env.now();
    const decoded = decodeFrame(text);
    if (decoded.ok) return this.handle(peer, decoded.message);
    const quirk = tutorialQuirk(text);
    if (quirk !== null) return this.quirk(peer, quirk);
    this.strike(peer, decoded.reason, decoded.detail);
  }

  private handle(peer: Peer, m: Message): void {
    switch (m.type) {
      case MessageType.Handshake:
        return this.onHandshake(peer, m.data);
      case MessageType.CreateTransaction:
        this.onTransaction({ from: peer, answer: false }, m.data);
        return;
      case MessageType.ReplaceChain:
        this.onBlock(peer, m.data[0], m.data[1]);
        return;
      case MessageType.RequestChain:
      case MessageType.RequestCheck:
      case MessageType.RequestInfo:
        return this.onRequest(peer, m);
      case MessageType.SendChain:
        peer.form ??= streamFormShown(m.data.block, m.data.finished);
        this.counts.streamBlocksReceived++;
        return this.streams.push(peer, m.data.block, m.data.difficulty ?? null, m.data.finished);
      case MessageType.SendInfo:
        // This node asks for a peer's mempool with REQUEST_CHECK: an answer to nothing is not an order.
        return this.note(peer, "unsolicited-info", `drop unsolicited ${m.type} from ${describe(peer)}`);
      case MessageType.SendCheck:
        return this.onCheck(peer, m.data);
      default:
        return assertNever(m);
    }
  }

  private onHandshake(peer: Peer, addresses: readonly string[]): void {
    let heard = addresses;
    if (peer.direction === "in") {
      const first = addresses[0];
      if (peer.address === null && first !== undefined) {
        this.connections.named(peer, first);
        heard = addresses.slice(1);
      } else if (first !== undefined && first === peer.address) {
        this.reintroduce(first);
        heard = addresses.slice(1);
      }
    }
    this.connections.learn(heard, this.connections.sourceOf(peer));
  }

  /** TYPE_HANDSHAKE [our address, ...the proven peers we know], as the seed sends it to a peer it dialed. */
  private introduction(to: string): string {
    const named = isTutorial(this.connections.peers.dialectOf(to)) ? this.tutorialNamed() : this.connections.provenAddresses();
    return encodeFrame(MessageType.Handshake, [this.selfAddress, ...named.filter((a) => a !== to)]);
  }

  /**
   * What a tutorial node is told of: every peer this node is paired with,
   * proven or not, as a node of its own kind tells its peers of each address
   * it links to. It dials every address it hears of, and hears each message
   * only from its author (relay), so every node that authors must get a link
   * to it: the way its own network meshes. (Tabnode peers are told of proven
   * addresses only: they would keep redialing one a stranger made up.)
   */
  private tutorialNamed(): string[] {
    return this.connections.pairedAddresses();
  }

  /**
   * A peer that introduces itself again on the same link has restarted behind
   * it (a tab that reloaded keeps its relay links): it has forgotten who its
   * inbound links are, so introduce ourselves again, at most once a minute.
   */
  private reintroduce(address: string): void {
    const peer = this.connections.peers.outboundTo(address);
    if (peer?.open !== true || !this.replies.allow(`reintroduce ${address}`, this.env.now(), 60_000)) return;
    peer.link.send(this.introduction(address));
  }

  /**
   * A transaction from this node's user (`from` null), a peer, or a peer's
   * answer to our REQUEST_CHECK (`answer`: its refusals are not held against
   * it, and it serves nothing new by answering). What this node authored goes
   * to every peer; what it heard, to the Tabnode peers but the sender.
   */
  private onTransaction(origin: { readonly from: Peer | null; readonly answer: boolean }, value: unknown): Result<{ tx: SignedTransaction }> {
    const peer = origin.answer ? null : origin.from;
    const r = this.mempool.admit(value, this.chain.ledger);
    if (!r.ok) {
      this.counts.transactionRefused(r.reason);
      if (peer !== null) this.refused(peer, "transaction", r.reason, r.detail);
      return r;
    }
    this.counts.transactionAccepted();
    if (peer !== null) this.connections.served(peer, "tx");
    const frame = encodeFrame(MessageType.CreateTransaction, r.checked.tx);
    if (origin.from === null) this.publish(frame);
    else this.relay(frame, origin.from);
    this.emit({ type: "mempool", size: this.mempool.size });
    return { ok: true, tx: r.checked.tx };
  }

  /** A block `peer` sent or named as its tip: the peer is at least that high, if this node knows the block. */
  private shows(peer: Peer | null, block: unknown): void {
    const hash = typeof block === "object" && block !== null ? (block as { hash?: unknown }).hash : undefined;
    const height = typeof hash === "string" ? this.chain.get(hash)?.height : undefined;
    if (peer !== null && height !== undefined && height > (peer.height ?? -1)) peer.height = height;
  }

  private onBlock(peer: Peer | null, value: unknown, announced: number): Result<{ change: ChainChange }> {
    const r = this.chain.addBlock(value, announced, this.env.now());
    this.shows(peer, value);
    if (!r.ok) {
      this.counts.blockRefused(r.reason);
      if (peer !== null) this.refused(peer, "block", r.reason, r.detail);
      return r;
    }
    if (r.status === "orphan") {
      this.askChain(peer, "orphan");
      return { ok: true, change: r };
    }
    if (r.status === "extended" || r.status === "reorg") {
      this.counts.blockAccepted(peer === null ? "mined" : "live", r.added.length);
      if (peer !== null) this.connections.served(peer, "block");
      const frame = encodeFrame(MessageType.ReplaceChain, [value as Block, announced]);
      this.commit(r, () => (peer === null ? this.publish(frame) : this.relay(frame, peer)));
    }
    return { ok: true, change: r };
  }

  private onRequest(peer: Peer, m: MessageOf<typeof MessageType.RequestChain | typeof MessageType.RequestCheck | typeof MessageType.RequestInfo>): void {
    const address = m.data;
    const target = this.connections.peers.outboundTo(address);
    if (target === undefined) return this.note(peer, "request-unlinked", `drop ${m.type} from ${describe(peer)}: not linked to ${address.slice(0, 80)}`);
    const interval = m.type === MessageType.RequestChain ? this.config.chainReplyIntervalMs : this.config.replyIntervalMs;
    if (!this.replies.allow(`${m.type} ${address}`, this.env.now(), interval)) {
      return this.note(peer, "request-often", `drop ${m.type} from ${describe(peer)}: answered ${address.slice(0, 80)} less than ${interval} ms ago`);
    }
    const answer = () => this.answer(m.type, target.link, address);
    if (target.open) return answer();
    const queue = this.owed.get(address) ?? [];
    if (queue.length < 4) queue.push(answer);
    this.owed.set(address, queue);
  }

  private answer(type: MessageType, link: Link, address: string): void {
    if (type === MessageType.RequestCheck) {
      // A tip can be up to a frame's size itself: the mempool gets what is left, and the string's escaping doubles quotes.
      const tip = this.chain.tip().block;
      const room = (MAX_FRAME_BYTES - 1024 - 2 * JSON.stringify(tip).length) / 2;
      const check = JSON.stringify([tip, this.mempoolWithin(Math.max(0, room)), this.chain.difficulty()]);
      return link.send(encodeFrame(MessageType.SendCheck, check));
    }
    if (type === MessageType.RequestInfo) {
      return link.send(encodeFrame(MessageType.SendInfo, [this.chain.difficulty(), this.mempoolWithin(MAX_FRAME_BYTES - 1024)]));
    }
    for (const form of streamsFor(this.connections.peers.dialectOf(address))) this.sendChain(link, form);
  }

  /**
   * The main chain from block 1, each block with the difficulty announced for
   * its child (Tabnode's addition, which seed nodes ignore). The article's
   * form sets `finished` on the tip; v0.2.0 drops the block that carries it,
   * so its form sends the tip unfinished and then again, finished.
   */
  private sendChain(link: Link, form: StreamForm): void {
    const height = this.chain.height;
    const frame = (h: number, finished: boolean) => {
      const entry = this.chain.at(h)!;
      return encodeFrame(MessageType.SendChain, { block: entry.block, finished, difficulty: entry.next });
    };
    for (let h = 1; h <= height; h++) link.send(frame(h, form === "article" && h === height));
    if (form === "v0.2.0" && height > 0) link.send(frame(height, true));
  }

  /** The waiting transactions, oldest first, as many as fit in `bytes` of JSON: an answer must fit in one frame. */
  private mempoolWithin(bytes: number): SignedTransaction[] {
    const out: SignedTransaction[] = [];
    let used = 2;
    for (const tx of this.mempool.transactions()) {
      used += JSON.stringify(tx).length + 1;
      if (used > bytes) break;
      out.push(tx);
    }
    return out;
  }

  /**
   * The answer to our REQUEST_CHECK, on the link that claims the address we
   * asked: a question of ours, never an order (no vote, as seed nodes hold
   * one). Its tip, if news, is worth the whole chain; its difficulty is not
   * ours to take; its transactions are, each after its own checks.
   */
  private onCheck(peer: Peer, text: string): void {
    const address = peer.address;
    if (address === null || !this.checksAsked.delete(address)) return this.note(peer, "unsolicited-check", `drop unsolicited ${MessageType.SendCheck} from ${describe(peer)}`);
    const check = decodeCheck(text);
    if (!check.ok) return this.strike(peer, check.reason, check.detail);
    this.shows(peer, check.tip);
    if (!this.chain.isKnownBlock(check.tip)) this.askChainOf(address, "tip");
    for (const tx of check.mempool.slice(0, this.mempool.maxTxs)) this.onTransaction({ from: peer, answer: true }, tx);
  }

  private takeStream(peer: Peer, headers: readonly CheckedHeader[], announced: readonly (number | null)[], done: boolean): TakeOutcome {
    const r = this.chain.addHeaders(headers, announced, this.env.now());
    if (!r.ok) {
      this.counts.blockRefused(r.reason);
      this.refused(peer, "chain stream", r.reason, r.detail);
      return "refused";
    }
    this.shows(peer, headers.at(-1)?.block);
    if (r.status === "light") return "light";
    if (r.added.length > 0) {
      this.counts.blockAccepted("stream", r.added.length);
      this.connections.served(peer, "block");
      const ahead = this.verifyPool === null ? "" : `; ${this.verifyPool.verified} signatures verified ahead in ${this.verifyPool.size} threads so far`;
      this.env.log(`chain stream from ${describe(peer)}: ${r.added.length} new blocks, ${r.status}, height ${this.chain.height}${done ? "" : " (more coming)"}${ahead}`);
      // A tip reached by a stream is news to the other peers, who heard of none of its blocks live: announce it as a
      // live block, once the stream ends. A peer missing its parents asks for the chain (an orphan); without this,
      // a node on the losing side of a healed partition learned of the winning chain only from the next block mined.
      const announce = done && (r.status === "extended" || r.status === "reorg");
      this.commit(r, () => announce && this.announceTip(peer));
    }
    return "taken";
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
    this.persisted = Promise.all([this.persisted, written]).then(
      () => {
        this.emit({ type: "chain", change });
        this.emit({ type: "mempool", size: this.mempool.size });
        after();
        for (const c of returned) this.relay(encodeFrame(MessageType.CreateTransaction, c.tx), null);
      },
      (err: unknown) => {
        this.env.log(`store failed: ${String(err)}`);
        this.emit({ type: "store-error", detail: String(err) });
      },
    );
  }

  /** The tip as a live block (TYPE_REPLACE_CHAIN, with the difficulty announced for its child), relayed to the Tabnode peers but `except`. */
  private announceTip(except: Peer | null): void {
    const tip = this.chain.tip();
    if (tip.height > 0) this.relay(encodeFrame(MessageType.ReplaceChain, [tip.block, this.chain.difficulty()]), except);
  }

  /** What this node authored (its miner's block, its user's transaction): to every peer, tutorial nodes included. */
  private publish(frame: string): void {
    for (const p of this.connections.peers.sendable()) p.link.send(frame);
  }

  /**
   * What this node heard from others: to every Tabnode peer but the one it
   * came from. Never to a tutorial node: in a network of its own kind each
   * node hears each message once, from its author (PROTOCOL.md), and it keeps
   * every copy it hears (a payment heard twice is mined twice) and takes a
   * block it holds for a competing one (and votes).
   */
  private relay(frame: string, from: Peer | null): void {
    const skip = from?.address ?? null;
    for (const p of this.connections.peers.tabnodeSendable()) if (p.address !== skip) p.link.send(frame);
  }

  /** Sends a transaction of the mempool to every peer again (one authored while no peer could hear it); false if it is no longer waiting. */
  broadcastTransaction(tx: SignedTransaction): boolean {
    if (!this.mempool.holds(tx.signature)) return false;
    this.publish(encodeFrame(MessageType.CreateTransaction, tx));
    return true;
  }

  /** A transaction from this node's own user or API: admitted, then sent to every peer. */
  submitTransaction(value: unknown): Result<{ tx: SignedTransaction }> {
    return this.onTransaction({ from: null, answer: false }, value);
  }

  /** A block this node mined: accepted like any other, stored, then announced. */
  submitBlock(block: Block, announced: number): Result<{ change: ChainChange }> {
    return this.onBlock(null, block, announced);
  }

  // ---- misbehaviour ----------------------------------------------------------

  /** A refusal: held against the link unless an honest peer could cause it (and then only in bulk). */
  private refused(peer: Peer, what: string, reason: string, detail: string): void {
    if (!BENIGN.has(reason)) return this.strike(peer, reason, detail);
    const n = ++peer.benign;
    this.note(peer, `ignore ${reason}`, `ignore ${what} from ${describe(peer)}: ${reason}${n > 1 ? ` (${n} so far)` : ""}`);
    if (n % this.config.benignPerStrike === 0) this.strike(peer, reason, `${n} refusals of this kind from one link`);
  }

  /** A frame PROTOCOL.md documents as a tutorial node's (src/protocol/dialect.ts): one line per link, never a strike. */
  private quirk(peer: Peer, quirk: Quirk): void {
    if (peer.quirks.has(quirk)) return;
    peer.quirks.add(quirk);
    this.say(`quirk ${quirk}`, `tutorial quirk ${quirk} from ${describe(peer)}: documented in PROTOCOL.md, not held against it (logged once per link)`);
  }

  /** One line per bad frame; a link that keeps sending them is cut (connections.ts says what else it costs). */
  private strike(peer: Peer, reason: string, detail: string): void {
    this.say(`drop ${reason}`, `drop ${reason} from ${describe(peer)}: ${detail.slice(0, 160)}`);
    this.connections.strike(peer);
  }

  /** A log line a stranger could make this node repeat on one link: once a minute per kind and link, within the kind's budget. */
  private note(peer: Peer, kind: string, line: string): void {
    if (this.notes.allow(`${kind} ${peer.link.id}`, this.env.now(), 60_000)) this.say(kind, line);
  }

  /** A log line strangers could cause at will, within its kind's budget (a fixed set of kinds: reason codes). */
  private say(kind: string, line: string): void {
    this.lines.line(kind, this.env.now(), line);
  }
}

function describe(peer: Peer): string {
  return `${peer.direction}#${peer.link.id} ${peer.address ?? peer.link.remote}`;
}

function assertNever(m: never): never {
  throw new Error(`unhandled message ${JSON.stringify(m)}`);
}

/** A uniformly random index below n, from random bytes (rejection sampling, so no index is favoured). */
export function randomIndex(random: (n: number) => Uint8Array, n: number): number {
  if (n <= 1) return 0;
  const limit = Math.floor(0x1_0000_0000 / n) * n;
  for (;;) {
    const b = random(4);
    const x = ((b[0]! << 24) >>> 0) + (b[1]! << 16) + (b[2]! << 8) + b[3]!;
    if (x < limit) return x % n;
  }
}
