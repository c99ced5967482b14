/**
 * A private key sealed under a password: AES-GCM (256-bit) with a key derived
 * by PBKDF2-SHA256 (600,000 iterations, OWASP's 2023 figure for SHA-256). The
 * vault stores keys this way when a password is set, and a backup file holds
 * one so; both go through these two functions.
 */
import { bytesToHex, hexToBytes } from "../core/hash.ts";
import type { RandomBytes } from "../core/wallet.ts";

export const ITERATIONS = 600_000;

export interface Sealed {
  readonly salt: string;
  readonly iv: string;
  readonly ciphertext: string;
}

async function deriveKey(password: string, salt: Uint8Array, iterations: number): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey("raw", new TextEncoder().encode(password), "PBKDF2", false, ["deriveKey"]);
  return crypto.subtle.deriveKey({ name: "PBKDF2", hash: "SHA-256", salt: salt as BufferSource, iterations }, material, { name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
}

export async function sealKey(privateKey: string, password: string, random: RandomBytes): Promise<Sealed> {
  const salt = random(16);
  const iv = random(12);
  const key = await deriveKey(password, salt, ITERATIONS);
  const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv: iv as BufferSource }, key, new TextEncoder().encode(privateKey)));
  return { salt: bytesToHex(salt), iv: bytesToHex(iv), ciphertext: bytesToHex(ciphertext) };
}

/** The private key, or null when the password is wrong (AES-GCM's tag does not match). */
export async function openSealed(sealed: Sealed, password: string, iterations = ITERATIONS): Promise<string | null> {
  try {
    const key = await deriveKey(password, hexToBytes(sealed.salt), iterations);
    const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: hexToBytes(sealed.iv) as BufferSource }, key, hexToBytes(sealed.ciphertext) as BufferSource);
    return new TextDecoder().decode(plain);
  } catch {
    return null;
  }
}
