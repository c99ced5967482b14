/**
 * A wallet's backup file: JSON naming its format, the wallet's name and
 * address, and the key sealed under the backup's own password (key-seal.ts:
 * PBKDF2-SHA256, AES-GCM). Restoring checks the file's shape first, then the
 * password, then that the key is the address the file names.
 */
import { AppReason } from "../app/reasons.ts";
import { walletFromPrivateKey, type RandomBytes, type Wallet } from "../core/wallet.ts";
import { ITERATIONS, openSealed, sealKey } from "./key-seal.ts";

export const BACKUP_FORMAT = "tabnode-wallet-backup";

type BackupReason = typeof AppReason.BackupInvalid | typeof AppReason.WrongPassword;

export interface BackupFile {
  readonly format: typeof BACKUP_FORMAT;
  readonly version: 1;
  readonly name: string;
  readonly address: string;
  readonly kdf: { readonly name: "PBKDF2"; readonly hash: "SHA-256"; readonly iterations: number };
  readonly cipher: "AES-GCM";
  readonly salt: string;
  readonly iv: string;
  readonly ciphertext: string;
}

export type Restored = { readonly ok: true; readonly name: string; readonly wallet: Wallet } | { readonly ok: false; readonly reason: BackupReason; readonly detail: string };

export async function makeBackup(wallet: Wallet, name: string, password: string, random: RandomBytes): Promise<string> {
  const sealed = await sealKey(wallet.privateKey, password, random);
  const file: BackupFile = { format: BACKUP_FORMAT, version: 1, name, address: wallet.address, kdf: { name: "PBKDF2", hash: "SHA-256", iterations: ITERATIONS }, cipher: "AES-GCM", ...sealed };
  return JSON.stringify(file, null, 2);
}

const HEX = /^[0-9a-f]+$/;
const MAX_ITERATIONS = 10_000_000;

function parse(text: string): BackupFile | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof v !== "object" || v === null) return null;
  const f = v as Partial<BackupFile>;
  const hex = (s: unknown) => typeof s === "string" && HEX.test(s);
  const kdfOk = f.kdf?.name === "PBKDF2" && f.kdf.hash === "SHA-256" && Number.isSafeInteger(f.kdf.iterations) && f.kdf.iterations >= 1 && f.kdf.iterations <= MAX_ITERATIONS;
  const ok = f.format === BACKUP_FORMAT && f.version === 1 && typeof f.name === "string" && typeof f.address === "string" && kdfOk && f.cipher === "AES-GCM" && hex(f.salt) && hex(f.iv) && hex(f.ciphertext);
  return ok ? (f as BackupFile) : null;
}

export async function restoreBackup(text: string, password: string): Promise<Restored> {
  const file = parse(text);
  if (file === null) return { ok: false, reason: AppReason.BackupInvalid, detail: "This is not a Tabnode wallet backup file." };
  const key = await openSealed(file, password, file.kdf.iterations);
  if (key === null) return { ok: false, reason: AppReason.WrongPassword, detail: "That password does not open this backup." };
  try {
    const wallet = walletFromPrivateKey(key);
    if (wallet.address !== file.address) throw new Error("address mismatch");
    return { ok: true, name: file.name, wallet };
  } catch {
    return { ok: false, reason: AppReason.BackupInvalid, detail: "The backup's key does not match the address it names: the file is damaged." };
  }
}
