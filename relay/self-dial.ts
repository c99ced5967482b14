/**
 * The relay never dials itself. A tab can name this relay by spellings it does
 * not serve in process (`ws://[::1]:PORT/peer/x`, `ws://127.0.0.2:PORT/tab`,
 * `ws://localhost.:PORT/`, a name resolving to this machine...); dialed, each
 * would be a connection from the relay to itself: double the work for every
 * frame, a slot of its own taken, or a tab of its own opened. So an address at
 * the relay's listening port is refused (`dial-self`) when its host is this
 * machine: from the text for IP literals and loopback names (Node dials those
 * without a lookup), and inside the socket's lookup for every other name, so a
 * DNS answer cannot dodge it. Only dials to the relay's own port number are
 * judged this way (another service on this machine stays dialable, under the
 * loopback switch as before).
 */
import { lookup as dnsLookup } from "node:dns";
import { BlockList, isIP, type LookupFunction } from "node:net";
import { networkInterfaces, type NetworkInterfaceInfo } from "node:os";
import { classifyHost } from "../src/protocol/ip-range.ts";
import { guardedLookup, type Resolve } from "../src/platform/dial-lookup.ts";
import type { DialPolicy } from "../src/protocol/dial-rule.ts";
import { RelayReason } from "./reasons.ts";

export type Interfaces = () => NodeJS.Dict<NetworkInterfaceInfo[]>;

/** What the tab is told, whether the text, the lookup or a loop mark (loop-mark.ts) gave the relay away. */
export const DIAL_SELF_DETAIL = "that address leads back to this relay";

/** The port a ws:// or wss:// URL reaches (the URL parser drops a default port from `url.port`). */
export function dialPort(url: URL): number {
  if (url.port !== "") return Number(url.port);
  return url.protocol === "wss:" ? 443 : 80;
}

/** 0.0.0.0 and :: reach the local host on Linux; the dial rule refuses them anyway, but as the relay itself they say more. */
const UNSPECIFIED = new Set(["0.0.0.0", "::", "::ffff:0.0.0.0", "::ffff:0:0"]);

/**
 * Whether a host (as a URL or a resolver writes it) is this machine: loopback
 * (127/8, ::1, localhost, *.localhost, IPv4-mapped forms), unspecified, or an
 * address of one of its interfaces. Interfaces are read at each call: they
 * change (DHCP, VPNs), and only dials to the relay's own port ask.
 */
export function isThisMachine(host: string, interfaces: Interfaces = networkInterfaces): boolean {
  const bare = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  if (classifyHost(bare) === "loopback" || UNSPECIFIED.has(bare.toLowerCase())) return true;
  const ip = bare.split("%")[0] ?? ""; // a zone id does not change the address
  const family = isIP(ip);
  if (family === 0) return false;
  const own = new BlockList();
  for (const list of Object.values(interfaces())) for (const i of list ?? []) own.addAddress(i.address, i.family === "IPv6" ? "ipv6" : "ipv4");
  // BlockList compares parsed addresses, so any spelling of an IPv6 address and IPv4-mapped forms match.
  return own.check(ip, family === 6 ? "ipv6" : "ipv4");
}

/** The guarded lookups the relay's dials connect with, and the self rule on an address's text. */
export class DialGuard {
  /** The relay's listening port: known once it listens. */
  port = 0;
  private readonly otherPortLookup: LookupFunction;
  /** For dials to the relay's own port: this machine's addresses are refused before the policy is asked. */
  private readonly ownPortLookup: LookupFunction;

  constructor(
    policy: DialPolicy,
    private readonly interfaces: Interfaces = networkInterfaces,
    resolve: Resolve = dnsLookup,
  ) {
    this.otherPortLookup = guardedLookup(policy, resolve);
    this.ownPortLookup = guardedLookup(policy, resolve, (address) => (isThisMachine(address, interfaces) ? RelayReason.DialSelf : null));
  }

  /** Refused from the text alone: an IP literal or loopback name of this machine at the relay's port. */
  refusesSelf(url: URL): boolean {
    return this.port !== 0 && dialPort(url) === this.port && isThisMachine(url.hostname, this.interfaces);
  }

  /** The lookup a dial to `url` connects with. */
  lookupFor(url: URL): LookupFunction {
    return dialPort(url) === this.port ? this.ownPortLookup : this.otherPortLookup;
  }
}
