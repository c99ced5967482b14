/** Always in view: the name, the chain height, the peer count, the relay's state, and search. */
import { useState, type FormEvent } from "react";
import { useTabnode } from "../store.ts";
import { useReachablePeers } from "./peer-reach.ts";
import { hrefForQuery, routeHref } from "./Router.tsx";

function SearchBox() {
  const [query, setQuery] = useState("");
  const [error, setError] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const href = hrefForQuery(query);
    if (href === null) return setError("Search by block height (digits), block hash or transaction id (64 hex), signature or address (04 + 128 hex).");
    location.hash = href;
    setQuery("");
  };
  return (
    <form className="search" role="search" onSubmit={submit}>
      <input
        aria-label="Search a block, transaction or address"
        placeholder="Height, hash, transaction id or address"
        className="mono"
        data-testid="search"
        spellCheck={false}
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setError(null);
        }}
        aria-invalid={error !== null ? true : undefined}
      />
      <button type="submit">Search</button>
      {error !== null && (
        <p className="field-error search-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

export function TopBar() {
  const height = useTabnode((s) => s.chain.height);
  const peers = useReachablePeers();
  const relay = useTabnode((s) => s.relay.state);
  return (
    <header className="topbar">
      <h1 className="brand">
        <a href="#/">Tabnode</a>
      </h1>
      <nav className="topbar-nav" aria-label="Sections">
        <a href="#/">Wallet</a>
        {height > 0 && <a href={routeHref("block", String(height))}>Latest block</a>}
      </nav>
      <span className="topbar-stat" title="Height of the chain's tip">
        height <b data-testid="height">{height}</b>
      </span>
      <span className="topbar-stat" title={peers.title}>
        peers <b data-testid="peer-count">{peers.count}</b>
      </span>
      <span className={`relay-pill relay-${relay}`} data-testid="relay-status" title="Connection to the relay that links tabs">
        relay {relay}
      </span>
      <SearchBox />
    </header>
  );
}
