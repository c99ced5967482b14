/**
 * JeChain transactions: the exact shape (key order from, to, amount, gas,
 * signature), the signed message, and the checks that need no chain state.
 */
import { sha256Bytes } from "./hash.ts";
import { params } from "./params.ts";
import { Reason, fail, type Result } from "./reasons.ts";
import { decodeSignature, isCanonicalAddress, normalisedSignature, verifyDigest, type DecodedSignature } from "./secp.ts";

export interface Transaction {
  readonly from: string;
  readonly to: string;
  readonly amount: number;
  readonly gas: number;
  /** Absent only on the genesis transaction. */
  readonly signature?: string;
}

export interface SignedTransaction extends Transaction {
  readonly signature: string;
}

const TX_KEYS = ["from", "to", "amount", "gas", "signature"] as const;

/** A transaction object with its keys in the network's order (the order changes every hash). */
export function makeTransaction(from: string, to: string, amount: number, gas: number, signature: string): SignedTransaction {
  return { from, to, amount, gas, signature };
}

/** The preimage the sender signs: from + to + amount + gas, numbers as JavaScript prints them. */
export function signedMessagePreimage(tx: Pick<Transaction, "from" | "to" | "amount" | "gas">): string {
  return tx.from + tx.to + String(tx.amount) + String(tx.gas);
}

/** The 32 bytes that are signed: SHA256 of the preimage. */
export function signedDigest(tx: Pick<Transaction, "from" | "to" | "amount" | "gas">): Uint8Array {
  return sha256Bytes(signedMessagePreimage(tx));
}

/** The fields a signature commits to, as one string: two transactions with one signature and another fingerprint conflict. */
export function fingerprint(tx: Pick<Transaction, "from" | "to" | "amount" | "gas">): string {
  return `${tx.from}|${tx.to}|${tx.amount}|${tx.gas}`;
}

export function isMintTransaction(tx: Pick<Transaction, "from">): boolean {
  return tx.from === params.mintAddress;
}

/** A transaction that passed every check that needs no chain state. */
export interface CheckedTx {
  readonly tx: SignedTransaction;
  /** Low-S replay key of the signature. */
  readonly norm: string;
  readonly fingerprint: string;
  /** amount + gas: what the sender's balance must cover. */
  readonly cost: number;
}

/**
 * Signature verification is the costly step of validation, so a verifier is
 * passed in: the core's default uses elliptic; a node may plug a faster one
 * that gives the same answers, and the cache below skips repeats.
 */
export interface VerifyRequest {
  readonly address: string;
  /** from + to + amount + gas: ECDSA-with-SHA256 over these bytes is ECDSA over `digest`. */
  readonly preimage: string;
  readonly digest: Uint8Array;
  readonly sig: DecodedSignature;
  /** The strict DER the signature arrived as, lowercase hex. */
  readonly der: string;
}

export type SignatureVerifier = (request: VerifyRequest) => boolean;

/** The core's verifier: elliptic, the library the seed network signs with. */
export const ellipticVerifier: SignatureVerifier = (r) => verifyDigest(r.address, r.digest, r.sig);

/**
 * Verdicts on transactions' signatures, by the transaction's JSON text (which
 * fixes every signed field and the signature): a signature is verified once,
 * whether it came alone, in a block or in a chain stream checked ahead by
 * worker threads. Bounded; the oldest verdict is forgotten first.
 */
export class VerifiedCache {
  private readonly verdicts = new Map<string, boolean>();
  constructor(private readonly max = 50_000) {}
  get size(): number {
    return this.verdicts.size;
  }
  /** true or false once verified; undefined when never seen. */
  verdict(key: string): boolean | undefined {
    return this.verdicts.get(key);
  }
  record(key: string, ok: boolean): void {
    if (this.verdicts.size >= this.max && !this.verdicts.has(key)) this.verdicts.delete(this.verdicts.keys().next().value as string);
    this.verdicts.set(key, ok);
  }
}

/**
 * One signature to check, in a form that crosses a thread boundary (plain
 * strings): what a chain stream hands to verification workers before its
 * blocks are validated in order.
 */
export interface SignatureJob {
  /** The transaction's JSON text: the cache key. */
  readonly key: string;
  readonly address: string;
  readonly preimage: string;
  readonly der: string;
}

/**
 * The signature job of a value that looks like a signed transaction (rewards
 * are signed by the mint key), or null for anything else (the unsigned genesis
 * transaction, wrong field types): a cheap pre-filter,
 * since checkTransaction judges every rule again before it uses the verdict.
 */
export function signatureJobOf(value: unknown): SignatureJob | null {
  if (typeof value !== "object" || value === null) return null;
  const tx = value as Partial<Record<keyof SignedTransaction, unknown>>;
  if (typeof tx.from !== "string" || typeof tx.to !== "string" || typeof tx.signature !== "string") return null;
  if (typeof tx.amount !== "number" || typeof tx.gas !== "number") return null;
  const signed = value as SignedTransaction;
  return { key: JSON.stringify(value), address: signed.from, preimage: signedMessagePreimage(signed), der: signed.signature };
}

/** A job's verdict, as checkTransaction would reach it: strict DER and a canonical address first. */
export function verifyJob(job: SignatureJob, verify: SignatureVerifier = ellipticVerifier): boolean {
  const sig = decodeSignature(job.der);
  if (sig === null || !isCanonicalAddress(job.address)) return false;
  return verify({ address: job.address, preimage: job.preimage, digest: sha256Bytes(job.preimage), sig, der: job.der });
}

export interface TxCheckOptions {
  readonly verify?: SignatureVerifier;
  readonly cache?: VerifiedCache;
}

function isSafeInt(value: unknown, min: number): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= min;
}

function hasExactKeys(value: object, keys: readonly string[]): boolean {
  const actual = Object.keys(value);
  return actual.length === keys.length && actual.every((k, i) => k === keys[i]);
}

/**
 * Every rule of a transaction that needs no chain state: shape and key order,
 * amount and gas, canonical addresses, strict DER, and the signature itself.
 * Never throws, whatever it is given.
 */
export function checkTransaction(value: unknown, options: TxCheckOptions = {}): Result<{ checked: CheckedTx }> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return fail(Reason.TxShape, "a transaction is a JSON object");
  }
  if (!hasExactKeys(value, TX_KEYS)) {
    return fail(Reason.TxShape, `keys must be exactly ${TX_KEYS.join(", ")} in that order; got ${Object.keys(value).join(", ")}`);
  }
  const tx = value as Record<(typeof TX_KEYS)[number], unknown>;
  if (typeof tx.from !== "string" || typeof tx.to !== "string" || typeof tx.signature !== "string") {
    return fail(Reason.TxShape, "from, to and signature must be strings");
  }
  if (!isSafeInt(tx.amount, 1)) return fail(Reason.AmountInvalid, `amount must be a whole number of at least 1, got ${JSON.stringify(tx.amount)}`);
  if (!isSafeInt(tx.gas, 0)) return fail(Reason.GasInvalid, `gas must be a whole number of at least 0, got ${JSON.stringify(tx.gas)}`);
  if (!Number.isSafeInteger(tx.amount + tx.gas)) return fail(Reason.AmountExceedsSupply, "amount + gas is beyond any possible supply");
  if (!isCanonicalAddress(tx.from)) return fail(Reason.AddressInvalid, "from is not a canonical address (lowercase 04 + 128 hex, a curve point)");
  if (!isCanonicalAddress(tx.to)) return fail(Reason.AddressInvalid, "to is not a canonical address (lowercase 04 + 128 hex, a curve point)");
  const sig = decodeSignature(tx.signature);
  if (sig === null) return fail(Reason.SignatureEncoding, "signature is not strict DER in lowercase hex with 1 <= r, s < n");
  const signed = tx as unknown as SignedTransaction;
  const cacheKey = JSON.stringify(signed);
  let verified = options.cache?.verdict(cacheKey);
  if (verified === undefined) {
    const verify = options.verify ?? ellipticVerifier;
    const preimage = signedMessagePreimage(signed);
    verified = verify({ address: signed.from, preimage, digest: sha256Bytes(preimage), sig, der: signed.signature });
    options.cache?.record(cacheKey, verified);
  }
  if (!verified) return fail(Reason.SignatureInvalid, "signature does not verify against from");
  return {
    ok: true,
    checked: { tx: signed, norm: normalisedSignature(sig), fingerprint: fingerprint(signed), cost: signed.amount + signed.gas },
  };
}
