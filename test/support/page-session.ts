/**
 * A served page for the browser tests: the page built once, a native home
 * node, a relay serving the page with it as home, and Chromium. `PageServer`
 * is the served page itself (contexts, tabs, the relay brought back on its
 * port); `startPageSession` adds funding a tab's wallet from the genesis
 * holder and having the home node mine. Each test file starts its own and
 * stops all of it.
 */
import { mkdirSync } from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { startRelay, type RelayConfig, type RelayHandle } from "../../relay/index.ts";
import { buildPage, launchChromium } from "./browser.ts";
import { GENESIS_HOLDER, pay } from "./chain-builder.ts";
import { startNode, stopAll, tempDir, until, type NodeProcess } from "./native-process.ts";

export const SHOTS = new URL("../../test-results/e2e/", import.meta.url).pathname;

type Viewport = { readonly viewport?: { width: number; height: number } };

export const ADDRESS = /^04[0-9a-f]{128}$/;

/** Waits until the page shows a wallet's address (or exactly `address`), and returns it. */
export async function walletShown(page: Page, address: string | RegExp = ADDRESS): Promise<string> {
  await page.getByTestId("address").filter({ hasText: address }).waitFor({ timeout: 30_000 });
  return ((await page.getByTestId("address").first().textContent()) ?? "").trim();
}

/** Opens `url` in a new page of `context` and waits for its wallet's address. */
async function openPage(context: BrowserContext, url: string, name: string): Promise<Page> {
  const page = await context.newPage();
  page.on("pageerror", (err) => console.error(`[${name}] page error: ${err.message}`));
  await page.goto(url);
  await walletShown(page);
  return page;
}

/** A tab in a new browser context (one person) of `browser`, at `url`, once its wallet's address shows; the context joins `contexts`. */
export async function openTabIn(browser: Browser, url: string, name: string, contexts: BrowserContext[], options: Viewport = {}): Promise<Page> {
  const context = await browser.newContext(options.viewport === undefined ? {} : { viewport: options.viewport });
  contexts.push(context);
  return openPage(context, url, name);
}

export class PageServer {
  browser!: Browser;
  relay!: RelayHandle;
  home!: NodeProcess;
  readonly dist = tempDir("dist");
  readonly contexts: BrowserContext[] = [];

  constructor(private readonly relayConfig: RelayConfig = {}) {}

  async start(): Promise<void> {
    mkdirSync(SHOTS, { recursive: true });
    buildPage(this.dist);
    this.home = await startNode();
    this.relay = await this.startRelay(0);
    this.browser = await launchChromium();
  }

  /** A relay serving the page with the home node; port 0 for any, or the port a stopped relay had (to bring it back). */
  startRelay(port: number): Promise<RelayHandle> {
    return startRelay({ host: "127.0.0.1", port, homeNode: this.home.address, staticDir: this.dist, ...this.relayConfig });
  }

  async stop(): Promise<void> {
    for (const c of this.contexts) await c.close();
    await this.browser?.close();
    await this.relay?.close();
    await stopAll();
  }

  /** A browser context: one person's browser (its tabs share storage). */
  async context(): Promise<BrowserContext> {
    const context = await this.browser.newContext();
    this.contexts.push(context);
    return context;
  }

  /** Opens the page in `context` (a new one if none) and waits for its wallet. */
  async open(name: string, context?: BrowserContext): Promise<Page> {
    return openPage(context ?? (await this.context()), this.relay.url, name);
  }
}

/** A served page for the tests of one `describe` (or file, at top level): started before them, stopped after. */
export function pageServerForSuite(): PageServer {
  const server = new PageServer();
  beforeAll(() => server.start(), 180_000);
  afterAll(() => server.stop());
  return server;
}

export interface PageSession {
  readonly relay: RelayHandle;
  readonly home: NodeProcess;
  readonly browser: Browser;
  /** A tab in a new browser context, its wallet shown. */
  openTab(name: string, options?: Viewport): Promise<Page>;
  /** The genesis holder pays `to` through the home node's API; resolves once the home node holds it. */
  fund(to: string, amount: number): Promise<void>;
  /** The home node mines `n` blocks; resolves at its new height. */
  mine(n: number): Promise<number>;
  close(): Promise<void>;
}

export const textOf = async (page: Page, id: string) => ((await page.getByTestId(id).first().textContent()) ?? "").trim();
export const numberOf = async (page: Page, id: string) => Number(await textOf(page, id));

/** The page's peer rows: address and kind each. */
export async function peerRows(page: Page): Promise<{ address: string; kind: string }[]> {
  return page.getByTestId("peer-row").evaluateAll((rows) => rows.map((r) => ({ address: r.getAttribute("data-address") ?? "", kind: r.getAttribute("data-peer-kind") ?? "" })));
}

export async function startPageSession(): Promise<PageSession> {
  const server = new PageServer();
  await server.start();
  const { home } = server;
  const height = async () => (await home.get("/api/status")).height as number;
  return {
    relay: server.relay,
    home,
    browser: server.browser,
    openTab: (name, options = {}) => openTabIn(server.browser, server.relay.url, name, server.contexts, options),
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
    close: () => server.stop(),
  };
}
