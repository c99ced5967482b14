/**
 * A tab's store in IndexedDB (through `idb`). Tabs of one browser share one
 * database: blocks are an append-only log (each tab appends what it accepted,
 * a block once: the check and the add run in one transaction, which IndexedDB
 * serialises across tabs), and named values (wallet, mempool) sit beside it.
 * Every writer appends parents before children, so the log replays in order.
 */
import { openDB, type DBSchema, type IDBPDatabase } from "idb";
import type { NodeStore, StoredBlock } from "../node/store.ts";

interface Schema extends DBSchema {
  blocks: { key: number; value: StoredBlock & { hash: string }; indexes: { byHash: string } };
  values: { key: string; value: string };
}

export class IdbStore implements NodeStore {
  private constructor(private readonly db: IDBPDatabase<Schema>) {}

  static async open(name = "tabnode"): Promise<IdbStore> {
    const db = await openDB<Schema>(name, 1, {
      upgrade(db) {
        const blocks = db.createObjectStore("blocks", { autoIncrement: true });
        blocks.createIndex("byHash", "hash", { unique: true });
        db.createObjectStore("values");
      },
    });
    return new IdbStore(db);
  }

  async loadBlocks(): Promise<StoredBlock[]> {
    const rows = await this.db.getAll("blocks");
    return rows.map(({ block, difficulty, next }) => ({ block, difficulty, next }));
  }

  async appendBlocks(blocks: readonly StoredBlock[]): Promise<void> {
    if (blocks.length === 0) return;
    const tx = this.db.transaction("blocks", "readwrite");
    const index = tx.store.index("byHash");
    for (const b of blocks) {
      if ((await index.getKey(b.block.hash)) === undefined) await tx.store.add({ ...b, hash: b.block.hash });
    }
    await tx.done;
  }

  async getValue(key: string): Promise<string | undefined> {
    return this.db.get("values", key);
  }

  async putValue(key: string, value: string): Promise<void> {
    await this.db.put("values", value, key);
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
