/**
 * The page's browser tests on one stage: a built page served by a real relay
 * with a home node, and Chromium; plus the reads every such test makes
 * (a test id's text, as a number) and opening a tab until its wallet shows.
 */
import { mkdirSync } from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { startRelay, type RelayHandle } from "../../relay/index.ts";
import { buildPage, launchChromium } from "./browser.ts";
import { startNode, stopAll, tempDir, type NodeProcess } from "./native-process.ts";

export const SHOTS = new URL("../../test-results/e2e/", import.meta.url).pathname;
export const ADDRESS = /^04[0-9a-f]{128}$/;

export interface PageStage {
  readonly browser: Browser;
  readonly relay: RelayHandle;
  readonly home: NodeProcess;
  readonly dist: string;
  /** A browser context closed with the stage. */
  context(): Promise<BrowserContext>;
  close(): Promise<void>;
}

export async function startPageStage(): Promise<PageStage> {
  mkdirSync(SHOTS, { recursive: true });
  const dist = tempDir("dist");
  buildPage(dist);
  const home = await startNode();
  const relay = await startRelay({ host: "127.0.0.1", port: 0, homeNode: home.address, staticDir: dist });
  const browser = await launchChromium();
  const contexts: BrowserContext[] = [];
  return {
    browser,
    relay,
    home,
    dist,
    async context() {
      const c = await browser.newContext({ acceptDownloads: true });
      contexts.push(c);
      return c;
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => {});
      await browser.close();
      await relay.close();
      await stopAll();
    },
  };
}

export const text = async (page: Page, id: string) => ((await page.getByTestId(id).first().textContent()) ?? "").trim();
export const num = async (page: Page, id: string) => Number(await text(page, id));

/** Waits until the page shows a wallet address (or exactly `address`), and returns it. */
export async function walletShown(page: Page, address: string | RegExp = ADDRESS): Promise<string> {
  await page.getByTestId("address").filter({ hasText: address }).waitFor({ timeout: 30_000 });
  return text(page, "address");
}

/** A new tab in `context`, with page errors reported under `name`, opened at the relay's page. */
export async function openPage(context: BrowserContext, url: string, name: string): Promise<Page> {
  const page = await context.newPage();
  page.on("pageerror", (err) => console.error(`[${name}] page error: ${err.message}`));
  await page.goto(url);
  await walletShown(page);
  return page;
}
