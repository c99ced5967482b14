/**
 * The fast verifiers give exactly elliptic's accept and reject: OpenSSL (the
 * native node) and libsecp256k1 in WebAssembly (the page).
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { bytesToHex, hexToBytes, sha256Bytes } from "../../src/core/hash.ts";
import { ec } from "../../src/core/secp.ts";
import { checkTransaction, ellipticVerifier, makeTransaction, type SignatureVerifier } from "../../src/core/transaction.ts";
import { libsecpVerifier } from "../../src/platform/libsecp-verifier.ts";
import { libsecpWasmFile } from "../../src/platform/node-verifier.ts";
import { opensslVerifier } from "../../src/platform/openssl-verifier.ts";
import { GENESIS_HOLDER, newWallet, pay } from "../support/chain-builder.ts";

const vectors = JSON.parse(readFileSync(new URL("../vectors/jechain-v0.2.0.json", import.meta.url), "utf8"));
const N = BigInt("0x" + ec.n!.toString(16));
const verdict = (tx: unknown, verify: SignatureVerifier) => {
  const r = checkTransaction(tx, { verify });
  return r.ok ? "ok" : r.reason;
};

function highSTwin(signature: string): string {
  const der = hexToBytes(signature);
  const r = der.slice(4, 4 + der[3]!);
  const s = BigInt("0x" + bytesToHex(der.slice(6 + der[3]!)));
  const sBytes = hexToBytes((N - s).toString(16).padStart(64, "0"));
  const sEnc = sBytes[0]! & 0x80 ? new Uint8Array([0, ...sBytes]) : sBytes;
  return bytesToHex(new Uint8Array([0x30, 4 + r.length + sEnc.length, 0x02, r.length, ...r, 0x02, sEnc.length, ...sEnc]));
}

const verifiers: Record<string, () => SignatureVerifier> = {};
beforeAll(async () => {
  const libsecp = await libsecpVerifier(libsecpWasmFile());
  verifiers.openssl = () => opensslVerifier;
  verifiers.libsecp256k1 = () => libsecp;
});

describe.each(["openssl", "libsecp256k1"])("%s verifier", (name) => {
  const pair = (tx: unknown) => [verdict(tx, ellipticVerifier), verdict(tx, verifiers[name]!())];

  it("accepts the vectors' signatures, the high-S reward included", () => {
    expect(pair(vectors.transaction.tx)).toEqual(["ok", "ok"]);
    for (const tx of vectors.block1.block.data) expect(pair(tx)).toEqual(["ok", "ok"]);
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
        const verdicts = variants.map(pair);
        for (const [a, b] of verdicts) expect(b).toBe(a);
        expect(verdicts.map(([a]) => a)).toEqual(["ok", "ok", "signature-invalid", "signature-invalid", "signature-invalid", "signature-encoding"]);
      }),
      { numRuns: 40 },
    );
  });
});

describe("libsecp256k1 verifier, called directly", () => {
  const key = ec.genKeyPair();
  const address = key.getPublic(false, "hex");
  const request = (digest: Uint8Array, r: bigint, s: bigint) => ({ address, preimage: "", digest, sig: { r, s }, der: "" });

  it("reduces a digest of n or more mod n, as elliptic does", () => {
    const digest = hexToBytes((N + 12345n).toString(16).padStart(64, "0"));
    const sig = key.sign(Array.from(digest));
    const req = request(digest, BigInt("0x" + sig.r.toString(16)), BigInt("0x" + sig.s.toString(16)));
    expect(ellipticVerifier(req)).toBe(true);
    expect(verifiers.libsecp256k1!()(req)).toBe(true);
  });

  it("agrees with elliptic on arbitrary r and s, and on the twin of each valid signature", () => {
    const scalar = fc.bigInt({ min: 1n, max: N - 1n });
    fc.assert(
      fc.property(scalar, scalar, fc.string(), (r, s, text) => {
        const req = request(sha256Bytes(text), r, s);
        expect(verifiers.libsecp256k1!()(req)).toBe(ellipticVerifier(req));
        const sig = key.sign(Array.from(req.digest));
        const good = { r: BigInt("0x" + sig.r.toString(16)), s: BigInt("0x" + sig.s.toString(16)) };
        for (const t of [good, { r: good.r, s: N - good.s }]) {
          const valid = request(req.digest, t.r, t.s);
          expect([ellipticVerifier(valid), verifiers.libsecp256k1!()(valid)]).toEqual([true, true]);
        }
      }),
      { numRuns: 60 },
    );
  });
});
