/**
 * The native node's signature verifier: libsecp256k1 in WebAssembly by
 * default (the page's verifier, read from node_modules), or OpenSSL through
 * node:crypto with VERIFIER=openssl. Both give elliptic's exact verdicts
 * (test/unit/verifiers.test.ts); on this project's 2-core machines
 * libsecp256k1 verified about twice as many signatures per second
 * (`npm run bench:validate` prints both rates).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { SignatureVerifier } from "../core/transaction.ts";
import { libsecpVerifier } from "./libsecp-verifier.ts";
import { opensslVerifier } from "./openssl-verifier.ts";

export const VERIFIERS = ["libsecp256k1", "openssl"] as const;
export type VerifierName = (typeof VERIFIERS)[number];

/** libsecp256k1's WebAssembly bytes, the same file the page fetches. */
export function libsecpWasmFile(): ArrayBuffer {
  const bytes = readFileSync(fileURLToPath(import.meta.resolve("@bitauth/libauth/build/lib/bin/secp256k1/secp256k1.wasm")));
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
}

export async function nodeVerifier(name: VerifierName): Promise<SignatureVerifier> {
  return name === "openssl" ? opensslVerifier : libsecpVerifier(libsecpWasmFile());
}
