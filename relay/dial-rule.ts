/**
 * Which addresses the relay may dial for a tab: a pure function of the text
 * and the policy. Without it, any web page could make the relay knock on the
 * relay's own private network (a router, a metadata service, a database).
 */
import { classifyHost, type HostClass } from "./ip-range.ts";
import { RelayReason } from "./reasons.ts";

export interface DialPolicy {
  /** 127/8, ::1, localhost: on by default so one machine can run relay and nodes. */
  readonly allowLoopback: boolean;
  /** 10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7. */
  readonly allowPrivate: boolean;
  /** 169.254/16, fe80::/10 (where cloud metadata services live). */
  readonly allowLinkLocal: boolean;
}

export const DEFAULT_DIAL_POLICY: DialPolicy = { allowLoopback: true, allowPrivate: false, allowLinkLocal: false };

export type DialRefusal = { readonly ok: false; readonly reason: RelayReason; readonly detail: string };
export type HostCheck = { readonly ok: true } | DialRefusal;
export type DialCheck = { readonly ok: true; readonly url: URL } | DialRefusal;

/** Longest address a tab may name; real ones are a few dozen characters. */
export const MAX_ADDRESS_LENGTH = 2048;

const refusal = (reason: RelayReason, detail: string): DialRefusal => ({ ok: false, reason, detail });

function refusedClass(cls: HostClass, policy: DialPolicy): RelayReason | null {
  switch (cls) {
    case "public":
    case "name":
      return null;
    case "loopback":
      return policy.allowLoopback ? null : RelayReason.AddressLoopback;
    case "private":
      return policy.allowPrivate ? null : RelayReason.AddressPrivate;
    case "link-local":
      return policy.allowLinkLocal ? null : RelayReason.AddressLinkLocal;
    case "special":
      return RelayReason.AddressSpecial; // no WebSocket peer lives in these ranges
    case "invalid":
      return RelayReason.AddressHost;
  }
}

/** A host name or IP literal against the policy. Names other than localhost pass here; see dial-lookup.ts. */
export function checkHost(host: string, policy: DialPolicy = DEFAULT_DIAL_POLICY): HostCheck {
  const cls = classifyHost(host);
  const reason = refusedClass(cls, policy);
  return reason === null ? { ok: true } : refusal(reason, `${host} is ${cls}`);
}

/** A whole address a tab asked to send to: only ws:// and wss:// (ws itself would also take http:, https: and ws+unix:). */
export function checkDialAddress(address: string, policy: DialPolicy = DEFAULT_DIAL_POLICY): DialCheck {
  if (address.length > MAX_ADDRESS_LENGTH) return refusal(RelayReason.AddressNotUrl, `longer than ${MAX_ADDRESS_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return refusal(RelayReason.AddressNotUrl, `not a URL: ${JSON.stringify(address.slice(0, 80))}`);
  }
  if (url.protocol !== "ws:" && url.protocol !== "wss:") return refusal(RelayReason.AddressScheme, `only ws:// and wss:// are dialed, not ${url.protocol}`);
  if (url.hash !== "") return refusal(RelayReason.AddressNotUrl, "a WebSocket address has no fragment");
  const host = checkHost(url.hostname, policy);
  return host.ok ? { ok: true, url } : host;
}
