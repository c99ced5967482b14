/**
 * The relay's HTTP side: GET /api/relay, the built page with its single-page
 * fallback, and the placeholder served until the page is built.
 */
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { RelayHarness } from "../support/relay-harness.ts";

const h = new RelayHarness();
afterEach(() => h.cleanup());

let dist = "";
beforeAll(async () => {
  dist = await mkdtemp(join(tmpdir(), "relay-dist-"));
  await mkdir(join(dist, "assets"));
  await writeFile(join(dist, "index.html"), "<!doctype html><title>Tabnode</title>");
  await writeFile(join(dist, "assets", "app.js"), "console.log('app')");
});
afterAll(() => rm(dist, { recursive: true, force: true }));

const html = { headers: { accept: "text/html" } };

describe("relay HTTP", () => {
  it("reports tabs, links, forwarded and dropped frames and uptime at GET /api/relay", async () => {
    const relay = await h.relay({ homeNode: "ws://127.0.0.1:4000" });
    const { tab: a } = await h.tab(relay);
    const { tab: b, welcome: wb } = await h.tab(relay);
    a.send(wb.address, "hello");
    await b.frame();
    a.raw("not json");
    await a.take("error");
    const res = await fetch(`${relay.url}/api/relay`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({
      tabs: { connected: 2, away: 0 },
      links: { inbound: 0, outbound: 0, tabToTab: 1 },
      peers: { home: "ws://127.0.0.1:4000", native: [] },
      framesForwarded: 1,
      bytesForwarded: 5,
      framesDropped: { "envelope-not-json": 1 },
      connectionsClosed: {},
      linksRefused: {},
    });
    expect(typeof body.uptimeSeconds).toBe("number");
  });

  it("serves the built page, its files, and index.html for any other page path", async () => {
    const relay = await h.relay({ staticDir: dist });
    expect(await (await fetch(`${relay.url}/`)).text()).toContain("<title>Tabnode</title>");
    expect(await (await fetch(`${relay.url}/assets/app.js`)).text()).toBe("console.log('app')");
    expect(await (await fetch(`${relay.url}/wallet/send`, html)).text()).toContain("<title>Tabnode</title>");
    expect((await fetch(`${relay.url}/assets/missing.js`, { headers: { accept: "application/javascript" } })).status).toBe(404);
    expect((await fetch(`${relay.url}/api/nothing`)).status).toBe(404);
  });

  it("serves a placeholder that says how to build the page when there is none", async () => {
    const relay = await h.relay({ staticDir: join(dist, "not-built") });
    const res = await fetch(`${relay.url}/`, html);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("npm run build");
  });

  it("refuses WebSocket upgrades on paths it does not serve", async () => {
    const relay = await h.relay();
    const dialer = await h.dial(`ws://127.0.0.1:${relay.port}/elsewhere`);
    expect((await dialer.closed).code).toBe(1006);
  });

  it("answers an upgrade whose request target is not a URL with 400, and keeps serving", async () => {
    const relay = await h.relay();
    const raw = connect(relay.port, "127.0.0.1");
    raw.write("GET http://[ HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    const answer = await new Promise<string>((r) => raw.once("data", (d: Buffer) => r(d.toString())));
    raw.destroy();
    expect(answer.split("\r\n")[0]).toBe("HTTP/1.1 400 Bad Request");
    expect((await fetch(`${relay.url}/api/relay`)).status).toBe(200);
  });
});
