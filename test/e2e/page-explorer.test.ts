/**
 * The explorer and the phone layout, in real Chromium against a real relay
 * and home node: blocks by height and by hash, previous/next, confirmations
 * as the home node's chain implies them, distinct transaction ids, labelled
 * rewards, history rows with time and confirmations (pending first), the
 * "Sent" message that goes once the payment confirms; then a 390x844 phone.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newWallet } from "../support/chain-builder.ts";
import { until } from "../support/native-process.ts";
import { SHOTS, numberOf, startPageSession, textOf, type PageSession } from "../support/page-session.ts";

let s: PageSession;
let page: Page;
let address: string;

beforeAll(async () => {
  s = await startPageSession();
  page = await s.openTab("A");
  address = await textOf(page, "address");
}, 180_000);

afterAll(async () => {
  await s?.close();
});

const homeHeight = async () => (await s.home.get("/api/status")).height as number;
const homeBlock = async (height: number) => (await s.home.get(`/api/blocks/${height}`)) as { hash: string; block: { data: { signature?: string; to: string }[] } };
const tabAt = (height: number) => until(`the tab at height ${height}`, async () => (await numberOf(page, "height")) === height, 30_000);
const heading = (p: Page) => p.locator("main h2").first().textContent();
const confirmationsOfRows = async (p: Page) => (await p.getByTestId("history-row").evaluateAll((rows) => rows.map((r) => Number(r.getAttribute("data-confirmations")))));

/** The height of the home node's block holding a transaction paid to `to`. */
async function heightPaying(to: string, top: number): Promise<number> {
  for (let h = top; h >= 1; h--) if ((await homeBlock(h)).block.data.slice(1).some((t) => t.to === to)) return h;
  throw new Error(`no block pays ${to.slice(0, 12)}`);
}

async function search(p: Page, query: string): Promise<void> {
  await p.getByTestId("search").fill(query);
  await p.getByTestId("search").press("Enter");
}

describe("the explorer", () => {
  it("history rows carry time and confirmations, pending first; 'Sent 1 coin' goes once it confirms", async () => {
    await s.fund(address, 250);
    let height = await s.mine(2);
    await tabAt(height);
    await until("the tab's balance of 250", async () => (await numberOf(page, "balance")) === 250, 30_000);
    const fundedAt = await heightPaying(address, height);
    expect(await confirmationsOfRows(page)).toEqual([height - fundedAt + 1]);
    await expect(page.getByTestId("history-row").first().locator("time").getAttribute("datetime")).resolves.toMatch(/^\d{4}-\d\d-\d\dT/);

    const friend = newWallet().address;
    await page.getByTestId("send-to").fill(friend);
    await page.getByTestId("send-amount").fill("1");
    await page.getByTestId("send-gas").fill("1");
    await page.getByTestId("send-submit").click();
    await until("the Sent message", async () => (await page.getByTestId("send-sent").count()) === 1, 10_000);
    expect(await textOf(page, "send-sent")).toMatch(/^Sent 1 coin to /);
    await until("the pending row on top", async () => (await confirmationsOfRows(page))[0] === 0, 10_000);
    expect(await confirmationsOfRows(page)).toEqual([0, height - fundedAt + 1]);
    await page.screenshot({ path: `${SHOTS}explorer-01-sent-pending.png`, fullPage: true });

    await until("the payment at the home node", async () => (await s.home.get("/api/mempool")).size === 1, 20_000);
    height = await s.mine(1);
    await tabAt(height);
    await until("the Sent message gone", async () => (await page.getByTestId("send-sent").count()) === 0, 20_000);
    expect(await confirmationsOfRows(page)).toEqual([height - (await heightPaying(friend, height)) + 1, height - fundedAt + 1]);
    await page.screenshot({ path: `${SHOTS}explorer-02-confirmed.png`, fullPage: true });
  }, 240_000);

  it("opens #/block/N, walks previous and next, counts confirmations like the home node", async () => {
    const height = await homeHeight();
    await page.evaluate(() => (location.hash = "#/block/2"));
    await until("block 2's page", async () => (await heading(page)) === "Block 2", 10_000);
    expect(await textOf(page, "block-hash")).toBe((await homeBlock(2)).hash);
    expect(Number(await page.getByTestId("block-confirmations").getAttribute("data-confirmations"))).toBe(height - 2 + 1);
    expect(await page.getByTestId("time-legend").count()).toBe(1);
    await page.screenshot({ path: `${SHOTS}explorer-03-block-2.png`, fullPage: true });

    await page.getByTestId("block-next").click();
    await until("block 3's page", async () => (await heading(page)) === "Block 3", 10_000);
    expect(Number(await page.getByTestId("block-confirmations").getAttribute("data-confirmations"))).toBe(height - 3 + 1);
    if (height === 3) expect(await page.getByTestId("block-next").count()).toBe(0);
    await page.getByTestId("block-prev").click();
    await page.getByTestId("block-prev").click();
    await until("block 1's page", async () => (await heading(page)) === "Block 1", 10_000);
    expect(await textOf(page, "block-hash")).toBe((await homeBlock(1)).hash);
    // The reward is labelled, and comes from "the mint".
    expect(await page.getByTestId("tx-role").allTextContents()).toEqual(["block reward"]);
    expect(await page.getByTestId("tx-row").first().getByText("the mint").count()).toBe(1);
  }, 60_000);

  it("finds blocks by height and hash from the search box, and says so when there is none", async () => {
    await search(page, "3");
    await until("block 3 by height", async () => (await heading(page)) === "Block 3", 10_000);
    expect(page.url()).toMatch(/#\/block\/3$/);
    const hash2 = (await homeBlock(2)).hash;
    await search(page, hash2);
    await until("block 2 by hash", async () => (await heading(page)) === "Block 2", 10_000);
    expect(await textOf(page, "block-hash")).toBe(hash2);
    await search(page, "999");
    await until("not found", async () => (await heading(page)) === "Not found", 10_000);
    expect(await page.locator("main").textContent()).toMatch(/No block .*999/);
  }, 60_000);

  it("gives every transaction an id of its own, shown short and distinct, on its page with confirmations", async () => {
    const height = await homeHeight();
    const shortIds: string[] = [];
    for (let h = 1; h <= height; h++) {
      await page.evaluate((n) => (location.hash = `#/block/${n}`), h);
      await until(`block ${h}'s page`, async () => (await heading(page)) === `Block ${h}`, 10_000);
      shortIds.push(...(await page.getByTestId("tx-row").locator("td:first-child a").allTextContents()));
    }
    expect(shortIds.length).toBeGreaterThanOrEqual(height + 2);
    expect(new Set(shortIds).size).toBe(shortIds.length);
    for (const id of shortIds) expect(id).not.toMatch(/^3044/);

    // The payment in the latest block: its page shows the full id, its block, its confirmations and date.
    await page.getByTestId("tx-row").nth(1).locator("td:first-child a").click();
    await until("the transaction page", async () => (await heading(page)) === "Transaction", 10_000);
    expect(await textOf(page, "tx-id")).toMatch(/^[0-9a-f]{64}$/);
    expect(await textOf(page, "tx-confirmations")).toBe("1 confirmation");
    expect(await page.locator("main time").count()).toBeGreaterThanOrEqual(1);
    await page.screenshot({ path: `${SHOTS}explorer-04-transaction.png`, fullPage: true });
  }, 60_000);
});

describe("on a phone (390x844)", () => {
  it("shows wallet, balance, send and mining on the first screen; tables scroll with a cue; nothing wider than the screen", async () => {
    const phone = await s.openTab("phone", { viewport: { width: 390, height: 844 } });
    await until("the phone tab at the home node's height", async () => (await numberOf(phone, "height")) === (await homeHeight()), 30_000);
    await phone.screenshot({ path: `${SHOTS}phone-01-home.png` });
    await phone.screenshot({ path: `${SHOTS}phone-02-home-full.png`, fullPage: true });
    for (const id of ["address", "balance", "send-to", "send-submit", "mine-toggle"]) {
      const box = await phone.getByTestId(id).first().boundingBox();
      expect(box, id).not.toBeNull();
      expect(box!.y, id).toBeGreaterThanOrEqual(0);
      expect(box!.y + box!.height, `${id} within the first screen`).toBeLessThanOrEqual(844);
    }
    const pageWidth = () => phone.evaluate(() => document.documentElement.scrollWidth);
    expect(await pageWidth()).toBeLessThanOrEqual(390);

    await phone.evaluate(() => (location.hash = "#/block/1"));
    await until("block 1 on the phone", async () => (await heading(phone)) === "Block 1", 10_000);
    expect(await pageWidth()).toBeLessThanOrEqual(390);
    // The transactions table is wider than the phone: it scrolls in its box, and says so.
    await phone.getByTestId("scroll-hint").first().waitFor({ state: "visible", timeout: 5_000 });
    await phone.screenshot({ path: `${SHOTS}phone-03-block.png`, fullPage: true });
  }, 90_000);
});
