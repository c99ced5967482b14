/**
 * The native node's HTTP JSON API. Every refusal is a 4xx with a reason code,
 * the same codes the chain core uses. It answers only Host headers naming this
 * node, and operator actions need the operator's token (api-access.ts).
 */
import express, { type NextFunction, type Request, type Response } from "express";
import { balanceOf, blockRecord, blocksFrom, chainStatus, findBlock } from "../app/queries.ts";
import { AppReason, Reason } from "../app/reasons.ts";
import { isCanonicalAddress } from "../core/secp.ts";
import type { MinerRunner } from "../node/miner-runner.ts";
import type { PeerNode } from "../node/node.ts";
import { hostGuard, operatorGuard, type ApiAccess } from "./api-guard.ts";
import { nodeMetrics } from "./node-metrics.ts";

export type { ApiAccess } from "./api-guard.ts";

/** Routes that change what the node does, for the operator only; reads and sending a signed transaction stay open. */
const OPERATOR_ROUTES = ["/api/mining", "/api/peers"];

function intParam(value: unknown, fallback: number): number | null {
  if (value === undefined) return fallback;
  if (typeof value !== "string" || !/^\d{1,9}$/.test(value)) return null;
  return Number(value);
}

export function createApi(node: PeerNode, miner: MinerRunner, info: { address: string; wallet: string }, access: ApiAccess): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.use(hostGuard(access.hosts));
  // Before the body is parsed: a stranger's request costs no more than its headers.
  const operator = operatorGuard(access.tokens);
  app.post(OPERATOR_ROUTES, operator);
  app.use(express.json({ limit: "64kb" }));

  // For Prometheus (bearer_token_file: DATA_DIR/.cookie): peers, refusals and mining are the operator's to see.
  const metrics = nodeMetrics(node, miner);
  app.get("/metrics", operator, (_req, res, next) => {
    metrics.metrics().then((text) => res.set("Content-Type", metrics.contentType).send(text), next);
  });

  app.get("/api/status", (_req, res) => {
    res.json({
      address: info.address,
      wallet: info.wallet,
      ...chainStatus(node),
      peers: node.peerList().map((p) => ({ ...p, since: new Date(p.since).toISOString() })),
      mempool: node.mempool.size,
      mining: miner.stats(),
      bounds: node.bounds(),
    });
  });

  app.get("/api/blocks", (req, res) => {
    const limit = intParam(req.query.limit, 20);
    const height = node.chain.height;
    const from = intParam(req.query.from, Math.max(0, height - (limit ?? 20) + 1));
    if (limit === null || limit < 1 || limit > 100) return res.status(400).json({ reason: AppReason.LimitInvalid, detail: "limit is a whole number from 1 to 100" });
    if (from === null) return res.status(400).json({ reason: AppReason.FromInvalid, detail: "from is a whole number (a height)" });
    res.json({ height, blocks: blocksFrom(node, from, limit).map((e) => blockRecord(node, e)) });
  });

  // A block hash, or a main-chain height.
  app.get("/api/blocks/:hash", (req, res) => {
    const entry = findBlock(node, req.params.hash);
    if (entry === undefined) return res.status(404).json({ reason: AppReason.NotFound, detail: `no block ${req.params.hash.slice(0, 64)}` });
    res.json(blockRecord(node, entry));
  });

  app.get("/api/balance/:address", (req, res) => {
    const address = req.params.address;
    if (!isCanonicalAddress(address)) {
      return res.status(400).json({ reason: Reason.AddressInvalid, detail: "an address is lowercase 04 + 128 hex characters, a point on secp256k1" });
    }
    const { confirmed, pending } = balanceOf(node, address);
    res.json({ address, balance: confirmed, pending });
  });

  app.get("/api/mempool", (_req, res) => {
    const transactions = node.mempool.transactions();
    res.json({ size: transactions.length, transactions });
  });

  app.post("/api/transactions", (req, res) => {
    const r = node.submitTransaction(req.body);
    if (!r.ok) return res.status(400).json({ reason: r.reason, detail: r.detail });
    res.status(202).json({ accepted: true, transaction: r.tx });
  });

  app.post("/api/peers", (req, res) => {
    const address = (req.body as { address?: unknown } | undefined)?.address;
    if (typeof address !== "string") return res.status(400).json({ reason: AppReason.BodyInvalid, detail: 'send {"address": "ws://host:port"}' });
    const r = node.connect(address, "operator");
    if (!r.ok) return res.status(400).json({ reason: r.reason, detail: r.detail });
    res.status(202).json({ dialing: address });
  });

  app.get("/api/mining", (_req, res) => res.json(miner.stats()));

  app.post("/api/mining", (req, res) => {
    const body = req.body as { on?: unknown; blocks?: unknown } | undefined;
    if (typeof body?.on !== "boolean") return res.status(400).json({ reason: AppReason.BodyInvalid, detail: 'send {"on": true} or {"on": false}, optionally "blocks": n' });
    const blocks = body.blocks === undefined ? null : Number(body.blocks);
    if (blocks !== null && !(Number.isSafeInteger(blocks) && blocks >= 1)) return res.status(400).json({ reason: AppReason.BodyInvalid, detail: "blocks is a whole number of at least 1" });
    if (body.on) miner.start(blocks);
    else miner.stop();
    res.json(miner.stats());
  });

  app.use("/api", (_req, res) => res.status(404).json({ reason: AppReason.NotFound, detail: "no such API route" }));

  app.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    const status = (err as { status?: number }).status;
    if (status === undefined || status >= 500) return next(err);
    const reason = (err as { type?: string }).type === "entity.too.large" ? AppReason.BodyTooLarge : AppReason.BodyNotJson;
    res.status(status).json({ reason, detail: (err as Error).message });
  });
  return app;
}
