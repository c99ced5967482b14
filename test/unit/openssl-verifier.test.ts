/** The native node's OpenSSL verifier gives exactly elliptic's accept and reject. */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bytesToHex, hexToBytes } from "../../src/core/hash.ts";
import { ec } from "../../src/core/secp.ts";
import { checkTransaction, ellipticVerifier, makeTransaction, type SignatureVerifier } from "../../src/core/transaction.ts";
import { opensslVerifier } from "../../src/platform/openssl-verifier.ts";
import { GENESIS_HOLDER, newWallet, pay } from "../support/chain-builder.ts";

const vectors = JSON.parse(readFileSync(new URL("../vectors/jechain-v0.2.0.json", import.meta.url), "utf8"));
const verdict = (tx: unknown, verify: SignatureVerifier) => {
  const r = checkTransaction(tx, { verify });
  return r.ok ? "ok" : r.reason;
};
const both = (tx: unknown) => [verdict(tx, ellipticVerifier), verdict(tx, opensslVerifier)];

function highSTwin(signature: string): string {
  const der = hexToBytes(signature);
  const r = der.slice(4, 4 + der[3]!);
  const s = BigInt("0x" + bytesToHex(der.slice(6 + der[3]!)));
  const sBytes = hexToBytes((BigInt("0x" + ec.n!.toString(16)) - s).toString(16).padStart(64, "0"));
  const sEnc = sBytes[0]! & 0x80 ? new Uint8Array([0, ...sBytes]) : sBytes;
  return bytesToHex(new Uint8Array([0x30, 4 + r.length + sEnc.length, 0x02, r.length, ...r, 0x02, sEnc.length, ...sEnc]));
}

describe("OpenSSL verifier", () => {
  it("accepts the vectors' signatures, the high-S reward included", () => {
    expect(both(vectors.transaction.tx)).toEqual(["ok", "ok"]);
    for (const tx of vectors.block1.block.data) expect(both(tx)).toEqual(["ok", "ok"]);
  });

  it("agrees with elliptic on valid, high-S, tampered, wrong-key and malformed signatures", () => {
    const other = newWallet();
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 0, max: 99 }), (amount, gas) => {
        const tx = pay(GENESIS_HOLDER, other.address, amount, gas);
        const variants = [
          tx,
          { ...tx, signature: highSTwin(tx.signature) },
          { ...tx, amount: amount + 1 },
          makeTransaction(other.address, tx.to, amount, gas, tx.signature),
          { ...tx, signature: tx.signature.slice(0, -2) + (tx.signature.endsWith("00") ? "01" : "00") },
          { ...tx, signature: tx.signature + "00" },
        ];
        const verdicts = variants.map(both);
        for (const [a, b] of verdicts) expect(b).toBe(a);
        expect(verdicts.map(([a]) => a)).toEqual(["ok", "ok", "signature-invalid", "signature-invalid", "signature-invalid", "signature-encoding"]);
      }),
      { numRuns: 40 },
    );
  });
});
