/**
 * npm run bench:page: the built page's size (raw and gzip, per asset) and the
 * time from navigation to a usable wallet (the address shown) in real
 * Chromium, for a first visit and a reload, served by a relay with a home node.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { gzipSync } from "node:zlib";
import { startRelay } from "../relay/index.ts";
import { buildPage, launchChromium } from "../test/support/browser.ts";
import { startNode, stopAll, tempDir } from "../test/support/native-process.ts";

const dist = tempDir("bench-dist");
buildPage(dist);
const assets = readdirSync(join(dist, "assets")).filter((f) => !f.endsWith(".map"));
const sizes = Object.fromEntries(
  assets.map((f) => {
    const bytes = readFileSync(join(dist, "assets", f));
    return [f.replace(/-[\w-]{8}\./, "."), { kB: +(bytes.length / 1024).toFixed(1), "gzip kB": +(gzipSync(bytes).length / 1024).toFixed(1) }];
  }),
);
const totalGzip = Object.values(sizes).reduce((s, v) => s + v["gzip kB"], 0);

const home = await startNode();
const relay = await startRelay({ host: "127.0.0.1", port: 0, homeNode: home.address, staticDir: dist });
const browser = await launchChromium();
try {
  const page = await (await browser.newContext()).newPage();
  const usable = async (go: () => Promise<unknown>) => {
    const t0 = performance.now();
    await go();
    await page.getByTestId("address").filter({ hasText: /^04[0-9a-f]{128}$/ }).waitFor({ timeout: 30_000 });
    return Math.round(performance.now() - t0);
  };
  const firstMs = await usable(() => page.goto(relay.url));
  const reloadMs = await usable(() => page.reload());
  console.table(sizes);
  console.table({ "first visit": { "ms to usable wallet": firstMs }, reload: { "ms to usable wallet": reloadMs } });
  console.log(JSON.stringify({ gzipKB: +totalGzip.toFixed(1), firstVisitMs: firstMs, reloadMs }));
} finally {
  await browser.close();
  await relay.close();
  await stopAll();
}
