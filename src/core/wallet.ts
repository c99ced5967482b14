/**
 * Wallet helpers: keys, addresses and signing. Randomness is a parameter, so
 * the core stays pure; the platform passes its CSPRNG.
 */
import { params } from "./params.ts";
import { addressOfPrivateKey, decodeSignature, privateKeyFromEntropy, signDigest, verifyDigest } from "./secp.ts";
import { makeTransaction, signedDigest, type SignedTransaction } from "./transaction.ts";

export type RandomBytes = (n: number) => Uint8Array;

export interface Wallet {
  readonly privateKey: string;
  readonly address: string;
}

export function generateWallet(random: RandomBytes): Wallet {
  const privateKey = privateKeyFromEntropy(random);
  return { privateKey, address: addressOfPrivateKey(privateKey) };
}

export function walletFromPrivateKey(privateKey: string): Wallet {
  return { privateKey, address: addressOfPrivateKey(privateKey) };
}

export interface Payment {
  readonly to: string;
  readonly amount: number;
  readonly gas: number;
}

/**
 * Signs a payment: low-S, fresh randomness mixed into the nonce, and the
 * signature verified before it leaves, so a faulty signer never publishes.
 */
export function signPayment(wallet: Wallet, payment: Payment, random: RandomBytes): SignedTransaction {
  const unsigned = { from: wallet.address, to: payment.to, amount: payment.amount, gas: payment.gas };
  const digest = signedDigest(unsigned);
  const signature = signDigest(wallet.privateKey, digest, random(32));
  const decoded = decodeSignature(signature);
  if (decoded === null || !verifyDigest(wallet.address, digest, decoded)) {
    throw new Error("the new signature does not verify; nothing was sent");
  }
  return makeTransaction(unsigned.from, unsigned.to, unsigned.amount, unsigned.gas, signature);
}

/** The mint key's wallet: it signs every block reward (its key is public in the seed). */
export const MINT_WALLET: Wallet = { privateKey: params.mintPrivateKey, address: params.mintAddress };
