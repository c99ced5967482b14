/**
 * A tab's node without the page: the same PeerNode and RelayTransport as the
 * page's worker (src/worker/node-worker.ts), in the test's process, on an
 * in-memory store, with ws's WebSocket for the browser's. It mines with the
 * core's template and nonce loop when the test says so.
 */
import { WebSocket } from "ws";
import { buildTemplate } from "../../src/core/template.ts";
import type { Wallet } from "../../src/core/wallet.ts";
import { DEFAULT_NODE_CONFIG, PeerNode } from "../../src/node/node.ts";
import { MemoryStore } from "../../src/node/store.ts";
import { nodePlatform } from "../../src/platform/node-env.ts";
import { nodeVerifier } from "../../src/platform/node-verifier.ts";
import { RelayTransport, type WebSocketClass } from "../../src/platform/relay-transport.ts";
import { mineTemplate, newWallet, random } from "./chain-builder.ts";

export interface TabNode {
  readonly node: PeerNode;
  readonly address: string;
  readonly wallet: Wallet;
  readonly logs: string[];
  /** Mines one block on its tip with what waits in its mempool and announces it; `slow`: announced as a search over the block time (difficulty -1). */
  mine(slow: boolean): string;
  close(): Promise<void>;
}

export async function startTabNode(relayUrl: string, home: string): Promise<TabNode> {
  const logs: string[] = [];
  const log = (line: string) => logs.push(line);
  const node = await PeerNode.open(new MemoryStore(), { ...DEFAULT_NODE_CONFIG, address: "" }, nodePlatform(log, await nodeVerifier("libsecp256k1")));
  const wallet = newWallet();
  let closeTransport: () => Promise<void> = async () => {};
  const address = await new Promise<string>((resolve) => {
    const transport = new RelayTransport(
      relayUrl,
      null,
      node,
      {
        state: () => {},
        welcome: (address) => {
          node.setAddress(address);
          resolve(address);
        },
        peerJoin: () => {},
        peerLeave: () => {},
      },
      WebSocket as unknown as WebSocketClass,
    );
    node.useTransport(transport);
    closeTransport = () => transport.close();
  });
  node.connect(home, "relay");
  return {
    node,
    address,
    wallet,
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
      node.close();
      await closeTransport();
    },
  };
}
