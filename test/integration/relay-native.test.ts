/**
 * A real native node process and a simulated tab (plain ws client speaking the
 * relay's envelope) through a real relay: the node dials the tab's address,
 * they handshake, and exchange transactions, blocks and a chain stream.
 */
import { afterEach, describe, expect, it } from "vitest";
import { startRelay, type RelayHandle } from "../../relay/index.ts";
import { Chain } from "../../src/core/chain.ts";
import { Mempool } from "../../src/core/mempool.ts";
import { GENESIS_HOLDER, mineNext, newWallet, pay } from "../support/chain-builder.ts";
import { startNode, stopAll, until } from "../support/native-process.ts";
import { RelayTab, type InboundFrame } from "../support/relay-tab.ts";

let relay: RelayHandle | null = null;
afterEach(async () => {
  await relay?.close();
  relay = null;
  await stopAll();
});

const frameOf = (type: string) => (f: InboundFrame) => (JSON.parse(f.frame) as { type: string }).type === type;

describe("a native node and a tab through the relay", () => {
  it("dials the tab's address, handshakes, and exchanges transactions, blocks and a chain stream", async () => {
    const node = await startNode();
    relay = await startRelay({ host: "127.0.0.1", port: 0, peers: [node.address] });
    const { tab, welcome } = await RelayTab.connect(relay.tabUrl);
    expect(welcome.peers).toContainEqual({ address: node.address, kind: "native" });

    // The tab introduces itself on a link the relay opens for it; the node dials back the tab's address.
    tab.send(node.address, JSON.stringify({ type: "TYPE_HANDSHAKE", data: [welcome.address] }));
    await tab.take("inbound-open");
    const hello = await tab.frame(frameOf("TYPE_HANDSHAKE"));
    expect(JSON.parse(hello.frame).data[0]).toBe(node.address);
    // Both links exist: the node asks the tab for its tip, on its own link to the tab's address.
    const ask = await tab.frame(frameOf("TYPE_REQUEST_CHECK"));
    expect(JSON.parse(ask.frame).data).toBe(node.address);

    const tx = pay(GENESIS_HOLDER, newWallet().address, 42, 1);
    tab.send(node.address, JSON.stringify({ type: "TYPE_CREATE_TRANSACTION", data: tx }));
    await until("the tab's transaction at the node", async () => (await node.get("/api/mempool")).size === 1);

    await node.post("/api/mining", { on: true, blocks: 1 });
    const announced = await tab.frame(frameOf("TYPE_REPLACE_CHAIN"));
    const [block1, next] = JSON.parse(announced.frame).data;
    expect(block1.data[1]).toEqual(tx);

    // The tab mines block 2 on the node's tip with the core's own template, and announces it.
    const chain = new Chain();
    expect(chain.addBlock(block1, next, Date.now()).ok).toBe(true);
    const mined = mineNext(chain, new Mempool(), newWallet().address, Date.now());
    tab.send(node.address, JSON.stringify({ type: "TYPE_REPLACE_CHAIN", data: [mined.block, mined.announced] }));
    await until("the tab's block at the node", async () => (await node.get("/api/status")).tip === mined.block.hash);

    tab.send(node.address, JSON.stringify({ type: "TYPE_REQUEST_CHAIN", data: welcome.address }));
    const first = await tab.frame((f) => frameOf("TYPE_SEND_CHAIN")(f) && JSON.parse(f.frame).data.block.hash === block1.hash);
    expect(JSON.parse(first.frame).data.finished).toBe(false);
    const last = await tab.frame((f) => frameOf("TYPE_SEND_CHAIN")(f) && JSON.parse(f.frame).data.finished === true);
    expect(JSON.parse(last.frame).data.block.hash).toBe(mined.block.hash);
    await tab.disconnect();
  });
});
