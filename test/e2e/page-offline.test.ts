/**
 * The installable app, in real Chromium: the relay serves a web app manifest
 * and a service worker at relative paths; once the worker is active, a reload
 * with the relay gone and the browser offline still opens the page from the
 * worker's cache, with the wallet and the chain stored in IndexedDB.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildPage } from "../support/browser.ts";
import { until } from "../support/native-process.ts";
import { startReverseProxy } from "../support/reverse-proxy.ts";
import { numberOf as num, pageServerForSuite, SHOTS, textOf as text, walletShown } from "../support/page-session.ts";

// Each test stops or rebuilds what serves the page: each gets a served page of its own.
describe("the app offline", () => {
  const stage = pageServerForSuite();
  it("serves its manifest and service worker, and reopens with wallet and stored chain when the network is gone", async () => {
    const manifest = (await (await fetch(`${stage.relay.url}/manifest.webmanifest`)).json()) as { start_url: string; scope: string; icons: { src: string }[] };
    expect(manifest).toMatchObject({ start_url: "./", scope: "./" });
    for (const icon of manifest.icons) expect((await fetch(`${stage.relay.url}/${icon.src}`)).status).toBe(200);
    const sw = await fetch(`${stage.relay.url}/sw.js`);
    expect(sw.headers.get("content-type")).toMatch(/javascript/);
    // The precache holds the workers and the wasm the node loads.
    const precache = await sw.text();
    for (const asset of [/node-worker-[\w-]+\.js/, /miner-worker-[\w-]+\.js/, /verify-worker-[\w-]+\.js/, /secp256k1-[\w-]+\.wasm/, /index\.html/]) expect(precache).toMatch(asset);

    const context = await stage.context();
    const page = await stage.open("offline", context);
    const address = await text(page, "address");
    await until("relay connected", async () => (await text(page, "relay-status")).includes("connected"), 20_000);
    await page.getByTestId("mine-toggle").click();
    await until("two blocks mined", async () => (await num(page, "height")) >= 2, 60_000);
    await page.getByTestId("mine-toggle").click();
    // A block the miner found before the worker read the stop is still taken: wait for the worker's own "stopped".
    await until("mining stopped", async () => (await page.getByTestId("mine-toggle").getAttribute("aria-pressed")) === "false", 20_000);
    // Settled once the page and the home node agree, and still agree a second later: the chain is then stored in this
    // browser (the page shows a block once it is stored, and the home node hears it only after that).
    const heights = async () => [await num(page, "height"), (await stage.home.get("/api/status")).height as number];
    const stored = await until("the page at the home node's height, for a second", async () => {
      const [a, b] = await heights();
      if (a !== b) return null;
      await new Promise((r) => setTimeout(r, 1000));
      const [c, d] = await heights();
      return a === c && c === d ? c : null;
    }, 30_000);
    expect(stored).toBeGreaterThanOrEqual(2);
    const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
    expect(scope).toBe(`${stage.relay.url}/`);

    // No network at all: the relay is closed and the browser is offline.
    await stage.relay.close();
    await context.setOffline(true);
    await page.reload();
    await walletShown(page, address);
    await until(`the stored chain shown (#${stored})`, async () => {
      const shown = await num(page, "height");
      if (shown !== stored) throw new Error(`the page shows #${shown}`);
      return true;
    }, 30_000);
    expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    await until("the relay reported unreachable", async () => /reconnecting|down/.test(await text(page, "relay-status")), 20_000);
    await page.screenshot({ path: `${SHOTS}offline-01-reloaded.png` });
  }, 180_000);
});

describe("a new build", () => {
  const stage = pageServerForSuite();
  it("is announced by the page, and taken on the person's reload", async () => {
    const page = await stage.open("update", await stage.context());
    await page.evaluate(async () => void (await navigator.serviceWorker.ready));
    const scriptOf = () => page.evaluate(() => document.querySelector<HTMLScriptElement>("script[type=module]")?.src ?? "");
    const before = await scriptOf();
    // The same source built unminified: other chunks, so another precache list and another sw.js.
    buildPage(stage.dist, ["--minify", "false"]);
    const after = /src="\.\/(assets\/index-[\w-]+\.js)"/.exec(readFileSync(`${stage.dist}/index.html`, "utf8"))?.[1];
    expect(after).toBeDefined();
    expect(before.endsWith(after!)).toBe(false);
    // A reload still shows the build this tab has (the old worker serves it), and the new worker waits: the page says so.
    await page.reload();
    await walletShown(page);
    expect(await scriptOf()).toBe(before);
    await page.getByTestId("update-notice").waitFor({ timeout: 30_000 });
    await page.screenshot({ path: `${SHOTS}offline-02-update-available.png` });
    await page.getByTestId("update-reload").click();
    await until("the new build running", async () => (await scriptOf().catch(() => "")).endsWith(after!), 30_000);
    await walletShown(page);
    expect(await page.getByTestId("update-notice").count()).toBe(0);
  }, 120_000);
});

describe("under a path prefix (a reverse proxy, docs/deploy.md)", () => {
  const stage = pageServerForSuite();
  it("registers the service worker for the prefix alone, and reopens offline there", async () => {
    const proxy = await startReverseProxy("/relay-a");
    try {
      proxy.target = stage.relay.url;
      const url = `${proxy.publicUrl}/`;
      const context = await stage.context();
      const page = await context.newPage();
      await page.goto(url);
      const address = await walletShown(page);
      await until("relay connected through the proxy", async () => (await text(page, "relay-status")).includes("connected"), 20_000);
      const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
      expect(scope).toBe(url);
      const manifest = await page.evaluate(() => document.querySelector<HTMLLinkElement>("link[rel=manifest]")?.href);
      expect(manifest).toBe(`${url}manifest.webmanifest`);

      await proxy.close();
      await context.setOffline(true);
      await page.reload();
      await walletShown(page, address);
      expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toBe(`${url}sw.js`);
      await page.screenshot({ path: `${SHOTS}offline-03-prefix.png` });
    } finally {
      await proxy.close().catch(() => {});
    }
  }, 120_000);
});
