/** A mining thread of the native node (worker_threads): between slices, setImmediate lets messages in. */
import { parentPort } from "node:worker_threads";
import { minerThread, type MinerCommand } from "../miner/thread.ts";

const port = parentPort!;
const handle = minerThread((r) => port.postMessage(r), (fn) => void setImmediate(fn));
port.on("message", (m: MinerCommand) => handle(m));
