/** A verification worker of the page: answers batches of signatures once libsecp256k1 has loaded. */
import { ellipticVerifier } from "../core/transaction.ts";
import { verifyThreadHandler, type VerifyReply, type VerifyRequest } from "../node/verify-pool.ts";
import { browserVerifier } from "../platform/browser-verify.ts";

const scope = self as unknown as { postMessage(m: VerifyReply): void; onmessage: ((e: MessageEvent<VerifyRequest>) => void) | null };
// Without libsecp256k1 (a failed fetch), elliptic answers: slower, never stuck.
const ready = browserVerifier()
  .catch(() => ellipticVerifier)
  .then((verify) => verifyThreadHandler(verify, (r) => scope.postMessage(r)));
scope.onmessage = (e) => void ready.then((handle) => handle(e.data));
