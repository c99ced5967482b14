/**
 * What a node keeps across restarts: every block it accepted (on the main
 * chain or beside it), in the order it accepted them, with the difficulty in
 * force for it and the one announced for its children; and a few named values
 * (its key). The native node keeps them in SQLite, a tab in IndexedDB; unit
 * tests use the in-memory store below.
 */
import type { Block } from "../core/block.ts";
import type { BlockEntry } from "../core/chain.ts";

export interface StoredBlock {
  readonly block: Block;
  readonly difficulty: number;
  readonly next: number | null;
}

/** What a store keeps of an accepted block: the block, the difficulty in force for it, the one announced with it. */
export const storedBlock = (e: Pick<BlockEntry, "block" | "difficulty" | "next">): StoredBlock => ({ block: e.block, difficulty: e.difficulty, next: e.next });

export interface NodeStore {
  /** Every stored block, in the order it was appended. */
  loadBlocks(): Promise<StoredBlock[]>;
  /**
   * Appends atomically: after a crash, all of them or none are there. A store
   * that can write synchronously does, so nothing sees a block before it is
   * on disk; an asynchronous one returns a promise that the node waits for.
   */
  appendBlocks(blocks: readonly StoredBlock[]): void | Promise<void>;
  getValue(key: string): Promise<string | undefined>;
  putValue(key: string, value: string): Promise<void>;
  close(): Promise<void>;
}

export class MemoryStore implements NodeStore {
  private readonly blocks: StoredBlock[] = [];
  private readonly values = new Map<string, string>();

  async loadBlocks(): Promise<StoredBlock[]> {
    return [...this.blocks];
  }
  appendBlocks(blocks: readonly StoredBlock[]): void {
    this.blocks.push(...blocks);
  }
  async getValue(key: string): Promise<string | undefined> {
    return this.values.get(key);
  }
  async putValue(key: string, value: string): Promise<void> {
    this.values.set(key, value);
  }
  async close(): Promise<void> {}
}
