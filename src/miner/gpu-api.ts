/**
 * What the miner uses of WebGPU, as structural types: the browser's
 * `navigator.gpu` and the `webgpu` package in Node both give objects of these
 * shapes. Kept local, like the WebAssembly types of wasm-kernel.ts, so that
 * src/miner compiles with neither DOM nor Node types (and TypeScript's DOM
 * library has no WebGPU yet).
 */

export interface GpuBuffer {
  mapAsync(mode: number): Promise<void>;
  getMappedRange(): ArrayBuffer;
  unmap(): void;
  destroy(): void;
}

export interface GpuBindGroupLayout {
  readonly __brand?: "GPUBindGroupLayout";
}

export interface GpuComputePipeline {
  getBindGroupLayout(index: number): GpuBindGroupLayout;
}

export interface GpuComputePass {
  setPipeline(pipeline: GpuComputePipeline): void;
  setBindGroup(index: number, group: object): void;
  dispatchWorkgroups(x: number, y?: number, z?: number): void;
  end(): void;
}

export interface GpuCommandEncoder {
  beginComputePass(): GpuComputePass;
  copyBufferToBuffer(source: GpuBuffer, sourceOffset: number, destination: GpuBuffer, destinationOffset: number, size: number): void;
  finish(): object;
}

export interface GpuCompilationMessage {
  readonly type: string;
  readonly message: string;
  readonly lineNum: number;
}

export interface GpuDeviceLostInfo {
  readonly reason: string;
  readonly message: string;
}

export interface GpuDevice {
  readonly limits: { readonly maxComputeWorkgroupsPerDimension: number };
  readonly queue: {
    writeBuffer(buffer: GpuBuffer, offset: number, data: ArrayBufferView): void;
    submit(commands: object[]): void;
  };
  readonly lost: Promise<GpuDeviceLostInfo>;
  createShaderModule(d: { code: string }): { getCompilationInfo(): Promise<{ readonly messages: readonly GpuCompilationMessage[] }> };
  createComputePipeline(d: { layout: "auto"; compute: { module: object; entryPoint: string } }): GpuComputePipeline;
  createBuffer(d: { size: number; usage: number }): GpuBuffer;
  createBindGroup(d: { layout: GpuBindGroupLayout; entries: { binding: number; resource: { buffer: GpuBuffer } }[] }): object;
  createCommandEncoder(): GpuCommandEncoder;
  pushErrorScope(filter: "validation" | "out-of-memory" | "internal"): void;
  popErrorScope(): Promise<{ readonly message: string } | null>;
  destroy(): void;
}

export interface GpuAdapterInfo {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  /** Not in every implementation yet: Chromium has it, as does Dawn's Node binding. */
  readonly isFallbackAdapter?: boolean;
}

export interface GpuAdapter {
  readonly info: GpuAdapterInfo;
  requestDevice(): Promise<GpuDevice>;
}

export interface Gpu {
  requestAdapter(options?: { powerPreference?: "high-performance" | "low-power" }): Promise<GpuAdapter | null>;
}

/** GPUBufferUsage and GPUMapMode values (the WebGPU specification's numbers, the same everywhere). */
export const BufferUsage = { MAP_READ: 0x0001, COPY_SRC: 0x0004, COPY_DST: 0x0008, UNIFORM: 0x0040, STORAGE: 0x0080 } as const;
export const MapMode = { READ: 0x0001 } as const;

/** The adapter as a person would name it: its description, or vendor, architecture and device. */
export function adapterName(info: GpuAdapterInfo): string {
  const name = info.description.trim() || [info.vendor, info.architecture, info.device].filter((s) => s.trim().length > 0).join(" ");
  return name.length > 0 ? name : "unnamed adapter";
}

/** Why the GPU does not mine: a stable code, and a sentence for the person. */
export const GpuReason = {
  /** No WebGPU here (navigator.gpu undefined: an older browser, or a page that is not a secure context). */
  Missing: "webgpu-missing",
  /** The Node binding (the optional `webgpu` package) did not load. */
  BindingMissing: "webgpu-binding-missing",
  NoAdapter: "gpu-no-adapter",
  DeviceFailed: "gpu-device-failed",
  KernelFailed: "gpu-kernel-failed",
  DeviceLost: "gpu-device-lost",
  /** A dispatch or readback failed. */
  DispatchFailed: "gpu-dispatch-failed",
} as const;
export type GpuReason = (typeof GpuReason)[keyof typeof GpuReason];

export interface GpuAdapterSummary {
  readonly name: string;
  /** A software adapter (SwiftShader, lavapipe...): its rate says nothing of a GPU's. */
  readonly software: boolean;
}

export type GpuOpened =
  | { readonly ok: true; readonly device: GpuDevice; readonly adapter: GpuAdapterSummary }
  | { readonly ok: false; readonly reason: GpuReason; readonly detail: string };

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** An adapter and a device from `gpu` (navigator.gpu, or the Node binding's), or why not. */
export async function openGpu(gpu: Gpu | undefined): Promise<GpuOpened> {
  if (gpu === undefined) return { ok: false, reason: GpuReason.Missing, detail: "this browser has no WebGPU (navigator.gpu is missing)" };
  let adapter: GpuAdapter | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
  } catch (err) {
    return { ok: false, reason: GpuReason.NoAdapter, detail: `asking for a GPU adapter failed: ${message(err)}` };
  }
  if (adapter === null) return { ok: false, reason: GpuReason.NoAdapter, detail: "WebGPU offers no adapter here (no usable GPU or driver)" };
  const summary = { name: adapterName(adapter.info), software: adapter.info.isFallbackAdapter === true || /swiftshader|llvmpipe|lavapipe|software/i.test(adapterName(adapter.info)) };
  try {
    return { ok: true, device: await adapter.requestDevice(), adapter: summary };
  } catch (err) {
    return { ok: false, reason: GpuReason.DeviceFailed, detail: `the adapter ${summary.name} gave no device: ${message(err)}` };
  }
}
