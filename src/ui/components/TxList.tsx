/** Transactions as the chain holds them (from, to, amount, gas): the mempool and a block's body. */
import type { TxRow } from "../../worker/messages.ts";
import { Hash } from "./Hash.tsx";
import { Empty } from "./Panel.tsx";

/** A block's body may hold the genesis transaction, which has no signature. */
export type ListedTx = Omit<TxRow, "signature"> & { readonly signature: string | null };

export function TxList({ txs, empty }: { readonly txs: readonly ListedTx[]; readonly empty: string }) {
  if (txs.length === 0) return <Empty>{empty}</Empty>;
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th>Transaction</th>
            <th>From</th>
            <th>To</th>
            <th className="num">Amount</th>
            <th className="num">Gas</th>
          </tr>
        </thead>
        <tbody>
          {txs.map((tx, i) => (
            <tr key={tx.signature ?? `unsigned-${i}`}>
              <td>{tx.signature === null ? <span className="muted">genesis</span> : <Hash value={tx.signature} kind="tx" />}</td>
              <td>
                <Hash value={tx.from} kind="address" />
              </td>
              <td>
                <Hash value={tx.to} kind="address" />
              </td>
              <td className="num">{tx.amount}</td>
              <td className="num">{tx.gas}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
