/**
 * A node built from the JeChain tutorial, on the simulated network: the
 * message handlers of JeChain v0.2.0's jecoin.js (which the article prints),
 * in its two forms, with their quirks kept (PROTOCOL.md "How seed nodes
 * behave"). Not Tabnode, not honest by Tabnode's rules: a participant whose
 * behaviour the mixed scenario measures.
 *
 * - Links are one-way: it reads only on links others opened to it, sends only
 *   on links it opened. A handshake makes it dial every address listed that
 *   is not in its `connected` list, which fills only when a link opens, so
 *   two handshakes naming one address before the first dial opens make two
 *   links. Its close handler removes `connected.indexOf(address)` from both
 *   lists: when the second of such twins closes, the address is gone already,
 *   that index is -1, and `splice(-1, 1)` forgets the last peer listed, whose
 *   link stays open but unused. A dial
 *   that fails emits 'error' with no listener: an uncaught exception, and no
 *   'close' (ws 8), so nothing is removed.
 * - Its blocked event loop: mining is one synchronous call (busy-loop.ts).
 *   Meanwhile its WebSocket library accepts no dial and answers no ping: the
 *   Tabnode nodes' heartbeat cuts its links, their dials to it time out
 *   (network.ts), and it learns of it all when the call returns.
 * - Every handler runs inside `process.on("uncaughtException")`: a request
 *   naming an address it has no link to, a vote with no answers, a signature
 *   elliptic cannot parse: the handler stops, the node goes on.
 *
 * Both forms answer REQUEST_INFO with the bare text "TYPE_SEND_INFO": the
 * article prints the same `socket.send("TYPE_SEND_INFO", [...])` as v0.2.0,
 * and ws takes the second argument for options. They differ in chain streams
 * only (see onRequestChain, onSendChain).
 */
import { blockPrefix, makeBlock, type Block } from "../core/block.ts";
import { sha256Hex } from "../core/hash.ts";
import { params } from "../core/params.ts";
import type { Transaction } from "../core/transaction.ts";
import { walletFromPrivateKey } from "../core/wallet.ts";
import { searchNonce } from "../miner/nonce-loop.ts";
import type { Link, LinkHandler, Transport } from "../node/transport.ts";
import { MessageType, encodeFrame } from "../protocol/messages.ts";
import { BusyLoop } from "./busy-loop.ts";
import type { SimClock } from "./clock.ts";
import type { SimNetwork } from "./network.ts";
import type { SimRandom } from "./random.ts";
import { SeedChain, seedBlockTxsValid, seedChainValid, seedGenesis, seedPow, seedSign, seedTxValid } from "./tutorial-chain.ts";

export type TutorialForm = "v0.2.0" | "article";

export interface TutorialSpec {
  readonly address: string;
  readonly form: TutorialForm;
  /** The IP its links come from. */
  readonly host: string;
  /** PEERS: dialed at start. */
  readonly peers: readonly string[];
  /** PRIVATE_KEY: its block rewards go to this key's address. */
  readonly privateKey: string;
  /**
   * Mining as an operator runs the README's snippet in a setInterval: every
   * `everyMs`, if its mempool is not empty. The search takes as long as
   * `hashrate` needs at its difficulty (an exponential draw, as SimPool), and
   * blocks the node for all of it: so the hash rate chooses the busy period.
   */
  readonly mining: { readonly hashrate: number; readonly everyMs: number } | null;
}

export interface TutorialWorld {
  readonly clock: SimClock;
  readonly network: SimNetwork;
  /** Every frame handled goes to the trace too (`--trace`). */
  readonly trace: boolean;
}

/** A mempool entry: the transaction and its JSON text (the seed compares transactions as text). */
interface Pooled {
  readonly tx: Transaction;
  readonly json: string;
}

interface SeedSocket {
  readonly link: Link;
  readonly address: string;
  state: "connecting" | "open" | "closed";
}

export interface TutorialStats {
  framesIn: number;
  dials: number;
  /** Its close handler's `splice(-1, 1)`: a peer forgotten for another's link closing. */
  forgotWrongPeer: number;
  /** Its links others closed, by the code and reason they gave. */
  readonly linksClosed: Map<string, number>;
  /** Hashes of the blocks it mined, and the signatures of the payments in them. */
  readonly mined: string[];
  readonly minedPayments: Set<string>;
  /** Extra copies of payments inside the blocks it mined (its pool keeps every copy it hears). */
  minedCopies: number;
  /** Live blocks (REPLACE_CHAIN) it took, and refused outside the vote by the first of its conditions that failed. */
  blocksTaken: number;
  readonly blocksRefused: Map<string, number>;
  readonly votes: { started: number; adopted: number; threw: number };
  readonly streams: { adopted: number; refused: number };
  /** Non-JSON answers to REQUEST_INFO it sent; SEND_INFO frames that overwrote its difficulty and mempool. */
  infoNotJson: number;
  infoTaken: number;
  readonly exceptions: Map<string, number>;
}

const MINT = params.mintAddress;
/** The vote's setTimeout. */
const VOTE_MS = 5_000;
/** Exceptions of one kind traced before they are only counted. */
const TRACED_PER_KIND = 5;

export class TutorialNode implements LinkHandler {
  readonly chain = new SeedChain();
  difficulty: number = params.initialDifficulty;
  transactions: Pooled[] = [];
  readonly publicKey: string;
  readonly loop: BusyLoop;
  readonly stats: TutorialStats = {
    framesIn: 0,
    dials: 0,
    forgotWrongPeer: 0,
    linksClosed: new Map(),
    mined: [],
    minedPayments: new Set(),
    minedCopies: 0,
    blocksTaken: 0,
    blocksRefused: new Map(),
    votes: { started: 0, adopted: 0, threw: 0 },
    streams: { adopted: 0, refused: 0 },
    infoNotJson: 0,
    infoTaken: 0,
    exceptions: new Map(),
  };
  startedAt: number | null = null;
  /** Payments typed at its console that its blocked loop has not got to yet. */
  readonly typedWaiting = new Set<Transaction>();
  /** The seed's `opened`: the links it sends on, one per address (`connected` holds the same addresses). */
  private readonly openedList: { socket: SeedSocket; address: string }[] = [];
  private readonly connected: string[] = [];
  private readonly sockets = new Map<number, SeedSocket>();
  private readonly check: unknown[] = [];
  private readonly checked: string[] = [];
  private checking = false;
  private tempChain: Block[] = [seedGenesis()];
  private transport: Transport | null = null;
  private miningStopped = false;

  constructor(
    readonly spec: TutorialSpec,
    private readonly world: TutorialWorld,
    private readonly rng: SimRandom,
  ) {
    this.publicKey = walletFromPrivateKey(spec.privateKey).address;
    this.loop = new BusyLoop(world.clock, (err) => this.uncaught(err));
  }

  get address(): string {
    return this.spec.address;
  }

  get form(): TutorialForm {
    return this.spec.form;
  }

  /** `node jecoin`: listens, dials PEERS, and the operator's mining interval starts. */
  start(): void {
    this.startedAt = this.world.clock.now;
    // Its WebSocket library accepts dials and answers pings only when its loop is free.
    this.transport = this.world.network.attach(this.address, this, this.spec.host, false, (task) => this.loop.run(task), false);
    this.spec.peers.forEach((peer) => this.connect(peer));
    const mining = this.spec.mining;
    if (mining !== null) {
      const tick = () => {
        if (this.miningStopped) return;
        this.loop.timeout(tick, mining.everyMs);
        if (this.transactions.length !== 0) this.mine(mining.hashrate);
      };
      this.loop.timeout(tick, mining.everyMs);
    }
  }

  /** The operator clears its interval (a block being searched still ends: the call cannot be interrupted). */
  stopMining(): void {
    this.miningStopped = true;
  }

  // ---- what its operator types ------------------------------------------------

  /** sendTransaction (the README): broadcast on its links, then into its own pool. */
  submit(tx: Transaction): void {
    // Typed into a blocked node, it waits for the loop like everything else.
    this.typedWaiting.add(tx);
    this.loop.run(() => {
      this.typedWaiting.delete(tx);
      this.sendMessage(encodeFrame(MessageType.CreateTransaction, tx));
      this.addTransaction(tx);
    });
  }

  /** The README's "request for a chain and chain's info" from an address it trusts, on its link there. */
  requestChainAndInfo(address: string): void {
    this.loop.run(() => {
      const socket = this.socketFor(address);
      this.send(socket, encodeFrame(MessageType.RequestChain, this.address));
      this.send(socket, encodeFrame(MessageType.RequestInfo, this.address));
    });
  }

  // ---- links (the network's events, through the blocked loop) -------------------

  opened(link: Link): void {
    if (link.direction === "out") this.loop.run(() => this.onOpen(link));
  }

  message(link: Link, text: string): void {
    // A client socket has no 'message' listener: only links others opened are read.
    if (link.direction === "in") this.loop.run(() => this.onFrame(text));
  }

  closed(link: Link, why: string): void {
    if (link.direction === "out") this.loop.run(() => this.onClose(link, why));
  }

  private connect(address: string): void {
    if (this.connected.includes(address) || address === this.address || this.transport === null) return;
    const link = this.transport.dial(address);
    this.sockets.set(link.id, { link, address, state: "connecting" });
    this.stats.dials++;
  }

  private onOpen(link: Link): void {
    const socket = this.sockets.get(link.id);
    if (socket === undefined) return;
    socket.state = "open";
    const address = socket.address;
    this.send(socket, encodeFrame(MessageType.Handshake, [this.address, ...this.connected]));
    this.openedList.forEach((node) => this.send(node.socket, encodeFrame(MessageType.Handshake, [address])));
    if (!this.openedList.some((p) => p.address === address) && address !== this.address) this.openedList.push({ socket, address });
    if (!this.connected.includes(address) && address !== this.address) this.connected.push(address);
  }

  private onClose(link: Link, why: string): void {
    const socket = this.sockets.get(link.id);
    if (socket === undefined) return;
    this.sockets.delete(link.id);
    if (socket.state === "connecting") throw new Error(`Unhandled 'error' event (dial ${why})`);
    socket.state = "closed";
    this.stats.linksClosed.set(why, (this.stats.linksClosed.get(why) ?? 0) + 1);
    const index = this.connected.indexOf(socket.address);
    if (index === -1 && this.connected.length > 0) {
      this.stats.forgotWrongPeer++;
      this.note(`link to ${socket.address} closed (${why}); it was not listed, so splice(-1, 1) forgets ${this.connected[this.connected.length - 1]}`);
    }
    this.openedList.splice(index, 1);
    this.connected.splice(this.connected.indexOf(socket.address), 1);
  }

  private send(socket: SeedSocket, text: string): void {
    // ws drops what is sent on a closed socket without a word.
    if (socket.state === "open") socket.link.send(text);
  }

  private sendMessage(text: string): void {
    this.openedList.forEach((node) => this.send(node.socket, text));
  }

  /** `opened.filter(node => node.address === address)[0].socket`: a TypeError when there is none. */
  private socketFor(address: unknown): SeedSocket {
    const found = this.openedList.filter((node) => node.address === address)[0];
    if (found === undefined) throw new TypeError("Cannot read properties of undefined (reading 'socket')");
    return found.socket;
  }

  // ---- frames -------------------------------------------------------------------

  private onFrame(text: string): void {
    this.stats.framesIn++;
    if (this.world.trace) this.note(`handles ${text.slice(0, 60)}`);
    const message = JSON.parse(text) as { type: unknown; data: unknown };
    const data = message.data;
    switch (message.type) {
      case MessageType.ReplaceChain:
        return this.onReplaceChain(data as [Block, number]);
      case MessageType.RequestCheck:
        return this.send(this.socketFor(data), encodeFrame(MessageType.SendCheck, JSON.stringify([this.chain.last, this.transactions.map((p) => p.tx), this.difficulty])));
      case MessageType.SendCheck:
        if (this.checking) this.check.push(data);
        return;
      case MessageType.CreateTransaction:
        return this.addTransaction(data as Transaction);
      case MessageType.SendChain:
        return this.onSendChain(data as { block: Block; finished: boolean });
      case MessageType.RequestChain:
        return this.onRequestChain(data);
      case MessageType.RequestInfo:
        this.send(this.socketFor(data), "TYPE_SEND_INFO");
        this.stats.infoNotJson++;
        return;
      case MessageType.SendInfo: {
        const [difficulty, transactions] = data as [number, Transaction[]];
        this.difficulty = difficulty;
        this.transactions = transactions.map(pooled);
        this.stats.infoTaken++;
        return this.note(`SEND_INFO overwrote its difficulty (${difficulty}) and mempool (${transactions.length})`);
      }
      case MessageType.Handshake:
        return (data as string[]).forEach((node) => this.connect(node));
    }
  }

  private addTransaction(tx: Transaction): void {
    // No duplicate check: a payment heard twice is kept twice.
    if (seedTxValid(tx, this.chain.balances())) this.transactions.push(pooled(tx));
  }

  /**
   * A live block: taken only if every non-reward transaction is in its pool
   * (as text), the hash holds on its tip, the proof of work at its own
   * difficulty, the timestamp after its tip's and before its clock, and the
   * announced difficulty is its own plus or minus 1. A block beside its tip
   * (the same parent) starts the vote instead.
   */
  private onReplaceChain([newBlock, newDiff]: [Block, number]): void {
    const last = this.chain.last;
    if (newBlock.prevHash !== last.prevHash) {
      const ourTx = this.transactions.map((p) => p.json);
      const theirTx = newBlock.data.filter((tx) => tx.from !== MINT).map((tx) => JSON.stringify(tx));
      const n = theirTx.length;
      for (let i = 0; i < n; i++) {
        const index = ourTx.indexOf(theirTx[0]!);
        if (index === -1) break;
        ourTx.splice(index, 1);
        theirTx.splice(0, 1);
      }
      // The seed's one `&&` chain, in its order: the first condition that fails ends it (and one that throws, throws).
      const conditions: readonly (readonly [string, () => boolean])[] = [
        ["not-in-its-mempool", () => theirTx.length === 0],
        ["hash-on-its-tip", () => sha256Hex(last.hash + newBlock.timestamp + JSON.stringify(newBlock.data) + newBlock.nonce) === newBlock.hash],
        ["proof-of-work-at-its-difficulty", () => seedPow(newBlock.hash, this.difficulty)],
        ["transactions", () => seedBlockTxsValid(newBlock, this.chain.balances())],
        ["timestamp-not-after-its-tip", () => parseInt(newBlock.timestamp) > parseInt(last.timestamp) || last.timestamp === ""],
        ["timestamp-not-before-its-clock", () => parseInt(newBlock.timestamp) < this.world.clock.now],
        ["not-on-its-tip", () => last.hash === newBlock.prevHash],
        ["difficulty-not-its-own-plus-or-minus-1", () => newDiff + 1 === this.difficulty || newDiff - 1 === this.difficulty],
      ];
      const failed = conditions.find(([, holds]) => !holds());
      if (failed === undefined) {
        this.chain.push(newBlock);
        this.difficulty = newDiff;
        this.transactions = ourTx.map((json) => ({ tx: JSON.parse(json) as Transaction, json }));
        this.stats.blocksTaken++;
        if (this.world.trace) this.note(`takes block ${this.chain.length - 1} ${newBlock.hash.slice(0, 12)}, difficulty ${newDiff}`);
      } else {
        this.stats.blocksRefused.set(failed[0], (this.stats.blocksRefused.get(failed[0]) ?? 0) + 1);
      }
    } else if (!this.checked.includes(JSON.stringify([newBlock.prevHash, this.chain.at(this.chain.length - 2)!.timestamp || ""]))) {
      this.checked.push(JSON.stringify([last.prevHash, this.chain.at(this.chain.length - 2)!.timestamp || ""]));
      const position = this.chain.length - 1;
      this.checking = true;
      this.sendMessage(encodeFrame(MessageType.RequestCheck, this.address));
      this.stats.votes.started++;
      this.note(`block ${newBlock.hash.slice(0, 12)} competes with its tip ${last.hash.slice(0, 12)} at ${position}: REQUEST_CHECK to ${this.openedList.length} peers, vote in 5 s`);
      this.loop.timeout(() => this.endVote(position), VOTE_MS);
    }
  }

  /** The answer sent most often wins: its block goes in at `position`, its mempool and difficulty replace this node's. */
  private endVote(position: number): void {
    this.checking = false;
    let mostAppeared = this.check[0];
    const count = (g: unknown) => this.check.filter((x) => x === g).length;
    for (const group of this.check) if (count(group) > count(mostAppeared)) mostAppeared = group;
    let group: [Block, Transaction[], number];
    try {
      // JSON.parse(undefined) when nobody answered, or an earlier round took this one's answers.
      group = JSON.parse(mostAppeared as string) as [Block, Transaction[], number];
    } catch (err) {
      this.stats.votes.threw++;
      throw err;
    }
    const replaced = this.chain.at(position);
    this.chain.set(position, group[0]);
    this.transactions = [...group[1]].map(pooled);
    this.difficulty = group[2];
    this.stats.votes.adopted++;
    this.note(`vote of ${this.check.length} answers puts ${group[0].hash.slice(0, 12)} at ${position} (was ${replaced?.hash.slice(0, 12) ?? "nothing"}), difficulty ${group[2]}, mempool ${group[1].length}${this.chain.linked() ? "" : "; its chain no longer links"}`);
    this.check.splice(0, this.check.length);
  }

  /**
   * Both forms collect blocks into one `tempChain` (from a fresh genesis) and,
   * on `finished`, take it whole if it links and its signatures and balances
   * hold: no proof of work, no comparison of work. v0.2.0 drops the block
   * that carries `finished`; the article keeps it.
   */
  private onSendChain({ block, finished }: { block: Block; finished: boolean }): void {
    if (this.form === "article" || !finished) this.tempChain.push(block);
    if (!finished) return;
    if (seedChainValid(this.tempChain)) {
      this.chain.replace(this.tempChain);
      this.stats.streams.adopted++;
      this.note(`takes a chain stream: height ${this.chain.length - 1}, tip ${this.chain.last.hash.slice(0, 12)}`);
    } else {
      this.stats.streams.refused++;
      this.note(`refuses a chain stream of ${this.tempChain.length} blocks`);
    }
    this.tempChain = [seedGenesis()];
  }

  /** v0.2.0 sends blocks 0..n-1 and never sets `finished`; the article sends 1..n-1 with `finished` on the last. */
  private onRequestChain(address: unknown): void {
    const socket = this.socketFor(address);
    const chain = this.chain.all();
    const first = this.form === "v0.2.0" ? 0 : 1;
    for (let i = first; i < chain.length; i++) {
      const finished = this.form === "v0.2.0" ? i === chain.length : i === chain.length - 1;
      this.send(socket, encodeFrame(MessageType.SendChain, { block: chain[i], finished }));
    }
  }

  // ---- mining ---------------------------------------------------------------------

  /**
   * mineTransactions: every transaction of its pool after the reward, stamped
   * now, searched at its own difficulty, the whole search one synchronous
   * call; then the seed's difficulty rule (+1 under 30 s, else -1, down to 0
   * and below), the pool emptied, and the block sent to every peer.
   */
  private mine(hashrate: number): void {
    let gas = 0;
    this.transactions.forEach((p) => (gas += p.tx.gas));
    const reward = seedSign(params.mintPrivateKey, { from: MINT, to: this.publicKey, amount: params.reward + gas, gas: 0 });
    const data = [reward, ...this.transactions.map((p) => p.tx)];
    const timestamp = String(this.world.clock.now);
    const prevHash = this.chain.last.hash;
    const difficulty = this.difficulty;
    seedPow("", difficulty); // Array(difficulty + 1) throws below -1, before any search
    const searchMs = difficulty <= 0 ? 1 : this.rng.exponential((16 ** difficulty / hashrate) * 1000);
    this.loop.block(searchMs, () => {
      const prefix = blockPrefix({ prevHash, timestamp, data });
      // The seed counts nonces up from 0: its nonce is the first that meets the difficulty.
      let found = searchNonce(prefix, difficulty, 0, 1_000_000);
      while (!found.found) found = searchNonce(prefix, difficulty, found.next, 1_000_000);
      const block = makeBlock(timestamp, data, prevHash, found.hash, found.nonce);
      this.chain.push(block);
      this.difficulty += this.world.clock.now - parseInt(timestamp) < params.blockTimeMs ? 1 : -1;
      this.transactions.splice(0, data.length - 1);
      this.stats.mined.push(block.hash);
      for (const tx of data.slice(1)) if (tx.signature !== undefined) this.stats.minedPayments.add(tx.signature);
      const distinct = new Set(data.slice(1).map((tx) => tx.signature)).size;
      this.stats.minedCopies += data.length - 1 - distinct;
      this.note(`mined block ${this.chain.length - 1} ${block.hash.slice(0, 12)} on ${prevHash.slice(0, 12)}: ${data.length - 1} payments (${distinct} distinct), ${Math.round(searchMs / 1000)} s blocked, announces difficulty ${this.difficulty}`);
      this.sendMessage(encodeFrame(MessageType.ReplaceChain, [block, this.difficulty]));
    });
  }

  // ---- what the report reads -----------------------------------------------------------

  /** Links it can send on now (its `opened` list, open sockets only). */
  get sendable(): number {
    return this.openedList.filter((n) => n.socket.state === "open").length;
  }

  /** Extra copies of payments in its chain: each signature counted beyond its first. */
  paymentsMinedTwice(): number {
    const seen = new Set<string>();
    let extra = 0;
    this.chain.all().forEach((block) => {
      for (const tx of block.data) {
        if (tx.from === MINT || tx.signature === undefined) continue;
        if (seen.has(tx.signature)) extra++;
        else seen.add(tx.signature);
      }
    });
    return extra;
  }

  private uncaught(err: unknown): void {
    const kind = err instanceof Error ? `${err.name}: ${err.message}`.replace(/\(dial .*\)/, "(dial)").slice(0, 80) : String(err).slice(0, 80);
    const n = (this.stats.exceptions.get(kind) ?? 0) + 1;
    this.stats.exceptions.set(kind, n);
    if (n <= TRACED_PER_KIND) this.note(`uncaught ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
  }

  private note(text: string): void {
    this.world.clock.trace(`${this.address}: ${text}`);
  }
}

function pooled(tx: Transaction): Pooled {
  return { tx, json: JSON.stringify(tx) };
}
