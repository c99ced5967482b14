/**
 * One mining thread of the page: runs the job it is given in short slices
 * (a MessageChannel between slices, not setTimeout, whose nesting clamp would
 * idle the thread 4 ms in every 20) and reports found nonces and hash counts.
 */
import { SlicedPool, type MiningJob } from "../miner/pool.ts";

export type MinerCommand = { readonly job: MiningJob; readonly start: number } | { readonly stop: true };
export type MinerReport = { readonly found: { jobId: number; nonce: number; hash: string } } | { readonly hashes: number };

const scope = self as unknown as { postMessage(m: MinerReport): void; onmessage: ((e: MessageEvent<MinerCommand>) => void) | null };

const channel = new MessageChannel();
const queue: (() => void)[] = [];
channel.port1.onmessage = () => queue.shift()?.();
const defer = (fn: () => void) => {
  queue.push(fn);
  channel.port2.postMessage(0);
};

let counted = 0;
setInterval(() => {
  if (counted === 0) return;
  scope.postMessage({ hashes: counted });
  counted = 0;
}, 250);

let pool: SlicedPool | null = null;
const listener = {
  found: (jobId: number, nonce: number, hash: string) => scope.postMessage({ found: { jobId, nonce, hash } }),
  hashes: (n: number) => void (counted += n),
};

scope.onmessage = (e) => {
  const m = e.data;
  if ("stop" in m) return pool?.stop();
  pool = new SlicedPool(listener, defer, m.start);
  pool.run(m.job);
};
