/**
 * Signature checks through OpenSSL (node:crypto), about five times elliptic's
 * speed. The network signs the 32 bytes SHA256(from + to + amount + gas), and
 * ECDSA-with-SHA256 over the preimage's bytes computes exactly that value as
 * its message hash, so OpenSSL verifies the same equation elliptic does. DER
 * strictness and 1 <= r, s < n are checked before (src/core/secp.ts); OpenSSL,
 * like elliptic, accepts high S. test/unit/openssl-verifier.test.ts holds the
 * two to the same answers.
 */
import { createPublicKey, verify, type KeyObject } from "node:crypto";
import type { SignatureVerifier } from "../core/transaction.ts";

const b64url = (hex: string) => Buffer.from(hex, "hex").toString("base64url");
const keys = new Map<string, KeyObject>();
const KEYS_MAX = 4096;

function keyOf(address: string): KeyObject {
  let key = keys.get(address);
  if (key === undefined) {
    key = createPublicKey({ key: { kty: "EC", crv: "secp256k1", x: b64url(address.slice(2, 66)), y: b64url(address.slice(66, 130)) }, format: "jwk" });
    if (keys.size >= KEYS_MAX) keys.delete(keys.keys().next().value as string);
    keys.set(address, key);
  }
  return key;
}

export const opensslVerifier: SignatureVerifier = (r) => {
  try {
    return verify("sha256", Buffer.from(r.preimage, "utf8"), { key: keyOf(r.address), dsaEncoding: "der" }, Buffer.from(r.der, "hex"));
  } catch {
    return false;
  }
};
