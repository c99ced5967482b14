/**
 * A native node: SQLite store, WebSocket transport and HTTP API on one port,
 * and a miner. `startNativeNode` returns once it listens; `close()` stops it
 * cleanly (the store is crash-safe without it).
 */
import { mkdirSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join, resolve } from "node:path";
import { generateWallet, walletFromPrivateKey, type Wallet } from "../core/wallet.ts";
import { SlicedPool } from "../miner/pool.ts";
import { nodeThreadPool, nodeVerifyThreads } from "../platform/thread-pool.ts";
import { MinerRunner } from "../node/miner-runner.ts";
import { DEFAULT_NODE_CONFIG, PeerNode } from "../node/node.ts";
import { COOKIE_FILE, removeCookie, writeCookie } from "../platform/cookie-file.ts";
import { SqliteStore } from "../platform/sqlite-store.ts";
import { nodePlatform, nodeRandom } from "../platform/node-env.ts";
import { nodeVerifier } from "../platform/node-verifier.ts";
import { WsTransport } from "../platform/ws-transport.ts";
import { dialPolicyOf, type CliConfig } from "./config.ts";
import { apiHosts } from "./api-access.ts";
import { createApi } from "./http-api.ts";

export interface NativeNode {
  readonly port: number;
  readonly address: string;
  readonly wallet: Wallet;
  readonly node: PeerNode;
  readonly miner: MinerRunner;
  close(): Promise<void>;
}

const KEY = "wallet.privateKey";

async function loadWallet(store: SqliteStore, privateKey: string | null): Promise<Wallet> {
  if (privateKey !== null) return walletFromPrivateKey(privateKey);
  const kept = await store.getValue(KEY);
  if (kept !== undefined) return walletFromPrivateKey(kept);
  const wallet = generateWallet(nodeRandom);
  await store.putValue(KEY, wallet.privateKey);
  return wallet;
}

export async function startNativeNode(config: CliConfig, log: (line: string) => void): Promise<NativeNode> {
  const server = createServer();
  await new Promise<void>((done, failed) => {
    server.once("error", failed);
    server.listen(config.port, config.host, () => done());
  });
  const port = (server.address() as AddressInfo).port;
  const address = config.myAddress ?? `ws://localhost:${port}`;
  const dataDir = resolve(config.dataDir ?? `data/${port}`);
  // Only the node's user may read the chain's files: the database holds the wallet's key.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const store = new SqliteStore(dataDir);
  const wallet = await loadWallet(store, config.privateKey);
  const platform = {
    ...nodePlatform(log, await nodeVerifier(config.verifier)),
    verifyThreads: { count: config.verifyThreads, factory: nodeVerifyThreads(config.verifier) },
  };
  const opening = Date.now();
  const dialPolicy = dialPolicyOf(config);
  const node = await PeerNode.open(store, { ...DEFAULT_NODE_CONFIG, address, addressPolicy: dialPolicy }, platform);
  log(`loaded ${node.chain.height} blocks from ${dataDir} in ${Date.now() - opening} ms`);
  const transport = new WsTransport(server, node, { log, dialPolicy, heartbeatMs: config.heartbeatMs });
  node.useTransport(transport);
  // One thread mines in the node's own event loop, in slices; more run as worker_threads, the GPU beside them.
  const miner = new MinerRunner(node, wallet.address, platform, (listener) =>
    config.mineThreads > 1 || config.mineGpu
      ? nodeThreadPool({ cpuThreads: config.mineThreads, gpu: config.mineGpu }, listener)
      : new SlicedPool(listener, platform.defer),
  );
  const cookie = writeCookie(dataDir);
  const tokens = config.apiToken === null ? [cookie] : [cookie, config.apiToken];
  log(`operator token (POST /api/mining, /api/peers, GET /metrics) in ${join(dataDir, COOKIE_FILE)}`);
  server.on("request", createApi(node, miner, { address, wallet: wallet.address }, { hosts: apiHosts(address, config.apiHosts), tokens }));
  for (const peer of config.peers) {
    const r = node.connect(peer, "config");
    if (!r.ok) log(`not dialing ${peer}: ${r.reason}: ${r.detail}`);
  }
  if (config.mine) miner.start();
  return {
    port,
    address,
    wallet,
    node,
    miner,
    async close() {
      miner.dispose();
      node.close();
      await transport.close();
      await new Promise<void>((done) => server.close(() => done()));
      await node.flushed();
      await store.close();
      removeCookie(dataDir, cookie);
    },
  };
}
