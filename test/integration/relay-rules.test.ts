/**
 * The relay's pure rules, as functions: which hosts and addresses it may dial,
 * the DNS-time guard and the self-dial rule (with a fake resolver and fake
 * interfaces: nothing is looked up or dialed), what a failed dial tells the
 * tab, the loop marks, the budget of held bytes, the token bucket (with a
 * fake clock), the envelope decoder, and settings from the environment. Each
 * refusal asserts its exact reason code.
 */
import { describe, expect, it } from "vitest";
import { checkDialAddress, checkHost, classifyHost, configFromEnv, DEFAULT_DIAL_POLICY, RelayReason, type DialPolicy, type HostClass } from "../../relay/index.ts";
import { guardedLookup, type Resolve } from "../../src/platform/dial-lookup.ts";
import { decodeTabMessage, TabDecoder } from "../../relay/envelope.ts";
import { HeldBytes } from "../../relay/held-bytes.ts";
import { LoopMarks } from "../../relay/loop-mark.ts";
import { DIAL_FAILED_DETAIL, dialFailure } from "../../relay/native-link.ts";
import { DialGuard, dialPort, isThisMachine, type Interfaces } from "../../relay/self-dial.ts";
import { RateLimiter, TokenBucket } from "../../relay/rate-limit.ts";

const hosts: [string, HostClass][] = [
  ["8.8.8.8", "public"],
  ["1.1.1.1", "public"],
  ["[2606:4700:4700::1111]", "public"],
  ["node.example.org", "name"],
  ["127.0.0.1", "loopback"],
  ["127.255.255.254", "loopback"],
  ["localhost", "loopback"],
  ["LOCALHOST.", "loopback"],
  ["tab.localhost", "loopback"],
  ["[::1]", "loopback"],
  ["::1", "loopback"],
  ["2130706433", "loopback"], // 127.0.0.1 as one number, as a URL parser reads it
  ["0x7f.1", "loopback"],
  ["[::ffff:127.0.0.1]", "loopback"],
  ["::ffff:7f00:1", "loopback"],
  ["10.0.0.1", "private"],
  ["172.16.0.1", "private"],
  ["172.31.255.255", "private"],
  ["192.168.1.1", "private"],
  ["100.64.0.1", "private"],
  ["[fc00::1]", "private"],
  ["[fd12:3456::1]", "private"],
  ["[::ffff:10.0.0.1]", "private"],
  ["[64:ff9b::a00:1]", "private"], // NAT64 to 10.0.0.1
  ["169.254.169.254", "link-local"],
  ["[fe80::1]", "link-local"],
  ["fe80::1%eth0", "link-local"],
  ["0.0.0.0", "special"],
  ["[::]", "special"],
  ["224.0.0.1", "special"],
  ["255.255.255.255", "special"],
  ["192.0.2.10", "special"],
  ["198.18.0.1", "special"],
  ["[ff02::1]", "special"],
  ["[2001:db8::1]", "special"],
  ["[2002:a00:1::]", "special"],
  ["[::7f00:1]", "special"], // deprecated IPv4-compatible
  ["172.32.0.1", "public"],
  ["100.128.0.1", "public"],
  ["[fe00::1]", "public"],
  ["", "invalid"],
  ["user@127.0.0.1", "invalid"],
  ["a b", "invalid"],
];

describe("host classification", () => {
  it.each(hosts)("%s is %s", (host, cls) => {
    expect(classifyHost(host)).toBe(cls);
  });
});

describe("the dial rule", () => {
  const open: DialPolicy = { allowLoopback: true, allowPrivate: true, allowLinkLocal: true };
  const closed: DialPolicy = { allowLoopback: false, allowPrivate: false, allowLinkLocal: false };
  const cases: { address: string; policy: DialPolicy; reason: RelayReason | null }[] = [
    { address: "ws://8.8.8.8:3000", policy: closed, reason: null },
    { address: "wss://node.example.org/peer/abc", policy: closed, reason: null },
    { address: "ws://127.0.0.1:3000", policy: DEFAULT_DIAL_POLICY, reason: null },
    { address: "ws://localhost:3000", policy: DEFAULT_DIAL_POLICY, reason: null },
    { address: "ws://127.0.0.1:3000", policy: closed, reason: RelayReason.AddressLoopback },
    { address: "ws://localhost:3000", policy: closed, reason: RelayReason.AddressLoopback },
    { address: "ws://[::1]:3000", policy: closed, reason: RelayReason.AddressLoopback },
    { address: "ws://10.0.0.1:3000", policy: DEFAULT_DIAL_POLICY, reason: RelayReason.AddressPrivate },
    { address: "ws://10.0.0.1:3000", policy: open, reason: null },
    { address: "ws://192.168.0.10", policy: DEFAULT_DIAL_POLICY, reason: RelayReason.AddressPrivate },
    { address: "ws://169.254.169.254", policy: DEFAULT_DIAL_POLICY, reason: RelayReason.AddressLinkLocal },
    { address: "ws://169.254.169.254", policy: open, reason: null },
    { address: "ws://0.0.0.0:3000", policy: open, reason: RelayReason.AddressSpecial },
    { address: "ws://[ff02::1]:3000", policy: open, reason: RelayReason.AddressSpecial },
    { address: "http://8.8.8.8:3000", policy: open, reason: RelayReason.AddressScheme },
    { address: "https://8.8.8.8", policy: open, reason: RelayReason.AddressScheme },
    { address: "ws+unix:/var/run/docker.sock", policy: open, reason: RelayReason.AddressScheme },
    { address: "file:///etc/passwd", policy: open, reason: RelayReason.AddressScheme },
    { address: "ws://8.8.8.8/#x", policy: open, reason: RelayReason.AddressNotUrl },
    { address: "8.8.8.8:3000", policy: open, reason: RelayReason.AddressNotUrl },
    { address: "localhost:3000", policy: open, reason: RelayReason.AddressScheme }, // parses as scheme "localhost:"
    { address: "no address", policy: open, reason: RelayReason.AddressNotUrl },
    { address: `ws://${"a".repeat(2100)}.example`, policy: open, reason: RelayReason.AddressNotUrl },
  ];

  it.each(cases)("$address -> $reason", ({ address, policy, reason }) => {
    const r = checkDialAddress(address, policy);
    if (reason === null) expect(r.ok).toBe(true);
    else expect(r).toMatchObject({ ok: false, reason });
  });

  it("is a function of the host alone for checkHost", () => {
    expect(checkHost("10.0.0.1")).toMatchObject({ ok: false, reason: RelayReason.AddressPrivate });
    expect(checkHost("10.0.0.1", open)).toEqual({ ok: true });
    expect(checkHost("node.example.org", closed)).toEqual({ ok: true });
  });
});

describe("the lookup guard", () => {
  const fake =
    (...addresses: string[]): Resolve =>
    (_host, _options, callback) =>
      callback(null, addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 })));
  const run = (resolve: Resolve, all: boolean) =>
    new Promise<{ err: (Error & { reason?: string }) | null; address: unknown }>((done) =>
      guardedLookup(DEFAULT_DIAL_POLICY, resolve)("node.example.org", { all }, (err, address) => done({ err, address })),
    );

  it("refuses a name that resolves only to refused addresses, with the range's reason", async () => {
    const { err } = await run(fake("10.0.0.1", "fd00::1"), false);
    expect(err).toMatchObject({ code: "ERELAYREFUSED", reason: RelayReason.AddressPrivate });
  });

  it("passes on only the allowed addresses of a name", async () => {
    expect(await run(fake("169.254.169.254", "8.8.8.8"), false)).toEqual({ err: null, address: "8.8.8.8" });
    expect(await run(fake("10.0.0.1", "8.8.8.8", "2606:4700::1"), true)).toEqual({
      err: null,
      address: [
        { address: "8.8.8.8", family: 4 },
        { address: "2606:4700::1", family: 6 },
      ],
    });
  });
});

describe("the self-dial rule", () => {
  const nic = (address: string, family: "IPv4" | "IPv6") => ({ address, family, netmask: "", mac: "", internal: false, cidr: null }) as never;
  const interfaces: Interfaces = () => ({ eth0: [nic("100.128.0.7", "IPv4"), nic("2606:4700::7", "IPv6")] });
  const machine: [string, boolean][] = [
    ["127.0.0.1", true],
    ["127.9.9.9", true],
    ["[::1]", true],
    ["::ffff:127.0.0.1", true],
    ["localhost", true],
    ["localhost.", true],
    ["tab.localhost", true],
    ["0.0.0.0", true],
    ["[::]", true],
    ["100.128.0.7", true],
    ["::ffff:100.128.0.7", true],
    ["[2606:4700:0:0::7]", true],
    ["100.128.0.8", false],
    ["2606:4700::8", false],
    ["node.example.org", false],
  ];
  it.each(machine)("%s is this machine: %s", (host, mine) => {
    expect(isThisMachine(host, interfaces)).toBe(mine);
  });

  it("knows the port a URL reaches when it names none", () => {
    expect([dialPort(new URL("ws://a")), dialPort(new URL("wss://a")), dialPort(new URL("ws://a:80")), dialPort(new URL("wss://a:8080"))]).toEqual([80, 443, 80, 8080]);
  });

  const guard = (...addresses: string[]) => {
    const g = new DialGuard(DEFAULT_DIAL_POLICY, interfaces, (_host, _options, callback) => callback(null, addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }))));
    g.port = 8080;
    return g;
  };
  const resolveWith = (g: DialGuard, url: string) =>
    new Promise<{ err: (Error & { reason?: string }) | null; address: unknown }>((done) => g.lookupFor(new URL(url))("node.example.org", { all: true }, (err, address) => done({ err, address })));

  it("refuses this machine at the relay's port from the text, and nothing else", () => {
    const g = guard();
    for (const host of ["127.0.0.5", "[::1]", "[::ffff:127.0.0.1]", "localhost", "localhost.", "relay.localhost", "0.0.0.0", "[::]"]) expect(g.refusesSelf(new URL(`ws://${host}:8080/peer/x`))).toBe(true);
    expect(g.refusesSelf(new URL("wss://[::1]:8080"))).toBe(true);
    expect(g.refusesSelf(new URL("ws://100.128.0.7:8080"))).toBe(true);
    expect(g.refusesSelf(new URL("ws://127.0.0.5:8081/x"))).toBe(false);
    expect(g.refusesSelf(new URL("ws://node.example.org:8080"))).toBe(false); // judged at lookup
  });

  it("refuses a name that resolves to this machine at the relay's port, at lookup", async () => {
    expect((await resolveWith(guard("100.128.0.7"), "ws://node.example.org:8080")).err).toMatchObject({ reason: RelayReason.DialSelf });
    expect((await resolveWith(guard("10.0.0.1", "127.0.0.1"), "ws://node.example.org:8080")).err).toMatchObject({ reason: RelayReason.DialSelf });
    expect(await resolveWith(guard("127.0.0.1", "8.8.8.8"), "ws://node.example.org:8080")).toEqual({ err: null, address: [{ address: "8.8.8.8", family: 4 }] });
    expect(await resolveWith(guard("100.128.0.7"), "ws://node.example.org:8081")).toEqual({ err: null, address: [{ address: "100.128.0.7", family: 4 }] });
  });
});

describe("what a failed dial tells the tab", () => {
  const failed = { reason: RelayReason.DialFailed, detail: DIAL_FAILED_DETAIL };
  const errors: [string, Error | null][] = [
    ["refused", Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" })],
    ["an HTTP answer", new Error("Unexpected server response: 404")],
    ["a name resolving into a private range", Object.assign(new Error("x resolves only to refused addresses"), { reason: RelayReason.AddressPrivate })],
    ["a name that does not resolve", Object.assign(new Error("getaddrinfo ENOTFOUND x"), { code: "ENOTFOUND" })],
    ["no error at all", null],
  ];
  it.each(errors)("%s: dial-failed, with the one detail", (_what, err) => {
    expect(dialFailure(err, false)).toEqual(failed);
  });

  it("names the relay's own rule, and a loop", () => {
    expect(dialFailure(Object.assign(new Error("x"), { reason: RelayReason.DialSelf }), false).reason).toBe(RelayReason.DialSelf);
    expect(dialFailure(new Error("Unexpected server response: 508"), true).reason).toBe(RelayReason.DialSelf);
  });
});

describe("loop marks", () => {
  it("catch only a mark this relay issued, once, and tell the dial it looped", () => {
    const marks = new LoopMarks();
    const a = marks.issue();
    const b = marks.issue();
    expect(a).not.toBe(b);
    expect(marks.caught("made-up")).toBe(false);
    expect(marks.caught(undefined)).toBe(false);
    expect(marks.caught([a])).toBe(false);
    expect(marks.caught(a)).toBe(true);
    expect(marks.settle(a)).toBe(true);
    expect(marks.settle(b)).toBe(false);
    expect(marks.caught(a)).toBe(false); // spent
  });
});

describe("the budget of held bytes", () => {
  it("admits frames while they fit, takes events regardless, and remembers its peak", () => {
    const held = new HeldBytes(100, 4);
    expect(held.shareBytes).toBe(25);
    expect(held.admit(60)).toBe(true);
    expect(held.admit(41)).toBe(false);
    expect(held.admit(40)).toBe(true);
    expect(held.fits(1)).toBe(false);
    held.take(10);
    expect([held.bytes, held.peakBytes]).toEqual([110, 110]);
    held.releaser(60)();
    held.release(50);
    expect([held.bytes, held.peakBytes]).toEqual([0, 110]);
  });
});

describe("the token bucket", () => {
  it("allows a burst of one second, then refills at the rate", () => {
    let now = 0;
    const bucket = new TokenBucket(10, 10, () => now);
    for (let i = 0; i < 10; i++) expect(bucket.take(1)).toBe(true);
    expect(bucket.take(1)).toBe(false);
    now = 100;
    expect(bucket.take(1)).toBe(true);
    expect(bucket.take(1)).toBe(false);
    now = 10_000;
    for (let i = 0; i < 10; i++) expect(bucket.take(1)).toBe(true);
    expect(bucket.take(1)).toBe(false);
  });

  it("names the budget a message broke, and always fits one largest frame", () => {
    let now = 0;
    const limiter = new RateLimiter({ framesPerSecond: 2, bytesPerSecond: 10, maxFrameBytes: 100 }, () => now);
    expect(limiter.take(100)).toBeNull();
    expect(limiter.take(1)).toBe(RelayReason.RateBytes);
    expect(limiter.take(1)).toBe(RelayReason.RateFrames);
    now = 60_000;
    expect(limiter.take(100)).toBeNull();
  });
});

describe("the envelope decoder", () => {
  const decode = (text: string) => decodeTabMessage(Buffer.from(text), 16);

  it("splits a send at the first newline and leaves the frame untouched", () => {
    const r = decode('{"t":"send","to":"ws://a"}\n{"x":"\\n"}\nmore');
    expect(r.ok && r.msg.t === "send" && r.msg.frame.toString()).toBe('{"x":"\\n"}\nmore');
  });

  it("ignores unknown fields, for tabs newer than the relay", () => {
    expect(decode('{"t":"drop","link":3,"why":"spam"}')).toEqual({ ok: true, msg: { t: "drop", link: 3 } });
  });

  it("decodes a repeated header from memory with the same result, and anything else afresh", () => {
    const decoder = new TabDecoder(16);
    const frameOf = (text: string) => {
      const r = decoder.decode(Buffer.from(text));
      return r.ok && r.msg.t === "send" ? [r.msg.to, r.msg.frame.toString()] : r.ok ? r.msg : r.reason;
    };
    expect(frameOf('{"t":"send","to":"ws://a"}\none')).toEqual(["ws://a", "one"]);
    expect(frameOf('{"t":"send","to":"ws://a"}\ntwo')).toEqual(["ws://a", "two"]);
    expect(frameOf('{"t":"send","to":"ws://a"}x\nthree')).toBe(RelayReason.EnvelopeNotJson);
    expect(frameOf('{"t":"send","to":"ws://a"}')).toBe(RelayReason.EnvelopeShape);
    expect(frameOf(`{"t":"send","to":"ws://a"}\n${"x".repeat(17)}`)).toBe(RelayReason.FrameTooLarge);
    expect(frameOf('{"t":"send","to":"ws://b"}\nfour')).toEqual(["ws://b", "four"]);
    expect(frameOf('{"t":"close","to":"ws://b"}')).toEqual({ t: "close", to: "ws://b" });
  });

  it("refuses a frame over the limit, naming the address", () => {
    expect(decode(`{"t":"send","to":"ws://a"}\n${"x".repeat(17)}`)).toMatchObject({ ok: false, reason: RelayReason.FrameTooLarge, to: "ws://a" });
  });
});

describe("settings from the environment", () => {
  it("reads ports, addresses, limits and switches", () => {
    const r = configFromEnv({ PORT: "9000", PUBLIC_URL: "https://relay.example", PEERS: " ws://a:1, wss://b ,", HOME_NODE: "ws://127.0.0.1:4000", RELAY_MAX_TABS: "7", RELAY_ALLOW_PRIVATE: "yes", RELAY_GRACE_MS: "250", RELAY_MAX_TOTAL_BUFFERED_BYTES: "1048576" });
    expect(r).toMatchObject({
      ok: true,
      config: { port: 9000, publicUrl: "https://relay.example", peers: ["ws://a:1", "wss://b"], homeNode: "ws://127.0.0.1:4000", limits: { maxTabs: 7, graceMs: 250, maxTotalBufferedBytes: 1048576 }, dial: { allowPrivate: true } },
    });
  });

  it("defaults to port 8080 on 127.0.0.1", () => {
    expect(configFromEnv({})).toMatchObject({ ok: true, config: { port: 8080, host: "127.0.0.1", peers: [], homeNode: null } });
  });

  it("refuses what it cannot read, naming each variable", () => {
    const r = configFromEnv({ PORT: "eighty", RELAY_MAX_FRAME_BYTES: "-1", RELAY_ALLOW_LOOPBACK: "maybe", PEERS: "http://a:1", PUBLIC_URL: "relay.example" });
    expect(r.ok).toBe(false);
    const errors = r.ok ? [] : r.errors.join("\n");
    for (const name of ["PORT", "RELAY_MAX_FRAME_BYTES", "RELAY_ALLOW_LOOPBACK", "PEERS", "PUBLIC_URL"]) expect(errors).toContain(name);
  });
});
