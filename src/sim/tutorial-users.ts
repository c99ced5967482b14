/**
 * People who pay through a tutorial node: each holds a key and types the
 * README's sendTransaction at its node's console, so the node broadcasts the
 * payment to its peers and keeps it. They sign as the seed's Transaction.sign
 * does (elliptic's defaults: deterministic, high-S half the time) and spend
 * what their node's chain says they have, less what waits in its pool.
 *
 * The genesis holder funds them through a Tabnode node: those payments were
 * accepted by an honest node, so they join the honest payments that the
 * invariant `no-payment-lost` accounts for.
 */
import { signPayment } from "../core/wallet.ts";
import type { SimRandom } from "./random.ts";
import type { SimTabnode } from "./tabnode.ts";
import { seedSign } from "./tutorial-chain.ts";
import type { TutorialNode } from "./tutorial.ts";
import { GENESIS_HOLDER, type Payment, type Payments, type User } from "./users.ts";

export class TutorialPayments {
  /** Every payment typed at a tutorial node. */
  readonly sent: Payment[] = [];
  /** Turns where the chosen user could not afford a payment by its node's view, or its node was not running. */
  skipped = 0;

  constructor(
    private readonly rng: SimRandom,
    private readonly users: readonly User<TutorialNode>[],
  ) {}

  /** The genesis holder sends each user `amount` through a Tabnode node; what it accepts joins `honest`. */
  fund(via: SimTabnode, honest: Payments, amount: number, now: number): void {
    const node = via.node;
    if (node === null) return;
    for (const u of this.users) {
      const tx = signPayment(GENESIS_HOLDER, { to: u.wallet.address, amount, gas: 1 }, (n) => this.rng.bytes(n));
      if (node.submitTransaction(tx).ok) honest.accepted.push({ tx, at: now, node: via.address });
    }
  }

  /** One payment from a random user to another, through the payer's tutorial node. */
  payOnce(now: number): void {
    const from = this.rng.pick(this.users);
    const node = from.home;
    if (node.startedAt === null || this.users.length < 2) return void this.skipped++;
    const balance = node.chain.balances().get(from.wallet.address) ?? 0;
    // Its own payments waiting, each once (the pool may hold copies), and those typed while the node was blocked.
    const waiting = new Map<string | undefined, number>();
    for (const tx of [...node.transactions.map((p) => p.tx), ...node.typedWaiting]) if (tx.from === from.wallet.address) waiting.set(tx.signature, tx.amount + tx.gas);
    const pending = [...waiting.values()].reduce((s, n) => s + n, 0);
    const amount = this.rng.int(1, 1000);
    const gas = this.rng.int(0, 3);
    if (balance - pending < amount + gas) return void this.skipped++;
    let to = this.rng.pick(this.users);
    while (to === from) to = this.rng.pick(this.users);
    const tx = seedSign(from.wallet.privateKey, { from: from.wallet.address, to: to.wallet.address, amount, gas });
    node.submit(tx);
    this.sent.push({ tx, at: now, node: node.address });
  }
}
