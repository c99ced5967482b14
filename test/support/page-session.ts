/**
 * A built page on a real relay with a home node, and Chromium to open it in:
 * what the page's browser tests share. Each test file starts its own and
 * stops all of it in afterAll.
 */
import { mkdirSync } from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { startRelay, type RelayConfig, type RelayHandle } from "../../relay/index.ts";
import { buildPage, launchChromium } from "./browser.ts";
import { startNode, stopAll, tempDir, type NodeProcess } from "./native-process.ts";

export const SHOTS = new URL("../../test-results/e2e/", import.meta.url).pathname;

export class PageSession {
  browser!: Browser;
  relay!: RelayHandle;
  home!: NodeProcess;
  readonly dist = tempDir("dist");
  private readonly contexts: BrowserContext[] = [];

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
    const page = await (context ?? (await this.context())).newPage();
    page.on("pageerror", (err) => console.error(`[${name}] page error: ${err.message}`));
    await page.goto(this.relay.url);
    await page.getByTestId("address").filter({ hasText: /^04[0-9a-f]{128}$/ }).waitFor({ timeout: 30_000 });
    return page;
  }
}

export const text = async (page: Page, id: string) => ((await page.getByTestId(id).first().textContent()) ?? "").trim();
export const num = async (page: Page, id: string) => Number(await text(page, id));

/** The page's peer rows: address and kind each. */
export async function peerRows(page: Page): Promise<{ address: string; kind: string }[]> {
  return page.getByTestId("peer-row").evaluateAll((rows) => rows.map((r) => ({ address: r.getAttribute("data-address") ?? "", kind: r.getAttribute("data-peer-kind") ?? "" })));
}
