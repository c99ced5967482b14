/**
 * Attack primitives against a JeChain node, for the hostile-peer tests and
 * `npm run bench:attacks`. Written from PROTOCOL.md, independently of src/:
 * hashing with node:crypto, signing with elliptic, frames built as text. So
 * what a node is fed here is what any stranger on the network could send,
 * not what Tabnode's own code would make of it.
 *
 * Everything listens and dials on 127.0.0.1 only, on ports the system picks;
 * whoever starts something here closes it (every class has close()).
 */
import { createHash, randomBytes, type Hash } from "node:crypto";
import { createServer, type Server } from "node:net";
import type { AddressInfo } from "node:net";
import elliptic from "elliptic";
import { WebSocket, WebSocketServer } from "ws";
import { TABNODE_HEADER, TABNODE_HEADER_VALUE } from "../../src/protocol/dialect.ts";

const ec = new elliptic.ec("secp256k1");
/** The mint key is public in the seed article (PROTOCOL.md "Values"). */
const MINT = ec.keyFromPrivate("0700a1ad28a20e5b2a517c00242d3e25a88d84bf54dce9e1733e6096e6d6495e", "hex");
export const GENESIS_HASH = "575a32fecd32f9ad6af406502704835001ee833d79bc21af8e2f25a201912a66";
/** The largest frame a Tabnode reads (1 MiB); what is sent here stays under it. */
export const FRAME_CAP = 1 << 20;

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

export interface RawTx {
  readonly from: string;
  readonly to: string;
  readonly amount: number;
  readonly gas: number;
  readonly signature: string;
}

function signTx(key: elliptic.ec.KeyPair, to: string, amount: number, gas: number): RawTx {
  const from = key.getPublic("hex");
  const signature = key.sign(sha256(from + to + amount + gas)).toDER("hex");
  return { from, to, amount, gas, signature };
}

export const newKey = (): elliptic.ec.KeyPair => ec.genKeyPair();
export const addressOf = (key: elliptic.ec.KeyPair): string => key.getPublic("hex");

/** A reward for `to`: 297 (PROTOCOL.md), signed with the mint key, no gas. */
export const mintReward = (to: string, amount = 297): RawTx => signTx(MINT, to, amount, 0);

/**
 * `count` payments, each validly signed, from a key that owns nothing: every
 * rule a block's header and a signature check can see holds, and a full
 * validation refuses the first one for its balance. Distinct amounts, so
 * distinct signatures. About 450 bytes each as JSON.
 */
export function unfundedPayments(count: number, from = newKey(), to = addressOf(newKey())): RawTx[] {
  return Array.from({ length: count }, (_, i) => signTx(from, to, 1 + i, 0));
}

/** What a block's data costs in JSON text: how many payments (plus the reward) make a block of about `bytes`. */
export function paymentsFor(bytes: number): number {
  return Math.max(0, Math.floor((bytes - 600) / 452));
}

/** A mined block as the wire carries it: its JSON text (key order as PROTOCOL.md), hash, stamp, and difficulty. */
export interface ForgedBlock {
  readonly text: string;
  readonly hash: string;
  readonly prevHash: string;
  readonly timestamp: number;
  /** The difficulty it was mined at, and the one announced with it (±1, never below 1). */
  readonly difficulty: number;
  readonly announced: number;
  readonly bytes: number;
}

/** The announcement that keeps a cheap branch cheap: 1 -> 2 -> 1 -> 2 ... */
export const cheapAnnouncement = (difficulty: number): number => (difficulty > 1 ? difficulty - 1 : difficulty + 1);

/**
 * Mines blocks over one fixed `data` (its JSON is computed once): the hash is
 * SHA256(prevHash + timestamp + JSON(data) + nonce), so the prefix's state
 * is hashed once per block and each nonce costs a copy of it.
 */
export class BlockForge {
  readonly dataJson: string;

  constructor(readonly data: readonly RawTx[]) {
    this.dataJson = JSON.stringify(data);
  }

  forge(prevHash: string, timestamp: number, difficulty: number, announced = cheapAnnouncement(difficulty)): ForgedBlock {
    const stamp = String(timestamp);
    const prefix: Hash = createHash("sha256").update(prevHash + stamp + this.dataJson);
    const zeros = "0".repeat(difficulty);
    for (let nonce = 0; ; nonce++) {
      const hash = prefix.copy().update(String(nonce)).digest("hex");
      if (!hash.startsWith(zeros)) continue;
      const text = `{"timestamp":${JSON.stringify(stamp)},"data":${this.dataJson},"prevHash":"${prevHash}","hash":"${hash}","nonce":${nonce}}`;
      return { text, hash, prevHash, timestamp, difficulty, announced, bytes: text.length };
    }
  }

  /**
   * A branch of `count` blocks on `parent`, each at the least difficulty the
   * rules allow after the one before (1, 2, 1, 2...: seconds of work in all),
   * stamped 1 ms apart after the parent.
   */
  *branch(parent: { hash: string; timestamp: number; next: number }, count: number): Generator<ForgedBlock> {
    let prev = parent.hash;
    let difficulty = parent.next;
    for (let i = 1; i <= count; i++) {
      const block = this.forge(prev, parent.timestamp + i, difficulty);
      yield block;
      prev = block.hash;
      difficulty = block.announced;
    }
  }
}

/** Blocks whose parent nobody has: a random prevHash each, at difficulty 1. */
export function* orphans(forge: BlockForge, count: number, timestamp = Date.now()): Generator<ForgedBlock> {
  for (let i = 0; i < count; i++) yield forge.forge(randomBytes(32).toString("hex"), timestamp + i, 1);
}

// ---- frames -------------------------------------------------------------------

export const handshakeFrame = (addresses: readonly string[]) => JSON.stringify({ type: "TYPE_HANDSHAKE", data: addresses });
export const sendChainFrame = (block: ForgedBlock | string, finished = false) =>
  `{"type":"TYPE_SEND_CHAIN","data":{"block":${typeof block === "string" ? block : block.text},"finished":${finished}}}`;
export const replaceChainFrame = (block: ForgedBlock) => `{"type":"TYPE_REPLACE_CHAIN","data":[${block.text},${block.announced}]}`;

/** A SEND_CHAIN frame of about `bytes` whose "block" is no block at all. */
export function junkFrame(bytes: number): string {
  const head = '{"type":"TYPE_SEND_CHAIN","data":{"block":{"junk":"';
  const tail = '"},"finished":false}}';
  return head + "x".repeat(Math.max(0, bytes - head.length - tail.length)) + tail;
}

// ---- links --------------------------------------------------------------------

const local = (port: number) => `ws://127.0.0.1:${port}`;

/** A raw WebSocket to a node's port: whatever is sent on it, nothing answers for it. */
export class RawLink {
  readonly closed: Promise<{ code: number; reason: string }>;
  private constructor(readonly socket: WebSocket) {
    this.closed = new Promise((done) => socket.once("close", (code, reason) => done({ code, reason: reason.toString() })));
  }

  /** Opens a link to a node on 127.0.0.1 and, if `handshake` is given, sends it first (its first address is the claim). */
  static async open(port: number, handshake?: readonly string[]): Promise<RawLink> {
    const socket = new WebSocket(local(port), { maxPayload: FRAME_CAP });
    socket.on("error", () => {});
    await new Promise<void>((done, failed) => {
      socket.once("open", () => done());
      socket.once("close", (code) => failed(new Error(`link to ${port} closed before it opened (${code})`)));
    });
    const link = new RawLink(socket);
    if (handshake !== undefined) await link.send(handshakeFrame(handshake));
    return link;
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  /** Sends a frame and resolves once it is handed to the kernel (so a flood paces itself); false if the link is gone. */
  send(text: string): Promise<boolean> {
    if (!this.isOpen) return Promise.resolve(false);
    return new Promise((done) => this.socket.send(text, (err) => done(err == null)));
  }

  close(): void {
    this.socket.terminate();
  }
}

/**
 * `n` sockets that open a WebSocket to the node and never say a word; with
 * `reopen`, each one the node lets go is opened again at once, as a
 * determined attacker would, until close().
 */
export class IdleCrowd {
  private readonly sockets = new Set<WebSocket>();
  private stopped = false;
  /** Sockets the node closed (named nothing in time, evicted, refused). */
  dropped = 0;

  private constructor(private readonly port: number, private readonly reopen: boolean) {}

  static async open(port: number, n: number, reopen = true): Promise<IdleCrowd> {
    const crowd = new IdleCrowd(port, reopen);
    await Promise.all(Array.from({ length: n }, () => crowd.add()));
    return crowd;
  }

  get open(): number {
    let n = 0;
    for (const s of this.sockets) if (s.readyState === WebSocket.OPEN) n++;
    return n;
  }

  private add(): Promise<void> {
    const socket = new WebSocket(local(this.port));
    this.sockets.add(socket);
    socket.on("error", () => {});
    socket.once("close", () => {
      this.sockets.delete(socket);
      if (this.stopped) return;
      this.dropped++;
      if (this.reopen) setTimeout(() => void this.add(), 50);
    });
    return new Promise((done) => {
      socket.once("open", () => done());
      socket.once("close", () => done());
    });
  }

  close(): void {
    this.stopped = true;
    for (const s of this.sockets) s.terminate();
    this.sockets.clear();
  }
}

/** WebSocket servers on 127.0.0.1 that accept and then do nothing: no frame, no link back. */
export class SilentServers {
  private connections = 0;
  private constructor(private readonly servers: WebSocketServer[]) {
    for (const s of servers) s.on("connection", () => this.connections++);
  }

  static async start(n: number): Promise<SilentServers> {
    const servers = await Promise.all(
      Array.from({ length: n }, async () => {
        const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
        await new Promise((done) => wss.once("listening", done));
        return wss;
      }),
    );
    return new SilentServers(servers);
  }

  get addresses(): string[] {
    return this.servers.map((s) => local((s.address() as AddressInfo).port));
  }

  /** Connections accepted so far, all servers together. */
  get accepted(): number {
    return this.connections;
  }

  async close(): Promise<void> {
    await Promise.all(
      this.servers.map((s) => {
        for (const c of s.clients) c.terminate();
        return new Promise((done) => s.close(done));
      }),
    );
  }
}

/**
 * A TCP listener on 127.0.0.1 that counts connection attempts and drops each
 * at once: a dead address, whose every dial is counted exactly.
 */
export class DeadAddress {
  readonly attempts: number[] = [];
  private constructor(private readonly server: Server) {
    server.on("connection", (socket) => {
      this.attempts.push(Date.now());
      socket.destroy();
    });
  }

  static async start(): Promise<DeadAddress> {
    const server = createServer();
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", () => done()));
    return new DeadAddress(server);
  }

  get address(): string {
    return local((this.server.address() as AddressInfo).port);
  }

  /** Dials counted since `since` (ms since the epoch). */
  dialsSince(since: number): number {
    return this.attempts.filter((t) => t >= since).length;
  }

  close(): Promise<void> {
    return new Promise((done) => this.server.close(() => done()));
  }
}

/**
 * An honest peer, as small as a JeChain peer can be: it listens on
 * 127.0.0.1, dials a node and introduces itself, dials back whoever
 * introduces itself to it (links are one-way), answers nothing, and records
 * every frame it hears with the address the sending link claimed. `cut()`
 * drops every link as a network cut would, and it keeps listening. It shows
 * Tabnode's upgrade header both ways (src/protocol/dialect.ts), as the honest
 * Tabnode peer it stands for would, so it is relayed what the node hears.
 */
export class HonestPeer {
  /** Frames heard: the address the link claimed in its first handshake (null before any), and the text. */
  readonly heard: { from: string | null; text: string }[] = [];
  private readonly out = new Map<string, WebSocket>();

  private constructor(private readonly wss: WebSocketServer) {
    wss.on("connection", (socket) => {
      let from: string | null = null;
      socket.on("message", (raw) => {
        const text = raw.toString();
        if (from === null && text.startsWith('{"type":"TYPE_HANDSHAKE"')) {
          const first = (JSON.parse(text) as { data: string[] }).data[0];
          if (first !== undefined) {
            from = first;
            this.dial(first);
          }
        }
        this.heard.push({ from, text });
      });
    });
  }

  static async start(): Promise<HonestPeer> {
    const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, maxPayload: FRAME_CAP });
    wss.on("headers", (headers) => headers.push(`${TABNODE_HEADER}: ${TABNODE_HEADER_VALUE}`));
    await new Promise((done) => wss.once("listening", done));
    return new HonestPeer(wss);
  }

  get address(): string {
    return local((this.wss.address() as AddressInfo).port);
  }

  /** Links others opened to it, still open. */
  get inbound(): number {
    return this.wss.clients.size;
  }

  /** Dials `address` (once) and introduces itself on the new link. */
  dial(address: string): void {
    if (this.out.has(address)) return;
    const socket = new WebSocket(address, { maxPayload: FRAME_CAP, headers: { [TABNODE_HEADER]: TABNODE_HEADER_VALUE } });
    this.out.set(address, socket);
    socket.on("error", () => {});
    socket.on("open", () => socket.send(handshakeFrame([this.address])));
    socket.on("close", () => {
      if (this.out.get(address) === socket) this.out.delete(address);
    });
  }

  /** Whether its own link to `address` is open. */
  linkedTo(address: string): boolean {
    return this.out.get(address)?.readyState === WebSocket.OPEN;
  }

  /** Sends a frame on every link it opened. */
  broadcast(text: string): void {
    for (const s of this.out.values()) if (s.readyState === WebSocket.OPEN) s.send(text);
  }

  /** Frames of a type heard, optionally only from links claiming `from`. */
  count(type: string, from?: string): number {
    return this.heard.filter((h) => h.text.startsWith(`{"type":"${type}"`) && (from === undefined || h.from === from)).length;
  }

  /** Every link, both ways, dropped; it still listens. */
  cut(): void {
    for (const s of this.out.values()) s.terminate();
    this.out.clear();
    for (const c of this.wss.clients) c.terminate();
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise((done) => this.wss.close(done));
  }
}

/** An honest block on a node's tip: the reward alone, mined at the difficulty in force, stamped now. */
export function honestBlock(tip: { hash: string; timestamp: number }, difficulty: number, miner = addressOf(newKey())): ForgedBlock {
  return new BlockForge([mintReward(miner)]).forge(tip.hash, Math.max(Date.now(), tip.timestamp + 1), difficulty);
}
