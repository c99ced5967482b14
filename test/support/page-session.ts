/**
 * One served page for the browser tests: the page built once, a native home
 * node, a relay serving the page with it as home, and Chromium; plus opening
 * a tab in a fresh context (one person), funding a tab's wallet from the
 * genesis holder, and having the home node mine. `close()` stops all of it.
 */
import { mkdirSync } from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { startRelay, type RelayHandle } from "../../relay/index.ts";
import { buildPage, launchChromium } from "./browser.ts";
import { GENESIS_HOLDER, pay } from "./chain-builder.ts";
import { startNode, stopAll, tempDir, until, type NodeProcess } from "./native-process.ts";

export const SHOTS = new URL("../../test-results/e2e/", import.meta.url).pathname;

export interface PageSession {
  readonly relay: RelayHandle;
  readonly home: NodeProcess;
  readonly browser: Browser;
  /** A tab in a new browser context, its wallet shown. */
  openTab(name: string, options?: { readonly viewport?: { width: number; height: number } }): Promise<Page>;
  /** The genesis holder pays `to` through the home node's API; resolves once the home node holds it. */
  fund(to: string, amount: number): Promise<void>;
  /** The home node mines `n` blocks; resolves at its new height. */
  mine(n: number): Promise<number>;
  close(): Promise<void>;
}

/** A tab in a new browser context (one person) of `browser`, at `url`, once its wallet's address shows; the context joins `contexts`. */
export async function openTabIn(browser: Browser, url: string, name: string, contexts: BrowserContext[], options: { readonly viewport?: { width: number; height: number } } = {}): Promise<Page> {
  const context = await browser.newContext(options.viewport === undefined ? {} : { viewport: options.viewport });
  contexts.push(context);
  const page = await context.newPage();
  page.on("pageerror", (err) => console.error(`[${name}] page error: ${err.message}`));
  await page.goto(url);
  await page.getByTestId("address").filter({ hasText: /^04[0-9a-f]{128}$/ }).waitFor({ timeout: 30_000 });
  return page;
}

export const textOf = async (page: Page, id: string) => ((await page.getByTestId(id).first().textContent()) ?? "").trim();
export const numberOf = async (page: Page, id: string) => Number(await textOf(page, id));

export async function startPageSession(): Promise<PageSession> {
  mkdirSync(SHOTS, { recursive: true });
  const dist = tempDir("dist");
  buildPage(dist);
  const home = await startNode();
  const relay = await startRelay({ host: "127.0.0.1", port: 0, homeNode: home.address, staticDir: dist });
  const browser = await launchChromium();
  const contexts: BrowserContext[] = [];
  const height = async () => (await home.get("/api/status")).height as number;
  return {
    relay,
    home,
    browser,
    openTab: (name, options = {}) => openTabIn(browser, relay.url, name, contexts, options),
    async fund(to, amount) {
      const before = (await home.get("/api/mempool")).size as number;
      const r = await fetch(`http://127.0.0.1:${home.port}/api/transactions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(pay(GENESIS_HOLDER, to, amount, 1)),
      });
      if (r.status !== 202) throw new Error(`the home node refused the payment: ${await r.text()}`);
      await until("the payment in the home node's mempool", async () => (await home.get("/api/mempool")).size > before, 10_000);
    },
    async mine(n) {
      const target = (await height()) + n;
      await home.post("/api/mining", { on: true, blocks: n });
      await until(`the home node at height ${target}`, async () => (await height()) >= target, 120_000);
      return height();
    },
    async close() {
      for (const c of contexts) await c.close();
      await browser.close();
      await relay.close();
      await stopAll();
    },
  };
}
