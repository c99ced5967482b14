/**
 * The page's signature checks: libsecp256k1 (WebAssembly, fetched as an asset
 * of the build) in the node's worker, and Web Workers of their own that verify
 * chain streams ahead of validation.
 */
import wasmUrl from "@bitauth/libauth/build/lib/bin/secp256k1/secp256k1.wasm?url";
import type { SignatureVerifier } from "../core/transaction.ts";
import type { VerifyReply, VerifyRequest, VerifyThreadFactory } from "../node/verify-pool.ts";
import { libsecpVerifier } from "./libsecp-verifier.ts";

export async function browserVerifier(): Promise<SignatureVerifier> {
  const response = await fetch(wasmUrl);
  if (!response.ok) throw new Error(`could not load libsecp256k1 (${wasmUrl}): HTTP ${response.status}`);
  return libsecpVerifier(await response.arrayBuffer());
}

let made = 0;
export const browserVerifyThreads: VerifyThreadFactory = (reply, failed) => {
  const w = new Worker(new URL("../worker/verify-worker.ts", import.meta.url), { type: "module", name: `tabnode-verify-${made++}` });
  w.onmessage = (e: MessageEvent<VerifyReply>) => reply(e.data);
  w.onerror = (e) => failed(e.message || "the worker did not load");
  return { post: (r: VerifyRequest) => w.postMessage(r), terminate: () => w.terminate() };
};
