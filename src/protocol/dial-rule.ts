/**
 * Which addresses may be dialed, by a node (handshake addresses) or by the
 * relay for a tab: a pure function of the text and the policy. Without it, a
 * stranger could make either knock on its own private network (a router, a
 * metadata service, a database).
 */
import { classifyHost, type HostClass } from "./ip-range.ts";

/** Why an address is not dialed; the relay's reasons include these. */
export const AddressReason = {
  AddressNotUrl: "address-not-url",
  AddressScheme: "address-scheme",
  AddressHost: "address-host",
  AddressLoopback: "address-loopback",
  AddressPrivate: "address-private",
  AddressLinkLocal: "address-link-local",
  AddressSpecial: "address-special",
} as const;
export type AddressReason = (typeof AddressReason)[keyof typeof AddressReason];

export interface DialPolicy {
  /** 127/8, ::1, localhost: on by default so one machine can run relay and nodes. */
  readonly allowLoopback: boolean;
  /** 10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7. */
  readonly allowPrivate: boolean;
  /** 169.254/16, fe80::/10 (where cloud metadata services live). */
  readonly allowLinkLocal: boolean;
}

export const DEFAULT_DIAL_POLICY: DialPolicy = { allowLoopback: true, allowPrivate: false, allowLinkLocal: false };

export type DialRefusal = { readonly ok: false; readonly reason: AddressReason; readonly detail: string };
export type HostCheck = { readonly ok: true } | DialRefusal;
export type DialCheck = { readonly ok: true; readonly url: URL } | DialRefusal;

/** Longest address a tab may name; real ones are a few dozen characters. */
export const MAX_ADDRESS_LENGTH = 2048;

const refusal = (reason: AddressReason, detail: string): DialRefusal => ({ ok: false, reason, detail });

function refusedClass(cls: HostClass, policy: DialPolicy): AddressReason | null {
  switch (cls) {
    case "public":
    case "name":
      return null;
    case "loopback":
      return policy.allowLoopback ? null : AddressReason.AddressLoopback;
    case "private":
      return policy.allowPrivate ? null : AddressReason.AddressPrivate;
    case "link-local":
      return policy.allowLinkLocal ? null : AddressReason.AddressLinkLocal;
    case "special":
      return AddressReason.AddressSpecial; // no WebSocket peer lives in these ranges
    case "invalid":
      return AddressReason.AddressHost;
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
  if (address.length > MAX_ADDRESS_LENGTH) return refusal(AddressReason.AddressNotUrl, `longer than ${MAX_ADDRESS_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return refusal(AddressReason.AddressNotUrl, `not a URL: ${JSON.stringify(address.slice(0, 80))}`);
  }
  if (url.protocol !== "ws:" && url.protocol !== "wss:") return refusal(AddressReason.AddressScheme, `only ws:// and wss:// are dialed, not ${url.protocol}`);
  if (url.hash !== "") return refusal(AddressReason.AddressNotUrl, "a WebSocket address has no fragment");
  const host = checkHost(url.hostname, policy);
  return host.ok ? { ok: true, url } : host;
}
