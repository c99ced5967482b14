/**
 * The page's GPU miner, in real Chromium: with WebGPU on its software adapter
 * the mining panel offers "GPU" by the adapter's name, and blocks the page
 * mines on the GPU alone are taken by the home node (a native node) and by a
 * tutorial-style peer linked to it. Without WebGPU's adapter the panel says
 * why and mines on the CPU. Screenshots of the panel go to test-results/e2e/.
 */
import { mkdirSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRelay, type RelayHandle } from "../../relay/index.ts";
import { buildPage, launchChromium } from "../support/browser.ts";
import { GENESIS_HOLDER } from "../support/chain-builder.ts";
import { startNode, stopAll, tempDir, until, type NodeProcess } from "../support/native-process.ts";
import { SeedPeer } from "../support/seed-peer.ts";

const SHOTS = new URL("../../test-results/e2e/", import.meta.url).pathname;
const browsers: Browser[] = [];
let relay: RelayHandle;
let home: NodeProcess;
let seed: SeedPeer;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  const dist = tempDir("dist");
  buildPage(dist);
  home = await startNode();
  seed = new SeedPeer(GENESIS_HOLDER.privateKey, "article");
  await seed.listen();
  seed.connect(home.address);
  await until("seed linked to the home node", () => seed.opened.length === 1 && seed.serverClients() > 0);
  relay = await startRelay({ host: "127.0.0.1", port: 0, homeNode: home.address, staticDir: dist });
}, 180_000);

afterAll(async () => {
  for (const b of browsers) await b.close();
  await relay?.close();
  await seed?.close();
  await stopAll();
});

async function openPage(webgpu: boolean): Promise<Page> {
  const browser = await launchChromium({ webgpu });
  browsers.push(browser);
  const page = await (await browser.newContext()).newPage();
  page.on("pageerror", (err) => console.error(`page error: ${err.message}`));
  await page.goto(relay.url);
  await page.getByTestId("address").filter({ hasText: /^04[0-9a-f]{128}$/ }).waitFor({ timeout: 30_000 });
  return page;
}

const text = async (page: Page, id: string) => ((await page.getByTestId(id).first().textContent()) ?? "").trim();
const num = async (page: Page, id: string) => Number(await text(page, id));
const panel = (page: Page) => page.getByRole("region", { name: "Mining" });

describe("the page's GPU miner", () => {
  it("offers the software adapter by name; blocks mined on the GPU alone reach the home node and a tutorial-style peer", async () => {
    const page = await openPage(true);
    await until("the adapter named", async () => /swiftshader/i.test(await text(page, "gpu-adapter")), 20_000);
    expect(await text(page, "gpu-status")).toMatch(/software adapter/);
    await page.getByTestId("mine-devices").selectOption("gpu");
    expect(await page.getByTestId("mine-threads").isDisabled()).toBe(true);
    await page.getByTestId("mine-toggle").click();
    await until("a GPU hash rate", async () => (await num(page, "gpu-hashrate")) > 0, 20_000);
    expect(await num(page, "cpu-hashrate")).toBe(0);
    await panel(page).screenshot({ path: `${SHOTS}10-gpu-mining-panel.png` });
    await until("the page's first reward", async () => (await num(page, "balance")) >= 297, 120_000);
    await page.getByTestId("mine-toggle").click();
    const address = await text(page, "address");
    await until("the home node took the GPU's block", async () => (await home.get(`/api/balance/${address}`)).balance >= 297, 30_000);
    const tip = (await home.get("/api/status")).tip as string;
    await until("the tutorial-style peer took it too", () => seed.chain.some((b) => b.hash === tip), 30_000);
    expect(seed.getBalance(address)).toBeGreaterThanOrEqual(297);
    expect(await text(page, "node-log")).toMatch(/mining on the GPU: google swiftshader/);
    await page.screenshot({ path: `${SHOTS}11-gpu-mined.png`, fullPage: true });
  }, 240_000);

  it("without a WebGPU adapter: says why, offers the CPU only, and mines on it", async () => {
    const page = await openPage(false);
    await until("the reason shown", async () => (await page.getByTestId("gpu-status").count()) > 0, 20_000);
    expect(await page.getByTestId("gpu-status").getAttribute("data-reason")).toBe("gpu-no-adapter");
    expect(await text(page, "gpu-status")).toMatch(/No GPU mining here: WebGPU offers no adapter here .*Mining runs on the CPU/);
    expect(await page.locator('[data-testid="mine-devices"] option[value="gpu"]').isDisabled()).toBe(true);
    await page.getByTestId("mine-toggle").click();
    await until("a CPU hash rate", async () => (await num(page, "cpu-hashrate")) > 0, 20_000);
    await panel(page).screenshot({ path: `${SHOTS}12-no-webgpu-panel.png` });
    await page.getByTestId("mine-toggle").click();
  }, 120_000);
});
