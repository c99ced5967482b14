/**
 * The native node's HTTP API is the operator's: real node processes on
 * 127.0.0.1, asked with the Host headers a DNS-rebinding page would send, and
 * with and without the operator's token; the modes of the files it keeps;
 * and, after all that, the node still takes an honest peer's block.
 */
import { chmodSync, existsSync, statSync } from "node:fs";
import { request } from "node:http";
import { connect } from "node:net";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { COOKIE_FILE } from "../../src/platform/cookie-file.ts";
import { cookieOf, dataDirWith, startNode, stopAll, tempDir, until, type NodeProcess } from "../support/native-process.ts";

afterEach(stopAll);
afterAll(stopAll);

interface Call {
  readonly host?: string;
  readonly token?: string;
  readonly body?: unknown;
}

/** One request to 127.0.0.1 with the Host header given (fetch() will not send another host's name). */
function call(node: NodeProcess, method: "GET" | "POST", path: string, { host = `127.0.0.1:${node.port}`, token, body }: Call = {}) {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string> = { host };
  if (payload !== undefined) headers["content-type"] = "application/json";
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  return new Promise<{ status: number; body: any; headers: Record<string, unknown> }>((done, failed) => {
    const req = request({ host: "127.0.0.1", port: node.port, method, path, headers }, (res) => {
      let text = "";
      res.on("data", (chunk: Buffer) => (text += chunk.toString()));
      res.on("end", () => done({ status: res.statusCode ?? 0, body: text === "" ? null : JSON.parse(text), headers: res.headers }));
    });
    req.on("error", failed);
    req.end(payload);
  });
}

/** An HTTP/1.0 request with no Host header at all (Node itself answers 400 to HTTP/1.1 without one). */
function callWithoutHost(node: NodeProcess) {
  return new Promise<string>((done, failed) => {
    const socket = connect(node.port, "127.0.0.1", () => socket.end("GET /api/status HTTP/1.0\r\n\r\n"));
    let text = "";
    socket.on("data", (chunk) => (text += chunk.toString()));
    socket.on("end", () => done(text));
    socket.on("error", failed);
  });
}

const modeOf = (path: string) => statSync(path).mode & 0o777;
const height = async (n: NodeProcess) => (await n.get("/api/status")).height as number;
const linked = async (n: NodeProcess, address: string) =>
  ((await n.get("/api/status")).peers as { address: string; direction: string; open: boolean }[]).some((p) => p.address === address && p.direction === "out" && p.open);

describe("the native node's API guard", () => {
  it("answers only Host headers naming this node, whatever the route", async () => {
    const node = await startNode({ API_HOSTS: "proxy.example.test" });
    const cookie = cookieOf(node.dataDir);
    for (const host of ["evil.example", `evil.example:${node.port}`, `localhost.attacker.example:${node.port}`, `127.0.0.1.nip.io:${node.port}`, "other.example.test"]) {
      expect(await call(node, "GET", "/api/status", { host })).toMatchObject({ status: 403, body: { reason: "host-refused" } });
      expect(await call(node, "POST", "/api/transactions", { host, body: { from: "me" } })).toMatchObject({ status: 403, body: { reason: "host-refused" } });
      expect(await call(node, "POST", "/api/mining", { host, token: cookie, body: { on: true } })).toMatchObject({ status: 403, body: { reason: "host-refused" } });
    }
    const bare = await callWithoutHost(node);
    expect(bare).toMatch(/^HTTP\/1\.[01] 403 /);
    expect(bare).toContain('"reason":"host-refused"');
    for (const host of [`localhost:${node.port}`, `127.0.0.1:${node.port}`, "localhost", `[::1]:${node.port}`, "proxy.example.test", `PROXY.example.test:${node.port}`]) {
      expect(await call(node, "GET", "/api/status", { host })).toMatchObject({ status: 200, body: { height: 0 } });
    }
    // Peers may dial any name of the node: a WebSocket upgrade is not the API.
    const peer = new WebSocket(`ws://127.0.0.1:${node.port}`, { headers: { host: "evil.example" } });
    await new Promise<void>((open, failed) => {
      peer.once("open", () => open());
      peer.once("error", failed);
    });
    peer.close();
    expect((await call(node, "GET", "/api/mining")).status).toBe(200);
    expect(await height(node)).toBe(0); // the refused mining order did nothing
  });

  it("needs the operator's token for mining and dialing, not for reads or transactions; keeps its files to its user", async () => {
    // B: an honest peer whose database an older start left readable by all.
    const bDir = await dataDirWith([], "guard-b");
    chmodSync(join(bDir, "chain.sqlite"), 0o644);
    const b = await startNode({}, bDir);
    // A: a fresh data directory the node creates itself, and an operator token of its own.
    const aDir = join(tempDir("guard-a"), "data");
    const apiToken = "operator-token-0123456789";
    const a = await startNode({ API_TOKEN: apiToken }, aDir);
    const cookie = cookieOf(aDir);
    expect(cookie).toMatch(/^[0-9a-f]{64}$/);

    for (const [dir, files] of [[aDir, [COOKIE_FILE, "chain.sqlite", "chain.sqlite-wal", "chain.sqlite-shm"]], [bDir, [COOKIE_FILE, "chain.sqlite", "chain.sqlite-wal", "chain.sqlite-shm"]]] as const) {
      for (const file of files) expect([file, modeOf(join(dir, file)).toString(8)]).toEqual([file, "600"]);
    }
    expect(modeOf(aDir).toString(8)).toBe("700");

    // Mining: no token 401, a wrong one 403, the cookie's 200.
    const missing = await call(a, "POST", "/api/mining", { body: { on: true, blocks: 1 } });
    expect(missing).toMatchObject({ status: 401, body: { reason: "auth-required" } });
    expect(missing.headers["www-authenticate"]).toMatch(/^Bearer/);
    expect(await call(a, "POST", "/api/mining", { token: "0".repeat(64), body: { on: true, blocks: 1 } })).toMatchObject({ status: 403, body: { reason: "auth-invalid" } });
    expect(await call(a, "POST", "/api/mining", { token: cookieOf(bDir), body: { on: true, blocks: 1 } })).toMatchObject({ status: 403, body: { reason: "auth-invalid" } });
    expect(await height(a)).toBe(0);
    // Dialing: the same.
    expect(await call(a, "POST", "/api/peers", { body: { address: b.address } })).toMatchObject({ status: 401, body: { reason: "auth-required" } });
    expect(await call(a, "POST", "/api/peers", { token: "wrong", body: { address: b.address } })).toMatchObject({ status: 403, body: { reason: "auth-invalid" } });
    expect((await a.get("/api/status")).peers).toEqual([]);
    // Reads and transactions stay open.
    expect((await call(a, "GET", "/api/mining")).status).toBe(200);
    expect((await call(a, "GET", "/api/status")).status).toBe(200);
    expect(await call(a, "POST", "/api/transactions", { body: { from: "me" } })).toMatchObject({ status: 400, body: { reason: "tx-shape" } });

    // With the credential, the orders are carried out.
    expect(await call(a, "POST", "/api/peers", { token: apiToken, body: { address: b.address } })).toMatchObject({ status: 202 });
    await until("a and b linked both ways", async () => (await linked(a, b.address)) && (await linked(b, a.address)));
    expect(await call(a, "POST", "/api/mining", { token: cookie, body: { on: true, blocks: 1 } })).toMatchObject({ status: 200 });
    await until("a mined a block", async () => (await height(a)) === 1);
    // Control: the node still takes an honest peer's block, and the API answers.
    expect((await b.post("/api/mining", { on: true, blocks: 1 })).status).toBe(200);
    await until("b's block reached a", async () => (await height(a)) === 2 && (await height(b)) === 2);
    expect((await a.get("/api/status")).tip).toBe((await b.get("/api/status")).tip);

    // A clean stop removes the cookie; the next start writes a new one, and the old one no longer works.
    await a.kill("SIGTERM");
    expect(existsSync(join(aDir, COOKIE_FILE))).toBe(false);
    const again = await startNode({}, aDir);
    expect(cookieOf(aDir)).not.toBe(cookie);
    expect(await call(again, "POST", "/api/mining", { token: cookie, body: { on: false } })).toMatchObject({ status: 403, body: { reason: "auth-invalid" } });
    expect(await call(again, "POST", "/api/mining", { token: apiToken, body: { on: false } })).toMatchObject({ status: 403, body: { reason: "auth-invalid" } });
    expect((await again.post("/api/mining", { on: false })).status).toBe(200);
  });

  it("refuses to dial loopback with ALLOW_LOOPBACK=0", async () => {
    const node = await startNode({ ALLOW_LOOPBACK: "0" });
    for (const address of [`ws://127.0.0.1:${node.port + 1}`, `ws://localhost:${node.port + 1}`, `ws://[::1]:${node.port + 1}`]) {
      expect(await node.post("/api/peers", { address })).toMatchObject({ status: 400, body: { reason: "address-loopback" } });
    }
    expect((await node.get("/api/status")).peers).toEqual([]);
  });
});
