/**
 * Relays side by side. A relay told of others (RELAYS) asks each, every
 * `pollMs`, for the peers it serves (GET /api/relay/peers: its tabs, its home
 * node, its natives) and tells its own tabs of them, as it tells them of each
 * other: a tab on relay A then links to a tab on relay B by B's address (A
 * dials B's /peer/<id>, as it would dial any native node), and to B's home
 * node. Only a relay's own peers are served, never what it heard from others,
 * so lists do not echo around a ring of relays; every relay is told of the
 * others it should join.
 *
 * Another relay's answer is input from the network: its size, shape and each
 * address are checked, and at most MAX_PEERS_PER_RELAY of its peers are taken
 * (a tab can use few anyway: its address book takes 32 from the relay).
 */
import * as v from "valibot";
import { PeerInfoSchema, type PeerInfo } from "../src/protocol/relay-envelope.ts";

export const PEER_LIST_PATH = "/api/relay/peers";
export const MAX_PEERS_PER_RELAY = 256;
/** A list of MAX_PEERS_PER_RELAY addresses of the longest length fits with room. */
const MAX_LIST_BYTES = 1024 * 1024;
/** Polls a neighbour may miss before its peers are forgotten (a restart or a hiccup is not a departure). */
const MISSES_BEFORE_FORGET = 3;

/** The body of GET /api/relay/peers. */
export interface PeerList {
  /** The base of this relay's tab addresses. */
  readonly relay: string;
  readonly peers: readonly PeerInfo[];
}

const PeerListSchema = v.object({
  relay: v.string(),
  peers: v.array(PeerInfoSchema),
});

/** The peers a neighbour's answer names, as this relay's tabs should see them; an error text when the answer is not a peer list. */
export function readPeerList(body: unknown): { ok: true; peers: PeerInfo[] } | { ok: false; error: string } {
  const parsed = v.safeParse(PeerListSchema, body);
  if (!parsed.success) return { ok: false, error: v.summarize(parsed.issues) };
  const peers: PeerInfo[] = [];
  for (const p of parsed.output.peers) {
    if (peers.length >= MAX_PEERS_PER_RELAY) break;
    const url = URL.parse(p.address);
    if (url === null || (url.protocol !== "ws:" && url.protocol !== "wss:")) continue;
    // Another relay's home node is one more native node to the tabs here: kept by that relay's tabs, not by ours.
    peers.push({ address: p.address, kind: p.kind === "tab" ? "tab" : "native" });
  }
  return { ok: true, peers };
}

/** Where a relay's peer list is, from its base URL (http(s):// or ws(s)://, with a path prefix when behind a proxy). */
export function peerListUrl(relay: string): string {
  const url = new URL(relay);
  if (url.protocol === "ws:") url.protocol = "http:";
  if (url.protocol === "wss:") url.protocol = "https:";
  return `${url.href.replace(/\/+$/, "")}${PEER_LIST_PATH}`;
}

export interface NeighbourState {
  readonly url: string;
  readonly peers: number;
  /** The last poll got a list. */
  readonly up: boolean;
  readonly error: string | null;
}

interface Neighbour {
  readonly url: string;
  peers: Map<string, PeerInfo>;
  misses: number;
  error: string | null;
}

export interface NeighbourHooks {
  /** A peer address of this relay's own (a tab, the home node, a native): never announced as another relay's. */
  readonly isOwn: (address: string) => boolean;
  readonly join: (peer: PeerInfo) => void;
  readonly leave: (peer: PeerInfo) => void;
}

export class Neighbours {
  private readonly relays: Neighbour[];
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    urls: readonly string[],
    private readonly pollMs: number,
    private readonly hooks: NeighbourHooks,
  ) {
    this.relays = urls.map((url) => ({ url, peers: new Map(), misses: 0, error: null }));
  }

  start(): void {
    if (this.relays.length > 0) void this.pollAll();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
  }

  /** Every peer the neighbours serve now, once each. */
  peers(): PeerInfo[] {
    const all = new Map<string, PeerInfo>();
    for (const r of this.relays) for (const p of r.peers.values()) if (!all.has(p.address) && !this.hooks.isOwn(p.address)) all.set(p.address, p);
    return [...all.values()];
  }

  states(): NeighbourState[] {
    return this.relays.map((r) => ({ url: r.url, peers: r.peers.size, up: r.misses === 0 && r.error === null, error: r.error }));
  }

  private async pollAll(): Promise<void> {
    await Promise.all(this.relays.map((r) => this.poll(r)));
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.pollAll(), this.pollMs);
    this.timer.unref();
  }

  private async poll(relay: Neighbour): Promise<void> {
    const got = await fetchPeerList(relay.url, Math.min(this.pollMs, 5000));
    if (this.stopped) return;
    if (!got.ok) {
      relay.error = got.error;
      if (++relay.misses >= MISSES_BEFORE_FORGET) this.update(relay, []);
      return;
    }
    relay.error = null;
    relay.misses = 0;
    this.update(relay, got.peers);
  }

  /** Tells the tabs what changed: a peer joins when no neighbour listed it, leaves when none lists it any more. */
  private update(relay: Neighbour, peers: readonly PeerInfo[]): void {
    const before = new Set(this.peers().map((p) => p.address));
    const old = relay.peers;
    relay.peers = new Map(peers.map((p) => [p.address, p]));
    const after = new Map(this.peers().map((p) => [p.address, p]));
    for (const [address, p] of after) if (!before.has(address)) this.hooks.join(p);
    for (const [address, p] of old) if (before.has(address) && !after.has(address)) this.hooks.leave(p);
  }
}

/** GET a neighbour's list: no redirects, a deadline, a bounded body. */
async function fetchPeerList(relay: string, timeoutMs: number): Promise<{ ok: true; peers: PeerInfo[] } | { ok: false; error: string }> {
  try {
    const res = await fetch(peerListUrl(relay), { redirect: "error", signal: AbortSignal.timeout(timeoutMs), headers: { accept: "application/json" } });
    if (!res.ok) return { ok: false, error: `HTTP ${res.status}` };
    const text = await readBounded(res, MAX_LIST_BYTES);
    if (text === null) return { ok: false, error: `answer over ${MAX_LIST_BYTES} bytes` };
    return readPeerList(JSON.parse(text));
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

async function readBounded(res: Response, max: number): Promise<string | null> {
  if (res.body === null) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks).toString("utf8");
    total += value.length;
    if (total > max) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
}
