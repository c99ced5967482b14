/**
 * A peer that behaves like a node built from the JeChain tutorial, written for
 * the tests from PROTOCOL.md and the seed article, independently of src/: its
 * own hashing (node:crypto), signing (elliptic's defaults: deterministic,
 * high-S half the time), one-way connections, the article's REPLACE_CHAIN and
 * SEND_CHAIN handling, and both dialects: the article's (streams blocks
 * 1..n-1 with `finished` on the last, keeps the block that carries it) and
 * v0.2.0's (streams genesis included, never sets `finished`, drops the block
 * that carries it). Like v0.2.0 it answers REQUEST_INFO with a frame that is
 * not JSON, and takes SEND_INFO's difficulty and mempool as orders.
 *
 * Like both, its mempool has no duplicate check (a payment heard twice is
 * kept, and mined, twice), and it mines synchronously: `mine({ stallMs })`
 * keeps its event loop busy for that long, answering no ping meanwhile
 * (test/support/seed-process.ts runs it in a process of its own for that). A
 * block beside its tip (a competing one, or one it holds heard again) would
 * start its REQUEST_CHECK vote: counted in `competing`, the vote itself left
 * out. What it does is logged to `log` (its console).
 */
import { createHash } from "node:crypto";
import type { AddressInfo } from "node:net";
import elliptic from "elliptic";
import { WebSocket, WebSocketServer } from "ws";

const ec = new elliptic.ec("secp256k1");
const SHA256 = (m: string) => createHash("sha256").update(m).digest("hex");
const MINT_KEY_PAIR = ec.keyFromPrivate("0700a1ad28a20e5b2a517c00242d3e25a88d84bf54dce9e1733e6096e6d6495e", "hex");
const MINT_PUBLIC_ADDRESS = MINT_KEY_PAIR.getPublic("hex");
const HOLDER = "04719af634ece3e9bf00bfd7c58163b2caf2b8acd1a437a3e99a093c8dd7b1485c20d8a4c9f6621557f1d583e0fcff99f3234dd1bb365596d1d67909c270c16d64";

export interface SeedTx { from: string; to: string; amount: number; gas: number; signature?: string }
export interface SeedBlock { timestamp: string; data: SeedTx[]; prevHash: string; hash: string; nonce: number }

const getHash = (b: { prevHash: string; timestamp: string; data: SeedTx[]; nonce?: number }) => SHA256(b.prevHash + b.timestamp + JSON.stringify(b.data) + b.nonce);

function newTransaction(from: string, to: string, amount: number, gas = 0): SeedTx {
  return { from, to, amount, gas };
}

function newBlock(timestamp: string, data: SeedTx[]): SeedBlock {
  const block = { timestamp, data, prevHash: "" } as SeedBlock;
  block.hash = getHash(block); // before nonce exists: the genesis quirk
  block.nonce = 0;
  return block;
}

function sign(tx: SeedTx, keyPair: elliptic.ec.KeyPair): void {
  tx.signature = keyPair.sign(SHA256(tx.from + tx.to + tx.amount + tx.gas)).toDER("hex");
}

export class SeedPeer {
  readonly chain: SeedBlock[] = [newBlock("", [newTransaction(MINT_PUBLIC_ADDRESS, HOLDER, 100000000)])];
  difficulty = 1;
  transactions: SeedTx[] = [];
  readonly opened: { socket: WebSocket; address: string }[] = [];
  readonly connected: string[] = [];
  readonly received: string[] = [];
  /** Blocks beside its tip it was sent: each would start its vote. */
  competing = 0;
  /** Live blocks it refused. */
  refused = 0;
  readonly log: string[] = [];
  private tempChain: SeedBlock[] = [this.chain[0]!];
  readonly keyPair: elliptic.ec.KeyPair;
  readonly publicKey: string;
  address = "";
  private server!: WebSocketServer;

  constructor(privateKey: string, private readonly streamForm: "article" | "v0.2.0" = "article") {
    this.keyPair = ec.keyFromPrivate(privateKey, "hex");
    this.publicKey = this.keyPair.getPublic("hex");
  }

  async listen(): Promise<void> {
    this.server = new WebSocketServer({ port: 0, host: "127.0.0.1" });
    await new Promise((r) => this.server.once("listening", r));
    this.address = `ws://localhost:${(this.server.address() as AddressInfo).port}`;
    this.server.on("connection", (socket) => {
      socket.on("message", (raw) => {
        const text = raw.toString();
        this.received.push(text);
        try {
          this.handle(JSON.parse(text));
        } catch (err) {
          // The seed: process.on("uncaughtException", err => console.log(err)).
        }
      });
    });
  }

  async close(): Promise<void> {
    for (const { socket } of this.opened) socket.terminate();
    for (const client of this.server.clients) client.terminate();
    await new Promise((r) => this.server.close(r));
  }

  /** How many connections others have opened to this peer. */
  serverClients(): number {
    return this.server.clients.size;
  }

  connect(address: string): void {
    if (this.connected.includes(address) || address === this.address) return;
    const socket = new WebSocket(address);
    socket.on("error", () => {});
    socket.on("open", () => {
      socket.send(JSON.stringify({ type: "TYPE_HANDSHAKE", data: [this.address, ...this.connected] }));
      this.opened.forEach((node) => node.socket.send(JSON.stringify({ type: "TYPE_HANDSHAKE", data: [address] })));
      if (!this.opened.find((p) => p.address === address)) this.opened.push({ socket, address });
      if (!this.connected.includes(address)) this.connected.push(address);
    });
    socket.on("close", () => {
      this.opened.splice(this.connected.indexOf(address), 1);
      this.connected.splice(this.connected.indexOf(address), 1);
    });
  }

  sendMessage(message: unknown): void {
    this.opened.forEach((node) => node.socket.send(JSON.stringify(message)));
  }

  private socketFor(address: string): WebSocket {
    return this.opened.filter((node) => node.address === address)[0]!.socket;
  }

  getBalance(address: string, chain = this.chain): number {
    let balance = 0;
    for (const block of chain) for (const tx of block.data) {
      if (tx.from === address) balance -= tx.amount + tx.gas;
      if (tx.to === address) balance += tx.amount;
    }
    return balance;
  }

  isValidTx(tx: SeedTx, chain = this.chain): boolean {
    return Boolean(
      tx.from && tx.to && tx.amount &&
        (this.getBalance(tx.from, chain) >= tx.amount + tx.gas || tx.from === MINT_PUBLIC_ADDRESS) &&
        ec.keyFromPublic(tx.from, "hex").verify(SHA256(tx.from + tx.to + tx.amount + tx.gas), tx.signature!),
    );
  }

  hasValidTransactions(block: SeedBlock, chain = this.chain): boolean {
    let gas = 0, reward = 0;
    block.data.forEach((tx) => {
      if (tx.from !== MINT_PUBLIC_ADDRESS) gas += tx.gas;
      else reward = tx.amount;
    });
    return reward - gas === 297 && block.data.every((tx) => this.isValidTx(tx, chain)) && block.data.filter((tx) => tx.from === MINT_PUBLIC_ADDRESS).length === 1;
  }

  isValidChain(chain: SeedBlock[]): boolean {
    for (let i = 1; i < chain.length; i++) {
      const cur = chain[i]!, prev = chain[i - 1]!;
      if (cur.hash !== getHash(cur) || prev.hash !== cur.prevHash || !this.hasValidTransactions(cur, chain)) return false;
    }
    return true;
  }

  addTransaction(tx: SeedTx): void {
    if (this.isValidTx(tx)) this.transactions.push(tx);
  }

  /** The seed's createTransaction + broadcast. */
  pay(to: string, amount: number, gas: number): SeedTx {
    const tx = newTransaction(this.publicKey, to, amount, gas);
    sign(tx, this.keyPair);
    this.sendMessage({ type: "TYPE_CREATE_TRANSACTION", data: tx });
    this.addTransaction(tx);
    return tx;
  }

  /**
   * The seed's mineTransactions + REPLACE_CHAIN broadcast, in one synchronous
   * call; a test may stamp the block with another time, keep the loop busy for
   * `stallMs` at least (a longer search, as at a higher difficulty), or have
   * the search count as longer than the block time (`slow`: the difficulty
   * goes down by one, as the seed's rule does after a search of 30 s or more).
   */
  mine(options: { readonly timestamp?: number; readonly stallMs?: number; readonly slow?: boolean } = {}): SeedBlock {
    const started = Date.now();
    const timestamp = options.timestamp ?? started;
    let gas = 0;
    this.transactions.forEach((tx) => (gas += tx.gas));
    const rewardTx = newTransaction(MINT_PUBLIC_ADDRESS, this.publicKey, 297 + gas);
    sign(rewardTx, MINT_KEY_PAIR);
    const block = newBlock(timestamp.toString(), [rewardTx, ...this.transactions]);
    block.prevHash = this.chain[this.chain.length - 1]!.hash;
    block.hash = getHash(block);
    while (!block.hash.startsWith(Array(this.difficulty + 1).join("0"))) {
      block.nonce++;
      block.hash = getHash(block);
    }
    while (Date.now() - started < (options.stallMs ?? 0)) {
      // A longer search: nothing else runs, no ping is answered.
    }
    this.chain.push(block);
    this.difficulty += options.slow !== true && Date.now() - parseInt(block.timestamp) < 30000 ? 1 : -1;
    this.transactions = [];
    this.sendMessage({ type: "TYPE_REPLACE_CHAIN", data: [block, this.difficulty] });
    this.log.push(`mined block ${this.chain.length - 1} ${block.hash.slice(0, 12)} with ${block.data.length - 1} payments in ${Date.now() - started} ms; difficulty now ${this.difficulty}`);
    return block;
  }

  requestInfo(from: string): void {
    this.socketFor(from).send(JSON.stringify({ type: "TYPE_REQUEST_INFO", data: this.address }));
  }

  /** Payments its chain holds more than once (copies beyond the first). */
  minedTwice(): number {
    const seen = new Set<string>();
    let extra = 0;
    for (const block of this.chain) for (const tx of block.data) {
      if (tx.from === MINT_PUBLIC_ADDRESS || tx.signature === undefined) continue;
      if (seen.has(tx.signature)) extra++;
      else seen.add(tx.signature);
    }
    return extra;
  }

  /** Payments it was sent more than once (TYPE_CREATE_TRANSACTION frames naming one signature), copies beyond the first. */
  heardTwice(): number {
    const seen = new Set<string>();
    let extra = 0;
    for (const text of this.received) {
      if (!text.startsWith('{"type":"TYPE_CREATE_TRANSACTION"')) continue;
      const signature = (JSON.parse(text).data as SeedTx).signature ?? "";
      if (seen.has(signature)) extra++;
      else seen.add(signature);
    }
    return extra;
  }

  requestChain(from: string): void {
    this.socketFor(from).send(JSON.stringify({ type: "TYPE_REQUEST_CHAIN", data: this.address }));
  }

  private handle(message: { type: string; data: any }): void {
    switch (message.type) {
      case "TYPE_HANDSHAKE":
        (message.data as string[]).forEach((node) => this.connect(node));
        break;
      case "TYPE_CREATE_TRANSACTION":
        this.addTransaction(message.data);
        break;
      case "TYPE_REPLACE_CHAIN": {
        const [newBlock, newDiff] = message.data as [SeedBlock, number];
        const last = this.chain[this.chain.length - 1]!;
        const ourTx = this.transactions.map((tx) => JSON.stringify(tx));
        const theirTx = newBlock.data.filter((tx) => tx.from !== MINT_PUBLIC_ADDRESS).map((tx) => JSON.stringify(tx));
        if (newBlock.prevHash === last.prevHash) {
          // A competing block (or its tip heard again): the seed would start its vote, out of these tests' scope.
          this.competing++;
          this.log.push(`block ${newBlock.hash.slice(0, 12)} beside its tip ${last.hash.slice(0, 12)}: would start a vote`);
          break;
        }
        for (let i = 0, n = theirTx.length; i < n; i++) {
          const index = ourTx.indexOf(theirTx[0]!);
          if (index === -1) break;
          ourTx.splice(index, 1);
          theirTx.splice(0, 1);
        }
        if (
          theirTx.length === 0 &&
          SHA256(last.hash + newBlock.timestamp + JSON.stringify(newBlock.data) + newBlock.nonce) === newBlock.hash &&
          newBlock.hash.startsWith(Array(this.difficulty + 1).join("0")) &&
          this.hasValidTransactions(newBlock) &&
          (parseInt(newBlock.timestamp) > parseInt(last.timestamp) || last.timestamp === "") &&
          parseInt(newBlock.timestamp) < Date.now() &&
          last.hash === newBlock.prevHash &&
          (newDiff + 1 === this.difficulty || newDiff - 1 === this.difficulty)
        ) {
          this.chain.push(newBlock);
          this.difficulty = newDiff;
          this.transactions = ourTx.map((tx) => JSON.parse(tx));
          this.log.push(`takes block ${this.chain.length - 1} ${newBlock.hash.slice(0, 12)}, difficulty ${newDiff}`);
        } else {
          this.refused++;
          this.log.push(`refuses block ${newBlock.hash.slice(0, 12)} (${theirTx.length} of its payments not in its pool)`);
        }
        break;
      }
      case "TYPE_REQUEST_CHECK":
        this.socketFor(message.data).send(JSON.stringify({ type: "TYPE_SEND_CHECK", data: JSON.stringify([this.chain[this.chain.length - 1], this.transactions, this.difficulty]) }));
        break;
      case "TYPE_SEND_CHAIN": {
        const { block, finished } = message.data as { block: SeedBlock; finished: boolean };
        // v0.2.0 drops the block that carries `finished`; the article keeps it.
        if (this.streamForm === "article" || !finished) this.tempChain.push(block);
        if (finished) {
          const valid = this.isValidChain(this.tempChain);
          if (valid) this.chain.splice(0, this.chain.length, ...this.tempChain);
          this.log.push(`${valid ? "takes" : "refuses"} a chain stream of ${this.tempChain.length - 1} blocks`);
          this.tempChain = [this.chain[0]!];
        }
        break;
      }
      case "TYPE_REQUEST_CHAIN": {
        const socket = this.socketFor(message.data);
        const first = this.streamForm === "article" ? 1 : 0;
        for (let i = first; i < this.chain.length; i++) {
          const finished = this.streamForm === "article" && i === this.chain.length - 1;
          socket.send(JSON.stringify({ type: "TYPE_SEND_CHAIN", data: { block: this.chain[i], finished } }));
        }
        break;
      }
      case "TYPE_REQUEST_INFO":
        // v0.2.0's bug, kept on purpose: the frame is the bare type name, not JSON.
        this.socketFor(message.data).send("TYPE_SEND_INFO");
        break;
      case "TYPE_SEND_INFO":
        [this.difficulty, this.transactions] = message.data;
        this.log.push(`SEND_INFO: difficulty ${this.difficulty}, mempool of ${this.transactions.length}`);
        break;
    }
  }
}
