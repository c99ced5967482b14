/**
 * The files of docs/deploy.md (deploy/) hold together: every environment file
 * is read by the relay's or the node's own parser without an error, the two
 * relays name each other and their home nodes as the nginx file serves them,
 * and, where the programs are installed, systemd-analyze and nginx accept the
 * unit files and the nginx file (with a test certificate in place of the real
 * one). Nothing here is started or listens.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { configFromEnv } from "../../relay/index.ts";
import { parseConfig } from "../../src/cli/config.ts";
import { selfSignedLoopbackCert } from "../support/tls-cert.ts";

const DEPLOY = new URL("../../deploy/", import.meta.url).pathname;
const read = (name: string) => readFileSync(join(DEPLOY, name), "utf8");

/** systemd's EnvironmentFile form, as these files use it: KEY=VALUE lines and # comments. */
function envFile(name: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of read(name).split("\n")) {
    if (line.trim() === "" || line.startsWith("#")) continue;
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (m === null) throw new Error(`${name}: not KEY=VALUE: ${line}`);
    env[m[1]!] = m[2]!;
  }
  return env;
}

const has = (program: string) => ["/usr/bin", "/usr/sbin", "/bin", "/sbin"].some((d) => existsSync(join(d, program)));

describe("deploy/", () => {
  const relays = { a: envFile("relay-a.env"), b: envFile("relay-b.env") };
  const homes = { a: envFile("home-a.env"), b: envFile("home-b.env") };
  const nginx = read("nginx-tabnode.conf");

  it("holds settings the relay and the node accept", () => {
    for (const env of Object.values(relays)) {
      const r = configFromEnv(env);
      expect(r.ok ? [] : r.errors).toEqual([]);
    }
    for (const env of Object.values(homes)) {
      const r = parseConfig(env);
      expect(r.ok ? null : r.error).toBeNull();
    }
  });

  it("has the relays name each other and their home nodes, as the proxy serves them", () => {
    for (const [name, other] of [["a", "b"], ["b", "a"]] as const) {
      const relay = relays[name];
      expect(relay.RELAYS).toBe(relays[other].PUBLIC_URL);
      expect(relay.HOME_NODE).toBe(homes[name].MY_ADDRESS);
      expect(homes[name].PEERS).toBe(homes[other].MY_ADDRESS);
      // The proxy's location for the relay's prefix goes to the relay's port, the prefix taken off.
      const prefix = new URL(relay.PUBLIC_URL!).pathname;
      const upstream = new RegExp(`location ${prefix}/ \\{ proxy_pass http://(\\w+)/; \\}`).exec(nginx)?.[1];
      expect(upstream, `nginx location ${prefix}/`).toBeDefined();
      expect(nginx).toContain(`upstream ${upstream} { server ${relay.HOST}:${relay.PORT};`);
      // And the home node's address to the home node's port.
      const homePath = new URL(homes[name].MY_ADDRESS!).pathname;
      const homeUpstream = new RegExp(`location = ${homePath} \\{[^}]*\\}\\s*proxy_pass http://(\\w+)/;`).exec(nginx)?.[1];
      expect(homeUpstream, `nginx location = ${homePath}`).toBeDefined();
      expect(nginx).toContain(`upstream ${homeUpstream}  { server ${homes[name].HOST}:${homes[name].PORT}; }`);
      expect(new URL(relay.PUBLIC_URL!).host).toBe(/server_name (\S+);/.exec(nginx)?.[1]);
    }
  });

  it.skipIf(!has("systemd-analyze"))("has service units systemd accepts", () => {
    const dir = mkdtempSync(join(tmpdir(), "tabnode-units-"));
    try {
      for (const unit of ["tabnode-relay@.service", "tabnode-home@.service"]) {
        const instance = join(dir, unit.replace("@", "@a"));
        copyFileSync(join(DEPLOY, unit), instance);
        // Exit code 1 and the reason on stderr for a bad setting; execFileSync throws with it.
        execFileSync("systemd-analyze", ["verify", instance], { stdio: "pipe" });
        expect(read(unit)).toMatch(/^ExecStart=\/usr\/bin\/node .*--import tsx (relay\/main|src\/cli\/main)\.ts$/m);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!has("nginx"))("has an nginx file that nginx accepts", () => {
    const dir = mkdtempSync(join(tmpdir(), "tabnode-nginx-"));
    const cert = selfSignedLoopbackCert();
    try {
      mkdirSync(join(dir, "logs"));
      writeFileSync(join(dir, "key.pem"), cert.key);
      const site = nginx
        .replace("/etc/letsencrypt/live/relays.example.org/fullchain.pem", cert.certFile)
        .replace("/etc/letsencrypt/live/relays.example.org/privkey.pem", join(dir, "key.pem"));
      writeFileSync(join(dir, "site.conf"), site);
      writeFileSync(join(dir, "nginx.conf"), `pid ${dir}/nginx.pid;\nerror_log ${dir}/logs/error.log;\nevents {}\nhttp {\n  access_log off;\n  include ${dir}/site.conf;\n}\n`);
      execFileSync("nginx", ["-t", "-q", "-c", join(dir, "nginx.conf"), "-p", dir], { stdio: "pipe" });
    } finally {
      cert.remove();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
