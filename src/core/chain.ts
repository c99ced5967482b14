/**
 * The chain: every block known, indexed by hash, with the difficulty in force
 * for it, the difficulty announced for its children and the cumulative work
 * (sum of 16^d). The main chain is the one with most work; the ledger always
 * matches its tip. A heavier branch triggers a reorganisation: undo to the
 * fork, apply the branch; if the branch turns out invalid, the old main chain
 * comes back exactly. Blocks whose parent is unknown wait, bounded, as orphans.
 */
import type { Block } from "./block.ts";
import { resolveDifficulties, blockWork } from "./difficulty.ts";
import { GENESIS } from "./genesis.ts";
import { Ledger, type BlockUndo } from "./ledger.ts";
import { limits, params } from "./params.ts";
import { Reason, fail, type Failure, type Result } from "./reasons.ts";
import type { CheckedTx, TxCheckOptions } from "./transaction.ts";
import { VerifiedCache } from "./transaction.ts";
import { checkBlock, checkLink, type CheckedBlock } from "./validate.ts";

export interface BlockEntry {
  readonly block: Block;
  readonly height: number;
  /** Timestamp in ms (0 for genesis). */
  readonly timestamp: number;
  /** The difficulty this block's proof of work was checked against (0 for genesis). */
  readonly difficulty: number;
  /** The difficulty announced with this block for its children; null when it came without one. */
  readonly next: number | null;
  /** Cumulative work from genesis up to and including this block. */
  readonly work: bigint;
  readonly txs: readonly CheckedTx[];
}

export type ChainStatus = "extended" | "reorg" | "side" | "orphan";

export interface ChainChange {
  readonly status: ChainStatus;
  /** Blocks that joined the main chain, lowest first. */
  readonly connected: readonly BlockEntry[];
  /** Blocks that left the main chain, highest first. */
  readonly disconnected: readonly BlockEntry[];
  /** Blocks this change made known (on the main chain or beside it), parents first: what a store appends. */
  readonly added: readonly BlockEntry[];
}

export interface ChainOptions extends TxCheckOptions {
  readonly orphanMax?: number;
}

interface Orphan {
  readonly block: CheckedBlock;
  readonly announced: number | null;
}

export class Chain {
  readonly ledger = new Ledger();
  private readonly entries = new Map<string, BlockEntry>();
  private readonly main: BlockEntry[] = [];
  private readonly undos: BlockUndo[] = [];
  private readonly invalid = new Set<string>();
  private readonly orphans = new Map<string, Orphan>();
  private readonly options: TxCheckOptions;
  private readonly orphanMax: number;

  constructor(options: ChainOptions = {}) {
    this.options = { verify: options.verify, cache: options.cache ?? new VerifiedCache() };
    this.orphanMax = options.orphanMax ?? limits.orphanMaxBlocks;
    const genesis: BlockEntry = {
      block: GENESIS,
      height: 0,
      timestamp: 0,
      difficulty: 0,
      next: params.initialDifficulty,
      work: 0n,
      txs: [],
    };
    this.entries.set(GENESIS.hash, genesis);
    this.main.push(genesis);
  }

  tip(): BlockEntry {
    return this.main[this.main.length - 1]!;
  }

  get height(): number {
    return this.main.length - 1;
  }

  /** The main chain's block at a height. */
  at(height: number): BlockEntry | undefined {
    return this.main[height];
  }

  get(hash: string): BlockEntry | undefined {
    return this.entries.get(hash);
  }

  isMain(entry: BlockEntry): boolean {
    return this.main[entry.height] === entry;
  }

  /** The difficulty in force for the next block on the tip. */
  difficulty(): number {
    const tip = this.tip();
    return tip.next ?? tip.difficulty + 1;
  }

  get orphanCount(): number {
    return this.orphans.size;
  }

  /** A live block (TYPE_REPLACE_CHAIN) with the difficulty announced for its child. */
  addBlock(value: unknown, announced: number | null, now: number): Result<ChainChange> {
    const checked = checkBlock(value, this.options);
    if (!checked.ok) return checked;
    const { block } = checked.checked;
    if (this.entries.has(block.hash)) return fail(Reason.BlockKnown, `block ${block.hash} is already known`);
    if (this.invalid.has(block.hash)) return fail(Reason.BlockInvalidAncestor, `block ${block.hash} was found invalid before`);
    const invalidParent = this.refuseInvalidParent([checked.checked]);
    if (invalidParent !== null) return invalidParent;
    if (!this.entries.has(block.prevHash)) {
      this.holdOrphan({ block: checked.checked, announced });
      return { ok: true, status: "orphan", connected: [], disconnected: [], added: [] };
    }
    const result = this.addChecked([checked.checked], [announced], now);
    if (!result.ok) return result;
    return this.adoptOrphans(result, now);
  }

  /**
   * A run of blocks from a chain stream, lowest first, each linking to the one
   * before; leading blocks already known are skipped (a stream may start at
   * genesis). `announced[i]` is the difficulty announced with block i, or null.
   */
  addBranch(values: readonly unknown[], announced: readonly (number | null)[], now: number): Result<ChainChange> {
    let start = 0;
    while (start < values.length && this.isKnownBlock(values[start])) start++;
    if (start === values.length) return { ok: true, status: "side", connected: [], disconnected: [], added: [] };
    const checked: CheckedBlock[] = [];
    for (let i = start; i < values.length; i++) {
      const r = checkBlock(values[i], this.options);
      if (!r.ok) return fail(r.reason, `block #${i}: ${r.detail}`);
      const prev = checked[checked.length - 1];
      if (prev !== undefined && r.checked.block.prevHash !== prev.block.hash) {
        return fail(Reason.BranchNotLinked, `block #${i} does not link to block #${i - 1}`);
      }
      checked.push(r.checked);
    }
    if (this.entries.has(checked[0]!.block.hash)) return fail(Reason.BlockKnown, "the branch repeats a known block after an unknown one");
    if (!this.entries.has(checked[0]!.block.prevHash)) return fail(Reason.ParentUnknown, `block #${start} builds on an unknown block`);
    const result = this.addChecked(checked, announced.slice(start, values.length), now);
    if (!result.ok) return result;
    return this.adoptOrphans(result, now);
  }

  /** Whether `value` is, byte for byte, a block this chain holds (genesis included). */
  isKnownBlock(value: unknown): boolean {
    if (typeof value !== "object" || value === null) return false;
    const hash = (value as { hash?: unknown }).hash;
    const entry = typeof hash === "string" ? this.entries.get(hash) : undefined;
    return entry !== undefined && JSON.stringify(entry.block) === JSON.stringify(value);
  }

  private holdOrphan(orphan: Orphan): void {
    if (this.orphans.has(orphan.block.block.hash)) return;
    if (this.orphans.size >= this.orphanMax) this.orphans.delete(this.orphans.keys().next().value as string);
    this.orphans.set(orphan.block.block.hash, orphan);
  }

  /** Connects waiting orphans whose parent is now known, merging what they changed into one change. */
  private adoptOrphans(change: ChainChange, now: number): Result<ChainChange> {
    if (this.orphans.size === 0) return { ok: true, ...change };
    let status = change.status;
    const connected = [...change.connected];
    const disconnected = [...change.disconnected];
    const added = [...change.added];
    for (let progress = true; progress; ) {
      progress = false;
      for (const [hash, orphan] of this.orphans) {
        if (!this.entries.has(orphan.block.block.prevHash)) continue;
        this.orphans.delete(hash);
        progress = true;
        const r = this.addChecked([orphan.block], [orphan.announced], now);
        if (!r.ok) continue;
        if (r.status !== "side") status = r.status === "reorg" || status === "reorg" ? "reorg" : r.status;
        for (const d of r.disconnected) {
          const i = connected.indexOf(d);
          if (i >= 0) connected.splice(i, 1);
          else disconnected.push(d);
        }
        connected.push(...r.connected);
        added.push(...r.added);
      }
    }
    return { ok: true, status, connected, disconnected, added };
  }

  /** Blocks built on a block found invalid are invalid too, and remembered as such. */
  private refuseInvalidParent(blocks: readonly CheckedBlock[]): Failure | null {
    if (!this.invalid.has(blocks[0]!.block.prevHash)) return null;
    for (const b of blocks) this.invalid.add(b.block.hash);
    return fail(Reason.BlockInvalidAncestor, "the block builds on a block found invalid");
  }

  private addChecked(blocks: readonly CheckedBlock[], announced: readonly (number | null)[], now: number): Result<ChainChange> {
    const invalidParent = this.refuseInvalidParent(blocks);
    if (invalidParent !== null) return invalidParent;
    const parent = this.entries.get(blocks[0]!.block.prevHash)!;
    const resolved = resolveDifficulties(
      parent,
      blocks.map((b, i) => ({ zeros: b.zeros, announced: announced[i] ?? null })),
    );
    if (!resolved.ok) {
      const b = blocks[resolved.index]!;
      return resolved.why === "pow"
        ? fail(Reason.PowTooWeak, `block ${b.block.hash}: ${b.zeros} leading zeros do not meet the difficulty in force`)
        : fail(Reason.DifficultyAnnounced, `block ${b.block.hash}: announced difficulty ${announced[resolved.index]} is not 1 away from the difficulty in force, or is below ${params.minDifficulty}`);
    }
    const fresh: BlockEntry[] = [];
    let prev = parent;
    for (let i = 0; i < blocks.length; i++) {
      const b = blocks[i]!;
      const link = checkLink(b, { hash: prev.block.hash, timestamp: prev.timestamp }, now);
      if (!link.ok) return fail(link.reason, `block ${b.block.hash}: ${link.detail}`);
      const difficulty = resolved.inForce[i]!;
      const next = announced[i] ?? (i + 1 < blocks.length ? resolved.inForce[i + 1]! : null);
      prev = { block: b.block, height: prev.height + 1, timestamp: b.timestamp, difficulty, next, work: prev.work + blockWork(difficulty), txs: b.txs };
      fresh.push(prev);
    }
    const last = fresh[fresh.length - 1]!;
    if (last.work <= this.tip().work) {
      for (const e of fresh) this.entries.set(e.block.hash, e);
      return { ok: true, status: "side", connected: [], disconnected: [], added: fresh };
    }
    return this.reorganise(parent, fresh);
  }

  /** Makes `fresh` (children of `parent`) the main chain, or leaves everything as it was and says why not. */
  private reorganise(parent: BlockEntry, fresh: readonly BlockEntry[]): Result<ChainChange> {
    const branch: BlockEntry[] = [];
    let fork = parent;
    while (!this.isMain(fork)) {
      branch.unshift(fork);
      fork = this.entries.get(fork.block.prevHash)!;
    }
    branch.push(...fresh);
    const disconnected: BlockEntry[] = [];
    while (this.tip() !== fork) disconnected.push(this.popTip());
    for (let i = 0; i < branch.length; i++) {
      const entry = branch[i]!;
      const applied = this.ledger.applyBlock(entry.txs);
      if (!applied.ok) {
        for (const bad of branch.slice(i)) this.invalid.add(bad.block.hash);
        while (this.tip() !== fork) this.popTip();
        for (const back of [...disconnected].reverse()) this.pushTip(back, this.ledger.applyBlock(back.txs));
        return fail(applied.reason, `block ${entry.block.hash}: ${applied.detail}`);
      }
      this.pushTip(entry, applied);
    }
    for (const e of fresh) this.entries.set(e.block.hash, e);
    return { ok: true, status: disconnected.length > 0 ? "reorg" : "extended", connected: branch, disconnected, added: fresh };
  }

  private popTip(): BlockEntry {
    const entry = this.main.pop()!;
    this.ledger.undoBlock(this.undos.pop()!);
    return entry;
  }

  private pushTip(entry: BlockEntry, applied: Result<{ undo: BlockUndo }>): void {
    if (!applied.ok) throw new Error(`a block that was valid on this chain no longer applies: ${applied.detail}`);
    this.main.push(entry);
    this.undos.push(applied.undo);
  }
}
