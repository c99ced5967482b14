/**
 * People who pay each other. Each user holds a wallet and uses one node (its
 * home), as a page user does; the genesis holder (whose key is public) first
 * funds every user, then payments go at random between users, each within
 * what the sender can spend by its home node's view. Every payment a node
 * accepted is kept, to be accounted for at the end.
 */
import type { SignedTransaction } from "../core/transaction.ts";
import { signPayment, walletFromPrivateKey, type Wallet } from "../core/wallet.ts";
import type { SimRandom } from "./random.ts";
import type { SimTabnode } from "./tabnode.ts";

/** The genesis holder's key is public in the seed article (PROTOCOL.md). */
export const GENESIS_HOLDER = walletFromPrivateKey("62d101759086c306848a0c1020922a78e8402e1330981afe9404d0ecc0a4be3d");

export interface Payment {
  readonly tx: SignedTransaction;
  readonly at: number;
  /** The honest node that accepted it. */
  readonly node: string;
}

/** A user: a wallet, and the node it pays through. */
export interface User<Home> {
  readonly wallet: Wallet;
  readonly home: Home;
}

export type SimUser = User<SimTabnode>;

/** `count` users with new wallets, given homes in turn. */
export function spreadUsers<Home>(homes: readonly Home[], count: number, generate: () => Wallet): User<Home>[] {
  return Array.from({ length: count }, (_, i) => ({ wallet: generate(), home: homes[i % homes.length]! }));
}

export class Payments {
  readonly accepted: Payment[] = [];
  refused = 0;
  private readonly users: SimUser[];

  constructor(
    private readonly rng: SimRandom,
    homes: readonly SimTabnode[],
    count: number,
    generate: () => Wallet,
  ) {
    this.users = spreadUsers(homes, count, generate);
  }

  /** The genesis holder sends each user `amount`, through `via`. */
  fund(via: SimTabnode, amount: number, now: number): void {
    for (const u of this.users) this.pay({ wallet: GENESIS_HOLDER, home: via }, u.wallet.address, amount, 1, now);
  }

  /** One payment from a random user who can afford it, to another; false when none could. */
  payOnce(now: number): boolean {
    const from = this.rng.pick(this.users);
    const node = from.home.node;
    if (node === null || this.users.length < 2) return false;
    const spendable = node.chain.ledger.balanceOf(from.wallet.address) - node.mempool.pendingSpend(from.wallet.address);
    const amount = this.rng.int(1, 1000);
    const gas = this.rng.int(0, 3);
    if (spendable < amount + gas) return false;
    let to = this.rng.pick(this.users);
    while (to === from) to = this.rng.pick(this.users);
    this.pay(from, to.wallet.address, amount, gas, now);
    return true;
  }

  private pay(from: SimUser, to: string, amount: number, gas: number, now: number): void {
    const node = from.home.node;
    if (node === null) return;
    const tx = signPayment(from.wallet, { to, amount, gas }, (n) => this.rng.bytes(n));
    const r = node.submitTransaction(tx);
    if (r.ok) this.accepted.push({ tx, at: now, node: from.home.address });
    else this.refused++;
  }
}
