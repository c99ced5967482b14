/**
 * A block, transaction or address page: asks the worker's lookup, and asks
 * again when the tip moves so confirmations stay current. What the lookup
 * finds decides the page, whatever the route's kind was.
 */
import { useEffect, useState } from "react";
import { lookup, type ActionResult } from "../bridge.ts";
import { refusalText, shortHash } from "../format.ts";
import { useTabnode } from "../store.ts";
import { AddressDetail, BlockDetail, TxDetail } from "./Details.tsx";
import { Message } from "./Field.tsx";
import { Panel } from "./Panel.tsx";
import type { DetailKind } from "./Router.tsx";
import { requestSafely } from "./useRequest.tsx";

const NOUN: Record<DetailKind, string> = { block: "block", tx: "transaction", address: "address" };

function Answer({ kind, id, result }: { readonly kind: DetailKind; readonly id: string; readonly result: ActionResult }) {
  if (!result.ok) return <Message tone="error">The lookup failed: {refusalText(result)}</Message>;
  const found = result.value;
  if (typeof found !== "object" || found.kind === "none") {
    return (
      <Panel title="Not found">
        <p className="not-found">
          No {NOUN[kind]} <span className="mono" title={id}>{shortHash(id, 16, 8)}</span> is known to this node, in its chain or its mempool.
        </p>
        <p className="muted">A block or payment made moments ago on another peer may not have arrived yet.</p>
      </Panel>
    );
  }
  switch (found.kind) {
    case "block":
      return <BlockDetail found={found} />;
    case "tx":
      return <TxDetail found={found} />;
    case "address":
      return <AddressDetail found={found} />;
  }
}

export function DetailPage({ kind, id }: { readonly kind: DetailKind; readonly id: string }) {
  const tip = useTabnode((s) => s.chain.tip);
  const [answer, setAnswer] = useState<{ readonly id: string; readonly result: ActionResult } | null>(null);
  useEffect(() => {
    let current = true;
    void requestSafely(() => lookup(id)).then((result) => current && setAnswer({ id, result }));
    return () => {
      current = false;
    };
    // The tip is not read inside: a new tip is only the signal to look again.
  }, [id, tip]);
  return (
    <div className="detail">
      <p>
        <a href="#/">← Back to the wallet</a>
      </p>
      {answer === null || answer.id !== id ? <p className="muted">Looking up the {NOUN[kind]}…</p> : <Answer kind={kind} id={id} result={answer.result} />}
    </div>
  );
}
