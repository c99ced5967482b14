/**
 * A mining thread of the page. Between slices it yields through a
 * MessageChannel, not setTimeout, whose nesting clamp would idle the thread
 * 4 ms in every 20.
 */
import { minerThread, type MinerCommand, type MinerReport } from "../miner/thread.ts";

const scope = self as unknown as { postMessage(m: MinerReport): void; onmessage: ((e: MessageEvent<MinerCommand>) => void) | null };

const channel = new MessageChannel();
const queue: (() => void)[] = [];
channel.port1.onmessage = () => queue.shift()?.();
const defer = (fn: () => void) => {
  queue.push(fn);
  channel.port2.postMessage(0);
};

const handle = minerThread((r) => scope.postMessage(r), defer);
scope.onmessage = (e) => handle(e.data);
