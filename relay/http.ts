/**
 * The relay's HTTP side: its counters at GET /api/relay, a health check at
 * GET /api/health, Prometheus metrics at GET /metrics for the operator (the
 * native node's guards: a Host naming this relay, and the operator's token),
 * and the built page
 * (a single-page app: unknown paths that want HTML get index.html). Until the
 * page is built, a placeholder says how to build it; it is looked up per
 * request, so building while the relay runs is enough.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import express, { type Express } from "express";
import type { Registry } from "prom-client";
import { hostGuard, operatorGuard, type ApiAccess } from "../src/cli/api-guard.ts";
import { PEER_LIST_PATH } from "./neighbours.ts";

const PLACEHOLDER = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Tabnode relay</title></head>
<body>
<h1>Tabnode relay</h1>
<p>The relay is running, but the page is not built yet.</p>
<p>Build it with <code>npm run build</code>, then reload this page.</p>
<p>The relay's counters are at <a href="/api/relay">/api/relay</a>.</p>
</body>
</html>
`;

export interface HttpSides {
  readonly staticDir: string;
  readonly stats: () => object;
  /** This relay's own peers, for other relays (relay/neighbours.ts). */
  readonly peers: () => object;
  /** The health check's body; status 200 while the relay takes tabs, 503 once it is stopping. */
  readonly health: () => { readonly status: "ok" | "stopping" };
  readonly metrics: Registry;
  readonly access: ApiAccess;
}

export function createHttpApp({ staticDir, stats, peers, health, metrics, access }: HttpSides): Express {
  const app = express();
  app.disable("x-powered-by");
  app.get("/api/relay", (_req, res) => {
    res.set("Cache-Control", "no-store").json(stats());
  });
  app.get(PEER_LIST_PATH, (_req, res) => {
    res.set("Cache-Control", "no-store").json(peers());
  });
  app.get("/api/health", (_req, res) => {
    const h = health();
    res.status(h.status === "ok" ? 200 : 503).set("Cache-Control", "no-store").json(h);
  });
  app.get("/metrics", hostGuard(access.hosts), operatorGuard(access.tokens), (_req, res, next) => {
    metrics.metrics().then((text) => res.set("Content-Type", metrics.contentType).send(text), next);
  });
  app.use("/api", (_req, res) => {
    res.status(404).json({ error: "not-found" });
  });
  app.use(express.static(staticDir, { index: "index.html" }));
  app.use((req, res, next) => {
    if ((req.method !== "GET" && req.method !== "HEAD") || !req.accepts("html")) return next();
    const index = join(staticDir, "index.html");
    if (existsSync(index)) res.sendFile(index);
    else res.status(200).type("html").send(PLACEHOLDER);
  });
  return app;
}
