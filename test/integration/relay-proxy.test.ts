/**
 * The relay deployed as docs/deploy.md says: its own process (relay/main.ts),
 * behind a reverse proxy (http-proxy-middleware, started here) that serves it
 * under a path prefix, with PUBLIC_URL naming the proxy and TRUST_PROXY on.
 * Tabs connect through the proxy and get addresses under PUBLIC_URL (wss://
 * when the proxy terminates TLS, with a certificate made for the test); a
 * native node (a real process) reaches a tab through the proxy at that
 * address; the
 * health check and the operator's metrics answer through it; the proxy's
 * X-Forwarded-For counts tabs per client; and the loop mark stops the relay
 * from dialing itself through the proxy. Everything on 127.0.0.1.
 */
import { afterEach, describe, expect, it } from "vitest";
import { scrape, getMetrics } from "../support/metrics-scrape.ts";
import { cookieOf, startNode, stopAll, until, type NodeProcess } from "../support/native-process.ts";
import { startRelayProcess, type RelayProcess } from "../support/relay-process.ts";
import { RelayTab } from "../support/relay-tab.ts";
import { startReverseProxy, type ReverseProxy } from "../support/reverse-proxy.ts";
import { startTabNode, type TabNode } from "../support/tab-node.ts";
import { selfSignedLoopbackCert, type TlsIdentity } from "../support/tls-cert.ts";

const PREFIX = "/relay-a";
let proxy: ReverseProxy | null = null;
let relay: RelayProcess | null = null;
let cert: TlsIdentity | null = null;
const tabs: (TabNode | RelayTab)[] = [];
afterEach(async () => {
  for (const t of tabs.splice(0)) await ("node" in t ? t.close() : t.disconnect());
  cert?.remove();
  cert = null;
  await relay?.stop();
  relay = null;
  await proxy?.close();
  proxy = null;
  await stopAll();
});

async function relayBehindProxy(home: NodeProcess, tls?: TlsIdentity): Promise<{ proxy: ReverseProxy; relay: RelayProcess }> {
  proxy = await startReverseProxy(PREFIX, tls);
  relay = await startRelayProcess({ PUBLIC_URL: proxy.publicUrl, TRUST_PROXY: "1", HOME_NODE: home.address, RELAY_MAX_TABS_PER_IP: "2" });
  proxy.target = relay.url;
  return { proxy, relay };
}

const linkedTo = async (n: NodeProcess, address: string) =>
  ((await n.get("/api/status")).peers as { address: string | null; direction: string; paired: boolean }[]).some((p) => p.address === address && p.direction === "out" && p.paired);

describe("the relay behind a reverse proxy with a path prefix", () => {
  it("gives tabs wss:// addresses under PUBLIC_URL that native nodes reach through the TLS proxy", async () => {
    cert = selfSignedLoopbackCert();
    // The native node trusts the test's certificate as it would a public CA's.
    const home = await startNode({ NODE_EXTRA_CA_CERTS: cert.certFile });
    const { proxy, relay } = await relayBehindProxy(home, cert);
    const publicBase = `wss://127.0.0.1:${proxy.port}${PREFIX}`;
    expect(proxy.publicUrl).toBe(`https://127.0.0.1:${proxy.port}${PREFIX}`);

    // A tab (the page worker's node) reaches the relay at the proxy's prefix, as the page would from its own URL.
    const tab = await startTabNode(`${proxy.publicUrl}/`, { ca: cert.cert });
    tabs.push(tab);
    expect(tab.address()).toMatch(new RegExp(`^${publicBase}/peer/[A-Za-z0-9_-]{12}$`));

    // The home node dials the tab back at that address: through the proxy, into the relay, to the tab.
    await until("home paired with the tab through the proxy", () => linkedTo(home, tab.address()));
    const stats = await relay.stats();
    expect(stats.links.inbound).toBe(1);
    expect(stats.tabs.connected).toBe(1);

    // A block mined by the native node reaches the tab over that link; one mined by the tab reaches the node.
    await home.post("/api/mining", { on: true, blocks: 1 });
    await until("the tab takes the home node's block", () => tab.node.chain.height === 1);
    tab.miner.start(1);
    await until("the home node takes the tab's block", async () => (await home.get("/api/status")).height === 2);
    expect((await home.get("/api/status")).tip).toBe(tab.node.chain.tip().block.hash);

    // The health check and the operator's metrics, through the proxy.
    const health = await getMetrics(proxy.port, { path: `${PREFIX}/api/health`, ca: cert.cert });
    expect(health.status).toBe(200);
    const m = await scrape(proxy.port, cookieOf(relay.dataDir), { path: `${PREFIX}/metrics`, ca: cert.cert });
    expect(m.value("tabnode_relay_links", { kind: "inbound" })).toBe(1);
    expect(m.value("tabnode_relay_frames_forwarded_total")).toBeGreaterThan(0);
    expect((await getMetrics(proxy.port, { path: `${PREFIX}/metrics`, ca: cert.cert })).status).toBe(401);
    expect((await relay.stats()).framesDropped).toEqual({});
  });

  it("counts tabs per client by the proxy's X-Forwarded-For, whatever the client claims", async () => {
    const home = await startNode();
    const { proxy } = await relayBehindProxy(home);
    const tabUrl = `ws://127.0.0.1:${proxy.port}${PREFIX}/tab`;
    for (let i = 0; i < 2; i++) {
      const { tab } = await RelayTab.connect(tabUrl, { headers: { "x-forwarded-for": `198.51.100.${i}` } });
      tabs.push(tab);
    }
    // The proxy appends the client's own address (127.0.0.1) last; the relay reads that one, so the third is over the cap of 2.
    const third = RelayTab.open(tabUrl, { headers: { "x-forwarded-for": "198.51.100.9" } });
    tabs.push(third);
    expect(await third.closed).toEqual({ code: 4002, reason: "ip-full" });
  });

  it("does not dial itself through the proxy by another name", async () => {
    const home = await startNode();
    const { proxy, relay } = await relayBehindProxy(home);
    const { tab } = await RelayTab.connect(`ws://127.0.0.1:${proxy.port}${PREFIX}/tab`);
    tabs.push(tab);
    // Not the relay's own spelling (localhost, not 127.0.0.1): the relay dials the proxy, which brings the dial back to it.
    const to = `ws://localhost:${proxy.port}${PREFIX}/peer/anybody`;
    tab.send(to, "x");
    expect(await tab.take("link-fail", () => true, 10_000)).toMatchObject({ to, reason: "dial-self" });
    expect((await relay.stats()).connectionsClosed["dial-self"]).toBe(1);
  });
});
