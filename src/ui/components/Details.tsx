/** The three detail pages' bodies, from what the worker's lookup (src/app/queries.ts) found. */
import type { ReactNode } from "react";
import type { BlockFound, LookupResult, TxFound } from "../../app/views.ts";
import { nounFor, txState } from "../format.ts";
import { TIME_MEANING, TimeLegend, TimeText } from "./BlockTime.tsx";
import { Hash } from "./Hash.tsx";
import { HistoryList } from "./HistoryList.tsx";
import { Panel, Stat } from "./Panel.tsx";
import { routeHref } from "./Router.tsx";
import { RoleBadge, TxList } from "./TxList.tsx";

type Found<K extends LookupResult["kind"]> = Extract<LookupResult, { kind: K }>;

function DetailField({ label, children, title }: { readonly label: string; readonly children: ReactNode; readonly title?: string }) {
  return (
    <div className="detail-field">
      <dt title={title}>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function Confirmations({ n, main }: { readonly n: number; readonly main: boolean }) {
  return (
    <span data-testid="block-confirmations" data-confirmations={n}>
      {main ? txState(0, n) : "none (not on the main chain)"}
    </span>
  );
}

/** Previous and next block by height, as links, so the chain can be walked. */
function BlockNav({ found }: { readonly found: BlockFound }) {
  return (
    <nav className="block-nav" aria-label="Neighbouring blocks">
      {found.height > 0 ? (
        <a href={routeHref("block", found.block.prevHash)} data-testid="block-prev" rel="prev">
          ← Block {found.height - 1}
        </a>
      ) : (
        <span className="muted">Genesis: no previous block</span>
      )}
      {found.nextHash !== null ? (
        <a href={routeHref("block", found.nextHash)} data-testid="block-next" rel="next">
          Block {found.height + 1} →
        </a>
      ) : (
        <span className="muted">{found.main ? "The tip: no next block yet" : "Beside the main chain"}</span>
      )}
    </nav>
  );
}

export function BlockDetail({ found }: { readonly found: Found<"block"> }) {
  const { block } = found;
  return (
    <>
      <Panel title={`Block ${found.height}`} aside={<span className={found.main ? "badge badge-confirmed" : "badge badge-pending"}>{found.main ? "main chain" : "side branch"}</span>}>
        <BlockNav found={found} />
        <dl className="details">
          <DetailField label="Hash">
            <span className="mono wrap" data-testid="block-hash">{block.hash}</span>
          </DetailField>
          <DetailField label="Height">{found.height}</DetailField>
          <DetailField label="Confirmations">
            <Confirmations n={found.confirmations} main={found.main} />
          </DetailField>
          <DetailField label="Timestamp" title={TIME_MEANING.timestamp}>
            {found.height === 0 ? <span className="muted">none (genesis)</span> : <TimeText ms={found.timestamp} full meaning={TIME_MEANING.timestamp} />}
          </DetailField>
          <DetailField label="Received" title={TIME_MEANING.received}>
            {found.receivedAt === null ? <span className="muted">before this page opened (from storage or the first sync)</span> : <TimeText ms={found.receivedAt} full meaning={TIME_MEANING.received} />}
          </DetailField>
          <DetailField label="Previous">
            {found.height > 0 ? <Hash value={block.prevHash} kind="block" head={16} tail={8} /> : <span className="muted">none (genesis)</span>}
          </DetailField>
          <DetailField label="Difficulty">{found.difficulty}</DetailField>
          <DetailField label="Nonce">{block.nonce}</DetailField>
        </dl>
        <TimeLegend />
      </Panel>
      <Panel title="Transactions" aside={<span className="count">{found.txs.length}</span>}>
        <TxList txs={found.txs} empty="This block holds no transactions." />
      </Panel>
    </>
  );
}

function TxBlock({ found }: { readonly found: TxFound }) {
  if (found.blockHash === null) return <span className="muted">{txState(null, 0)}: waiting in the mempool</span>;
  return (
    <>
      <a href={routeHref("block", found.blockHash)}>Block {found.height}</a>, <span data-testid="tx-confirmations">{txState(found.height, found.confirmations)}</span>
    </>
  );
}

export function TxDetail({ found }: { readonly found: Found<"tx"> }) {
  const { tx } = found;
  return (
    <Panel
      title="Transaction"
      aside={
        <>
          <RoleBadge role={tx.role} />
          <span className={found.height === null ? "badge badge-pending" : "badge badge-confirmed"}>{found.height === null ? "pending" : "in a block"}</span>
        </>
      }
    >
      <dl className="details">
        <DetailField label="Id" title="SHA-256 of the transaction's JSON as the block holds it">
          <span className="mono wrap" data-testid="tx-id">{tx.id}</span>
        </DetailField>
        <DetailField label="Signature">{tx.signature === null ? <span className="muted">none (the genesis release is unsigned)</span> : <span className="mono wrap">{tx.signature}</span>}</DetailField>
        <DetailField label="From">
          <Hash value={tx.from} kind="address" head={20} tail={10} label={tx.role === "payment" ? undefined : "the mint"} />
        </DetailField>
        <DetailField label="To">
          <Hash value={tx.to} kind="address" head={20} tail={10} />
        </DetailField>
        <DetailField label="Amount">{tx.amount}</DetailField>
        <DetailField label="Gas">{tx.gas}</DetailField>
        <DetailField label="Block">
          <TxBlock found={found} />
        </DetailField>
        {found.time !== null && (
          <DetailField label="Timestamp" title={TIME_MEANING.timestamp}>
            <TimeText ms={found.time} full meaning={TIME_MEANING.timestamp} />
          </DetailField>
        )}
        {found.receivedAt !== null && (
          <DetailField label="Received" title={TIME_MEANING.received}>
            <TimeText ms={found.receivedAt} full meaning={TIME_MEANING.received} />
          </DetailField>
        )}
      </dl>
      {found.blockHash !== null && <TimeLegend />}
    </Panel>
  );
}

export function AddressDetail({ found }: { readonly found: Found<"address"> }) {
  return (
    <>
      <Panel title="Address">
        <p className="mono wrap">{found.address}</p>
        <dl className="stats">
          <Stat label="Balance" value={found.balance} unit={nounFor(found.balance, "coin")} />
          <Stat label="Pending" value={found.pending} unit={nounFor(found.pending, "coin")} />
        </dl>
      </Panel>
      <Panel title="History" aside={<span className="count">{found.history.length}</span>}>
        <HistoryList items={found.history} />
      </Panel>
    </>
  );
}
