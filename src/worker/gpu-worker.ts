/** The page's GPU mining thread: a worker that drives WebGPU, so that waiting on the GPU never touches the page's thread. */
import { gpuMinerThread } from "../miner/gpu-thread.ts";
import type { MinerCommand, MinerReport } from "../miner/thread.ts";
import { openBrowserGpu } from "../platform/browser-gpu.ts";

const scope = self as unknown as { postMessage(m: MinerReport): void; onmessage: ((e: MessageEvent<MinerCommand>) => void) | null };

const thread = gpuMinerThread(openBrowserGpu, (r) => scope.postMessage(r), () => performance.now());
scope.onmessage = (e) => thread.post(e.data);
