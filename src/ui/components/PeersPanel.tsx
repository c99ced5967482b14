/**
 * Who this node talks to, one row per peer (both of its links together),
 * and dialing one more by its WebSocket address: while it is dialed, and why
 * a dial failed.
 */
import { useState, type FormEvent } from "react";
import type { Dialect } from "../../protocol/dialect.ts";
import type { DialRow, PeerKindShown, PeerRow } from "../../worker/messages.ts";
import { addPeer } from "../bridge.ts";
import { countOf, refusalText } from "../format.ts";
import { useTabnode } from "../store.ts";
import { validatePeerAddress } from "../validate-send.ts";
import { Ago } from "./Clock.tsx";
import { Message, TextField, useOneField } from "./Field.tsx";
import { Hash } from "./Hash.tsx";
import { Empty, Panel } from "./Panel.tsx";
import { useReachablePeers } from "./peer-reach.ts";
import { useRequest } from "./useRequest.tsx";

/** What each dialect is called on the page, and what it means for this node. */
const DIALECTS: Readonly<Record<Dialect, { readonly label: string; readonly title: string }>> = {
  tabnode: { label: "Tabnode", title: "A Tabnode node or tab: new blocks and payments are relayed to it" },
  "v0.2.0": { label: "JeChain v0.2.0", title: "A tutorial node (v0.2.0 form): it gets only what this node authored, and v0.2.0's chain streams" },
  article: { label: "tutorial (article)", title: "A tutorial node (the article's form): it gets only what this node authored" },
  tutorial: { label: "form not shown yet", title: "A tutorial node that has not shown its form: it gets only what this node authored, and both chain-stream forms" },
  unknown: { label: "…", title: "Not known yet: the relay has not said what answered" },
};

const KINDS: Readonly<Record<PeerKindShown, { readonly label: string; readonly title: string }>> = {
  "own-tab": { label: "this browser", title: "Another tab of this browser: a node of its own, on the same wallet" },
  tab: { label: "tab", title: "A browser tab elsewhere, reached through a relay" },
  native: { label: "native node", title: "A Tabnode node running on a machine (npm run node)" },
  home: { label: "home node", title: "The relay's own native node, kept linked for good" },
  tutorial: { label: "tutorial node", title: "A node of the JeChain tutorial" },
};

/** Both links, or the one there is: a JeChain peer hears on the link it opened and speaks on ours. */
function links(peer: PeerRow): { readonly arrow: string; readonly title: string } {
  if (peer.inbound && peer.outbound) return { arrow: "⇄", title: peer.paired ? "Linked both ways: it hears us and we hear it" : "Linked both ways, not yet proven" };
  if (peer.inbound) return { arrow: "←", title: "It linked to us; our link to it is not open (yet)" };
  return { arrow: "→", title: "We linked to it; it has not linked back (yet)" };
}

function Height({ peer, ours }: { readonly peer: PeerRow; readonly ours: number }) {
  if (peer.height === null) return <span className="muted" title="It has sent no block this node knows yet">no block shown yet</span>;
  const behind = ours - peer.height;
  const note = behind > 0 ? `, ${behind} behind` : behind < 0 ? `, ${-behind} ahead` : ", level";
  return (
    <span title="The highest block it sent us or named as its tip; blocks we sent it do not count, so it may be higher" data-testid="peer-height" data-height={peer.height}>
      showed #{peer.height}
      <span className="muted">{note}</span>
    </span>
  );
}

function PeerItem({ peer, ours, reachable }: { readonly peer: PeerRow; readonly ours: number; readonly reachable: boolean }) {
  const dialect = DIALECTS[peer.dialect];
  const kind = KINDS[peer.kind];
  const link = links(peer);
  return (
    <li className={reachable ? "peer-row" : "peer-row peer-unreachable"} data-testid="peer-row" data-peer-kind={peer.kind} data-address={peer.address} data-reachable={reachable}>
      <span className={`badge kind-${peer.kind}`} title={kind.title}>
        {kind.label}
      </span>
      <span className={`badge dialect-${peer.dialect === "tabnode" ? "tabnode" : "tutorial"}`} title={dialect.title} data-testid="peer-dialect">
        {dialect.label}
        {peer.busy && <span title="It answers no pings: busy mining, or gone"> · busy</span>}
      </span>
      <span className="peer-links" title={link.title}>
        {link.arrow}
      </span>
      <span className="peer-address">
        <Hash value={peer.address} head={22} tail={8} />
      </span>
      <span className="peer-facts muted">
        <Height peer={peer} ours={ours} /> · since <Ago at={peer.since} /> · heard {peer.heardAt === null ? "nothing yet" : <Ago at={peer.heardAt} />}
        {!reachable && <strong> · unreachable: the relay is down</strong>}
      </span>
    </li>
  );
}

function DialItem({ dial }: { readonly dial: DialRow }) {
  return (
    <li className="dial-row" data-testid="dial-row" data-state={dial.state}>
      <Hash value={dial.address} head={30} tail={8} />{" "}
      {dial.state === "dialing" ? (
        <span className="muted">dialing…</span>
      ) : dial.state === "waiting" ? (
        <span className="muted">linked to it, waiting for it to link back (not counted)</span>
      ) : (
        <span className="field-error" data-testid="dial-failure">
          failed <Ago at={dial.at} />: {dial.reason}. Dialed again, less and less often.
        </span>
      )}
    </li>
  );
}

function AddPeerForm() {
  const field = useOneField();
  const { busy, run } = useRequest();
  const [dialed, setDialed] = useState<string | null>(null);
  // "Dialing …" is true until the peer shows in the list above; then the row says it all.
  const answered = useTabnode((s) => dialed !== null && s.peers.some((p) => p.address === dialed));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const checked = validatePeerAddress(field.value);
    if (!checked.ok) return field.refuse(checked.error.detail);
    const result = await run(() => addPeer(checked.value));
    if (!result.ok) return field.refuse(refusalText(result));
    setDialed(checked.value);
    field.succeed(`Dialing ${checked.value}: it appears above once it answers, or below with the reason it failed.`);
  };
  return (
    <form className="form form-inline" onSubmit={submit}>
      <TextField label="Add a peer" {...field.bind} placeholder="wss://node.example.org" mono />
      <button type="submit" disabled={busy}>
        {busy ? "Adding…" : "Add"}
      </button>
      {field.note !== null && !answered && <Message tone="ok">{field.note}</Message>}
    </form>
  );
}

export function PeersPanel() {
  const peers = useTabnode((s) => s.peers);
  const unnamed = useTabnode((s) => s.unnamedLinks);
  const dials = useTabnode((s) => s.dials);
  const height = useTabnode((s) => s.chain.height);
  const reach = useReachablePeers();
  return (
    <Panel title="Peers" aside={<span className="count" title={reach.title}>{reach.count}</span>}>
      {!reach.up && peers.length > 0 && (
        <Message tone="warn" testId="peers-unreachable">
          The relay is down: none of these {peers.length} peers can be reached until it is back.
        </Message>
      )}
      {peers.length === 0 ? (
        <Empty>No peers yet: the node finds them through the relay.</Empty>
      ) : (
        <ul className="peers">
          {peers.map((p) => (
            <PeerItem key={p.address} peer={p} ours={height} reachable={reach.up} />
          ))}
        </ul>
      )}
      {unnamed > 0 && (
        <p className="muted" data-testid="unnamed-links">
          {countOf(unnamed, "incoming link")}, address unknown: not counted until {unnamed === 1 ? "it says" : "they say"} who {unnamed === 1 ? "it is" : "they are"}.
        </p>
      )}
      {dials.length > 0 && (
        <ul className="dials" aria-label="Addresses dialed, not peers yet">
          {dials.map((d) => (
            <DialItem key={d.address} dial={d} />
          ))}
        </ul>
      )}
      <AddPeerForm />
    </Panel>
  );
}
