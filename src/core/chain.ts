/**
 * The chain: the main chain, with most cumulative work (the sum of 16^d), and
 * what is held beside it. The ledger always matches the tip. A heavier branch
 * triggers a reorganisation: undo to the fork, check and apply the branch; if
 * it turns out invalid, the old main chain comes back exactly.
 *
 * Nothing beside the main chain may cost more than the work it carries:
 * - Side blocks (a competing tip, a short fork) are kept only while their
 *   branch is within a few blocks' work of the tip, in memory, bounded in
 *   count and bytes (the lightest go first), and never stored. Only their
 *   header rules are checked (hash, link, proof of work, timestamp); their
 *   transactions, the costly part (signatures) and balances, are checked when
 *   their branch overtakes the tip and is connected. A lighter branch is not
 *   kept at all: it would take more work than the main chain's to matter.
 * - Orphans (parent unknown) are header-checked and bounded; the oldest go first.
 * - Blocks found invalid are remembered, bounded, so that nothing built on
 *   them is checked twice.
 * So a flood of cheap blocks off an old block costs this node a bounded amount
 * of memory, no disk, and no signature checks; restarts replay only what was
 * once on the main chain.
 */
import type { Block } from "./block.ts";
import { announceDifficulty, resolveDifficulties, blockWork } from "./difficulty.ts";
import { GENESIS } from "./genesis.ts";
import { leadingZeroNibbles } from "./hash.ts";
import { Ledger, type BlockUndo } from "./ledger.ts";
import { limits, params } from "./params.ts";
import { Reason, fail, type Failure, type Result } from "./reasons.ts";
import type { CheckedTx, TxCheckOptions } from "./transaction.ts";
import { VerifiedCache } from "./transaction.ts";
import { checkBlockBody, checkBlockHeader, checkLink, type CheckedHeader } from "./validate.ts";

/** What is known of any block this chain holds, on the main chain or beside it. */
export interface BlockInfo {
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
}

/** A block on the main chain (or that was), every rule checked. */
export interface BlockEntry extends BlockInfo {
  readonly txs: readonly CheckedTx[];
}

/**
 * extended / reorg: the main chain changed. side: kept beside it. light: a
 * branch with no more work than the main chain and too far behind it to keep.
 * orphan: held until its parent arrives.
 */
export type ChainStatus = "extended" | "reorg" | "side" | "light" | "orphan";

export interface ChainChange {
  readonly status: ChainStatus;
  /** Blocks that joined the main chain, lowest first. */
  readonly connected: readonly BlockEntry[];
  /** Blocks that left the main chain, highest first. */
  readonly disconnected: readonly BlockEntry[];
  /** Connected blocks never on the main chain before, parents first: what a store appends. */
  readonly added: readonly BlockEntry[];
}

/** What this node is willing to hold beside the main chain (params.ts `limits` has the defaults). */
export interface ChainBounds {
  readonly orphanMaxBlocks: number;
  readonly orphanMaxBytes: number;
  readonly sideMaxBlocks: number;
  readonly sideMaxBytes: number;
  /** A side branch is kept while it is within this many main-chain blocks' work of the tip. */
  readonly sideDepth: number;
  readonly invalidMax: number;
}

export interface ChainOptions extends TxCheckOptions {
  readonly bounds?: Partial<ChainBounds>;
}

interface Orphan {
  readonly header: CheckedHeader;
  readonly announced: number | null;
}

interface SideBlock {
  readonly info: BlockInfo;
  readonly header: CheckedHeader;
  /** Checked already: it was on the main chain once. */
  readonly txs: readonly CheckedTx[] | null;
  /** In the store already (it was on the main chain once, or was loaded from it). */
  readonly stored: boolean;
}

const NO_CHANGE = { connected: [], disconnected: [], added: [] } as const;

export class Chain {
  readonly ledger = new Ledger();
  readonly bounds: ChainBounds;
  private readonly main: BlockEntry[] = [];
  private readonly mainIndex = new Map<string, BlockEntry>();
  private readonly undos: BlockUndo[] = [];
  private readonly side = new Map<string, SideBlock>();
  private sideBytesHeld = 0;
  private readonly orphans = new Map<string, Orphan>();
  private orphanBytesHeld = 0;
  /** Hashes found invalid, oldest first out. */
  private readonly invalid = new Set<string>();
  private readonly options: TxCheckOptions;
  /** While the store is replayed: keep every side block, check no bound. */
  private loading = false;

  constructor(options: ChainOptions = {}) {
    this.options = { verify: options.verify, cache: options.cache ?? new VerifiedCache() };
    this.bounds = {
      orphanMaxBlocks: limits.orphanMaxBlocks,
      orphanMaxBytes: limits.orphanMaxBytes,
      sideMaxBlocks: limits.sideMaxBlocks,
      sideMaxBytes: limits.sideMaxBytes,
      sideDepth: limits.sideDepth,
      invalidMax: limits.invalidMaxBlocks,
      ...options.bounds,
    };
    const genesis: BlockEntry = { block: GENESIS, height: 0, timestamp: 0, difficulty: 0, next: params.initialDifficulty, work: 0n, txs: [] };
    this.main.push(genesis);
    this.mainIndex.set(GENESIS.hash, genesis);
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

  /** A block this chain holds, on the main chain or beside it. */
  get(hash: string): BlockInfo | undefined {
    return this.mainIndex.get(hash) ?? this.side.get(hash)?.info;
  }

  isMain(entry: BlockInfo): boolean {
    return this.main[entry.height] === entry;
  }

  /**
   * The difficulty in force for the next block on the tip: the one announced
   * with it; for a tip nobody announced a difficulty for (a tutorial node's
   * chain stream), both d - 1 and d + 1 are allowed (difficulty.ts), and this
   * is the lower, which every Tabnode node accepts and which is 256 times less
   * work (the simulator's mixed scenario found miners stuck at +1 for hours):
   * what the seed's rule announces after a search that took the block time,
   * so never below the minimum. (Genesis always has its `next`.)
   */
  difficulty(): number {
    const tip = this.tip();
    return tip.next ?? announceDifficulty(tip.difficulty, params.blockTimeMs);
  }

  get orphanCount(): number {
    return this.orphans.size;
  }

  get orphanBytes(): number {
    return this.orphanBytesHeld;
  }

  get sideCount(): number {
    return this.side.size;
  }

  get sideBytes(): number {
    return this.sideBytesHeld;
  }

  get invalidCount(): number {
    return this.invalid.size;
  }

  /** Whether `value` is, byte for byte, a block this chain holds (genesis included). */
  isKnownBlock(value: unknown): boolean {
    if (typeof value !== "object" || value === null) return false;
    const hash = (value as { hash?: unknown }).hash;
    const known = typeof hash === "string" ? this.get(hash) : undefined;
    return known !== undefined && JSON.stringify(known.block) === JSON.stringify(value);
  }

  /** A live block (TYPE_REPLACE_CHAIN) with the difficulty announced for its child. */
  addBlock(value: unknown, announced: number | null, now: number): Result<ChainChange> {
    const checked = checkBlockHeader(value);
    if (!checked.ok) return checked;
    const { header } = checked;
    const hash = header.block.hash;
    if (this.get(hash) !== undefined) return fail(Reason.BlockKnown, `block ${hash} is already known`);
    if (this.invalid.has(hash)) return fail(Reason.BlockInvalidAncestor, `block ${hash} was found invalid before`);
    const invalidParent = this.refuseInvalidParent([header]);
    if (invalidParent !== null) return invalidParent;
    const parent = this.get(header.block.prevHash);
    if (parent === undefined) {
      this.holdOrphan({ header, announced });
      return { ok: true, status: "orphan", ...NO_CHANGE };
    }
    const result = this.extend(parent, [header], [announced], now);
    return result.ok ? this.adoptOrphans(result, now) : result;
  }

  /**
   * A run of blocks from a chain stream, lowest first, each linking to the one
   * before; leading blocks already known are skipped (a stream may start at
   * genesis). `announced[i]` is the difficulty announced with block i, or null.
   */
  addBranch(values: readonly unknown[], announced: readonly (number | null)[], now: number): Result<ChainChange> {
    let start = 0;
    while (start < values.length && this.isKnownBlock(values[start])) start++;
    const headers: CheckedHeader[] = [];
    for (let i = start; i < values.length; i++) {
      const r = checkBlockHeader(values[i]);
      if (!r.ok) return fail(r.reason, `block #${i}: ${r.detail}`);
      const prev = headers[headers.length - 1];
      if (prev !== undefined && r.header.block.prevHash !== prev.block.hash) {
        return fail(Reason.BranchNotLinked, `block #${i} does not link to block #${i - 1}`);
      }
      headers.push(r.header);
    }
    return this.addHeaders(headers, announced.slice(start), now);
  }

  /**
   * A linked run of header-checked blocks (a chain stream checks each header
   * as it arrives). Connected only if it ends with more work than the tip;
   * otherwise "light", and nothing is kept unless it forks near the tip.
   */
  addHeaders(headers: readonly CheckedHeader[], announced: readonly (number | null)[], now: number): Result<ChainChange> {
    const first = headers[0];
    if (first === undefined) return { ok: true, status: "side", ...NO_CHANGE };
    if (this.get(first.block.hash) !== undefined) return fail(Reason.BlockKnown, "the branch repeats a known block after an unknown one");
    const invalidParent = this.refuseInvalidParent(headers);
    if (invalidParent !== null) return invalidParent;
    const parent = this.get(first.block.prevHash);
    if (parent === undefined) return fail(Reason.ParentUnknown, `block ${first.block.hash} builds on an unknown block`);
    const result = this.extend(parent, headers, announced, now);
    return result.ok ? this.adoptOrphans(result, now) : result;
  }

  /**
   * Replays a store: every block it holds, in the order they were appended
   * (parents first), each checked again. Side blocks are all kept while
   * loading (a reorganisation stored later may need them), then trimmed.
   * Throws on a block the rules refuse: the store is not to be trusted.
   */
  load(stored: Iterable<{ readonly block: Block; readonly next: number | null }>): void {
    this.loading = true;
    try {
      for (const s of stored) {
        const r = this.addBlock(s.block, s.next, Number.MAX_SAFE_INTEGER);
        if (!r.ok && r.reason === Reason.BlockKnown) continue;
        if (!r.ok) throw new Error(`the store holds a block this node cannot accept (${r.reason}: ${r.detail}); refusing to start on it`);
        if (r.status === "orphan") throw new Error(`the store holds block ${s.block.hash} before its parent; refusing to start on it`);
      }
    } finally {
      this.loading = false;
      this.orphans.clear();
      this.orphanBytesHeld = 0;
      this.trimSide();
    }
  }

  private holdOrphan(orphan: Orphan): void {
    const hash = orphan.header.block.hash;
    if (this.orphans.has(hash)) return;
    this.orphans.set(hash, orphan);
    this.orphanBytesHeld += orphan.header.bytes;
    const { orphanMaxBlocks, orphanMaxBytes } = this.bounds;
    while (this.orphans.size > orphanMaxBlocks || this.orphanBytesHeld > orphanMaxBytes) {
      const [oldest, o] = this.orphans.entries().next().value as [string, Orphan];
      this.orphans.delete(oldest);
      this.orphanBytesHeld -= o.header.bytes;
    }
  }

  /** Connects waiting orphans whose parent is now known, merging what they changed into one change. */
  private adoptOrphans(change: Result<ChainChange> & { ok: true }, now: number): Result<ChainChange> {
    if (this.orphans.size === 0) return change;
    let status = change.status;
    const connected = [...change.connected];
    const disconnected = [...change.disconnected];
    const added = [...change.added];
    for (let progress = true; progress; ) {
      progress = false;
      for (const [hash, orphan] of this.orphans) {
        const parent = this.get(orphan.header.block.prevHash);
        if (parent === undefined) continue;
        this.orphans.delete(hash);
        this.orphanBytesHeld -= orphan.header.bytes;
        progress = true;
        if (this.get(hash) !== undefined || this.invalid.has(parent.block.hash)) continue;
        const r = this.extend(parent, [orphan.header], [orphan.announced], now);
        if (!r.ok) continue;
        if (r.status === "extended" || r.status === "reorg") status = r.status === "reorg" || status === "reorg" ? "reorg" : "extended";
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
  private refuseInvalidParent(headers: readonly CheckedHeader[]): Failure | null {
    if (!this.invalid.has(headers[0]!.block.prevHash)) return null;
    for (const h of headers) this.markInvalid(h.block.hash);
    return fail(Reason.BlockInvalidAncestor, "the block builds on a block found invalid");
  }

  private markInvalid(hash: string): void {
    this.invalid.add(hash);
    if (this.invalid.size > this.bounds.invalidMax) this.invalid.delete(this.invalid.values().next().value as string);
  }

  /**
   * The header rules of a branch on a known parent (difficulty in force,
   * proof of work, announcements, timestamps), then: connect it if it ends
   * with more work than the tip, keep it beside the main chain if it forks
   * near the tip, or let it go.
   */
  private extend(parent: BlockInfo, headers: readonly CheckedHeader[], announced: readonly (number | null)[], now: number): Result<ChainChange> {
    const resolved = resolveDifficulties(
      parent,
      headers.map((h, i) => ({ zeros: h.zeros, announced: announced[i] ?? null })),
    );
    if (!resolved.ok) {
      const h = headers[resolved.index]!;
      return resolved.why === "pow"
        ? fail(Reason.PowTooWeak, `block ${h.block.hash}: ${h.zeros} leading zeros do not meet the difficulty in force`)
        : fail(Reason.DifficultyAnnounced, `block ${h.block.hash}: announced difficulty ${announced[resolved.index]} is not 1 away from the difficulty in force, or is below ${params.minDifficulty}`);
    }
    const fresh: BlockInfo[] = [];
    let prev = parent;
    for (let i = 0; i < headers.length; i++) {
      const h = headers[i]!;
      const link = checkLink(h, { hash: prev.block.hash, timestamp: prev.timestamp }, now);
      if (!link.ok) return fail(link.reason, `block ${h.block.hash}: ${link.detail}`);
      const difficulty = resolved.inForce[i]!;
      const next = announced[i] ?? (i + 1 < headers.length ? resolved.inForce[i + 1]! : null);
      prev = { block: h.block, height: prev.height + 1, timestamp: h.timestamp, difficulty, next, work: prev.work + blockWork(difficulty) };
      fresh.push(prev);
    }
    if (prev.work > this.tip().work) return this.reorganise(parent, fresh, headers);
    if (!this.loading && fresh[0]!.work + this.sideMargin() < this.tip().work) return { ok: true, status: "light", ...NO_CHANGE };
    fresh.forEach((info, i) => this.keepSide({ info, header: headers[i]!, txs: null, stored: this.loading }));
    this.trimSide();
    return { ok: true, status: "side", ...NO_CHANGE };
  }

  /** The work of the main chain's last `sideDepth` blocks: how far behind the tip a side branch may start. */
  private sideMargin(): bigint {
    const base = this.main[Math.max(0, this.height - this.bounds.sideDepth)]!;
    return this.tip().work - base.work;
  }

  private keepSide(s: SideBlock): void {
    this.side.set(s.info.block.hash, s);
    this.sideBytesHeld += s.header.bytes;
  }

  private dropSide(hash: string): void {
    const s = this.side.get(hash);
    if (s === undefined) return;
    this.side.delete(hash);
    this.sideBytesHeld -= s.header.bytes;
  }

  /** Over a bound, the lightest side block goes first, with every side block built on it. */
  private trimSide(): void {
    if (this.loading) return;
    const { sideMaxBlocks, sideMaxBytes } = this.bounds;
    while (this.side.size > sideMaxBlocks || this.sideBytesHeld > sideMaxBytes) {
      let lightest: SideBlock | undefined;
      for (const s of this.side.values()) if (lightest === undefined || s.info.work < lightest.info.work) lightest = s;
      this.dropSideBranch(lightest!.info.block.hash);
    }
  }

  /** Drops a side block and its side descendants (which would lose their way to the main chain). */
  private dropSideBranch(hash: string): void {
    const gone = new Set([hash]);
    this.dropSide(hash);
    for (let found = true; found; ) {
      found = false;
      for (const [h, s] of this.side) {
        if (!gone.has(s.info.block.prevHash)) continue;
        gone.add(h);
        this.dropSide(h);
        found = true;
      }
    }
  }

  /**
   * Makes the side blocks leading to `parent`, then `fresh`, the main chain:
   * each block's transactions are checked (unless they were before) and
   * applied in order. On the first failure everything is left as it was and
   * the failing block and those after it are remembered as invalid.
   */
  private reorganise(parent: BlockInfo, fresh: readonly BlockInfo[], headers: readonly CheckedHeader[]): Result<ChainChange> {
    const branch: SideBlock[] = [];
    let fork = parent;
    while (!this.isMain(fork)) {
      const s = this.side.get(fork.block.hash)!;
      branch.unshift(s);
      fork = this.get(fork.block.prevHash)!;
    }
    branch.push(...fresh.map((info, i) => ({ info, header: headers[i]!, txs: null, stored: false })));
    const disconnected: BlockEntry[] = [];
    while (this.tip() !== fork) disconnected.push(this.popTip());
    const connected: BlockEntry[] = [];
    for (let i = 0; i < branch.length; i++) {
      const s = branch[i]!;
      const body = this.bodyOf(s);
      const applied = body.ok ? this.ledger.applyBlock(body.txs) : body;
      if (!body.ok || !applied.ok) {
        const why = applied as Failure;
        for (const bad of branch.slice(i)) {
          this.markInvalid(bad.info.block.hash);
          this.dropSideBranch(bad.info.block.hash);
        }
        while (this.tip() !== fork) this.popTip();
        for (const back of [...disconnected].reverse()) this.pushTip(back, this.ledger.applyBlock(back.txs));
        return fail(why.reason, `block ${s.info.block.hash}: ${why.detail}`);
      }
      const entry: BlockEntry = { ...s.info, txs: body.txs };
      this.pushTip(entry, applied);
      connected.push(entry);
    }
    for (const s of branch) this.dropSide(s.info.block.hash);
    for (const d of disconnected) {
      this.keepSide({ info: d, header: { block: d.block, timestamp: d.timestamp, zeros: leadingZeroNibbles(d.block.hash), bytes: blockBytes(d.block) }, txs: d.txs, stored: true });
    }
    this.trimSide();
    const added = connected.filter((_, i) => !branch[i]!.stored);
    return { ok: true, status: disconnected.length > 0 ? "reorg" : "extended", connected, disconnected, added };
  }

  /** A block's checked transactions: checked before if it was on the main chain once, now otherwise. */
  private bodyOf(s: SideBlock): Result<{ txs: readonly CheckedTx[] }> {
    if (s.txs !== null) return { ok: true, txs: s.txs };
    const r = checkBlockBody(s.header, this.options);
    return r.ok ? { ok: true, txs: r.checked.txs } : r;
  }

  private popTip(): BlockEntry {
    const entry = this.main.pop()!;
    this.mainIndex.delete(entry.block.hash);
    this.ledger.undoBlock(this.undos.pop()!);
    return entry;
  }

  private pushTip(entry: BlockEntry, applied: Result<{ undo: BlockUndo }>): void {
    if (!applied.ok) throw new Error(`a block that was valid on this chain no longer applies: ${applied.detail}`);
    this.main.push(entry);
    this.mainIndex.set(entry.block.hash, entry);
    this.undos.push(applied.undo);
  }
}

/** A block's weight as its header check measures it: the length of its hash preimage. */
function blockBytes(block: Block): number {
  return block.prevHash.length + block.timestamp.length + JSON.stringify(block.data).length + String(block.nonce).length;
}
