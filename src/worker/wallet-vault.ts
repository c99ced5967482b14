/**
 * The wallets of this browser, at rest: a list shared by every tab, each
 * wallet with a name, its address, whether it has been backed up, and its key
 * (plain, or sealed under a password: key-seal.ts). Each tab holds the wallet
 * it chose; the list remembers the last one chosen, which a new tab opens.
 * Every change reads, edits and writes the list under one Web Lock, so tabs
 * changing it at once never lose each other's wallets; the first tab creates
 * the first wallet under that lock, so two tabs opened at once share it.
 */
import { generateWallet, walletFromPrivateKey, type RandomBytes, type Wallet } from "../core/wallet.ts";
import type { NodeStore } from "../node/store.ts";
import { webLock, type Lock } from "../platform/web-lock.ts";
import { openSealed, sealKey, type Sealed } from "./key-seal.ts";

const LOCK = "tabnode-wallet";
const KEY = "wallets";
/** Where the single wallet of earlier versions lives; moved into the list on first open. */
const LEGACY_KEY = "wallet";

type StoredKey = { readonly privateKey: string } | Sealed;

interface Entry {
  readonly id: string;
  readonly name: string;
  readonly address: string;
  readonly backedUp: boolean;
  readonly key: StoredKey;
}

interface Book {
  readonly v: 2;
  readonly wallets: readonly Entry[];
  readonly last: string;
}

/** What the page lists: never a key. */
export interface WalletSummary {
  readonly id: string;
  readonly name: string;
  readonly address: string;
  readonly backedUp: boolean;
  readonly encrypted: boolean;
}

export interface Opened {
  readonly summary: WalletSummary;
  /** Null while its key is sealed and no password was given. */
  readonly wallet: Wallet | null;
}

const summaryOf = (e: Entry): WalletSummary => ({ id: e.id, name: e.name, address: e.address, backedUp: e.backedUp, encrypted: !("privateKey" in e.key) });

export class WalletVault {
  constructor(
    private readonly store: NodeStore,
    private readonly random: RandomBytes,
    /** This browser's wallet lock: one writer among its tabs. */
    private readonly lock: Lock = webLock(LOCK),
  ) {}

  /** The wallet `chosen` (or, when absent or gone, the last one used); the first wallet is created here on a first visit. */
  async open(chosen: string | null): Promise<Opened> {
    return this.change(async (book) => {
      let wallets = book?.wallets ?? [];
      if (wallets.length === 0) wallets = [this.entry("Wallet 1", generateWallet(this.random), false)];
      const entry = wallets.find((w) => w.id === chosen) ?? wallets.find((w) => w.id === book?.last) ?? wallets[0]!;
      const wallet = "privateKey" in entry.key ? walletFromPrivateKey(entry.key.privateKey) : null;
      return [{ v: 2, wallets, last: entry.id }, { summary: summaryOf(entry), wallet }];
    });
  }

  async list(): Promise<WalletSummary[]> {
    return ((await this.read())?.wallets ?? []).map(summaryOf);
  }

  /** A new wallet with a fresh key; it becomes the last one used. */
  async create(name: string): Promise<WalletSummary> {
    return this.add(name, generateWallet(this.random), false);
  }

  /**
   * Adds a wallet whose key the person already holds (imported or restored,
   * so it counts as backed up); the one already listed when its address is.
   */
  async add(name: string, wallet: Wallet, backedUp: boolean): Promise<WalletSummary> {
    return this.change(async (book) => {
      const wallets = book?.wallets ?? [];
      const entry = wallets.find((w) => w.address === wallet.address) ?? this.entry(name, wallet, backedUp);
      const next = wallets.includes(entry) ? wallets : [...wallets, entry];
      return [{ v: 2, wallets: next, last: entry.id }, summaryOf(entry)];
    });
  }

  async rename(id: string, name: string): Promise<WalletSummary | null> {
    return this.edit(id, (e) => ({ ...e, name }));
  }

  async markBackedUp(id: string): Promise<WalletSummary | null> {
    return this.edit(id, (e) => ({ ...e, backedUp: true }));
  }

  /** Stores the wallet's key, sealed when a password is given. */
  async save(id: string, wallet: Wallet, password: string | null): Promise<WalletSummary | null> {
    const key = password === null ? { privateKey: wallet.privateKey } : await sealKey(wallet.privateKey, password, this.random);
    return this.edit(id, (e) => ({ ...e, key }));
  }

  /** The wallet's key opened with `password`; null when it is wrong. */
  async unlock(id: string, password: string): Promise<Wallet | null> {
    const entry = (await this.read())?.wallets.find((w) => w.id === id);
    if (entry === undefined) return null;
    const key = "privateKey" in entry.key ? entry.key.privateKey : await openSealed(entry.key, password);
    return key === null ? null : walletFromPrivateKey(key);
  }

  private entry(name: string, wallet: Wallet, backedUp: boolean): Entry {
    const id = Array.from(this.random(8), (b) => b.toString(16).padStart(2, "0")).join("");
    return { id, name, address: wallet.address, backedUp, key: { privateKey: wallet.privateKey } };
  }

  private async edit(id: string, update: (e: Entry) => Entry): Promise<WalletSummary | null> {
    return this.change(async (book) => {
      const found = book?.wallets.find((w) => w.id === id);
      if (book === null || found === undefined) return [book, null];
      const updated = update(found);
      return [{ ...book, wallets: book.wallets.map((w) => (w === found ? updated : w)) }, summaryOf(updated)];
    });
  }

  /** Read, edit, write under the lock: the one writer at a time among this browser's tabs. */
  private change<T>(edit: (book: Book | null) => Promise<readonly [Book | null, T]>): Promise<T> {
    return this.lock(async () => {
      const [next, result] = await edit(await this.read());
      if (next !== null) await this.store.putValue(KEY, JSON.stringify(next));
      return result;
    });
  }

  private async read(): Promise<Book | null> {
    const text = await this.store.getValue(KEY);
    if (text !== undefined) return JSON.parse(text) as Book;
    const legacy = await this.store.getValue(LEGACY_KEY);
    if (legacy === undefined) return null;
    const old = JSON.parse(legacy) as { address?: string } & StoredKey;
    const address = "privateKey" in old ? walletFromPrivateKey(old.privateKey).address : (old.address ?? "");
    const key: StoredKey = "privateKey" in old ? { privateKey: old.privateKey } : { salt: old.salt, iv: old.iv, ciphertext: old.ciphertext };
    return { v: 2, wallets: [{ id: "legacy", name: "Wallet 1", address, backedUp: false, key }], last: "legacy" };
  }
}
