/** A native verification thread (worker_threads), with the verifier the node uses on its main thread. */
import { parentPort, workerData } from "node:worker_threads";
import { verifyThreadHandler, type VerifyRequest } from "../node/verify-pool.ts";
import { nodeVerifier, type VerifierName } from "./node-verifier.ts";

const port = parentPort!;
const ready = nodeVerifier((workerData as { verifier: VerifierName }).verifier).then((verify) => verifyThreadHandler(verify, (r) => port.postMessage(r)));
port.on("message", (m: VerifyRequest) => void ready.then((handle) => handle(m)));
