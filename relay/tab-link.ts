/**
 * A tab sending to another tab of the same relay: no socket, the frame goes
 * straight into the other tab's envelope. The receiver gets the same
 * inbound-open / frame / inbound-close it would get from a native node, so it
 * cannot tell (and need not care) that no TCP connection was made.
 */
import { frameHeader } from "./envelope.ts";
import type { InboundLink, OutboundLink } from "./links.ts";
import type { RelayReason } from "./reasons.ts";
import type { Tab } from "./tab.ts";

export function linkTabs(from: Tab, to: string, target: Tab): OutboundLink {
  const id = target.nextLinkId();
  let open = true;
  // Either end may close (the sender hangs up, the receiver drops, either's
  // address is released); both ends hear it once.
  const close = (reason: RelayReason) => {
    if (!open) return;
    open = false;
    target.inbound.delete(id);
    if (from.outbound.get(to) === outbound) from.outbound.delete(to);
    target.event({ t: "inbound-close", link: id, reason });
    from.event({ t: "link-close", to, reason });
  };
  const inbound: InboundLink = { id, header: frameHeader(id), kind: "tab", tabnode: true, close };
  const outbound: OutboundLink = {
    to,
    kind: "tab",
    tabnode: true,
    get open() {
      return open;
    },
    send: (frame) => target.deliver(inbound, frame),
    close,
  };
  target.inbound.set(id, inbound);
  target.event({ t: "inbound-open", link: id, tabnode: true });
  from.event({ t: "link-open", to, tabnode: true });
  return outbound;
}
