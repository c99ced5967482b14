/**
 * All the simulation's randomness, from one seed. Each participant draws from
 * a stream of its own (`fork`), 2^64 steps from the others, so adding a node or
 * a user to a run does not shift what every other draws: a seed means the same
 * thing across small changes to a scenario.
 */
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import type { JumpableRandomGenerator } from "pure-rand/types/JumpableRandomGenerator";

export class SimRandom {
  private constructor(private readonly rng: JumpableRandomGenerator) {}

  static seeded(seed: number): SimRandom {
    return new SimRandom(xoroshiro128plus(seed | 0));
  }

  /** An independent stream: this one's sequence from here, while this one jumps ahead. */
  fork(): SimRandom {
    const branch = this.rng.clone();
    this.rng.jump();
    return new SimRandom(branch);
  }

  /** Uniform in [0, 1). */
  float(): number {
    return uniformFloat64(this.rng);
  }

  /** Uniform in [from, to], both included. */
  int(from: number, to: number): number {
    return uniformInt(this.rng, from, to);
  }

  below(n: number): number {
    return this.int(0, n - 1);
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  /** Exponentially distributed with this mean: the time to the next event of a memoryless process. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.float());
  }

  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)]!;
  }

  /** `n` distinct items, in random order. */
  sample<T>(items: readonly T[], n: number): T[] {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = this.below(i + 1);
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    }
    return copy.slice(0, n);
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.int(0, 255);
    return out;
  }
}
