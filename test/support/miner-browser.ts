/**
 * The miner in real Chromium without Vite: esbuild bundles
 * miner-browser-entry.ts into one ES module, a node:http server on 127.0.0.1
 * (port 0) serves it with an empty page, and requests run in module workers.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { build } from "esbuild";
import type { Browser, Page } from "playwright-core";
import type { BenchReply, CheckReply, GpuBenchReply, GpuCheckReply, GpuLostReply, MinerRequest } from "./miner-browser-entry.ts";
import { launchChromium } from "./browser.ts";

export async function bundleMinerEntry(): Promise<string> {
  const out = await build({
    entryPoints: [new URL("./miner-browser-entry.ts", import.meta.url).pathname],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    logLevel: "warning",
  });
  return out.outputFiles[0]!.text;
}

export interface MinerPage {
  readonly browser: Browser;
  readonly page: Page;
  readonly url: string;
  /** Runs each request in its own module worker, all at once; resolves with their replies in order. */
  inWorkers<R extends CheckReply | BenchReply | GpuCheckReply | GpuBenchReply | GpuLostReply>(requests: readonly MinerRequest[]): Promise<R[]>;
  /** Runs a request in the page itself (imports the bundle there). */
  inPage<R extends CheckReply | BenchReply | GpuCheckReply | GpuBenchReply | GpuLostReply>(request: MinerRequest): Promise<R>;
  close(): Promise<void>;
}

export async function openMinerPage(options: { readonly webgpu?: boolean } = {}): Promise<MinerPage> {
  const bundle = await bundleMinerEntry();
  const server = createServer((req, res) => {
    if (req.url === "/miner.js") {
      res.writeHead(200, { "content-type": "text/javascript", "cache-control": "no-store" });
      res.end(bundle);
      return;
    }
    res.writeHead(200, { "content-type": "text/html" });
    res.end("<!doctype html><title>miner</title>");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const close = async () => {
    await browser?.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  let browser: Browser | undefined;
  try {
    browser = await launchChromium(options);
    const page = await browser.newPage();
    page.on("pageerror", (err) => console.error(`miner page error: ${err.message}`));
    await page.goto(url);
    return {
      browser,
      page,
      url,
      inWorkers: async <R>(requests: readonly MinerRequest[]) =>
        (await page.evaluate(
          (reqs) =>
            Promise.all(
              reqs.map(
                (r) =>
                  new Promise((resolve, reject) => {
                    const w = new Worker("/miner.js", { type: "module" });
                    w.onmessage = (e) => {
                      resolve(e.data);
                      w.terminate();
                    };
                    w.onerror = (e) => reject(new Error(e.message));
                    w.postMessage(r);
                  }),
              ),
            ),
          requests as MinerRequest[],
        )) as R[],
      // The import() sits in a string: vitest would rewrite it in a function's source.
      inPage: async <R>(request: MinerRequest) =>
        (await page.evaluate(
          (r) => (globalThis.eval('(r) => import("/miner.js").then((m) => m.answer(r))') as (r: MinerRequest) => Promise<unknown>)(r),
          request as MinerRequest,
        )) as R,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
