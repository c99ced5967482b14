/**
 * The native node's WebSocket transport dials through the dial rule's lookup:
 * a name that resolves into a refused range is never connected to, and the
 * link closes naming the reason. The resolver is a fake that answers
 * 127.0.0.1 for "localhost" (so nothing leaves the machine, even if the fake
 * were bypassed); the only server is on 127.0.0.1.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import type { Link, LinkHandler } from "../../src/node/transport.ts";
import { DEFAULT_DIAL_POLICY, type DialPolicy } from "../../src/protocol/dial-rule.ts";
import type { Resolve } from "../../src/platform/dial-lookup.ts";
import { WsTransport } from "../../src/platform/ws-transport.ts";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A WebSocket server on 127.0.0.1 that counts who connects. */
async function listener(): Promise<{ port: number; connections: () => number }> {
  const server = createServer();
  const wss = new WebSocketServer({ server });
  let count = 0;
  wss.on("connection", () => count++);
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", () => done()));
  cleanups.push(async () => {
    for (const c of wss.clients) c.terminate();
    await new Promise<void>((done) => wss.close(() => server.close(() => done())));
  });
  return { port: (server.address() as AddressInfo).port, connections: () => count };
}

/** A transport dialing under `policy`, with a resolver that records what it was asked. */
function dialer(policy: DialPolicy) {
  const asked: string[] = [];
  const resolve: Resolve = (host, _options, callback) => {
    asked.push(host);
    callback(null, [{ address: "127.0.0.1", family: 4 }]);
  };
  const lines: string[] = [];
  let settle: (what: string) => void = () => {};
  const settled = new Promise<string>((done) => (settle = done));
  const handler: LinkHandler = {
    opened: (link: Link) => settle(`opened ${link.remote}`),
    message: () => {},
    closed: (_link: Link, why: string) => settle(`closed: ${why}`),
  };
  const server: Server = createServer();
  const transport = new WsTransport(server, handler, { dialPolicy: policy, resolve, log: (l) => lines.push(l) });
  cleanups.push(() => transport.close());
  return { transport, asked, lines, settled };
}

describe("the native node's dials", () => {
  it("never connects to a name that resolves to loopback when loopback is refused, and says why", async () => {
    const target = await listener();
    const d = dialer({ ...DEFAULT_DIAL_POLICY, allowLoopback: false });
    d.transport.dial(`ws://localhost:${target.port}`);
    expect(await d.settled).toMatch(/^closed: refused by the dial rule: address-loopback: localhost resolves only to refused addresses/);
    expect(d.asked).toEqual(["localhost"]);
    expect(d.lines.some((l) => l.includes("address-loopback"))).toBe(true);
    expect(target.connections()).toBe(0);
  });

  it("connects through the same lookup when the rule allows it (control)", async () => {
    const target = await listener();
    const d = dialer(DEFAULT_DIAL_POLICY);
    d.transport.dial(`ws://localhost:${target.port}`);
    expect(await d.settled).toBe(`opened ws://localhost:${target.port}`);
    expect(d.asked).toEqual(["localhost"]);
    expect(target.connections()).toBe(1);
  });
});
