/** The Node.js platform: the only place the native node touches the clock, timers and the CSPRNG. */
import { randomBytes } from "node:crypto";
import type { NodeEnv } from "../node/node.ts";
import type { SignatureVerifier } from "../core/transaction.ts";
import type { MinerEnv } from "../node/miner-runner.ts";

export const nodeRandom = (n: number): Uint8Array => new Uint8Array(randomBytes(n));

export function nodePlatform(log: (line: string) => void, verify: SignatureVerifier): NodeEnv & MinerEnv & { defer: (fn: () => void) => void } {
  return {
    now: () => Date.now(),
    random: nodeRandom,
    schedule: (fn, ms) => {
      const t = setTimeout(fn, ms);
      return () => clearTimeout(t);
    },
    defer: (fn) => void setImmediate(fn),
    log,
    verify,
  };
}
