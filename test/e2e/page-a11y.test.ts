/**
 * Accessibility in real Chromium: axe-core finds no serious or critical
 * violation on the home view (wallet, mining, peers, blocks, charts), a block
 * page and a transaction page; one h1 and the landmarks; skip links that move
 * focus; the live region announcing received coins and new blocks; the
 * balance in the document title; the charts' table alternative.
 */
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { until } from "../support/native-process.ts";
import { SHOTS, numberOf, startPageSession, textOf, type PageSession } from "../support/page-session.ts";

let s: PageSession;
let page: Page;

beforeAll(async () => {
  s = await startPageSession();
  page = await s.openTab("A");
}, 180_000);

afterAll(async () => {
  await s?.close();
});

/** axe-core's serious and critical findings, as "rule: targets" lines (empty when there are none). */
async function seriousViolations(p: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page: p }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]).analyze();
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

const heading = (p: Page) => p.locator("main h2").first().textContent();
const focusedTestId = (p: Page) => p.evaluate(() => document.activeElement?.getAttribute("data-testid") ?? document.activeElement?.id ?? null);

describe("accessibility", () => {
  it("announces received coins and new blocks, and puts the balance in the title", async () => {
    const address = await textOf(page, "address");
    expect(await page.title()).toBe("0 coins · Tabnode");
    await s.fund(address, 250);
    const height = await s.mine(1);
    await until("the tab at the new height", async () => (await numberOf(page, "height")) === height, 30_000);
    await until("the announcement", async () => /Received 250 coins: balance 250 coins\./.test(await textOf(page, "announcer")), 10_000);
    expect(await page.getByTestId("announcer").locator("p").allTextContents()).toContain(`New block ${height}.`);
    expect(await page.getByTestId("announcer").getAttribute("aria-live")).toBe("polite");
    expect(await page.title()).toBe("250 coins · Tabnode");
    await s.mine(1);
    const last = page.getByTestId("announcer").locator("p").last();
    await until("a new block announced", async () => (await last.textContent()) === `New block ${height + 1}.`, 30_000);
  }, 120_000);

  it("has one h1, the landmarks, and skip links that move focus past the top bar", async () => {
    await expect(page.locator("h1").count()).resolves.toBe(1);
    for (const role of ["banner", "navigation", "main", "search"] as const) expect(await page.getByRole(role).count(), role).toBeGreaterThanOrEqual(1);
    // From a fresh load, the first Tab reaches the skip links; the third reaches the mining button: four key presses instead of twenty-two.
    await page.reload();
    await page.getByTestId("address").filter({ hasText: /^04/ }).waitFor();
    await page.keyboard.press("Tab");
    expect(await focusedTestId(page)).toBe("skip-main");
    await page.screenshot({ path: `${SHOTS}a11y-01-skip-link.png` });
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    expect(await focusedTestId(page)).toBe("mine-toggle");
    await page.getByTestId("skip-main").focus();
    await page.keyboard.press("Enter");
    expect(await focusedTestId(page)).toBe("main");
  }, 30_000);

  it("offers the charts as a table", async () => {
    await page.getByText("The charts as a table").click();
    const rows = page.getByRole("region", { name: "Block times and difficulty" }).locator("tbody tr");
    expect(await rows.count()).toBe(await numberOf(page, "height"));
  }, 30_000);

  it("has no serious or critical axe-core violations on home (with peers), a block page and a transaction page", async () => {
    await page.evaluate(() => (location.hash = "#/"));
    await page.getByTestId("block-row").first().waitFor();
    await until("the peers listed", async () => (await numberOf(page, "peer-count")) >= 1, 20_000);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: `${SHOTS}a11y-02-home.png`, fullPage: true });

    await page.evaluate(() => (location.hash = "#/block/1"));
    await until("block 1's page", async () => (await heading(page)) === "Block 1", 10_000);
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByTestId("tx-row").nth(1).locator("td:first-child a").click();
    await until("the transaction page", async () => (await heading(page)) === "Transaction", 10_000);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: `${SHOTS}a11y-03-transaction.png`, fullPage: true });
  }, 90_000);
});
