/**
 * Someone dialed `/peer/<id>`: a native node (or anything else) that wants to
 * talk to that tab. Its frames go to the tab unchanged; the tab hears the link
 * open and close. Nothing is sent back on it, as JeChain nodes expect.
 */
import type { WebSocket } from "ws";
import type { RelayContext } from "./context.ts";
import { frameHeader } from "./envelope.ts";
import type { InboundLink } from "./links.ts";
import { closeWith, RelayReason } from "./reasons.ts";
import { guardSocket, refuseSocket } from "./socket-guard.ts";
import type { TabRegistry } from "./tab-registry.ts";

/** `tabnode`: the dialer showed Tabnode's header (src/protocol/dialect.ts); one that did not is a tutorial node, let be busy. */
export function acceptPeerSocket(ctx: RelayContext, tabs: TabRegistry, socket: WebSocket, tabId: string, tabnode: boolean): void {
  const tab = tabs.find(tabId);
  if (tab === undefined) return refuseSocket(ctx, socket, RelayReason.PeerUnknown);
  if (tab.inbound.size >= ctx.options.limits.maxInboundPerTab) return refuseSocket(ctx, socket, RelayReason.InboundFull);
  const id = tab.nextLinkId();
  let ending: RelayReason = RelayReason.RemoteClosed;
  const link: InboundLink = {
    id,
    header: frameHeader(id),
    kind: "native",
    tabnode,
    close(reason) {
      ending = reason;
      ctx.counters.closed(reason);
      closeWith(socket, reason);
    },
  };
  const limiter = guardSocket(ctx, socket, (reason) => (ending = reason), { patient: !tabnode });
  tab.inbound.set(id, link);
  tab.event({ t: "inbound-open", link: id, tabnode });
  socket.on("message", (data: Buffer, isBinary: boolean) => {
    // The dialer cannot hear errors (it reads nothing here), so drops are only counted.
    if (isBinary) return ctx.counters.dropped(RelayReason.FrameBinary);
    const limited = limiter.take(data.length);
    if (limited !== null) return ctx.counters.dropped(limited);
    tab.deliver(link, data);
  });
  socket.once("close", (code: number) => {
    tab.inbound.delete(id);
    tab.event({ t: "inbound-close", link: id, reason: ending, code });
  });
}
