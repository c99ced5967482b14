/**
 * Peers as people think of them, in real Chromium against a real relay and a
 * native home node: one row per peer with its kind, checked against what the
 * home node and the other tabs see; a dial to a dead port reports why it
 * failed; the relay lost and back (count, list, banner, Retry now, a payment
 * queued while it was away, and payments of two tabs still queued after one
 * of them reloads).
 */
import { createServer } from "node:net";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { until } from "../support/native-process.ts";
import { newWallet } from "../support/chain-builder.ts";
import { numberOf as num, PageServer, peerRows, SHOTS, textOf as text } from "../support/page-session.ts";

const session = new PageServer({ limits: { dialTimeoutMs: 3_000 } });

beforeAll(() => session.start(), 180_000);
afterAll(() => session.stop());

/** The distinct addresses a native node's /api/status lists as peers (each has up to two links). */
async function homePeerAddresses(): Promise<Set<string>> {
  const status = (await session.home.get("/api/status")) as { peers: { address: string | null }[] };
  return new Set(status.peers.map((p) => p.address).filter((a): a is string => a !== null));
}

/** Pays `amount` coins (gas 1) to a new address from the page's send form. */
async function payFrom(page: Page, amount: number): Promise<void> {
  await page.getByTestId("send-to").fill(newWallet().address);
  await page.getByTestId("send-amount").fill(String(amount));
  await page.getByTestId("send-gas").fill("1");
  await page.getByTestId("send-submit").click();
}

const kindsOf = async (page: Page) => new Map((await peerRows(page)).map((r) => [r.address, r.kind]));

describe("the peer list", () => {
  it("has one row per peer, of the right kind, as the home node and the other tabs see it", async () => {
    const mine = await session.context();
    const x1 = await session.open("X1", mine);
    const x2 = await session.open("X2", mine);
    const y = await session.open("Y");
    const home = session.home.address;
    // Every tab linked both ways with the home node and the two other tabs: three peers each.
    const settled = async (page: Page) => {
      const rows = await peerRows(page);
      return rows.length === 3 && rows.some((r) => r.address === home) ? rows : null;
    };
    for (const page of [x1, x2, y]) await until("three peers", () => settled(page), 60_000);
    // The home node sees the three tabs (and no one else): their relay addresses.
    const tabs = await until("the home node sees three tabs", async () => {
      const seen = await homePeerAddresses();
      return seen.size === 3 ? seen : null;
    }, 30_000);
    const [kx1, kx2, ky] = await Promise.all([kindsOf(x1), kindsOf(x2), kindsOf(y)]);
    // Each tab lists the home node as such, and the two tabs it is not.
    for (const kinds of [kx1, kx2, ky]) {
      expect(kinds.get(home)).toBe("home");
      expect([...kinds.keys()].filter((a) => a !== home).every((a) => tabs.has(a))).toBe(true);
    }
    const ownOf = (kinds: Map<string, string>) => [...kinds].filter(([, k]) => k === "own-tab").map(([a]) => a);
    const addrX2 = ownOf(kx1);
    const addrX1 = ownOf(kx2);
    // X1 and X2 (one browser) name each other "own-tab"; Y, another browser, names both "tab" and is "tab" to them.
    expect(addrX2).toHaveLength(1);
    expect(addrX1).toHaveLength(1);
    expect(addrX1[0]).not.toBe(addrX2[0]);
    expect(ownOf(ky)).toEqual([]);
    expect(ky.get(addrX1[0]!)).toBe("tab");
    expect(ky.get(addrX2[0]!)).toBe("tab");
    const addrY = [...tabs].find((a) => a !== addrX1[0] && a !== addrX2[0])!;
    expect(kx1.get(addrY)).toBe("tab");
    expect(kx2.get(addrY)).toBe("tab");
    // The top bar counts peers, not links: the rows.
    for (const page of [x1, x2, y]) expect(await num(page, "peer-count")).toBe(3);
    // What the relay knows: three tabs connected.
    const relayStats = (await (await fetch(`${session.relay.url}/api/relay`)).json()) as { tabs: { connected: number } };
    expect(relayStats.tabs.connected).toBe(3);
    await x1.getByTestId("peer-row").first().scrollIntoViewIfNeeded();
    await x1.screenshot({ path: `${SHOTS}peers-01-one-row-each.png`, fullPage: true });
    // X2 closes: X1 drops it at once (the relay would keep its links through its 30 s grace); Y still lists it.
    await x2.close({ runBeforeUnload: true });
    await until("X1 drops its closed sibling", async () => !(await kindsOf(x1)).has(addrX2[0]!), 15_000);
    expect((await kindsOf(y)).get(addrX2[0]!)).toBe("tab");
    await y.close();
  }, 180_000);

  it("reports a dial to a dead port with the reason it failed", async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, "127.0.0.1", () => {
        const p = (probe.address() as { port: number }).port;
        probe.close(() => resolve(p));
      });
    });
    const dead = `ws://127.0.0.1:${port}`;
    const page = await session.open("D");
    await until("relay connected", async () => (await text(page, "relay-status")).includes("connected"), 20_000);
    await page.getByLabel("Add a peer").fill(dead);
    await page.getByRole("button", { name: "Add", exact: true }).click();
    const failure = page.getByTestId("dial-failure");
    await failure.waitFor({ timeout: 30_000 });
    const said = (await failure.textContent()) ?? "";
    expect(said).toMatch(/failed/);
    expect(said).toMatch(/dial/i);
    // Not a peer: no row for it, and the count leaves it out.
    expect((await peerRows(page)).some((r) => r.address === dead)).toBe(false);
    // The node log's lines carry the time they were written.
    expect((await text(page, "node-log")).split("\n").every((line) => /^\d\d:\d\d:\d\d /.test(line))).toBe(true);
    await page.getByText(/^Node log/).click();
    await page.screenshot({ path: `${SHOTS}peers-02-dead-dial.png`, fullPage: true });
    await page.close();
  }, 120_000);
});

describe("the relay lost and back", () => {
  it("says no peer is reachable, keeps the banner in view, queues a payment, and Retry now reconnects at once", async () => {
    const page = await session.open("R");
    await until("a peer", async () => (await num(page, "peer-count")) >= 1, 30_000);
    // Coins to pay with: mine until the first reward, then stop.
    await page.getByTestId("mine-toggle").click();
    await until("a reward", async () => (await num(page, "balance")) >= 10, 90_000);
    await page.getByTestId("mine-toggle").click();
    expect((await peerRows(page)).length).toBeGreaterThanOrEqual(1);

    const port = session.relay.port;
    await session.relay.close();
    await until("the page sees the relay gone", async () => !(await text(page, "relay-status")).endsWith("connected"), 20_000);
    // No stale count: nothing is reachable; the rows stay, marked unreachable.
    expect(await num(page, "peer-count")).toBe(0);
    await page.getByTestId("peers-unreachable").waitFor();
    // (Rows come and go as links end: every one left is marked.)
    const marks = await page.getByTestId("peer-row").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-reachable")));
    expect(marks.length).toBeGreaterThanOrEqual(1);
    expect(new Set(marks)).toEqual(new Set(["false"]));
    // Scrolled to the bottom, the banner is still in the window.
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await until("scrolled", () => page.evaluate(() => window.scrollY > 0), 5_000);
    const box = await page.getByTestId("relay-banner").boundingBox();
    expect(box).not.toBeNull();
    expect(box!.y).toBeGreaterThanOrEqual(0);
    expect(box!.y + box!.height).toBeLessThanOrEqual(page.viewportSize()!.height);

    // A payment made now waits in this tab, and says so.
    const mempoolBefore = ((await session.home.get("/api/mempool")) as { size: number }).size;
    await payFrom(page, 3);
    await page.getByTestId("send-queued").waitFor();
    expect(await page.getByTestId("relay-banner").textContent()).toMatch(/1 payment queued/);
    await page.screenshot({ path: `${SHOTS}peers-03-relay-down.png` });

    // Let the backoff grow, bring the relay back on the same port, and retry now: it connects before the countdown ends.
    const left = await until("a long backoff", async () => {
      const m = /Retrying in (\d+) s/.exec((await page.getByTestId("relay-banner").textContent()) ?? "");
      return m !== null && Number(m[1]) >= 6 ? Number(m[1]) : null;
    }, 60_000);
    session.relay = await session.startRelay(port);
    await page.getByTestId("retry-now").click();
    await until("connected before the backoff ended", async () => (await text(page, "relay-status")).endsWith("connected"), (left - 2) * 1000);
    await until("peers reachable again", async () => (await num(page, "peer-count")) >= 1, 30_000);
    // The queued payment went out: the home node has it, and the page says sent.
    await until("the home node has the queued payment", async () => ((await session.home.get("/api/mempool")) as { size: number }).size === mempoolBefore + 1, 30_000);
    await page.getByTestId("send-sent").waitFor();
    expect(await page.getByTestId("relay-banner").count()).toBe(0);
    await page.getByTestId("send-sent").scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}peers-04-relay-back.png` });

    // Queued in two tabs of this browser, then one tab reloaded while the relay is still away (the service worker
    // serves the page): both payments are still queued there (the tabs share the stored queue, neither overwrites the
    // other's), and go out once the relay is back.
    const other = await session.open("R-other", page.context());
    await until("the other tab connected", async () => (await text(other, "relay-status")).endsWith("connected"), 20_000);
    await page.evaluate(async () => void (await navigator.serviceWorker.ready));
    expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    await session.relay.close();
    for (const tab of [page, other]) await until("the tab sees the relay gone again", async () => !(await text(tab, "relay-status")).endsWith("connected"), 20_000);
    await payFrom(page, 2);
    await page.getByTestId("send-queued").waitFor();
    await payFrom(other, 1);
    await other.getByTestId("send-queued").waitFor();
    await page.reload();
    await until("both still queued after the reload", async () => /2 payments queued/.test((await page.getByTestId("relay-banner").textContent({ timeout: 1_000 })) ?? ""), 20_000);
    await page.screenshot({ path: `${SHOTS}peers-05-queued-after-reload.png` });
    await other.close();
    session.relay = await session.startRelay(port);
    await page.getByTestId("retry-now").click();
    await until("the home node has both payments queued before the reload", async () => ((await session.home.get("/api/mempool")) as { size: number }).size === mempoolBefore + 3, 30_000);
    await until("nothing queued", async () => (await page.getByTestId("relay-banner").count()) === 0, 10_000);
  }, 240_000);
});
