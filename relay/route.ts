/**
 * Where a tab's frame goes: the link the tab already holds to that address,
 * or a new one: to another tab of this relay (in process), or dialed, if the
 * tab's link cap and the dial rule allow and the address is not the relay
 * itself by another spelling.
 */
import type { RelayContext } from "./context.ts";
import { checkDialAddress } from "../src/protocol/dial-rule.ts";
import type { OutboundLink } from "./links.ts";
import { NativeLink } from "./native-link.ts";
import { RelayReason } from "./reasons.ts";
import { DIAL_SELF_DETAIL } from "./self-dial.ts";
import type { Tab } from "./tab.ts";
import type { TabRegistry } from "./tab-registry.ts";
import { linkTabs } from "./tab-link.ts";

type Opened = { readonly ok: true; readonly link: OutboundLink } | { readonly ok: false; readonly reason: RelayReason; readonly detail: string };

function openLink(ctx: RelayContext, tabs: TabRegistry, tab: Tab, to: string): Opened {
  const { maxLinksPerTab, maxInboundPerTab } = ctx.options.limits;
  if (tab.outbound.size >= maxLinksPerTab) return { ok: false, reason: RelayReason.LinksFull, detail: `${maxLinksPerTab} links open already` };
  const local = tabs.localTarget(to);
  if (local === "unknown") return { ok: false, reason: RelayReason.PeerUnknown, detail: "no tab holds that address on this relay" };
  if (local !== null) {
    if (local.inbound.size >= maxInboundPerTab) return { ok: false, reason: RelayReason.InboundFull, detail: `that tab has ${maxInboundPerTab} inbound links` };
    return { ok: true, link: linkTabs(tab, to, local) };
  }
  const url = URL.parse(to);
  if (url !== null && (url.protocol === "ws:" || url.protocol === "wss:") && ctx.dial.refusesSelf(url)) {
    return { ok: false, reason: RelayReason.DialSelf, detail: DIAL_SELF_DETAIL };
  }
  const check = checkDialAddress(to, ctx.options.dial);
  if (!check.ok) return check;
  try {
    return { ok: true, link: new NativeLink(ctx, tab, to, check.url) };
  } catch (err) {
    // ws validates the URL again and may refuse what the dial rule let through; a tab's send must never throw.
    return { ok: false, reason: RelayReason.DialFailed, detail: (err as Error).message };
  }
}

export function sendFrom(ctx: RelayContext, tabs: TabRegistry, tab: Tab, to: string, frame: Buffer): void {
  let link = tab.outbound.get(to);
  if (link === undefined) {
    const opened = openLink(ctx, tabs, tab, to);
    if (!opened.ok) {
      ctx.counters.refused(opened.reason);
      ctx.counters.dropped(opened.reason);
      tab.event({ t: "link-fail", to, reason: opened.reason, detail: opened.detail });
      return;
    }
    link = opened.link;
    tab.outbound.set(to, link);
  }
  link.send(frame);
}
