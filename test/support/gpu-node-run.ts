/**
 * A GPU request (gpu-requests.ts) answered in a Node process through the
 * webgpu package: the request as JSON on stdin, the reply as JSON on stdout.
 * A process of its own, because Dawn reads where Vulkan is (LD_LIBRARY_PATH,
 * VK_ICD_FILENAMES) when the process starts.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { openNodeGpu } from "../../src/platform/node-gpu.ts";
import { CHROMIUM } from "./browser.ts";
import { answerGpu, type GpuRequest } from "./gpu-requests.ts";
import type { GpuBenchReply, GpuCheckReply } from "./miner-browser-entry.ts";

const ROOT = new URL("../..", import.meta.url).pathname;

/**
 * Vulkan on SwiftShader for Dawn in Node: Chromium ships a Vulkan loader and
 * SwiftShader's Vulkan driver beside its binary (Debian's: /usr/lib/chromium),
 * so a machine without a GPU gets WebGPU's software adapter in Node as in the
 * browser.
 */
export function swiftShaderEnv(): Record<string, string> {
  const dir = process.env.SWIFTSHADER_DIR ?? "/usr/lib/chromium";
  const icd = `${dir}/vk_swiftshader_icd.json`;
  if (!existsSync(icd) || !existsSync(`${dir}/libvulkan.so.1`)) {
    throw new Error(`SwiftShader's Vulkan driver is missing in ${dir} (Chromium at ${CHROMIUM} ships it): apt-get update && apt-get install -y chromium, or set SWIFTSHADER_DIR`);
  }
  return { LD_LIBRARY_PATH: [dir, process.env.LD_LIBRARY_PATH].filter(Boolean).join(":"), VK_ICD_FILENAMES: icd };
}

/** Answers `request` in a fresh Node process with `env` added to this one's. */
export function gpuInNode<R extends GpuCheckReply | GpuBenchReply>(request: GpuRequest, env: Record<string, string>): Promise<R> {
  const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url)], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["pipe", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr.on("data", (c: Buffer) => (err += c.toString()));
  child.stdin.end(JSON.stringify(request));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      if (code !== 0) return reject(new Error(`the GPU process ${signal === null ? `exited with ${code}` : `was killed by ${signal}`}:\n${err}`));
      try {
        resolve(JSON.parse(out) as R);
      } catch {
        reject(new Error(`the GPU process printed no reply:\n${out}\n${err}`));
      }
    });
  });
}

async function main(): Promise<void> {
  let input = "";
  for await (const chunk of process.stdin) input += String(chunk);
  const reply = await answerGpu(JSON.parse(input) as GpuRequest, openNodeGpu);
  process.stdout.write(JSON.stringify(reply));
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) await main();
