/** A native verification thread (worker_threads): OpenSSL, as on the node's main thread. */
import { parentPort } from "node:worker_threads";
import { verifyThreadHandler, type VerifyRequest } from "../node/verify-pool.ts";
import { opensslVerifier } from "./openssl-verifier.ts";

const port = parentPort!;
const handle = verifyThreadHandler(opensslVerifier, (r) => port.postMessage(r));
port.on("message", (m: VerifyRequest) => handle(m));
