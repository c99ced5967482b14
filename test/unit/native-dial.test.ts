/**
 * The native node's dial rule on resolved names, as pure functions: from the
 * settings (ALLOW_LOOPBACK, ALLOW_PRIVATE) to the options ws dials with, with
 * a fake resolver. Nothing is looked up or dialed.
 */
import { describe, expect, it } from "vitest";
import { dialPolicyOf, parseConfig, type CliConfig } from "../../src/cli/config.ts";
import { AddressReason } from "../../src/protocol/dial-rule.ts";
import { guardedLookup, type Resolve } from "../../src/platform/dial-lookup.ts";
import { dialOptions, dialRefusal } from "../../src/platform/ws-transport.ts";

const configOf = (env: Record<string, string>): CliConfig => {
  const r = parseConfig(env);
  if (!r.ok) throw new Error(r.error);
  return r.config;
};

const fake =
  (...addresses: string[]): Resolve =>
  (_host, _options, callback) =>
    callback(null, addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 })));

/** What ws's socket would get from the node's lookup for `peer.example.org`. */
function resolveAs(env: Record<string, string>, resolve: Resolve, all = false) {
  const { lookup } = dialOptions(1 << 20, guardedLookup(dialPolicyOf(configOf(env)), resolve));
  return new Promise<{ err: (Error & { reason?: string }) | null; address: unknown }>((done) =>
    lookup("peer.example.org", { all }, (err, address) => done({ err, address })),
  );
}

describe("the native node's dial rule on resolved names", () => {
  it("lets a name that resolves to loopback through by default, so one machine runs several nodes", async () => {
    expect(await resolveAs({}, fake("127.0.0.1"))).toEqual({ err: null, address: "127.0.0.1" });
    expect(await resolveAs({ ALLOW_LOOPBACK: "1" }, fake("::1"))).toEqual({ err: null, address: "::1" });
  });

  it("refuses a name that resolves to loopback with ALLOW_LOOPBACK=0, with the range's reason", async () => {
    for (const resolved of [["127.0.0.1"], ["::1"], ["127.3.2.1", "::1"], ["::ffff:127.0.0.1"]]) {
      const { err } = await resolveAs({ ALLOW_LOOPBACK: "0" }, fake(...resolved));
      expect(err).toMatchObject({ reason: AddressReason.AddressLoopback });
      expect(dialRefusal(err!)).toContain(AddressReason.AddressLoopback);
    }
  });

  it("refuses private and link-local answers unless ALLOW_PRIVATE=1", async () => {
    expect((await resolveAs({}, fake("10.1.2.3"))).err).toMatchObject({ reason: AddressReason.AddressPrivate });
    expect((await resolveAs({}, fake("169.254.169.254"))).err).toMatchObject({ reason: AddressReason.AddressLinkLocal });
    expect((await resolveAs({}, fake("fd00::1"))).err).toMatchObject({ reason: AddressReason.AddressPrivate });
    expect(await resolveAs({ ALLOW_PRIVATE: "1" }, fake("10.1.2.3"))).toEqual({ err: null, address: "10.1.2.3" });
  });

  it("dials only the allowed answers of a name that gives several", async () => {
    expect(await resolveAs({ ALLOW_LOOPBACK: "0" }, fake("127.0.0.1", "10.0.0.1", "8.8.8.8", "::1"), true)).toEqual({
      err: null,
      address: [{ address: "8.8.8.8", family: 4 }],
    });
  });

  it("follows no redirect, which would dodge the rule", () => {
    expect(dialOptions(1 << 20, guardedLookup(dialPolicyOf(configOf({})), fake()))).toMatchObject({ followRedirects: false, maxPayload: 1 << 20 });
  });

  it("names no dial rule for other failures", () => {
    expect(dialRefusal(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" }))).toBeNull();
  });
});
