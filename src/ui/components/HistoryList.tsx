/**
 * A wallet's or an address's transactions, newest first (those still pending
 * on top), each with its time and how settled it is.
 */
import type { HistoryItem } from "../../app/views.ts";
import { txState } from "../format.ts";
import { TIME_MEANING, TimeText } from "./BlockTime.tsx";
import { Hash } from "./Hash.tsx";
import { Empty } from "./Panel.tsx";
import { routeHref } from "./Router.tsx";

const ARROW: Record<HistoryItem["direction"], string> = { in: "received", out: "sent", self: "to self" };

function counterparty(item: HistoryItem): string {
  return item.direction === "in" ? item.from : item.to;
}

function HistoryRow({ item }: { readonly item: HistoryItem }) {
  const sign = item.direction === "in" ? "+" : item.direction === "out" ? "−" : "";
  const state = txState(item.height, item.confirmations);
  return (
    <li className={`history-row dir-${item.direction}`} data-testid="history-row" data-confirmations={item.confirmations}>
      <span className="history-amount">
        {sign}
        {item.amount}
        {item.direction !== "in" && item.gas > 0 && <span className="muted"> +{item.gas} gas</span>}
      </span>
      <span className="history-what">
        {item.reward ? <span className="badge badge-reward">block reward</span> : ARROW[item.direction]}{" "}
        {!item.reward && (
          <>
            {item.direction === "in" ? "from " : item.direction === "out" ? "to " : ""}
            <Hash value={counterparty(item)} kind="address" />
          </>
        )}
      </span>
      <span className="history-time muted">{item.time === null ? "waiting" : <TimeText ms={item.time} meaning={TIME_MEANING.timestamp} />}</span>
      <span className={item.height === null ? "badge badge-pending" : "badge badge-confirmed"}>
        <a href={routeHref("tx", item.id)} title={`Transaction ${item.id}`}>
          {state}
        </a>
      </span>
    </li>
  );
}

export function HistoryList({ items, limit = 50 }: { readonly items: readonly HistoryItem[]; readonly limit?: number }) {
  if (items.length === 0) return <Empty>No transactions yet.</Empty>;
  return (
    <>
      <ul className="history">
        {items.slice(0, limit).map((item) => (
          <HistoryRow key={`${item.id}-${item.direction}-${item.height ?? "pending"}`} item={item} />
        ))}
      </ul>
      {items.length > limit && <p className="muted">Showing the latest {limit} of {items.length}.</p>}
    </>
  );
}
