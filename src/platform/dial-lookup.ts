/**
 * The dial rule again, on the addresses a host name resolves to, at the moment
 * of connecting (the relay's links for tabs, and the native node's dials).
 * Checking the name alone would let `evil.example` resolve to
 * 10.0.0.1 (or change its answer between check and connect); checking inside
 * the socket's own lookup judges the very address that gets dialed.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from "node:dns";
import type { LookupFunction } from "node:net";
import { AddressReason, checkHost, type DialPolicy } from "../protocol/dial-rule.ts";

export type Resolve = (hostname: string, options: LookupAllOptions, callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

/** The error a refused resolution fails the dial with; `reason` says which range refused it (or that none resolved). */
export interface RefusedLookupError extends NodeJS.ErrnoException {
  readonly reason: AddressReason | "dial-failed";
}

export function guardedLookup(policy: DialPolicy, resolve: Resolve = dnsLookup): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (err, addresses) => {
      if (err !== null) return callback(err, []);
      const checks = addresses.map((a) => ({ a, check: checkHost(a.address, policy) }));
      const allowed = checks.filter((c) => c.check.ok).map((c) => c.a);
      const first = allowed[0];
      if (first === undefined) {
        const refused = checks.find((c) => !c.check.ok)?.check;
        const reason = refused !== undefined && !refused.ok ? refused.reason : "dial-failed";
        const error = Object.assign(new Error(`${hostname} resolves only to refused addresses`), { code: "ERELAYREFUSED", reason });
        return callback(error, []);
      }
      if (options.all === true) callback(null, allowed);
      else callback(null, first.address, first.family);
    });
  };
}
