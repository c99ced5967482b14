/**
 * The operator's guards as express middleware, for the native node's API and
 * for the relay's operator endpoints alike: the rules are api-access.ts's.
 */
import type { RequestHandler } from "express";
import { checkOperator, isAllowedApiHost, ApiReason, type ApiHost } from "./api-access.ts";

export interface ApiAccess {
  /** Hosts answered besides loopback ones. */
  readonly hosts: readonly ApiHost[];
  /** Tokens that authorise operator actions: the cookie's, and API_TOKEN when set. */
  readonly tokens: readonly string[];
}

/** 403 `host-refused` unless the Host header names this server (a DNS-rebinding page cannot). */
export function hostGuard(hosts: readonly ApiHost[]): RequestHandler {
  return (req, res, next) => {
    if (isAllowedApiHost(req.headers.host, hosts)) return next();
    const detail = `Host ${JSON.stringify((req.headers.host ?? "").slice(0, 100))} is not this server's (API_HOSTS lists more)`;
    res.status(403).json({ reason: ApiReason.HostRefused, detail });
  };
}

/** 401 `auth-required` without a bearer token, 403 `auth-invalid` with a wrong one; before any body is read. */
export function operatorGuard(tokens: readonly string[]): RequestHandler {
  return (req, res, next) => {
    const r = checkOperator(req.headers.authorization, tokens);
    if (r.ok) return next();
    if (r.status === 401) res.set("WWW-Authenticate", 'Bearer realm="tabnode"');
    res.status(r.status).json({ reason: r.reason, detail: r.detail });
  };
}
