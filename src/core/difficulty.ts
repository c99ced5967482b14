/**
 * Difficulty: the seed's announcement rule, the work a block carries, and the
 * difficulty in force for blocks that arrive without an announcement.
 *
 * Blocks do not record difficulty. A live block (REPLACE_CHAIN) carries the
 * value announced for its child; a chain stream carries none (unless the sender
 * is a Tabnode, which adds it). For a stream, the difficulty in force at each
 * height is resolved as the highest sequence that obeys the network's rules:
 * it starts from the parent's, moves by exactly 1 per block, never falls below
 * 1, and each block's hash has at least that many leading zeros.
 */
import { params } from "./params.ts";

/** Work of one block mined at difficulty d: the expected hashes, 16^d. */
export function blockWork(difficulty: number): bigint {
  return 16n ** BigInt(difficulty);
}

/**
 * The difficulty a miner announces with its block: the seed's rule (+1 when
 * mining took under the block time, else -1), never below the minimum.
 */
export function announceDifficulty(current: number, miningMs: number): number {
  if (miningMs < params.blockTimeMs || current - 1 < params.minDifficulty) return current + 1;
  return current - 1;
}

export function isValidAnnouncement(inForce: number, announced: unknown): announced is number {
  return (
    typeof announced === "number" &&
    Number.isSafeInteger(announced) &&
    announced >= params.minDifficulty &&
    Math.abs(announced - inForce) === 1
  );
}

/** Hashes have 64 hex digits, so no difficulty above 64 can ever be met. */
const MAX_D = 64;

export interface DifficultyStep {
  /** Leading zero nibbles of the block's hash. */
  readonly zeros: number;
  /** The difficulty announced with the block, when the sender gave one. */
  readonly announced: number | null;
}

export type DifficultyResolution =
  | { readonly ok: true; readonly inForce: number[] }
  | { readonly ok: false; readonly index: number; readonly why: "pow" | "announcement" };

/**
 * The difficulty in force for each block of a branch, given what is known of
 * its parent: the announced value for its children (`next`), or only its own
 * difficulty when nothing was announced. Forward pass: the values each block
 * can take; backward pass: the highest consistent path. O(n * 64).
 */
export function resolveDifficulties(parent: { difficulty: number; next: number | null }, steps: readonly DifficultyStep[]): DifficultyResolution {
  const reachable: boolean[][] = [];
  let prev: Set<number> =
    parent.next !== null ? new Set([parent.next]) : new Set([parent.difficulty - 1, parent.difficulty + 1]);
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    const row = new Array<boolean>(MAX_D + 1).fill(false);
    let any = false;
    let powOk = false;
    for (const d of prev) {
      if (d < params.minDifficulty || d > MAX_D) continue;
      if (step.zeros < d) continue;
      powOk = true;
      if (step.announced !== null && !isValidAnnouncement(d, step.announced)) continue;
      row[d] = true;
      any = true;
    }
    if (!any) return { ok: false, index: i, why: powOk ? "announcement" : "pow" };
    reachable.push(row);
    const next = new Set<number>();
    for (let d = 0; d <= MAX_D; d++) {
      if (!row[d]) continue;
      if (step.announced !== null) next.add(step.announced);
      else {
        next.add(d - 1);
        next.add(d + 1);
      }
    }
    prev = next;
  }
  const inForce = new Array<number>(steps.length);
  for (let i = steps.length - 1; i >= 0; i--) {
    const row = reachable[i]!;
    const child = i + 1 < steps.length ? inForce[i + 1]! : null;
    const announced = steps[i]!.announced;
    for (let d = MAX_D; d >= 0; d--) {
      if (!row[d]) continue;
      if (child !== null && (announced !== null ? announced !== child : Math.abs(child - d) !== 1)) continue;
      inForce[i] = d;
      break;
    }
  }
  return { ok: true, inForce };
}
