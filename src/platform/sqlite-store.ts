/**
 * The native node's store in SQLite (better-sqlite3 12; 13 crashes on Node
 * 20). Its API is synchronous, so a block is on disk before the call that
 * accepted it returns: no request, peer or log line can see a block that a
 * kill -9 would lose. WAL journal with synchronous=NORMAL: every committed
 * transaction survives a killed process, and the file always reopens (a power
 * cut may lose the last transactions, never corrupt the file).
 *
 * The file also holds the wallet's private key (table kv), so it and its
 * -wal and -shm files are the node's user's alone (0600).
 */
import Database from "better-sqlite3";
import { chmodSync, closeSync, openSync, statSync } from "node:fs";
import { join } from "node:path";
import type { NodeStore, StoredBlock } from "../node/store.ts";

/** Creates the database file 0600 if missing (SQLite gives -wal and -shm the main file's mode) and tightens files a looser start left. */
function ownerOnly(file: string): void {
  closeSync(openSync(file, "a", 0o600));
  for (const path of [file, `${file}-wal`, `${file}-shm`]) {
    let mode: number;
    try {
      mode = statSync(path).mode;
    } catch {
      continue; // no -wal or -shm yet
    }
    if ((mode & 0o077) !== 0) chmodSync(path, mode & 0o700);
  }
}

export class SqliteStore implements NodeStore {
  private readonly db: Database.Database;
  private readonly insertBlock: Database.Statement<[string]>;
  private readonly appendMany: (blocks: readonly StoredBlock[]) => void;

  constructor(dir: string) {
    const file = join(dir, "chain.sqlite");
    ownerOnly(file);
    this.db = new Database(file);
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("synchronous = NORMAL");
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS blocks (seq INTEGER PRIMARY KEY AUTOINCREMENT, record TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `);
    this.insertBlock = this.db.prepare("INSERT INTO blocks (record) VALUES (?)");
    this.appendMany = this.db.transaction((blocks: readonly StoredBlock[]) => {
      for (const b of blocks) this.insertBlock.run(JSON.stringify(b));
    });
  }

  async loadBlocks(): Promise<StoredBlock[]> {
    const rows = this.db.prepare("SELECT record FROM blocks ORDER BY seq").all() as { record: string }[];
    return rows.map((r) => JSON.parse(r.record) as StoredBlock);
  }

  appendBlocks(blocks: readonly StoredBlock[]): void {
    if (blocks.length > 0) this.appendMany(blocks);
  }

  async getValue(key: string): Promise<string | undefined> {
    return (this.db.prepare("SELECT value FROM kv WHERE key = ?").get(key) as { value: string } | undefined)?.value;
  }

  async putValue(key: string, value: string): Promise<void> {
    this.db.prepare("INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(key, value);
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
