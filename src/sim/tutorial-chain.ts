/**
 * The tutorial's chain by its own rules (jechain.js of JeChain v0.2.0, which
 * the article prints): an array of blocks anything may rewrite, balances
 * summed over the whole array, a transaction valid when its sender's balance
 * covers it on its own (not with the others of its block), signatures
 * checked with elliptic, which throws on what it cannot parse. Hashes, key
 * orders and the genesis block are src/core's, byte for byte the seed's.
 *
 * The rules are the seed's; only the bookkeeping is faster: balances are kept
 * per chain instead of rescanned per transaction, and signature verdicts are
 * remembered (a verdict is a pure function of the transaction).
 */
import { blockHash, type Block } from "../core/block.ts";
import { GENESIS } from "../core/genesis.ts";
import { sha256Hex } from "../core/hash.ts";
import { params } from "../core/params.ts";
import { ec } from "../core/secp.ts";
import { signedMessagePreimage, type SignedTransaction, type Transaction } from "../core/transaction.ts";

const MINT = params.mintAddress;

/** A fresh copy of the genesis block: `new Blockchain()` builds one per chain. */
export function seedGenesis(): Block {
  return JSON.parse(JSON.stringify(GENESIS)) as Block;
}

const keys = new Map<string, ReturnType<typeof ec.keyFromPrivate>>();

/**
 * Transaction.sign: elliptic's defaults, as the seed signs (deterministic k,
 * s not forced low), over the hex of SHA256(from + to + amount + gas).
 */
export function seedSign(privateKey: string, tx: Omit<Transaction, "signature">): SignedTransaction {
  let key = keys.get(privateKey);
  if (key === undefined) keys.set(privateKey, (key = ec.keyFromPrivate(privateKey, "hex")));
  const signature = key.sign(sha256Hex(signedMessagePreimage(tx))).toDER("hex");
  return { from: tx.from, to: tx.to, amount: tx.amount, gas: tx.gas, signature };
}

const verdicts = new Map<string, boolean | Error>();

/** ec.keyFromPublic(from).verify(SHA256(from + to + amount + gas), signature): true, false, or it throws. */
export function seedVerify(tx: Transaction): boolean {
  const preimage = `${tx.from}${tx.to}${tx.amount}${tx.gas}`;
  const key = `${preimage}|${String(tx.signature)}`;
  let verdict = verdicts.get(key);
  if (verdict === undefined) {
    try {
      verdict = ec.keyFromPublic(tx.from, "hex").verify(sha256Hex(preimage), tx.signature as string);
    } catch (err) {
      verdict = err instanceof Error ? err : new Error(String(err));
    }
    if (verdicts.size > 200_000) verdicts.clear();
    verdicts.set(key, verdict);
  }
  if (verdict instanceof Error) throw verdict;
  return verdict;
}

/** `hash.startsWith(Array(difficulty + 1).join("0"))`, RangeError and all (a difficulty below -1). */
export function seedPow(hash: string, difficulty: number): boolean {
  return hash.startsWith(Array(difficulty + 1).join("0"));
}

/** getBalance for every address of `chain` at once: +amount as `to`, -(amount + gas) as `from`. */
export function seedBalances(chain: readonly Block[]): Map<string, number> {
  const balances = new Map<string, number>();
  // forEach, as getBalance does: it passes over the holes a vote can leave (`chain[position] = ...` past the end).
  chain.forEach((block) => addBalances(balances, block));
  return balances;
}

function addBalances(balances: Map<string, number>, block: Block): void {
  for (const tx of block.data) {
    balances.set(tx.from, (balances.get(tx.from) ?? 0) - tx.amount - tx.gas);
    balances.set(tx.to, (balances.get(tx.to) ?? 0) + tx.amount);
  }
}

/** Transaction.isValid against one chain's balances. */
export function seedTxValid(tx: Transaction, balances: ReadonlyMap<string, number>): boolean {
  return Boolean(tx.from && tx.to && tx.amount && ((balances.get(tx.from) ?? 0) >= tx.amount + tx.gas || tx.from === MINT) && seedVerify(tx));
}

/** Block.hasValidTransactions: the reward is 297 plus the others' gas, one reward, every transaction valid on its own. */
export function seedBlockTxsValid(block: Block, balances: ReadonlyMap<string, number>): boolean {
  let gas = 0;
  let reward = 0;
  for (const tx of block.data) {
    if (tx.from !== MINT) gas += tx.gas;
    else reward = tx.amount;
  }
  return reward - gas === params.reward && block.data.every((tx) => seedTxValid(tx, balances)) && block.data.filter((tx) => tx.from === MINT).length === 1;
}

/** Blockchain.isValid: from block 1, each hash right, each linked, each block's transactions valid against the whole chain. */
export function seedChainValid(chain: readonly Block[]): boolean {
  const balances = seedBalances(chain);
  for (let i = 1; i < chain.length; i++) {
    const cur = chain[i]!;
    if (cur.hash !== blockHash(cur) || chain[i - 1]!.hash !== cur.prevHash || !seedBlockTxsValid(cur, balances)) return false;
  }
  return true;
}

/**
 * JeChain.chain as one node holds it, with its balances kept up to date: a
 * push adds a block's; any other rewrite (a vote's, a chain stream's) counts
 * them again from genesis.
 */
export class SeedChain {
  private blocks: Block[] = [seedGenesis()];
  private balanceMap: Map<string, number> | null = null;

  get length(): number {
    return this.blocks.length;
  }

  get last(): Block {
    return this.blocks[this.blocks.length - 1]!;
  }

  at(i: number): Block | undefined {
    return this.blocks[i];
  }

  all(): readonly Block[] {
    return this.blocks;
  }

  push(block: Block): void {
    this.blocks.push(block);
    if (this.balanceMap !== null) addBalances(this.balanceMap, block);
  }

  /** `JeChain.chain[position] = block` (the vote), which may leave the chain unlinked. */
  set(position: number, block: Block): void {
    this.blocks[position] = block;
    this.balanceMap = null;
  }

  /** `JeChain.chain = tempChain.chain`. */
  replace(blocks: Block[]): void {
    this.blocks = blocks;
    this.balanceMap = null;
  }

  balances(): ReadonlyMap<string, number> {
    this.balanceMap ??= seedBalances(this.blocks);
    return this.balanceMap;
  }

  /** Whether every block links to the one before (a vote can break that). */
  linked(): boolean {
    return this.blocks.every((b, i) => i === 0 || b.prevHash === this.blocks[i - 1]!.hash);
  }
}
