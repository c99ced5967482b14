/**
 * WebGPU in Node, through the optional webgpu package (Dawn): with no Vulkan
 * driver (this machine has no GPU, and VK_ICD_FILENAMES naming none stands in
 * for it on one that has) it offers no adapter, and without the package it
 * says the package is missing: both are reasons the miner gives for mining on
 * the CPU. (Dawn on Chromium's SwiftShader driver runs the kernel in Node
 * but aborts within a few thousand dispatches, in its threads: see the README.)
 */
import { describe, expect, it } from "vitest";
import { openNodeGpu } from "../../src/platform/node-gpu.ts";
import { gpuInNode } from "../support/gpu-node-run.ts";
import type { GpuCheckReply } from "../support/miner-browser-entry.ts";

describe("the GPU kernel in Node (webgpu package)", () => {
  it("the package loads; with no Vulkan driver, no adapter: gpu-no-adapter", async () => {
    const reply = await gpuInNode<GpuCheckReply>({ kind: "gpu-check", cases: [], perDispatch: 1 }, { VK_ICD_FILENAMES: "/nonexistent/no-driver.json" });
    expect(reply).toMatchObject({ adapter: null, reason: "gpu-no-adapter" });
  }, 60_000);

  it("without the package: webgpu-binding-missing, with what to install", async () => {
    const opened = await openNodeGpu(() => Promise.reject(new Error("Cannot find package 'webgpu' imported from node-gpu.ts")));
    expect(opened).toMatchObject({ ok: false, reason: "webgpu-binding-missing", detail: expect.stringContaining("npm install webgpu") });
  });
});
