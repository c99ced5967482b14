/** Transactions as the chain holds them (id, from, to, amount, gas): the mempool and a block's body. */
import type { BlockTx, TxRole, TxRow } from "../../app/views.ts";
import { Hash } from "./Hash.tsx";
import { Empty } from "./Panel.tsx";
import { ScrollTable } from "./ScrollTable.tsx";

/** A block's body may hold the genesis transaction, which has no signature; the mempool's are payments. */
export type ListedTx = BlockTx | (TxRow & { readonly role?: undefined });

const ROLE_TEXT: Record<Exclude<TxRole, "payment">, { readonly text: string; readonly title: string }> = {
  reward: { text: "block reward", title: "Created by the block's miner: the reward plus the block's gas, from the mint address" },
  mint: { text: "mint", title: "The genesis block's initial coin release, from the mint address" },
};

export function RoleBadge({ role }: { readonly role: TxRole | undefined }) {
  if (role === undefined || role === "payment") return null;
  const r = ROLE_TEXT[role];
  return (
    <span className={`badge badge-${role}`} title={r.title} data-testid="tx-role">
      {r.text}
    </span>
  );
}

const COLUMNS = [{ label: "Transaction id", title: "SHA-256 of the transaction's JSON" }, { label: "From" }, { label: "To" }, { label: "Amount", num: true }, { label: "Gas", num: true }];

export function TxList({ txs, empty }: { readonly txs: readonly ListedTx[]; readonly empty: string }) {
  if (txs.length === 0) return <Empty>{empty}</Empty>;
  return (
    <ScrollTable label="Transactions" columns={COLUMNS}>
      {txs.map((tx) => (
        <tr key={tx.id} data-testid="tx-row">
          <td>
            <Hash value={tx.id} kind="tx" head={12} tail={4} /> <RoleBadge role={tx.role} />
          </td>
          <td>
            <Hash value={tx.from} kind="address" label={tx.role === "reward" || tx.role === "mint" ? "the mint" : undefined} />
          </td>
          <td>
            <Hash value={tx.to} kind="address" />
          </td>
          <td className="num">{tx.amount}</td>
          <td className="num">{tx.gas}</td>
        </tr>
      ))}
    </ScrollTable>
  );
}
