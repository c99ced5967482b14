/**
 * The mining panel tells the truth, in real Chromium: a readable hash rate
 * that drops to zero on Stop, blocks found and coins earned read from the
 * chain (they match the home node's chain and survive a reload), the thread
 * count remembered, one tab mining a wallet at a time, and a reload of the
 * tab that mines mining on.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { until } from "../support/native-process.ts";
import { numberOf as num, PageServer, SHOTS, textOf as text } from "../support/page-session.ts";

const session = new PageServer();

beforeAll(() => session.start(), 180_000);
afterAll(() => session.stop());

/** Blocks on the home node's main chain whose reward pays `address`, and what they paid. */
async function homeRewards(address: string): Promise<{ blocks: number; coins: number }> {
  const { blocks } = (await session.home.get("/api/blocks?from=1&limit=100")) as { blocks: { block: { data: { to: string; amount: number }[] } }[] };
  const mine = blocks.map((b) => b.block.data[0]!).filter((reward) => reward.to === address);
  return { blocks: mine.length, coins: mine.reduce((sum, r) => sum + r.amount, 0) };
}

const stats = async (page: Page) => ({ blocks: await num(page, "blocks-found"), coins: await num(page, "coins-earned") });

describe("the mining panel", () => {
  it("shows a readable rate, zero when stopped; blocks and coins from the chain survive a reload, with the threads chosen", async () => {
    const context = await session.context();
    const page = await session.open("M", context);
    const address = await text(page, "address");
    await until("a peer", async () => (await num(page, "peer-count")) >= 1, 30_000);
    const max = await page.getByTestId("mine-threads").locator("option").count();
    await page.getByTestId("mine-threads").selectOption(String(max));

    await page.getByTestId("mine-toggle").click();
    await until("a hash rate", async () => (await num(page, "hashrate")) > 0, 20_000);
    expect(await text(page, "hashrate-text")).toMatch(/^\d+(\.\d+)? (H|kH|MH|GH)\/s$/);
    await until("two blocks found", async () => (await num(page, "blocks-found")) >= 2, 120_000);
    await page.getByTestId("mine-threads").scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}mining-01-running.png` });
    await page.getByTestId("mine-toggle").click();
    // Stopped: no rate, no estimate.
    await until("rate zero once stopped", async () => (await num(page, "hashrate")) === 0, 10_000);
    expect(await text(page, "hashrate-text")).toBe("0 H/s");
    expect(await page.getByText("not mining").count()).toBe(1);

    // The page's figures are the chain's: the home node's main chain pays this wallet the same blocks and coins.
    const height = await until("the home node at the page's height", async () => {
      const h = (await session.home.get("/api/status")).height as number;
      return h === (await num(page, "height")) ? h : null;
    }, 30_000);
    expect(height).toBeGreaterThanOrEqual(2);
    // The home node never sends back the blocks it got from this tab; asked for its tip, it shows it has them.
    const homeHeight = page.locator('[data-testid="peer-row"][data-peer-kind="home"] [data-testid="peer-height"]');
    await until("the home node's row at its height", async () => Number(await homeHeight.getAttribute("data-height")) === height, 40_000);
    // The difficulty shown is the next block's, as the home node has it; the latest block's own is the chart's last point.
    expect(await num(page, "difficulty-next")).toBe((await session.home.get("/api/status")).difficulty);
    const latest = (await session.home.get(`/api/blocks?from=${height}&limit=1`)).blocks[0].difficulty as number;
    expect(await page.locator("figure", { hasText: "Difficulty of each block" }).textContent()).toContain(`latest ${latest}`);
    const shown = await stats(page);
    const chain = await homeRewards(address);
    expect(shown).toEqual({ blocks: chain.blocks, coins: chain.coins });
    expect(shown.blocks).toBeGreaterThanOrEqual(2);
    await page.screenshot({ path: `${SHOTS}mining-02-stopped.png` });

    await page.reload();
    await page.getByTestId("address").filter({ hasText: address }).waitFor({ timeout: 30_000 });
    await until("the stored chain loaded", async () => (await num(page, "height")) >= height, 30_000);
    expect(await stats(page)).toEqual(shown);
    expect(await page.getByTestId("mine-threads").inputValue()).toBe(String(max));
    // The link to the home node that the relay kept through the reload is known for what it is.
    const homeRow = page.locator('[data-testid="peer-row"][data-peer-kind="home"]');
    await until("the home node's row after the reload", async () => (await homeRow.getByTestId("peer-dialect").textContent()) === "Tabnode", 20_000);
    await page.getByTestId("mine-threads").scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}mining-03-reloaded.png` });
  }, 240_000);

  it("mines a wallet in one tab at a time, and the other tab says where", async () => {
    const context = await session.context();
    const first = await session.open("T1", context);
    const second = await session.open("T2", context);
    expect(await text(first, "address")).toBe(await text(second, "address"));
    await first.getByTestId("mine-toggle").click();
    await until("the first tab mines", async () => (await num(first, "hashrate")) > 0, 20_000);
    await second.getByTestId("mining-elsewhere").waitFor({ timeout: 10_000 });
    expect(await second.getByTestId("mine-toggle").isDisabled()).toBe(true);
    await second.getByTestId("mining-elsewhere").scrollIntoViewIfNeeded();
    await second.screenshot({ path: `${SHOTS}mining-04-other-tab.png` });
    await first.getByTestId("mine-toggle").click();
    // Stopped there: the second tab may mine, and does.
    await until("Start enabled again", async () => !(await second.getByTestId("mine-toggle").isDisabled()), 10_000);
    expect(await second.getByTestId("mining-elsewhere").count()).toBe(0);
    await second.getByTestId("mine-toggle").click();
    await until("the second tab mines", async () => (await num(second, "hashrate")) > 0, 20_000);
    await first.getByTestId("mining-elsewhere").waitFor({ timeout: 10_000 });
    // A reload of the mining tab mines on (and keeps the wallet's lock).
    await second.reload();
    await until("the reloaded tab mines on", async () => (await num(second, "hashrate")) > 0, 30_000);
    expect(await second.getByTestId("mine-toggle").textContent()).toBe("Stop mining");
    await first.getByTestId("mining-elsewhere").waitFor({ timeout: 10_000 });
    await second.getByTestId("mine-toggle").click();
    await until("rate zero once stopped", async () => (await num(second, "hashrate")) === 0, 10_000);
  }, 120_000);
});
