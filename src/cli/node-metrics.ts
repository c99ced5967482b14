/**
 * The native node's GET /metrics (Prometheus text format): the chain, the
 * peers, the mempool, what it took and refused, chain streams and mining.
 * Everything is read from the node when scraped (metrics-registry.ts).
 * README "Metrics" lists every name.
 */
import type { Registry } from "prom-client";
import type { MinerRunner } from "../node/miner-runner.ts";
import type { PeerNode } from "../node/node.ts";
import type { PeerKind } from "../node/peers.ts";
import { byReason, newRegistry, readCounter, readGauge } from "../platform/metrics-registry.ts";

const PEER_KINDS: readonly PeerKind[] = ["persistent", "auto", "dialback", "inbound"];

export function nodeMetrics(node: PeerNode, miner: MinerRunner): Registry {
  const r = newRegistry();
  const { counts } = node;
  const gauge = (name: string, help: string, read: () => number) => readGauge(r, { name, help, read });

  gauge("tabnode_height", "Height of the main chain's tip.", () => node.chain.height);
  gauge("tabnode_difficulty", "Difficulty in force for the next block.", () => node.chain.difficulty());
  gauge("tabnode_chain_work", "Total work of the main chain (16^difficulty per block).", () => Number(node.chain.tip().work));
  readGauge(r, {
    name: "tabnode_peers",
    help: "Links by kind: persistent (told to keep), auto (chosen from the address book), dialback (the address an inbound link claims), inbound.",
    labelNames: ["kind"],
    read: () => {
      const n = new Map<PeerKind, number>(PEER_KINDS.map((k) => [k, 0]));
      for (const p of node.peerList()) n.set(p.kind, (n.get(p.kind) ?? 0) + 1);
      return [...n].map(([kind, v]) => [{ kind }, v] as const);
    },
  });
  gauge("tabnode_peers_paired", "Outbound links whose address also has an inbound link: peers that can be asked and heard.", () => node.peerList().filter((p) => p.direction === "out" && p.paired).length);
  readGauge(r, {
    name: "tabnode_addresses",
    help: "Address book: new (heard of), tried (proven), forgotten (refused for a while).",
    labelNames: ["table"],
    read: () => {
      const a = node.bounds().addresses;
      return [
        [{ table: "new" }, a.known - a.tried],
        [{ table: "tried" }, a.tried],
        [{ table: "forgotten" }, a.forgotten],
      ];
    },
  });
  gauge("tabnode_mempool_transactions", "Transactions waiting in the mempool.", () => node.mempool.size);
  gauge("tabnode_mempool_max_transactions", "The mempool's bound.", () => node.mempool.maxTxs);

  readCounter(r, {
    name: "tabnode_blocks_accepted_total",
    help: "Blocks that joined the main chain, by source: live (a peer's TYPE_REPLACE_CHAIN), stream (a chain stream), mined (this node's miner).",
    labelNames: ["source"],
    read: () => Object.entries(counts.blocksAccepted).map(([source, n]) => [{ source }, n] as const),
  });
  readCounter(r, { name: "tabnode_blocks_refused_total", help: "Blocks refused, by reason code (block-known: a duplicate).", labelNames: ["reason"], read: () => byReason(counts.blocksRefused) });
  readCounter(r, { name: "tabnode_transactions_accepted_total", help: "Transactions admitted to the mempool.", read: () => counts.transactionsAccepted });
  readCounter(r, { name: "tabnode_transactions_refused_total", help: "Transactions refused, by reason code.", labelNames: ["reason"], read: () => byReason(counts.transactionsRefused) });
  gauge("tabnode_orphan_blocks", "Blocks held whose parent is unknown.", () => node.chain.orphanCount);
  gauge("tabnode_side_blocks", "Blocks held beside the main chain.", () => node.chain.sideCount);

  gauge("tabnode_sync_streams", "Chain streams being received now.", () => node.bounds().streams.streams);
  gauge("tabnode_sync_pending_blocks", "Blocks received in chain streams and not yet validated: sync progress (0 when caught up).", () => node.bounds().streams.blocks);
  readCounter(r, { name: "tabnode_sync_received_blocks_total", help: "Blocks received in chain streams, valid or not.", read: () => counts.streamBlocksReceived });

  gauge("tabnode_mining", "1 while the miner runs.", () => (miner.stats().running ? 1 : 0));
  readGauge(r, {
    name: "tabnode_hashrate",
    help: "Hashes per second, smoothed over a few seconds, by device.",
    labelNames: ["device"],
    read: () => {
      const s = miner.stats();
      return [
        [{ device: "cpu" }, s.cpuHashrate],
        [{ device: "gpu" }, s.gpu?.hashrate ?? 0],
      ];
    },
  });
  readCounter(r, { name: "tabnode_hashes_total", help: "Hashes computed by this node's miner.", read: () => miner.stats().hashes });
  readCounter(r, { name: "tabnode_blocks_found_total", help: "Blocks this node's miner found.", read: () => miner.stats().blocksFound });
  return r;
}
