/** Who this node talks to, and dialing one more by its WebSocket address. */
import type { FormEvent } from "react";
import type { Dialect } from "../../protocol/dialect.ts";
import type { PeerRow } from "../../worker/messages.ts";
import { addPeer } from "../bridge.ts";
import { refusalText } from "../format.ts";
import { useTabnode } from "../store.ts";
import { validatePeerAddress } from "../validate-send.ts";
import { Ago } from "./Clock.tsx";
import { Message, TextField, useOneField } from "./Field.tsx";
import { Hash } from "./Hash.tsx";
import { Empty, Panel } from "./Panel.tsx";
import { useRequest } from "./useRequest.tsx";

/** What each dialect is called on the page, and what it means for this node. */
const DIALECTS: Readonly<Record<Dialect, { readonly label: string; readonly title: string }>> = {
  tabnode: { label: "Tabnode", title: "A Tabnode node or tab: new blocks and payments are relayed to it" },
  "v0.2.0": { label: "JeChain v0.2.0", title: "A tutorial node (v0.2.0 form): it gets only what this node authored, and v0.2.0's chain streams" },
  article: { label: "tutorial (article)", title: "A tutorial node (the article's form): it gets only what this node authored" },
  tutorial: { label: "tutorial node", title: "A tutorial node that has not shown its form: it gets only what this node authored, and both chain-stream forms" },
  unknown: { label: "…", title: "Not known yet: the relay has not said what answered" },
};

function PeerItem({ peer }: { readonly peer: PeerRow }) {
  const dialect = DIALECTS[peer.dialect];
  return (
    <li className="peer-row">
      <span className={`badge kind-${peer.kind}`}>{peer.kind}</span>
      <span className={`badge dialect-${peer.dialect === "tabnode" ? "tabnode" : "tutorial"}`} title={dialect.title} data-testid="peer-dialect">
        {dialect.label}
        {peer.busy && <span title="It answers no pings: busy mining, or gone"> · busy</span>}
      </span>
      <span className="muted" title={peer.direction === "in" ? "They connected to us" : "We connected to them"}>
        {peer.direction === "in" ? "← in" : "→ out"}
      </span>
      <span className="peer-address">{peer.address === null ? <span className="muted">address unknown</span> : <Hash value={peer.address} head={22} tail={8} />}</span>
      <span className="muted">
        <Ago at={peer.since} />
      </span>
    </li>
  );
}

function AddPeerForm() {
  const field = useOneField();
  const { busy, run } = useRequest();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const checked = validatePeerAddress(field.value);
    if (!checked.ok) return field.refuse(checked.error.detail);
    const result = await run(() => addPeer(checked.value));
    if (!result.ok) return field.refuse(refusalText(result));
    field.succeed(`Dialing ${checked.value}: it appears above once connected.`);
  };
  return (
    <form className="form form-inline" onSubmit={submit}>
      <TextField label="Add a peer" {...field.bind} placeholder="wss://node.example.org" mono />
      <button type="submit" disabled={busy}>
        {busy ? "Adding…" : "Add"}
      </button>
      {field.note !== null && <Message tone="ok">{field.note}</Message>}
    </form>
  );
}

export function PeersPanel() {
  const peers = useTabnode((s) => s.peers);
  return (
    <Panel title="Peers" aside={<span className="count">{peers.length}</span>}>
      {peers.length === 0 ? (
        <Empty>No peers yet: the node finds them through the relay.</Empty>
      ) : (
        <ul className="peers">
          {peers.map((p, i) => (
            <PeerItem key={`${p.address ?? "unknown"}-${p.direction}-${i}`} peer={p} />
          ))}
        </ul>
      )}
      <AddPeerForm />
    </Panel>
  );
}
