/**
 * A tab-like peer for integration tests: the page worker's node without the
 * browser. The same PeerNode, the same RelayTransport (the envelope, resume,
 * backoff) over a Node WebSocket client, and the same handling of the peers
 * the relay names (src/node/relay-peers.ts), on an in-memory store, with a
 * miner in the node's event loop. What the relay and native nodes see is what
 * a page's worker would send; only IndexedDB and the Web Workers are not here.
 * `mine` mines one block at once with the core's template and nonce loop,
 * for tests that script who mines when.
 */
import { WebSocket } from "ws";
import { buildTemplate } from "../../src/core/template.ts";
import { generateWallet, type Wallet } from "../../src/core/wallet.ts";
import { SlicedPool } from "../../src/miner/pool.ts";
import { MinerRunner } from "../../src/node/miner-runner.ts";
import { DEFAULT_NODE_CONFIG, PeerNode } from "../../src/node/node.ts";
import { RelayPeers } from "../../src/node/relay-peers.ts";
import { MemoryStore } from "../../src/node/store.ts";
import { nodePlatform, nodeRandom } from "../../src/platform/node-env.ts";
import { nodeVerifier } from "../../src/platform/node-verifier.ts";
import { RelayTransport, type RelayState, type TabSocket } from "../../src/platform/relay-transport.ts";
import { mineTemplate, random } from "./chain-builder.ts";

export interface TabNode {
  readonly node: PeerNode;
  readonly wallet: Wallet;
  readonly miner: MinerRunner;
  readonly peers: RelayPeers;
  /** The address the relay gave it (after the welcome). */
  address(): string;
  state(): RelayState;
  readonly logs: string[];
  /** Mines one block on its tip with what waits in its mempool and announces it; `slow`: announced as a search over the block time (difficulty -1). */
  mine(slow: boolean): string;
  close(): Promise<void>;
}

/**
 * Connects to a relay (its http(s):// or ws(s):// base, a path prefix allowed) and resolves once welcomed;
 * `ca` trusts a test certificate; `home`: a node it dials through the relay, as a page dials its home node.
 */
export async function startTabNode(relayUrl: string, options: { readonly ca?: string; readonly home?: string } = {}): Promise<TabNode> {
  const logs: string[] = [];
  const platform = nodePlatform((line) => logs.push(line), await nodeVerifier("openssl"));
  const node = await PeerNode.open(new MemoryStore(), { ...DEFAULT_NODE_CONFIG, address: "" }, platform);
  const wallet = generateWallet(nodeRandom);
  const miner = new MinerRunner(node, wallet.address, platform, (listener) => new SlicedPool(listener, platform.defer));
  const peers = new RelayPeers(node);
  let state: RelayState = "connecting";
  let welcomed: () => void = () => {};
  const welcome = new Promise<void>((r) => (welcomed = r));
  const transport = new RelayTransport(
    relayUrl,
    null,
    node,
    {
      state: (s) => (state = s),
      welcome: (address, _resume, list) => {
        peers.welcome(address, list);
        welcomed();
      },
      peerJoin: (p) => peers.join(p),
      peerLeave: (p) => peers.leave(p),
    },
    // ws's client has the browser's handler properties; its own event types carry more.
    (url): TabSocket => new WebSocket(url, options.ca === undefined ? {} : { ca: options.ca }),
  );
  node.useTransport(transport);
  const timeout = setTimeout(() => welcomed(), 10_000);
  await welcome;
  clearTimeout(timeout);
  if (node.address === "") throw new Error(`no welcome from ${relayUrl}: ${logs.join("\n")}`);
  if (options.home !== undefined) node.connect(options.home, "relay");
  return {
    node,
    wallet,
    miner,
    peers,
    address: () => node.address,
    state: () => state,
    logs,
    mine(slow) {
      const t = buildTemplate({ chain: node.chain, mempool: node.mempool, minerAddress: wallet.address, now: Date.now(), random });
      if (!t.ok) throw new Error(`${t.reason}: ${t.detail}`);
      const mined = mineTemplate(t.template, slow ? undefined : Date.now());
      const r = node.submitBlock(mined.block, mined.announced);
      if (!r.ok) throw new Error(`${r.reason}: ${r.detail}`);
      return mined.block.hash;
    },
    async close() {
      miner.dispose();
      node.close();
      await transport.close();
    },
  };
}
