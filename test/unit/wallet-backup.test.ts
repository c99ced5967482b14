/**
 * The wallet backup file (src/worker/wallet-backup.ts) with Node's WebCrypto,
 * the same API the page's worker uses: it round-trips, holds no key in the
 * clear, and each way a restore can fail gives its own reason.
 */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { AppReason } from "../../src/app/reasons.ts";
import { BACKUP_FORMAT, makeBackup, restoreBackup } from "../../src/worker/wallet-backup.ts";
import { newWallet } from "../support/chain-builder.ts";

const random = (n: number) => new Uint8Array(randomBytes(n));
const wallet = newWallet();
const text = await makeBackup(wallet, "Alice", "correct horse", random);

describe("a wallet backup file", () => {
  it("restores the same key and name with its password, and holds no key in the clear", async () => {
    expect(text).not.toContain(wallet.privateKey);
    expect(JSON.parse(text)).toMatchObject({ format: BACKUP_FORMAT, version: 1, name: "Alice", address: wallet.address, cipher: "AES-GCM", kdf: { name: "PBKDF2", hash: "SHA-256", iterations: 600_000 } });
    const restored = await restoreBackup(text, "correct horse");
    expect(restored).toEqual({ ok: true, name: "Alice", wallet });
  });

  it("seals under a fresh salt and IV each time", async () => {
    const again = JSON.parse(await makeBackup(wallet, "Alice", "correct horse", random)) as Record<string, string>;
    const first = JSON.parse(text) as Record<string, string>;
    expect(again.salt).not.toBe(first.salt);
    expect(again.iv).not.toBe(first.iv);
    expect(again.ciphertext).not.toBe(first.ciphertext);
  });

  it.each([
    ["a wrong password", text, "correct horse!", AppReason.WrongPassword],
    ["not JSON", "hello", "correct horse", AppReason.BackupInvalid],
    ["JSON of another kind", '{"hello":1}', "correct horse", AppReason.BackupInvalid],
    ["a changed cipher name", text.replace('"AES-GCM"', '"AES-CBC"'), "correct horse", AppReason.BackupInvalid],
    ["an absurd iteration count", text.replace('"iterations": 600000', '"iterations": 1e12'), "correct horse", AppReason.BackupInvalid],
    ["another address named", text.replace(wallet.address, newWallet().address), "correct horse", AppReason.BackupInvalid],
  ])("refuses %s with its reason", async (_what, file, password, reason) => {
    const restored = await restoreBackup(file, password);
    expect(restored.ok).toBe(false);
    if (!restored.ok) expect(restored.reason).toBe(reason);
  });
});
