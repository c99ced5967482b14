/**
 * Who the native node's HTTP API answers, as pure functions: the Host rule
 * against DNS rebinding, the operator's bearer token, and the settings that
 * feed them (API_HOSTS, API_TOKEN, ALLOW_LOOPBACK).
 */
import { describe, expect, it } from "vitest";
import { apiHosts, ApiReason, bearerToken, checkOperator, isAllowedApiHost, parseApiHost, type ApiHost } from "../../src/cli/api-access.ts";
import { parseConfig } from "../../src/cli/config.ts";

describe("the API's Host rule", () => {
  // As native-node.ts builds it for MY_ADDRESS=ws://node.example.org:3000 and API_HOSTS=proxy.example.net,admin.example.net:8443
  const allowed: ApiHost[] = apiHosts("ws://node.example.org:3000", [
    { name: "proxy.example.net", port: null },
    { name: "admin.example.net", port: 8443 },
  ]);
  const cases: [string | undefined, boolean][] = [
    ["localhost", true],
    ["localhost:3000", true],
    ["LOCALHOST:3000", true],
    ["localhost.:3000", true], // the same name, fully qualified
    ["127.0.0.1", true],
    ["127.0.0.1:3000", true],
    ["127.8.9.10:1", true],
    ["127.1:3000", true], // 127.0.0.1 as a URL parser reads it
    ["[::1]", true],
    ["[::1]:3000", true],
    ["[0:0:0:0:0:0:0:1]:3000", true],
    ["[::ffff:127.0.0.1]:3000", true],
    ["node.example.org", true], // MY_ADDRESS's host, any port
    ["node.example.org:80", true],
    ["Node.Example.Org.:3000", true],
    ["proxy.example.net", true],
    ["proxy.example.net:443", true],
    ["admin.example.net:8443", true],
    // Refused: any name someone else's DNS answers for, however it looks.
    [undefined, false],
    ["", false],
    ["evil.example", false],
    ["evil.example:3000", false],
    ["localhost.attacker.example", false],
    ["localhost.attacker.example:3000", false],
    ["attacker.localhost.example", false],
    ["127.0.0.1.nip.io", false],
    ["127.0.0.1.nip.io:3000", false],
    ["tab.localhost:3000", false], // under .localhost, yet only localhost itself is taken on trust
    ["admin.example.net", false], // listed with a port: only that port
    ["admin.example.net:443", false],
    ["sub.node.example.org", false],
    ["node.example.org.evil.example", false],
    ["10.0.0.1:3000", false],
    ["0.0.0.0:3000", false],
    ["[::]:3000", false],
    ["[::2]:3000", false],
    ["::1", false], // IPv6 without brackets is not a Host
    ["[::1", false],
    ["localhost:99999", false],
    ["localhost:", false],
    ["localhost:3000:3000", false],
    ["user@localhost", false],
    ["localhost/x", false],
    ["localhost evil.example", false],
    ["localhost,evil.example", false],
  ];

  it.each(cases)("Host %j -> %s", (host, ok) => {
    expect(isAllowedApiHost(host, allowed)).toBe(ok);
  });

  it("allows loopback and nothing else when no host is configured", () => {
    const own = apiHosts("ws://localhost:3000", []);
    expect(isAllowedApiHost("localhost:3000", own)).toBe(true);
    expect(isAllowedApiHost("evil.example", own)).toBe(false);
    expect(isAllowedApiHost("node.example.org", own)).toBe(false);
  });

  it("reads hosts as URL parsers do", () => {
    expect(parseApiHost("LOCALHOST.:3000")).toEqual({ name: "localhost", port: 3000 });
    expect(parseApiHost("0x7f.1")).toEqual({ name: "127.0.0.1", port: null });
    expect(parseApiHost("[0:0::1]:80")).toEqual({ name: "[::1]", port: 80 });
    expect(parseApiHost("a b")).toBeNull();
  });
});

describe("the operator's token", () => {
  const cookie = "ab".repeat(32);
  const tokens = [cookie, "operator-token-from-env"];

  it("reads a bearer token, and nothing else", () => {
    expect(bearerToken(`Bearer ${cookie}`)).toBe(cookie);
    expect(bearerToken(`bearer  ${cookie}`)).toBe(cookie);
    expect(bearerToken(undefined)).toBeNull();
    expect(bearerToken("Basic dXNlcjpwYXNz")).toBeNull();
    expect(bearerToken("Bearer")).toBeNull();
    expect(bearerToken("Bearer a b")).toBeNull();
  });

  it("asks for a missing token with 401 and refuses a wrong one with 403", () => {
    expect(checkOperator(undefined, tokens)).toMatchObject({ ok: false, status: 401, reason: ApiReason.AuthRequired });
    expect(checkOperator(`Basic ${cookie}`, tokens)).toMatchObject({ ok: false, status: 401, reason: ApiReason.AuthRequired });
    expect(checkOperator("Bearer " + "ab".repeat(31) + "ac", tokens)).toMatchObject({ ok: false, status: 403, reason: ApiReason.AuthInvalid });
    expect(checkOperator(`Bearer ${cookie}x`, tokens)).toMatchObject({ ok: false, status: 403, reason: ApiReason.AuthInvalid });
    expect(checkOperator("Bearer a", tokens)).toMatchObject({ ok: false, status: 403, reason: ApiReason.AuthInvalid });
    expect(checkOperator(`Bearer ${cookie}`, [])).toMatchObject({ ok: false, status: 403 });
  });

  it("accepts each configured token", () => {
    expect(checkOperator(`Bearer ${cookie}`, tokens)).toEqual({ ok: true });
    expect(checkOperator("Bearer operator-token-from-env", tokens)).toEqual({ ok: true });
  });
});

describe("the settings", () => {
  const parse = (env: Record<string, string>) => parseConfig(env);

  it("reads API_HOSTS, API_TOKEN and ALLOW_LOOPBACK, with their defaults", () => {
    const plain = parse({});
    expect(plain).toMatchObject({ ok: true, config: { apiHosts: [], apiToken: null, allowLoopback: true } });
    const set = parse({ API_HOSTS: " node.example.org , Proxy.Example.net:8443 ", API_TOKEN: "0123456789abcdef", ALLOW_LOOPBACK: "0" });
    expect(set).toMatchObject({
      ok: true,
      config: {
        apiHosts: [
          { name: "node.example.org", port: null },
          { name: "proxy.example.net", port: 8443 },
        ],
        apiToken: "0123456789abcdef",
        allowLoopback: false,
      },
    });
  });

  it("refuses settings it cannot honour, naming them", () => {
    expect(parse({ API_HOSTS: "http://node.example.org/" })).toMatchObject({ ok: false, error: expect.stringContaining("API_HOSTS") });
    expect(parse({ API_TOKEN: "short" })).toMatchObject({ ok: false, error: expect.stringContaining("API_TOKEN") });
    expect(parse({ API_TOKEN: "sixteen chars with spaces" })).toMatchObject({ ok: false, error: expect.stringContaining("API_TOKEN") });
    expect(parse({ ALLOW_LOOPBACK: "false" })).toMatchObject({ ok: false, error: expect.stringContaining("ALLOW_LOOPBACK") });
  });
});
