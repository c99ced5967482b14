/**
 * The native node's configuration, from the environment as the tutorial's
 * nodes take it (PORT, PEERS, MY_ADDRESS, PRIVATE_KEY), plus Tabnode's own.
 */
import { availableParallelism } from "node:os";
import { VERIFIERS, type VerifierName } from "../platform/node-verifier.ts";
import type { DialPolicy } from "../protocol/dial-rule.ts";
import { parseApiHostList, parseApiToken, type ApiHost } from "./api-access.ts";

const isVerifierName = (v: string): v is VerifierName => (VERIFIERS as readonly string[]).includes(v);

export const HELP = `Tabnode native node: a full node of the JeChain network.

Usage: npm run node            (or: npx tsx src/cli/main.ts)

Environment:
  PORT          port for peers (WebSocket) and the HTTP API; 0 picks a free one   [3000]
  HOST          interface to listen on                                              [127.0.0.1]
  PEERS         comma-separated ws:// addresses to dial at start                    []
  MY_ADDRESS    the address this node tells peers to dial                           [ws://localhost:PORT]
  PRIVATE_KEY   hex private key of this node's wallet; without it one is generated
                once and kept in the data directory
  DATA_DIR      where the chain, the key and the .cookie are kept (0700)            [./data/PORT]
  MINE          1 to mine continuously to this node's key                           [0]
  MINE_THREADS  CPU mining threads (worker_threads beyond the first, or beside the
                GPU); 0 with MINE_GPU=1 mines on the GPU alone                      [1]
  MINE_GPU      1 to mine on the GPU too, through WebGPU (the optional webgpu
                package); where it cannot, a log line says why and the CPU mines [0]
  VERIFIER      signature verifier: libsecp256k1 (WebAssembly) or openssl (node:crypto)  [libsecp256k1]
  VERIFY_THREADS threads that verify a chain stream's signatures; 0 verifies them
                on the main thread, in order                                         [CPU count]
  ALLOW_PRIVATE 1 to dial peers in private and link-local address ranges            [0]
  ALLOW_LOOPBACK 0 refuses to dial 127.0.0.0/8, ::1 and localhost (also when a
                name resolves there); 1 lets one machine run several nodes          [1]
  API_HOSTS     comma-separated host[:port] names the HTTP API answers besides
                loopback and MY_ADDRESS's host (a reverse proxy's name)             []
  API_TOKEN     a token (16 to 256 visible characters) accepted for operator
                actions besides the one written to DATA_DIR/.cookie                 [none]
  HEARTBEAT_MS  every link is pinged this often; a Tabnode peer silent since the
                last ping is cut, a tutorial node (busy mining) is kept            [30000]

HTTP API on the same port: GET /api/status, /api/blocks?from=&limit=, /api/blocks/:hash,
/api/balance/:address, /api/mempool, /api/mining; POST /api/transactions.
Operator actions, POST /api/mining and POST /api/peers, and GET /metrics
(Prometheus text format) need the header
  Authorization: Bearer <token>   (the token: cat DATA_DIR/.cookie, written at each start)
Requests whose Host header names another host are refused (DNS rebinding).
`;

export interface CliConfig {
  readonly port: number;
  readonly host: string;
  readonly peers: string[];
  readonly myAddress: string | null;
  readonly privateKey: string | null;
  readonly dataDir: string | null;
  readonly mine: boolean;
  readonly mineThreads: number;
  readonly mineGpu: boolean;
  readonly verifyThreads: number;
  readonly verifier: VerifierName;
  readonly allowPrivate: boolean;
  readonly allowLoopback: boolean;
  readonly apiHosts: readonly ApiHost[];
  readonly apiToken: string | null;
  readonly heartbeatMs: number;
}

export type ConfigResult = { ok: true; config: CliConfig } | { ok: false; error: string };

const list = (text: string | undefined) => (text ?? "").split(",").map((p) => p.trim()).filter((p) => p.length > 0);

export function parseConfig(env: Record<string, string | undefined>): ConfigResult {
  const portText = env.PORT ?? "3000";
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) return { ok: false, error: `PORT must be a whole number from 0 to 65535, got ${JSON.stringify(portText)}` };
  const privateKey = env.PRIVATE_KEY?.trim() || null;
  if (privateKey !== null && !/^[0-9a-fA-F]{64}$/.test(privateKey)) return { ok: false, error: "PRIVATE_KEY must be 64 hex characters" };
  const gpuText = env.MINE_GPU ?? "0";
  if (gpuText !== "0" && gpuText !== "1") return { ok: false, error: `MINE_GPU must be 0 or 1, got ${JSON.stringify(gpuText)}` };
  const mineGpu = gpuText === "1";
  const threadsText = env.MINE_THREADS ?? "1";
  const mineThreads = Number(threadsText);
  const fewest = mineGpu ? 0 : 1;
  if (!/^\d+$/.test(threadsText) || mineThreads < fewest || mineThreads > 256) {
    return { ok: false, error: `MINE_THREADS must be a whole number from ${fewest} to 256${mineGpu ? "" : " (0 only with MINE_GPU=1)"}, got ${JSON.stringify(threadsText)}` };
  }
  const verifyText = env.VERIFY_THREADS ?? String(availableParallelism());
  const verifyThreads = Number(verifyText);
  if (!/^\d+$/.test(verifyText) || verifyThreads > 256) return { ok: false, error: `VERIFY_THREADS must be a whole number from 0 to 256, got ${JSON.stringify(verifyText)}` };
  const verifier = env.VERIFIER ?? "libsecp256k1";
  if (!isVerifierName(verifier)) return { ok: false, error: `VERIFIER must be one of ${VERIFIERS.join(", ")}, got ${JSON.stringify(verifier)}` };
  const peers = list(env.PEERS);
  const loopbackText = env.ALLOW_LOOPBACK ?? "1";
  if (loopbackText !== "0" && loopbackText !== "1") return { ok: false, error: `ALLOW_LOOPBACK must be 0 or 1, got ${JSON.stringify(loopbackText)}` };
  const apiHosts = parseApiHostList(env.API_HOSTS);
  if (!apiHosts.ok) return apiHosts;
  const apiToken = parseApiToken(env.API_TOKEN);
  if (!apiToken.ok) return apiToken;
  const heartbeatText = env.HEARTBEAT_MS ?? "30000";
  const heartbeatMs = Number(heartbeatText);
  if (!/^\d+$/.test(heartbeatText) || heartbeatMs < 100 || heartbeatMs > 3_600_000) return { ok: false, error: `HEARTBEAT_MS must be a whole number from 100 to 3600000, got ${JSON.stringify(heartbeatText)}` };
  return {
    ok: true,
    config: {
      port,
      host: env.HOST ?? "127.0.0.1",
      peers,
      myAddress: env.MY_ADDRESS?.trim() || null,
      privateKey: privateKey?.toLowerCase() ?? null,
      dataDir: env.DATA_DIR?.trim() || null,
      mine: env.MINE === "1",
      mineThreads,
      mineGpu,
      verifyThreads,
      verifier,
      allowPrivate: env.ALLOW_PRIVATE === "1",
      allowLoopback: loopbackText === "1",
      apiHosts: apiHosts.hosts,
      apiToken: apiToken.token,
      heartbeatMs,
    },
  };
}

/** The rule for every address the node dials, and every address a dialed name resolves to. */
export const dialPolicyOf = (config: CliConfig): DialPolicy => ({
  allowLoopback: config.allowLoopback,
  allowPrivate: config.allowPrivate,
  allowLinkLocal: config.allowPrivate,
});
