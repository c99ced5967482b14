/**
 * A tab's socket on `/tab`: admission (caps, resume), the welcome, then every
 * envelope message the tab sends. Whatever a tab sends, the answer is at worst
 * an error event with a reason: never an exception in the relay.
 */
import type { Duplex } from "node:stream";
import type { WebSocket } from "ws";
import type { RelayContext } from "./context.ts";
import { TabDecoder } from "./envelope.ts";
import { RelayReason } from "./reasons.ts";
import type { RateLimiter } from "./rate-limit.ts";
import { sendFrom } from "./route.ts";
import { guardSocket, refuseSocket } from "./socket-guard.ts";
import type { Tab } from "./tab.ts";
import type { TabRegistry } from "./tab-registry.ts";

/** stream: the TCP socket under `socket` (the upgrade's), for write batching. */
export function acceptTabSocket(ctx: RelayContext, tabs: TabRegistry, socket: WebSocket, stream: Duplex, ip: string, resume: string | null): void {
  const admitted = tabs.admit(ip, resume);
  if (!admitted.ok) return refuseSocket(ctx, socket, admitted.reason);
  const { tab, resumed } = admitted;
  const limiter = guardSocket(ctx, socket, () => {});
  tabs.attach(tab, socket, stream);
  tab.event(tabs.welcome(tab, resumed));
  const decoder = new TabDecoder(ctx.options.limits.maxFrameBytes);
  socket.on("message", (data: Buffer, isBinary: boolean) => onTabMessage(ctx, tabs, tab, limiter, decoder, data, isBinary));
  socket.once("close", () => tabs.detach(tab, socket));
}

function refuse(ctx: RelayContext, tab: Tab, reason: RelayReason, detail: string, to?: string): void {
  ctx.counters.dropped(reason);
  tab.event(to === undefined ? { t: "error", reason, detail } : { t: "error", reason, detail, to });
}

function onTabMessage(ctx: RelayContext, tabs: TabRegistry, tab: Tab, limiter: RateLimiter, decoder: TabDecoder, data: Buffer, isBinary: boolean): void {
  if (isBinary) return refuse(ctx, tab, RelayReason.EnvelopeBinary, "the envelope is text messages only");
  const limited = limiter.take(data.length);
  if (limited !== null) return refuse(ctx, tab, limited, "over this connection's budget; the message was dropped");
  const decoded = decoder.decode(data);
  if (!decoded.ok) return refuse(ctx, tab, decoded.reason, decoded.detail, decoded.to);
  const msg = decoded.msg;
  switch (msg.t) {
    case "send":
      return sendFrom(ctx, tabs, tab, msg.to, msg.frame);
    case "close":
      return tab.outbound.get(msg.to)?.close(RelayReason.ClosedByTab);
    case "drop":
      return tab.inbound.get(msg.link)?.close(RelayReason.ClosedByTab);
  }
}
