/** The three detail pages' bodies, from what the worker's lookup found. */
import type { ReactNode } from "react";
import type { LookupResult } from "../../worker/messages.ts";
import { formatClock, txState } from "../format.ts";
import { Hash } from "./Hash.tsx";
import { HistoryList } from "./HistoryList.tsx";
import { Panel, Stat } from "./Panel.tsx";
import { TxList, type ListedTx } from "./TxList.tsx";

type Found<K extends LookupResult["kind"]> = Extract<LookupResult, { kind: K }>;

interface BlockView {
  readonly timestamp: number;
  readonly prevHash: string;
  readonly hash: string;
  readonly nonce: number;
  readonly txs: readonly ListedTx[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;
const str = (v: unknown): string => (typeof v === "string" ? v : "");
const num = (v: unknown): number => (typeof v === "number" ? v : Number.NaN);

/** The lookup sends the block as the network has it (typed unknown at the bridge): read it defensively. */
function readBlock(block: unknown): BlockView | null {
  if (!isRecord(block)) return null;
  const data = Array.isArray(block.data) ? block.data.filter(isRecord) : [];
  return {
    timestamp: Number(block.timestamp),
    prevHash: str(block.prevHash),
    hash: str(block.hash),
    nonce: num(block.nonce),
    txs: data.map((t) => ({ from: str(t.from), to: str(t.to), amount: num(t.amount), gas: num(t.gas), signature: typeof t.signature === "string" ? t.signature : null })),
  };
}

function DetailField({ label, children }: { readonly label: string; readonly children: ReactNode }) {
  return (
    <div className="detail-field">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

export function BlockDetail({ found }: { readonly found: Found<"block"> }) {
  const block = readBlock(found.block);
  if (block === null) return <Panel title="Block">The node returned a block it could not describe.</Panel>;
  return (
    <>
      <Panel title={`Block ${found.height}`} aside={<span className={found.main ? "badge badge-confirmed" : "badge badge-pending"}>{found.main ? "main chain" : "side branch"}</span>}>
        <dl className="details">
          <DetailField label="Hash">
            <span className="mono wrap">{block.hash}</span>
          </DetailField>
          <DetailField label="Previous">
            {found.height > 0 ? <Hash value={block.prevHash} kind="block" head={16} tail={8} /> : <span className="muted">none (genesis)</span>}
          </DetailField>
          <DetailField label="Time">{Number.isFinite(block.timestamp) ? formatClock(block.timestamp, Date.now()) : "unknown"}</DetailField>
          <DetailField label="Difficulty">{found.difficulty}</DetailField>
          <DetailField label="Nonce">{block.nonce}</DetailField>
        </dl>
      </Panel>
      <Panel title="Transactions" aside={<span className="count">{block.txs.length}</span>}>
        <TxList txs={block.txs} empty="This block holds no transactions." />
      </Panel>
    </>
  );
}

export function TxDetail({ found }: { readonly found: Found<"tx"> }) {
  const { tx } = found;
  return (
    <Panel title="Transaction" aside={<span className={found.height === null ? "badge badge-pending" : "badge badge-confirmed"}>{found.height === null ? "pending" : "in a block"}</span>}>
      <dl className="details">
        <DetailField label="Signature">
          <span className="mono wrap">{tx.signature}</span>
        </DetailField>
        <DetailField label="From">
          <Hash value={tx.from} kind="address" head={20} tail={10} />
        </DetailField>
        <DetailField label="To">
          <Hash value={tx.to} kind="address" head={20} tail={10} />
        </DetailField>
        <DetailField label="Amount">{tx.amount}</DetailField>
        <DetailField label="Gas">{tx.gas}</DetailField>
        <DetailField label="Block">
          {found.blockHash === null ? (
            <span className="muted">{txState(null, 0)}: waiting in the mempool</span>
          ) : (
            <>
              {found.height} <Hash value={found.blockHash} kind="block" />
            </>
          )}
        </DetailField>
      </dl>
    </Panel>
  );
}

export function AddressDetail({ found }: { readonly found: Found<"address"> }) {
  return (
    <>
      <Panel title="Address">
        <p className="mono wrap">{found.address}</p>
        <dl className="stats">
          <Stat label="Balance" value={found.balance} unit="coins" />
          <Stat label="Pending" value={found.pending} unit="coins" />
        </dl>
      </Panel>
      <Panel title="History" aside={<span className="count">{found.history.length}</span>}>
        <HistoryList items={found.history} />
      </Panel>
    </>
  );
}
