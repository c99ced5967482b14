/**
 * GET /metrics on the relay and on the native node, scraped as Prometheus
 * would and parsed by an independent Prometheus text parser: the values
 * match what happened (and GET /api/relay), and the endpoint is the
 * operator's, guarded as the node's API is (Host, bearer token from the
 * 0600 cookie). Everything on 127.0.0.1.
 */
import { statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { COOKIE_FILE } from "../../src/platform/cookie-file.ts";
import { newWallet, pay } from "../support/chain-builder.ts";
import { getMetrics, scrape } from "../support/metrics-scrape.ts";
import { cookieOf, startNode, stopAll, until } from "../support/native-process.ts";
import { RelayHarness, statsUntil } from "../support/relay-harness.ts";
import { startRelayProcess, type RelayProcess } from "../support/relay-process.ts";

const h = new RelayHarness();
let relayProcess: RelayProcess | null = null;
afterEach(async () => {
  await h.cleanup();
  await relayProcess?.stop();
  relayProcess = null;
  await stopAll();
});

describe("the relay's GET /metrics", () => {
  it("counts tabs, links, frames, bytes, drops by reason and dials, as GET /api/relay does", async () => {
    const relay = await h.relay({ limits: { dialTimeoutMs: 200 } });
    const node = await h.nativeNode();
    const { tab: a } = await h.tab(relay);
    const { tab: b, welcome: wb } = await h.tab(relay);
    a.send(wb.address, "to b");
    await b.frame();
    a.send(node.address, "to the node");
    await node.frameAt(0);
    a.send("ws://10.1.2.3:3000", "x"); // refused by the dial rule
    a.send(`ws://127.0.0.1:${await h.closedPort()}`, "x"); // dialed, fails
    await a.take("link-fail", (m) => m.reason === "address-private");
    await a.take("link-fail", (m) => m.reason === "dial-failed");
    const stats = await statsUntil(relay, (s) => s.framesForwarded === 2);

    const m = await scrape(relay.port, relay.operatorToken);
    expect(m.type("tabnode_relay_frames_forwarded_total")).toBe("COUNTER");
    expect(m.value("tabnode_relay_tabs", { state: "connected" })).toBe(2);
    expect(m.value("tabnode_relay_tabs", { state: "away" })).toBe(0);
    expect(m.value("tabnode_relay_links", { kind: "tab_to_tab" })).toBe(1);
    expect(m.value("tabnode_relay_links", { kind: "outbound" })).toBe(1);
    expect(m.value("tabnode_relay_frames_forwarded_total")).toBe(2);
    expect(m.value("tabnode_relay_bytes_forwarded_total")).toBe("to b".length + "to the node".length);
    expect(m.value("tabnode_relay_bytes_forwarded_total")).toBe(stats.bytesForwarded);
    expect(m.value("tabnode_relay_dials_total", { result: "opened" })).toBe(1);
    expect(m.value("tabnode_relay_dials_total", { result: "failed" })).toBe(1);
    expect(m.value("tabnode_relay_links_refused_total", { reason: "address-private" })).toBe(1);
    expect(m.value("tabnode_relay_frames_dropped_total", { reason: "address-private" })).toBe(1);
    expect(m.value("tabnode_relay_held_bytes_limit")).toBe(relay.options.limits.maxTotalBufferedBytes);
    // prom-client's process metrics come with it, under their standard names.
    expect(m.value("process_resident_memory_bytes")).toBeGreaterThan(0);

    await b.disconnect();
    await statsUntil(relay, (s) => s.tabs.away === 1);
    const after = await scrape(relay.port, relay.operatorToken);
    expect(after.value("tabnode_relay_tabs", { state: "away" })).toBe(1);
    expect(after.value("tabnode_relay_tabs", { state: "connected" })).toBe(1);
  });

  it("is the operator's: a Host naming the relay, and the token", async () => {
    const relay = await h.relay({ publicUrl: "https://relay.example.test/a", apiHosts: [{ name: "metrics.internal.test", port: null }], apiToken: "a-fixed-token-for-prometheus" });
    const port = relay.port;
    expect((await getMetrics(port)).status).toBe(401);
    expect(JSON.parse((await getMetrics(port)).text).reason).toBe("auth-required");
    expect(JSON.parse((await getMetrics(port, { token: "not-the-token-at-all" })).text).reason).toBe("auth-invalid");
    const rebinding = await getMetrics(port, { host: "attacker.example", token: relay.operatorToken });
    expect(rebinding.status).toBe(403);
    expect(JSON.parse(rebinding.text).reason).toBe("host-refused");
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, "relay.example.test", "metrics.internal.test:9090"]) {
      expect((await getMetrics(port, { host, token: relay.operatorToken })).status, host).toBe(200);
    }
    expect((await getMetrics(port, { token: "a-fixed-token-for-prometheus" })).status).toBe(200);
    // The page's counters and the health check stay open to anyone.
    expect((await getMetrics(port, { path: "/api/relay" })).status).toBe(200);
    const health = await getMetrics(port, { path: "/api/health", host: "anyone.example" });
    expect(health.status).toBe(200);
    expect(JSON.parse(health.text)).toEqual({ status: "ok" });
  });

  it("as a process, writes its token to DATA_DIR/.cookie, readable by its user only", async () => {
    relayProcess = await startRelayProcess();
    const path = join(relayProcess.dataDir, COOKIE_FILE);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(relayProcess.dataDir).mode & 0o777).toBe(0o700);
    const m = await scrape(relayProcess.port, cookieOf(relayProcess.dataDir));
    expect(m.value("tabnode_relay_tabs", { state: "connected" })).toBe(0);
    expect(m.value("process_open_fds")).toBeGreaterThan(0);
  });
});

describe("the native node's GET /metrics", () => {
  it("reports height, peers by kind, mempool, blocks taken and refused by reason, streams and mining", async () => {
    const a = await startNode();
    const b = await startNode({ PEERS: a.address });
    await until("a and b paired", async () => ((await a.get("/api/status")).peers as { paired: boolean }[]).some((p) => p.paired));
    await a.post("/api/mining", { on: true, blocks: 2 });
    await until("b at height 2", async () => (await b.get("/api/status")).height === 2);
    const refused = await a.post("/api/transactions", pay(newWallet(), newWallet().address, 5, 1)); // an empty wallet pays
    expect(refused.status).toBe(400);
    const reason = (refused.body as { reason: string }).reason;

    const m = await scrape(a.port, cookieOf(a.dataDir));
    expect(m.value("tabnode_height")).toBe(2);
    expect(m.value("tabnode_blocks_accepted_total", { source: "mined" })).toBe(2);
    expect(m.value("tabnode_blocks_found_total")).toBe(2);
    expect(m.value("tabnode_transactions_refused_total", { reason })).toBe(1);
    expect(m.value("tabnode_mempool_transactions")).toBe(0);
    expect(m.value("tabnode_peers", { kind: "inbound" })).toBeGreaterThanOrEqual(1);
    expect(m.value("tabnode_peers", { kind: "dialback" })).toBe(1);
    expect(m.value("tabnode_peers_paired")).toBe(1);
    expect(m.value("tabnode_hashes_total")).toBeGreaterThan(0);
    expect(m.value("tabnode_hashrate", { device: "cpu" })).toBeGreaterThanOrEqual(0);
    expect(m.value("tabnode_sync_pending_blocks")).toBe(0);
    expect(m.type("tabnode_blocks_refused_total")).toBe("COUNTER");

    // b took a's blocks live or by a stream; its own miner found none.
    const mb = await scrape(b.port, cookieOf(b.dataDir));
    expect((mb.value("tabnode_blocks_accepted_total", { source: "live" }) ?? 0) + (mb.value("tabnode_blocks_accepted_total", { source: "stream" }) ?? 0)).toBe(2);
    expect(mb.value("tabnode_blocks_accepted_total", { source: "mined" })).toBe(0);
    expect(mb.value("tabnode_peers", { kind: "persistent" })).toBe(1);
    expect(mb.value("tabnode_height")).toBe(2);

    expect((await getMetrics(a.port)).status).toBe(401);
    expect((await getMetrics(a.port, { token: cookieOf(b.dataDir) })).status).toBe(403);
    expect((await getMetrics(a.port, { host: "rebound.example", token: cookieOf(a.dataDir) })).status).toBe(403);
  });
});
