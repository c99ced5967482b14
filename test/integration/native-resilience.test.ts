/** The native node under kill -9, restarts, and peers that send garbage. */
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { startNode, stopAll, tempDir, until } from "../support/native-process.ts";

afterEach(stopAll);

describe("native node resilience", () => {
  it("keeps every block it accepted through kill -9 at any moment, mining included, and its key", async () => {
    const dir = tempDir("kill9");
    let node = await startNode({ MINE: "1" }, dir);
    const wallet = (await node.get("/api/status")).wallet;
    // From genesis the first blocks come every few ms, so kills land mid-slice and mid-write.
    for (const delay of [5, 60, 150, 400, 1200]) {
      await new Promise((r) => setTimeout(r, delay + Math.floor(Math.random() * 50)));
      const before = await node.get("/api/status");
      await node.kill("SIGKILL");
      node = await startNode({ MINE: "1" }, dir);
      const after = await node.get("/api/status");
      expect(after.wallet).toBe(wallet);
      expect(after.height).toBeGreaterThanOrEqual(before.height);
      expect((await node.get(`/api/blocks/${before.tip}`)).main).toBe(true);
    }
    await until("a few blocks mined across the kills", async () => (await node.get("/api/status")).height >= 3);
    const final = await node.get("/api/status");
    await node.kill("SIGKILL");
    node = await startNode({}, dir);
    expect((await node.get("/api/status")).tip).toBe(final.tip);
    expect(node.logs.some((l) => l.includes(`loaded ${final.height} blocks`))).toBe(true);
  });

  it("drops bad frames with a one-line reason, cuts off a peer that keeps sending them, and keeps running", async () => {
    const node = await startNode();
    const socket = new WebSocket(node.address.replace("localhost", "127.0.0.1"));
    await new Promise((r) => socket.once("open", r));
    const closed = new Promise<number>((r) => socket.once("close", (code) => r(code)));
    socket.send(JSON.stringify({ type: "TYPE_HANDSHAKE", data: ["ws://localhost:1"] }));
    socket.send("not json");
    socket.send(JSON.stringify({ type: "TYPE_NONSENSE", data: 1 }));
    socket.send(JSON.stringify({ type: "TYPE_REPLACE_CHAIN", data: "not a tuple" }));
    socket.send(JSON.stringify({ type: "TYPE_CREATE_TRANSACTION", data: { from: "x" } }));
    socket.send(JSON.stringify({ type: "TYPE_REPLACE_CHAIN", data: [{ timestamp: "1" }, 2] }));
    expect(await closed).toBe(1008);
    for (const reason of ["frame-not-json", "frame-unknown-type", "frame-shape", "tx-shape", "block-shape"]) {
      expect(node.logs.some((l) => l.includes(`drop ${reason}`))).toBe(true);
    }
    expect(node.logs.some((l) => l.includes("cut in#") && l.includes("5 bad frames"))).toBe(true);

    // An oversized frame closes that connection (1009) and nothing else.
    const big = new WebSocket(node.address.replace("localhost", "127.0.0.1"));
    await new Promise((r) => big.once("open", r));
    const bigClosed = new Promise<number>((r) => big.once("close", (code) => r(code)));
    big.send("x".repeat((1 << 20) + 1));
    expect(await bigClosed).toBe(1009);
    expect((await node.get("/api/status")).height).toBe(0);
  });

  it("answers bad API input with a 4xx and a reason code", async () => {
    const node = await startNode();
    const bad = await node.post("/api/transactions", { from: "me" });
    expect(bad).toMatchObject({ status: 400, body: { reason: "tx-shape" } });
    expect(await node.get("/api/balance/nope")).toMatchObject({ reason: "address-invalid" });
    const res = await fetch(`http://127.0.0.1:${node.port}/api/transactions`, { method: "POST", headers: { "content-type": "application/json" }, body: "{oops" });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ reason: "body-not-json" });
    expect(await node.get("/api/blocks?limit=1000")).toMatchObject({ reason: "bad-limit" });
    expect(await node.get("/api/blocks/00")).toMatchObject({ reason: "not-found" });
    expect(await node.post("/api/peers", { address: "http://example.invalid" })).toMatchObject({ status: 400, body: { reason: "address-scheme" } });
    expect(await node.post("/api/peers", { address: "ws://10.0.0.1:3000" })).toMatchObject({ status: 400, body: { reason: "address-private" } });
  });
});
