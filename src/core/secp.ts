/**
 * secp256k1 through elliptic (the library the seed network uses), with the
 * strictness Tabnode adds: canonical addresses, strict DER (BIP 66), and a
 * verifier that never throws. Keys are parsed once and kept in a small cache,
 * because parsing a point costs about as much as a field inversion.
 */
import elliptic from "elliptic";
import { check as isStrictDer, decode as decodeDer } from "bip66";
import { bytesToHex, hexToBytes, isLowerHex } from "./hash.ts";

export const ec = new elliptic.ec("secp256k1");
const N = BigInt("0x" + ec.n!.toString(16));
const HALF_N = N >> 1n;

const ADDRESS = /^04[0-9a-f]{128}$/;
const keyCache = new Map<string, elliptic.ec.KeyPair | null>();
const KEY_CACHE_MAX = 4096;

/** The public key of an address, or null when it is not the one canonical form of a curve point. */
export function publicKeyOf(address: string): elliptic.ec.KeyPair | null {
  const cached = keyCache.get(address);
  if (cached !== undefined) return cached;
  let key: elliptic.ec.KeyPair | null = null;
  if (ADDRESS.test(address)) {
    try {
      const candidate = ec.keyFromPublic(address, "hex");
      if (candidate.getPublic().validate()) key = candidate;
    } catch {
      key = null;
    }
  }
  if (keyCache.size >= KEY_CACHE_MAX) keyCache.delete(keyCache.keys().next().value as string);
  keyCache.set(address, key);
  return key;
}

export function isCanonicalAddress(address: unknown): address is string {
  return typeof address === "string" && publicKeyOf(address) !== null;
}

export interface DecodedSignature {
  readonly r: bigint;
  readonly s: bigint;
}

function toBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt("0x" + bytesToHex(bytes));
}

/** Strict DER in lowercase hex, with 1 <= r, s < n; null otherwise. */
export function decodeSignature(hex: unknown): DecodedSignature | null {
  if (typeof hex !== "string" || hex.length < 16 || hex.length > 144 || !isLowerHex(hex)) return null;
  const der = hexToBytes(hex);
  if (!isStrictDer(der)) return null;
  const { r, s } = decodeDer(der);
  const rn = toBigInt(r);
  const sn = toBigInt(s);
  if (rn < 1n || rn >= N || sn < 1n || sn >= N) return null;
  return { r: rn, s: sn };
}

/**
 * The replay key of a signature: (r, s) with s folded to the low half, so that
 * a signature and its high-S twin are one key.
 */
export function normalisedSignature(sig: DecodedSignature): string {
  const s = sig.s > HALF_N ? N - sig.s : sig.s;
  return sig.r.toString(16) + ":" + s.toString(16);
}

export function isHighS(sig: DecodedSignature): boolean {
  return sig.s > HALF_N;
}

/** ECDSA verification that answers false instead of throwing. */
export function verifyDigest(address: string, digest: Uint8Array, sig: DecodedSignature): boolean {
  const key = publicKeyOf(address);
  if (key === null) return false;
  try {
    return key.verify(Array.from(digest), { r: sig.r.toString(16), s: sig.s.toString(16) });
  } catch {
    return false;
  }
}

/**
 * Signs a 32-byte digest with low-S and fresh randomness mixed into RFC 6979
 * (elliptic's `pers`), so two signatures of the same payment differ.
 */
export function signDigest(privateKeyHex: string, digest: Uint8Array, entropy: Uint8Array): string {
  if (digest.length !== 32) throw new Error("signDigest: the digest must be 32 bytes");
  if (entropy.length < 32) throw new Error("signDigest: at least 32 bytes of fresh entropy are needed");
  const key = ec.keyFromPrivate(privateKeyHex, "hex");
  const sig = key.sign(Array.from(digest), { canonical: true, pers: Array.from(entropy) });
  return bytesToHex(Uint8Array.from(sig.toDER()));
}

/** A private key from 32 random bytes, retried until it lies in [1, n-1]. */
export function privateKeyFromEntropy(random: (n: number) => Uint8Array): string {
  for (;;) {
    const bytes = random(32);
    const k = toBigInt(bytes);
    if (k >= 1n && k < N) return bytesToHex(bytes);
  }
}

export function addressOfPrivateKey(privateKeyHex: string): string {
  if (!/^[0-9a-f]{64}$/.test(privateKeyHex)) throw new Error("a private key is 64 lowercase hex characters");
  const k = BigInt("0x" + privateKeyHex);
  if (k < 1n || k >= N) throw new Error("a private key must lie between 1 and the curve order");
  return ec.keyFromPrivate(privateKeyHex, "hex").getPublic("hex");
}
