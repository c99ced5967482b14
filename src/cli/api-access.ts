/**
 * Who may use the native node's HTTP API: pure rules, applied by http-api.ts.
 *
 * Host: a web page can reach a node on the visitor's machine by DNS
 * rebinding (its own name re-resolved to 127.0.0.1). The browser then still
 * sends the page's name as Host, so the API answers only Host headers naming
 * this node: a loopback name or literal, the host of MY_ADDRESS, or one the
 * operator lists in API_HOSTS (a reverse proxy's name).
 *
 * Operator: actions that change what the node does (mining, dialing) need
 * the token of the cookie file (or API_TOKEN), as bitcoind's RPC does.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { classifyHost } from "../protocol/ip-range.ts";

/** Why the API refused a request before looking at it. */
export const ApiReason = {
  HostRefused: "host-refused",
  AuthRequired: "auth-required",
  AuthInvalid: "auth-invalid",
} as const;
export type ApiReason = (typeof ApiReason)[keyof typeof ApiReason];

/** A host as a Host header names it: lowercase, IPv4 in dotted form, IPv6 in brackets, no trailing dot; port when given. */
export interface ApiHost {
  readonly name: string;
  readonly port: number | null;
}

// RFC 9110 Host = uri-host [":" port]; nothing else (no user@, path, spaces) is a host.
const HOST_FORM = /^(\[[0-9a-f:.]+\]|[a-z0-9._-]+)(?::(\d{1,5}))?$/i;

/** Parses `host[:port]` as the URL parser reads it, so `127.1` and `LOCALHOST.` mean what a client meant; null when it is not a host. */
export function parseApiHost(text: string): ApiHost | null {
  const m = HOST_FORM.exec(text.trim());
  if (m === null) return null;
  const port = m[2] === undefined ? null : Number(m[2]);
  if (port !== null && port > 65535) return null;
  let name: string;
  try {
    name = new URL(`http://${m[1]!}/`).hostname;
  } catch {
    return null;
  }
  if (name.endsWith(".")) name = name.slice(0, -1);
  return name === "" ? null : { name, port };
}

const isIpLiteral = (name: string) => name.startsWith("[") || /^\d+\.\d+\.\d+\.\d+$/.test(name);

/** Only `localhost` itself among names: a name under it or one ending in an IP is still a name someone's DNS answers for. */
function isLoopback(name: string): boolean {
  return name === "localhost" || (isIpLiteral(name) && classifyHost(name) === "loopback");
}

/** Whether the API answers a request with this Host header: loopback with any port, else one of `allowed` (its port, when it names one). */
export function isAllowedApiHost(hostHeader: string | undefined, allowed: readonly ApiHost[]): boolean {
  if (hostHeader === undefined) return false;
  const host = parseApiHost(hostHeader);
  if (host === null) return false;
  if (isLoopback(host.name)) return true;
  return allowed.some((a) => a.name === host.name && (a.port === null || a.port === host.port));
}

/** The hosts allowed beyond loopback: MY_ADDRESS's host (any port) and API_HOSTS. */
export function apiHosts(myAddress: string, extra: readonly ApiHost[]): ApiHost[] {
  const own = URL.parse(myAddress);
  const ownHost = own === null ? null : parseApiHost(own.hostname);
  return ownHost === null ? [...extra] : [{ name: ownHost.name, port: null }, ...extra];
}

/** API_HOSTS: comma-separated `host` or `host:port`; a refusal names what it could not read. */
export function parseApiHostList(text: string | undefined): { ok: true; hosts: ApiHost[] } | { ok: false; error: string } {
  const hosts: ApiHost[] = [];
  for (const item of (text ?? "").split(",").map((p) => p.trim()).filter((p) => p.length > 0)) {
    const host = parseApiHost(item);
    if (host === null) return { ok: false, error: `API_HOSTS holds host names or host:port, got ${JSON.stringify(item)}` };
    hosts.push(host);
  }
  return { ok: true, hosts };
}

/** API_TOKEN: visible ASCII only, so it fits a header as is; long enough that guessing it is hopeless. */
export function parseApiToken(text: string | undefined): { ok: true; token: string | null } | { ok: false; error: string } {
  const token = text?.trim() || null;
  if (token !== null && !/^[\x21-\x7e]{16,256}$/.test(token)) return { ok: false, error: "API_TOKEN must be 16 to 256 visible ASCII characters (no spaces)" };
  return { ok: true, token };
}

export type OperatorCheck = { readonly ok: true } | { readonly ok: false; readonly status: 401 | 403; readonly reason: ApiReason; readonly detail: string };

/** The token of an `Authorization: Bearer <token>` header, or null when there is none. */
export function bearerToken(header: string | undefined): string | null {
  const m = /^Bearer +(\S+) *$/i.exec(header ?? "");
  return m === null ? null : m[1]!;
}

// Equal-length digests, so timingSafeEqual neither throws nor tells the token's length.
const digest = (text: string) => createHash("sha256").update(text, "utf8").digest();

/** Missing credential: 401; a wrong one: 403. Every token is compared, in constant time, whichever matches. */
export function checkOperator(authorization: string | undefined, tokens: readonly string[]): OperatorCheck {
  const given = bearerToken(authorization);
  if (given === null) {
    return { ok: false, status: 401, reason: ApiReason.AuthRequired, detail: "send Authorization: Bearer <token>, the token in DATA_DIR/.cookie" };
  }
  const mine = digest(given);
  let match = false;
  for (const token of tokens) match = timingSafeEqual(mine, digest(token)) || match;
  return match ? { ok: true } : { ok: false, status: 403, reason: ApiReason.AuthInvalid, detail: "that token is not this node's" };
}
