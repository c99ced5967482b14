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

/**
 * A caller's own rule on a resolved address, judged before the policy (the
 * relay refuses its own addresses at its own port this way): a reason to
 * refuse it, or null.
 */
export type AddressRule<R extends string> = (address: string, family: number) => R | null;

/** The error a refused resolution fails the dial with; `reason` says which rule refused it (or that none resolved). */
export interface RefusedLookupError<R extends string = never> extends NodeJS.ErrnoException {
  readonly reason: AddressReason | R | "dial-failed";
}

export function guardedLookup<R extends string = never>(policy: DialPolicy, resolve: Resolve = dnsLookup, refuse?: AddressRule<R>): LookupFunction {
  const judge = (a: LookupAddress) => {
    const own = refuse?.(a.address, a.family) ?? null;
    const check = own === null ? checkHost(a.address, policy) : null;
    return { a, own, refused: own ?? (check === null || check.ok ? null : check.reason) };
  };
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (err, addresses) => {
      if (err !== null) return callback(err, []);
      const judged = addresses.map(judge);
      const allowed = judged.filter((j) => j.refused === null).map((j) => j.a);
      const first = allowed[0];
      if (first === undefined) {
        // The caller's own rule names the refusal when it had a say: it is the more specific one.
        const reason = judged.find((j) => j.own !== null)?.own ?? judged.find((j) => j.refused !== null)?.refused ?? "dial-failed";
        const error = Object.assign(new Error(`${hostname} resolves only to refused addresses`), { code: "ERELAYREFUSED", reason });
        return callback(error, []);
      }
      if (options.all === true) callback(null, allowed);
      else callback(null, first.address, first.family);
    });
  };
}
