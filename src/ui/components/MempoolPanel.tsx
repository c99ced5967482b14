/** Transactions waiting for a block, as this node holds them. */
import { useTabnode } from "../store.ts";
import { Panel } from "./Panel.tsx";
import { TxList } from "./TxList.tsx";

export function MempoolPanel() {
  const mempool = useTabnode((s) => s.mempool);
  return (
    <Panel title="Mempool" aside={<span className="count">{mempool.length}</span>}>
      <TxList txs={mempool} empty="No transactions waiting." />
    </Panel>
  );
}
