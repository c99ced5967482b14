/**
 * What a person does, in real Chromium: two browser contexts (two people) on a
 * relay with a home node. A mines until it has a reward and pays B; both see it
 * confirmed; A reloads and keeps everything; bad sends are refused at the field.
 */
import { mkdirSync } from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRelay, type RelayHandle } from "../../relay/index.ts";
import { buildPage, launchChromium } from "../support/browser.ts";
import { newWallet } from "../support/chain-builder.ts";
import { startNode, stopAll, tempDir, until, type NodeProcess } from "../support/native-process.ts";
import { openTabIn } from "../support/page-session.ts";
import { SeedPeer } from "../support/seed-peer.ts";

const SHOTS = new URL("../../test-results/e2e/", import.meta.url).pathname;
let browser: Browser;
let relay: RelayHandle;
let home: NodeProcess;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  const dist = tempDir("dist");
  buildPage(dist);
  home = await startNode();
  relay = await startRelay({ host: "127.0.0.1", port: 0, homeNode: home.address, staticDir: dist });
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await relay?.close();
  await stopAll();
});

const openTab = (name: string): Promise<Page> => openTabIn(browser, relay.url, name, contexts);

const text = async (page: Page, id: string) => ((await page.getByTestId(id).first().textContent()) ?? "").trim();
const num = async (page: Page, id: string) => Number(await text(page, id));

describe("the page, two people", () => {
  it("A mines, pays B 100, both see it confirmed; A reloads and keeps all; wrong sends show errors", async () => {
    const a = await openTab("A");
    const b = await openTab("B");
    const addressA = await text(a, "address");
    const addressB = await text(b, "address");
    expect(addressA).not.toBe(addressB);
    for (const page of [a, b]) {
      await until("relay connected", async () => (await text(page, "relay-status")).includes("connected"), 20_000);
      await until("a peer", async () => (await num(page, "peer-count")) >= 1, 20_000);
    }
    await a.screenshot({ path: `${SHOTS}01-a-fresh.png`, fullPage: true });

    await a.getByTestId("mine-toggle").click();
    await until("a hash rate", async () => (await num(a, "hashrate")) > 0, 10_000);
    await until("A's first reward", async () => (await num(a, "balance")) >= 297, 60_000);
    // Stop at once: from genesis each quick block raises the difficulty by one.
    await a.getByTestId("mine-toggle").click();
    await a.screenshot({ path: `${SHOTS}02-a-mined.png`, fullPage: true });

    const mempoolBefore = (await home.get("/api/mempool")).size;
    // A wrong address: an error next to the field, nothing sent.
    await a.getByTestId("send-to").fill("04" + "zz".repeat(64));
    await a.getByTestId("send-amount").fill("100");
    await a.getByTestId("send-gas").fill("1");
    await a.getByTestId("send-submit").click();
    await a.getByTestId("send-error").first().waitFor({ state: "visible" });
    expect((await a.getByTestId("send-error").allTextContents()).join(" ")).toMatch(/address/i);
    // More than A has: an error, nothing sent.
    await a.getByTestId("send-to").fill(addressB);
    await a.getByTestId("send-amount").fill(String((await num(a, "balance")) + 1000));
    await a.getByTestId("send-submit").click();
    await until("balance error shown", async () => /balance|enough|spendable/i.test((await a.getByTestId("send-error").allTextContents()).join(" ")), 5_000);
    await a.screenshot({ path: `${SHOTS}03-a-send-errors.png`, fullPage: true });
    expect((await home.get("/api/mempool")).size).toBe(mempoolBefore);

    await a.getByTestId("send-amount").fill("100");
    await a.getByTestId("send-gas").fill("1");
    await a.getByTestId("send-submit").click();
    await until("the payment reaches the home node", async () => (await home.get("/api/mempool")).size === mempoolBefore + 1, 20_000);
    await a.getByTestId("mine-toggle").click();
    await until("B sees 100 confirmed", async () => (await num(b, "balance")) === 100, 180_000);
    await a.getByTestId("mine-toggle").click();
    await until("the home node has the payment", async () => (await home.get(`/api/balance/${addressB}`)).balance === 100, 30_000);
    await b.screenshot({ path: `${SHOTS}04-b-received.png`, fullPage: true });

    // Everyone on one chain: both pages show the home node's height.
    const settle = async () => {
      const h = (await home.get("/api/status")).height as number;
      return (await num(a, "height")) === h && (await num(b, "height")) === h ? h : null;
    };
    const height = await until("pages at the home node's height", settle, 30_000);
    expect(await text(b, "balance")).toBe("100");
    const balanceA = await num(a, "balance");
    expect(balanceA).toBe((await home.get(`/api/balance/${addressA}`)).balance);

    await a.reload();
    await a.getByTestId("address").filter({ hasText: addressA }).waitFor({ timeout: 30_000 });
    await until("A's balance back after reload", async () => (await num(a, "balance")) === balanceA, 30_000);
    expect(await num(a, "height")).toBeGreaterThanOrEqual(height);
    // The relay kept A's links through the reload; the peers introduce themselves again, so A knows who they are.
    await until("A's inbound peers named again", async () => (await a.getByText("address unknown").count()) === 0, 20_000);
    await a.screenshot({ path: `${SHOTS}05-a-reloaded.png`, fullPage: true });
    expect(await a.getByTestId("block-row").count()).toBeGreaterThan(0);
  }, 360_000);
});

describe("two tabs of one browser", () => {
  it("are two peers that share one wallet", async () => {
    const context = await browser.newContext();
    contexts.push(context);
    const [first, second] = [await context.newPage(), await context.newPage()];
    // Opened together: the wallet is created once, under a Web Lock, for both.
    await Promise.all([first.goto(relay.url), second.goto(relay.url)]);
    for (const page of [first, second]) await page.getByTestId("address").filter({ hasText: /^04[0-9a-f]{128}$/ }).waitFor({ timeout: 30_000 });
    expect(await text(first, "address")).toBe(await text(second, "address"));
    const stats = await until("both tabs on the relay", async () => {
      const s = (await (await fetch(`${relay.url}/api/relay`)).json()) as { tabs: { connected: number } };
      return s.tabs.connected >= 4 ? s : null;
    }, 20_000);
    expect(stats.tabs.connected).toBeGreaterThanOrEqual(4);
    for (const page of [first, second]) await until("a peer", async () => (await num(page, "peer-count")) >= 1, 20_000);
    const height = (await home.get("/api/status")).height as number;
    for (const page of [first, second]) await until("the home node's height", async () => (await num(page, "height")) === height, 30_000);
    // The home node's chain came as a stream whose signatures the tab's verification workers checked ahead.
    const logs = await Promise.all([first, second].map((page) => text(page, "node-log")));
    expect(logs.join("\n")).toMatch(/chain stream from .*: \d+ new blocks.*; \d+ signatures verified ahead in \d+ threads/);
    await second.screenshot({ path: `${SHOTS}06-second-tab.png`, fullPage: true });
  }, 120_000);
});

describe("a tab beside a tutorial node", () => {
  it("shows what each peer speaks: Tabnode for the home node, a tutorial node for a tutorial-style peer added by hand", async () => {
    const seed = new SeedPeer(newWallet().privateKey, "v0.2.0");
    await seed.listen();
    try {
      const page = await openTab("C");
      await until("a peer", async () => (await num(page, "peer-count")) >= 1, 20_000);
      await page.getByLabel("Add a peer").fill(seed.address);
      await page.getByRole("button", { name: "Add", exact: true }).click();
      // The tab dials the seed through the relay and introduces itself; the seed dials the tab's address back (and
      // every other address the introduction names): one row, both links.
      const row = (address: string) => page.locator(`[data-testid="peer-row"][data-address="${address}"]`);
      await until("the seed's row, linked both ways", async () => (await row(seed.address).locator(".peer-links").textContent()) === "⇄", 30_000);
      // The kind says tutorial node; the dialect, what it has shown of itself (no chain stream yet).
      expect(await row(seed.address).getByTestId("peer-dialect").allTextContents()).toEqual(["form not shown yet"]);
      // "Dialing …" under the form was true until the row appeared; it is gone now.
      expect(await page.getByText(`Dialing ${seed.address}`).count()).toBe(0);
      expect(await row(seed.address).getAttribute("data-peer-kind")).toBe("tutorial");
      expect(await row(home.address).getByTestId("peer-dialect").first().textContent()).toBe("Tabnode");
      await page.screenshot({ path: `${SHOTS}07-tutorial-peer.png`, fullPage: true });
    } finally {
      await seed.close();
    }
  }, 120_000);
});
