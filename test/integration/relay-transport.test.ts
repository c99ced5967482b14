/**
 * The tab's RelayTransport against a real relay: a reloaded tab learns which
 * links the relay kept and what answered them (no new upgrade comes), and
 * "Retry now" reconnects at once instead of when the backoff ends.
 */
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import type { Link, LinkHandler } from "../../src/node/transport.ts";
import { RelayTransport, type RelayState, type TabSocket } from "../../src/platform/relay-transport.ts";
import { RelayHarness, until } from "../support/relay-harness.ts";

const h = new RelayHarness();
const transports: RelayTransport[] = [];
afterEach(async () => {
  for (const t of transports.splice(0)) await t.close();
  await h.cleanup();
});

/** ws's WebSocket, quiet on a refused connection as the browser's is (the close event still follows). */
function quietWebSocket(url: string): TabSocket {
  const socket = new WebSocket(url);
  socket.on("error", () => {});
  return socket;
}

/** A transport with a handler and events that record what happens. */
function open(relayUrl: string, resume: string | null = null) {
  const seen = { opened: [] as Link[], closed: [] as string[], kept: [] as string[], states: [] as { state: RelayState; retryInMs: number | null }[], welcome: null as { resume: string } | null };
  const handler: LinkHandler = { opened: (l) => seen.opened.push(l), message: () => {}, closed: (l, why) => seen.closed.push(`${l.remote} ${why}`) };
  const transport = new RelayTransport(
    relayUrl,
    resume,
    handler,
    {
      state: (state, d) => seen.states.push({ state, retryInMs: d.retryInMs }),
      welcome: (_address, token) => (seen.welcome = { resume: token }),
      peerJoin: () => {},
      peerLeave: () => {},
      kept: (addresses) => seen.kept.push(...addresses),
    },
    quietWebSocket,
  );
  transports.push(transport);
  return { transport, seen };
}

describe("RelayTransport", () => {
  it("after a reload, knows the links the relay kept and whether each showed Tabnode's header", async () => {
    const relay = await h.relay({ limits: { graceMs: 5000 } });
    const tabnode = await h.nativeNode({ tabnode: true });
    const tutorial = await h.nativeNode();
    const first = open(relay.url);
    await until(() => first.seen.welcome !== null, 5000, "welcome");
    for (const to of [tabnode.address, tutorial.address]) first.transport.dial(to).send("hello");
    await until(() => tabnode.frames.length > 0 && tutorial.frames.length > 0, 5000, "frames through").catch((err: Error) => {
      throw new Error(`${err.message}; closed: ${first.seen.closed.join("; ")}`);
    });
    await until(() => first.seen.opened.every((l) => l.tabnode !== null), 5000, "links answered");
    // The page reloads: a new transport on the same resume token, that has dialed nothing.
    const token = first.seen.welcome!.resume;
    transports.splice(transports.indexOf(first.transport), 1);
    await first.transport.close();
    const second = open(relay.url, token);
    await until(() => second.seen.kept.length === 2, 5000, "kept links named");
    expect(new Set(second.seen.kept)).toEqual(new Set([tabnode.address, tutorial.address]));
    // Dialed again, they are what they showed, without a new upgrade; and the relay's old connections carry the frames.
    expect(second.transport.dial(tabnode.address).tabnode).toBe(true);
    expect(second.transport.dial(tutorial.address).tabnode).toBe(false);
    expect(second.transport.dial("ws://127.0.0.1:1").tabnode).toBeNull();
    expect(tabnode.server.clients.size).toBe(1);
  });

  it("Retry now opens the relay connection at once, not when the backoff ends", async () => {
    const first = await h.relay();
    const port = first.port;
    const { transport, seen } = open(first.url);
    await until(() => seen.welcome !== null, 5000, "welcome");
    await first.close();
    // Backoff grows 0.5, 1, 2, 4, 8 s: wait for a wait of 8 s.
    await until(() => seen.states.some((s) => (s.retryInMs ?? 0) >= 8000), 20_000, "a long backoff");
    const waiting = seen.states.length;
    await h.relay({ port });
    transport.retryNow();
    await until(() => seen.states.slice(waiting).some((s) => s.state === "connected"), 3000, "connected well before the 8 s backoff");
  }, 30_000);
});
