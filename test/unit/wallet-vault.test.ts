/**
 * The browser's wallets at rest (src/worker/wallet-vault.ts) on the in-memory
 * store, with a lock that serialises like the Web Lock does: which wallet a
 * tab opens, the last one used, adding a known key, concurrent changes, the
 * single wallet of earlier versions (plain or sealed under a password), and a
 * sealed key.
 */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { MemoryStore } from "../../src/node/store.ts";
import { WalletVault } from "../../src/worker/wallet-vault.ts";
import { newWallet } from "../support/chain-builder.ts";
import { mutex } from "../support/mutex.ts";

const random = (n: number) => new Uint8Array(randomBytes(n));

const vaultOn = (store = new MemoryStore(), lock = mutex()) => new WalletVault(store, random, lock);

describe("the wallet vault", () => {
  it("creates one wallet on a first visit, even for two tabs opening at once", async () => {
    const store = new MemoryStore();
    const lock = mutex();
    const [a, b] = await Promise.all([vaultOn(store, lock).open(null), vaultOn(store, lock).open(null)]);
    expect(a.summary.id).toBe(b.summary.id);
    expect(a.wallet?.address).toBe(a.summary.address);
    expect(await vaultOn(store, lock).list()).toHaveLength(1);
  });

  it("opens the wallet a tab chose, else the last one used", async () => {
    const vault = vaultOn();
    const first = (await vault.open(null)).summary;
    const second = await vault.create("Wallet 2");
    expect((await vault.open(null)).summary.id).toBe(second.id);
    expect((await vault.open(first.id)).summary.id).toBe(first.id);
    // That choice is now the last one used; an id that is gone falls back to it.
    expect((await vault.open("gone")).summary.id).toBe(first.id);
  });

  it("adds a known key once, keeping its entry", async () => {
    const vault = vaultOn();
    await vault.open(null);
    const key = newWallet();
    const added = await vault.add("Imported", key, true);
    const again = await vault.add("Restored", key, true);
    expect(again.id).toBe(added.id);
    expect(again.name).toBe("Imported");
    expect(added.backedUp).toBe(true);
    expect(await vault.list()).toHaveLength(2);
  });

  it("loses no wallet when tabs create, rename and back up at once", async () => {
    const store = new MemoryStore();
    const lock = mutex();
    const first = (await vaultOn(store, lock).open(null)).summary;
    await Promise.all([
      ...Array.from({ length: 5 }, (_, i) => vaultOn(store, lock).create(`W${i}`)),
      vaultOn(store, lock).rename(first.id, "Alice"),
      vaultOn(store, lock).markBackedUp(first.id),
    ]);
    const all = await vaultOn(store, lock).list();
    expect(all).toHaveLength(6);
    expect(all.find((w) => w.id === first.id)).toMatchObject({ name: "Alice", backedUp: true });
  });

  it("takes the single wallet of earlier versions as its first, not backed up", async () => {
    const store = new MemoryStore();
    const old = newWallet();
    await store.putValue("wallet", JSON.stringify({ v: 1, privateKey: old.privateKey }));
    const opened = await vaultOn(store).open(null);
    expect(opened.summary).toMatchObject({ name: "Wallet 1", address: old.address, backedUp: false, encrypted: false });
    expect(opened.wallet).toEqual(old);
  });

  it("takes the password-sealed single wallet of earlier versions, still sealed, and opens it with that password", async () => {
    // Written here as the earlier version wrote it (v1: PBKDF2-SHA256, 600,000 iterations, AES-GCM over the key's hex).
    const old = newWallet();
    const [salt, iv] = [random(16), random(12)];
    const material = await crypto.subtle.importKey("raw", new TextEncoder().encode("old password"), "PBKDF2", false, ["deriveKey"]);
    const aes = await crypto.subtle.deriveKey({ name: "PBKDF2", hash: "SHA-256", salt, iterations: 600_000 }, material, { name: "AES-GCM", length: 256 }, false, ["encrypt"]);
    const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv }, aes, new TextEncoder().encode(old.privateKey)));
    const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
    const store = new MemoryStore();
    await store.putValue("wallet", JSON.stringify({ v: 1, address: old.address, salt: hex(salt), iv: hex(iv), ciphertext: hex(ciphertext) }));

    const vault = vaultOn(store);
    const opened = await vault.open(null);
    expect(opened.summary).toMatchObject({ name: "Wallet 1", address: old.address, backedUp: false, encrypted: true });
    expect(opened.wallet).toBeNull();
    expect(await vault.unlock(opened.summary.id, "wrong password")).toBeNull();
    expect((await vault.unlock(opened.summary.id, "old password"))?.privateKey).toBe(old.privateKey);
    // Once the list is written (a rename), the key is still the sealed one, and the old record is no longer read.
    await vault.rename(opened.summary.id, "Savings");
    await store.putValue("wallet", "not read any more");
    const again = await vaultOn(store).open(null);
    expect(again.summary).toMatchObject({ name: "Savings", address: old.address, encrypted: true });
    expect(JSON.stringify(await store.getValue("wallets"))).not.toContain(old.privateKey);
  });

  it("seals a key under a password and opens it only with that password", async () => {
    const vault = vaultOn();
    const { summary, wallet } = await vault.open(null);
    const saved = await vault.save(summary.id, wallet!, "a long password");
    expect(saved?.encrypted).toBe(true);
    const reopened = await vault.open(summary.id);
    expect(reopened.wallet).toBeNull();
    expect(await vault.unlock(summary.id, "wrong password")).toBeNull();
    expect((await vault.unlock(summary.id, "a long password"))?.privateKey).toBe(wallet!.privateKey);
  });
});
