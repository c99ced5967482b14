/**
 * The wallet's key at rest, shared by every tab of this browser: plain, or
 * encrypted with AES-GCM under a key derived from a password by PBKDF2-SHA256
 * (600,000 iterations, OWASP's 2023 figure for SHA-256). The first tab creates
 * the wallet under a Web Lock, so two tabs opened at once share one wallet.
 */
import { bytesToHex, hexToBytes } from "../core/hash.ts";
import { generateWallet, walletFromPrivateKey, type RandomBytes, type Wallet } from "../core/wallet.ts";
import type { NodeStore } from "../node/store.ts";

const KEY = "wallet";
const ITERATIONS = 600_000;

type Stored = { v: 1; privateKey: string } | { v: 1; address: string; salt: string; iv: string; ciphertext: string };

export type VaultState = { wallet: Wallet | null; address: string; encrypted: boolean };

async function deriveKey(password: string, salt: Uint8Array): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey("raw", new TextEncoder().encode(password), "PBKDF2", false, ["deriveKey"]);
  return crypto.subtle.deriveKey({ name: "PBKDF2", hash: "SHA-256", salt: salt as BufferSource, iterations: ITERATIONS }, material, { name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
}

export class WalletVault {
  constructor(
    private readonly store: NodeStore,
    private readonly random: RandomBytes,
  ) {}

  /** The stored wallet, or a new one created once for all tabs. Locked (wallet null) when encrypted. */
  async open(): Promise<VaultState> {
    return navigator.locks.request("tabnode-wallet", async () => {
      const stored = await this.read();
      if (stored !== null) return this.stateOf(stored);
      const wallet = generateWallet(this.random);
      await this.write({ v: 1, privateKey: wallet.privateKey });
      return { wallet, address: wallet.address, encrypted: false };
    });
  }

  private async read(): Promise<Stored | null> {
    const text = await this.store.getValue(KEY);
    return text === undefined ? null : (JSON.parse(text) as Stored);
  }

  private write(stored: Stored): Promise<void> {
    return this.store.putValue(KEY, JSON.stringify(stored));
  }

  private stateOf(stored: Stored): VaultState {
    if ("privateKey" in stored) {
      const wallet = walletFromPrivateKey(stored.privateKey);
      return { wallet, address: wallet.address, encrypted: false };
    }
    return { wallet: null, address: stored.address, encrypted: true };
  }

  async unlock(password: string): Promise<Wallet | null> {
    const stored = await this.read();
    if (stored === null || "privateKey" in stored) return stored === null ? null : walletFromPrivateKey(stored.privateKey);
    try {
      const key = await deriveKey(password, hexToBytes(stored.salt));
      const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: hexToBytes(stored.iv) as BufferSource }, key, hexToBytes(stored.ciphertext) as BufferSource);
      return walletFromPrivateKey(new TextDecoder().decode(plain));
    } catch {
      return null;
    }
  }

  /** Stores `wallet`, encrypted when a password is given. */
  async save(wallet: Wallet, password: string | null): Promise<void> {
    if (password === null) return this.write({ v: 1, privateKey: wallet.privateKey });
    const salt = this.random(16);
    const iv = this.random(12);
    const key = await deriveKey(password, salt);
    const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv: iv as BufferSource }, key, new TextEncoder().encode(wallet.privateKey)));
    await this.write({ v: 1, address: wallet.address, salt: bytesToHex(salt), iv: bytesToHex(iv), ciphertext: bytesToHex(ciphertext) });
  }
}
