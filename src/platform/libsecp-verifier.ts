/**
 * Signature checks through libsecp256k1 compiled to WebAssembly (libauth's
 * build): about ten times elliptic's speed, in the page and in Node alike.
 * The caller supplies the module's bytes (fetched in the page, read from disk
 * in Node), so the 180 KB binary is an asset of its own and not a base64
 * string inside a script.
 *
 * libsecp256k1 verifies only low-S signatures; elliptic, and so the network,
 * accepts both halves. verifySignatureCompact folds S to the low half first,
 * which verifies the same equation. Strict DER and 1 <= r, s < n are checked
 * before (src/core/secp.ts), and the digest is reduced mod n by both
 * libraries. test/unit/verifiers.test.ts holds it to elliptic's answers.
 */
import { instantiateSecp256k1Bytes } from "@bitauth/libauth";
import { hexToBytes } from "../core/hash.ts";
import type { SignatureVerifier } from "../core/transaction.ts";

function scalarBytes(n: bigint, into: Uint8Array, at: number): void {
  for (let i = 31; i >= 0; i--, n >>= 8n) into[at + i] = Number(n & 0xffn);
}

export async function libsecpVerifier(wasm: ArrayBuffer): Promise<SignatureVerifier> {
  const secp = await instantiateSecp256k1Bytes(wasm);
  return (r) => {
    const compact = new Uint8Array(64);
    scalarBytes(r.sig.r, compact, 0);
    scalarBytes(r.sig.s, compact, 32);
    try {
      return secp.verifySignatureCompact(compact, hexToBytes(r.address), r.digest);
    } catch {
      return false;
    }
  };
}
