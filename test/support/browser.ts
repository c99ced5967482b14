/** Real Chromium (Debian's) driven by playwright-core, and a built page served by a real relay with a home node. */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"];

/**
 * WebGPU on SwiftShader, Chromium's software Vulkan: this machine has no GPU.
 * It works with --disable-gpu still given (which turns off the GPU for
 * compositing, not WebGPU's software adapter), on pages from 127.0.0.1 (a
 * secure context).
 */
export const WEBGPU_ARGS = ["--enable-unsafe-webgpu", "--use-webgpu-adapter=swiftshader"];

/** Chromium, with WebGPU on its software adapter when `webgpu` is set. */
export async function launchChromium(options: { readonly webgpu?: boolean } = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is missing at ${CHROMIUM}: the browser tests need it. Install it with: apt-get update && apt-get install -y chromium`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: options.webgpu ? [...ARGS, ...WEBGPU_ARGS] : ARGS, headless: true });
}

/** Builds the page into `outDir` with Vite, as `npm run build` does; `extraArgs` go to `vite build` (e.g. `--minify false` for a different build of the same source). */
export function buildPage(outDir: string, extraArgs: readonly string[] = []): void {
  const root = new URL("../..", import.meta.url).pathname;
  execFileSync(process.execPath, [`${root}node_modules/vite/bin/vite.js`, "build", "--outDir", outDir, "--emptyOutDir", "--logLevel", "warn", ...extraArgs], { cwd: root, stdio: "inherit" });
}
