/**
 * Which peer addresses may be dialed: only ws:// and wss:// URLs, and (unless
 * allowed) not private, link-local or other special ranges, so that a
 * handshake cannot turn a node into a scanner of its own network. Loopback is
 * allowed by default, for one-machine use. A pure function of the text: host
 * names other than localhost are not resolved here.
 */
export const AddressReason = {
  NotUrl: "address-not-url",
  Scheme: "address-scheme",
  Private: "address-private",
  LinkLocal: "address-link-local",
  Loopback: "address-loopback",
  Special: "address-special",
} as const;
export type AddressReason = (typeof AddressReason)[keyof typeof AddressReason];

export interface AddressPolicy {
  readonly allowLoopback: boolean;
  readonly allowPrivate: boolean;
}

export const DEFAULT_ADDRESS_POLICY: AddressPolicy = { allowLoopback: true, allowPrivate: false };

export type AddressCheck = { readonly ok: true; readonly url: string } | { readonly ok: false; readonly reason: AddressReason; readonly detail: string };

type Range = "loopback" | "private" | "link-local" | "special" | "public";

function ipv4Range(host: string): Range | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (m === null) return null;
  const [a, b] = [Number(m[1]), Number(m[2])];
  if (m.slice(1).some((x) => Number(x) > 255)) return "special";
  if (a === 127) return "loopback";
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127)) return "private";
  if (a === 169 && b === 254) return "link-local";
  if (a === 0 || a >= 224) return "special";
  return "public";
}

function ipv6Range(host: string): Range | null {
  if (!host.startsWith("[") || !host.endsWith("]")) return null;
  const ip = host.slice(1, -1).toLowerCase();
  if (ip === "::1") return "loopback";
  if (ip === "::") return "special";
  // IPv4-mapped addresses: the URL parser writes ::ffff:10.0.0.1 as ::ffff:a00:1.
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(ip);
  if (dotted !== null) return ipv4Range(dotted[1]!);
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(ip);
  if (hex !== null) {
    const [hi, lo] = [parseInt(hex[1]!, 16), parseInt(hex[2]!, 16)];
    return ipv4Range(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`);
  }
  if (ip.startsWith("::ffff:")) return "special";
  const first = parseInt(ip.split(":")[0] || "0", 16);
  if ((first & 0xfe00) === 0xfc00) return "private";
  if ((first & 0xffc0) === 0xfe80) return "link-local";
  if ((first & 0xff00) === 0xff00) return "special";
  return "public";
}

export function hostRange(hostname: string): Range {
  const host = hostname.toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost")) return "loopback";
  return ipv4Range(host) ?? ipv6Range(host) ?? "public";
}

export function checkDialAddress(address: string, policy: AddressPolicy = DEFAULT_ADDRESS_POLICY): AddressCheck {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return { ok: false, reason: AddressReason.NotUrl, detail: `not a URL: ${JSON.stringify(address.slice(0, 80))}` };
  }
  if (url.protocol !== "ws:" && url.protocol !== "wss:") return { ok: false, reason: AddressReason.Scheme, detail: `only ws:// and wss:// are dialed, not ${url.protocol}` };
  const range = hostRange(url.hostname);
  if (range === "loopback" && !policy.allowLoopback) return { ok: false, reason: AddressReason.Loopback, detail: `${url.hostname} is loopback` };
  if (range === "private" && !policy.allowPrivate) return { ok: false, reason: AddressReason.Private, detail: `${url.hostname} is in a private range` };
  if (range === "link-local" && !policy.allowPrivate) return { ok: false, reason: AddressReason.LinkLocal, detail: `${url.hostname} is link-local` };
  if (range === "special") return { ok: false, reason: AddressReason.Special, detail: `${url.hostname} is not a unicast address` };
  return { ok: true, url: address };
}
