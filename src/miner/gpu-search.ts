/**
 * The nonce search on a GPU through WebGPU (sha256-gpu.wgsl): the prefix's
 * midstate and the tail's words come from the CPU (preimage.ts), the GPU
 * hashes each nonce's tail. A dispatch covers a range of nonces with the same
 * digit count in which only the last up to 9 digits change; the search finds
 * exactly what searchNonce finds (the same first valid nonce, the same
 * `next`), one dispatch after another.
 */
import { SHA256_WGSL } from "./generated/sha256-gpu.wgsl.ts";
import { BufferUsage, MapMode, type GpuBuffer, type GpuComputePipeline, type GpuDevice } from "./gpu-api.ts";
import { confirmHit, firstWordMask, planFor, searchNonce, type NonceSearch } from "./nonce-loop.ts";
import { tailWords, type PrefixPlan } from "./preimage.ts";

/** At most 9 changing digits: their value fits the kernel's u32. */
const MAX_DIGITS = 9;
const WORKGROUP = 64;
/** Nonces per invocation: 10^2, so the per-invocation work (the upper digits, a fixed first block) is 1% of the hashing. */
const MAX_INNER = 2;
/** The kernel's Job struct: 8 state words, 32 message words, 10 numbers, padded to 16 bytes. */
const JOB_WORDS = 52;
const NO_HIT = 0xffffffff;

/** One dispatch: the nonces from `from` up to `stop` (exclusive), and how the kernel reads them. */
export interface GpuRange {
  readonly from: number;
  readonly stop: number;
  /** The Job struct's contents. */
  readonly job: Uint32Array;
  /** Invocations needed, 10^inner nonces each. */
  readonly invocations: number;
}

/**
 * The range that starts at `from` (a non-negative safe integer): at most
 * `max` nonces, before `end`, and within the run of nonces that share every
 * digit but the last min(digit count, 9): so the digit count never changes
 * inside a dispatch.
 */
export function gpuRange(plan: PrefixPlan, from: number, end: number, max: number, mask0: number): GpuRange {
  const text = String(from);
  const digits = Math.min(text.length, MAX_DIGITS);
  const span = 10 ** digits;
  const stop = Math.ceil(Math.min(from - (from % span) + span, end, from + max));
  const job = new Uint32Array(JOB_WORDS);
  const words = new Int32Array(32);
  const blocks = tailWords(plan, text.slice(0, text.length - digits) + "0".repeat(digits), words);
  job.set(plan.midstate, 0);
  job.set(words, 8);
  const digitEnd = plan.rest.length + text.length;
  // The inner digits must not straddle the blocks, so that a fixed first block is compressed once per invocation.
  const inner = Math.min(MAX_INNER, digits, blocks === 2 && digitEnd > 64 ? digitEnd - 64 : MAX_INNER);
  const perInvocation = 10 ** inner;
  const first = from % span;
  const last = first + (stop - from);
  const base = first - (first % perInvocation);
  const invocations = Math.ceil((last - base) / perInvocation);
  job.set([blocks, digitEnd, digits, inner, first, last, base, perInvocation, mask0 >>> 0, 0], 40);
  return { from, stop, job, invocations };
}

/** One search at a time per instance: its buffers serve one dispatch after another. */
export class GpuSearch {
  private readonly jobBuffer: GpuBuffer;
  private readonly hitBuffer: GpuBuffer;
  private readonly readBuffer: GpuBuffer;
  private readonly bindGroup: object;
  private readonly noHit = new Uint32Array([NO_HIT]);

  private constructor(
    private readonly device: GpuDevice,
    private readonly pipeline: GpuComputePipeline,
  ) {
    this.jobBuffer = device.createBuffer({ size: JOB_WORDS * 4, usage: BufferUsage.UNIFORM | BufferUsage.COPY_DST });
    this.hitBuffer = device.createBuffer({ size: 4, usage: BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST });
    this.readBuffer = device.createBuffer({ size: 4, usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST });
    this.bindGroup = device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: this.jobBuffer } },
        { binding: 1, resource: { buffer: this.hitBuffer } },
      ],
    });
  }

  /** Compiles the kernel on `device`; rejects with the compiler's messages if it does not compile. */
  static async create(device: GpuDevice): Promise<GpuSearch> {
    const module = device.createShaderModule({ code: SHA256_WGSL });
    const errors = (await module.getCompilationInfo()).messages.filter((m) => m.type === "error");
    if (errors.length > 0) throw new Error(`the WGSL kernel does not compile: ${errors.map((m) => `line ${m.lineNum}: ${m.message}`).join("; ")}`);
    device.pushErrorScope("validation");
    // Not createComputePipelineAsync: Dawn's Node binding (webgpu 0.6.2) aborts the process in it on SwiftShader
    // (futex and system_error aborts, measured); the kernel is compiled once per device, in a worker or off the page.
    const pipeline = device.createComputePipeline({ layout: "auto", compute: { module, entryPoint: "search" } });
    const failed = await device.popErrorScope();
    if (failed !== null) throw new Error(`the WGSL kernel's pipeline failed: ${failed.message}`);
    return new GpuSearch(device, pipeline);
  }

  /**
   * Tries nonces start, start+1, ... for at most `count` tries, as
   * searchNonce does, in dispatches of at most `perDispatch` nonces.
   */
  async search(prefix: string, difficulty: number, start: number, count: number, perDispatch = 1 << 22): Promise<NonceSearch> {
    const end = Math.min(start + count, Number.MAX_SAFE_INTEGER);
    if (!(start < end)) return { found: false, next: end };
    // The kernel writes digits of non-negative integers; anything else is the CPU's.
    if (!Number.isSafeInteger(start) || start < 0) return searchNonce(prefix, difficulty, start, count);
    const plan = planFor(prefix);
    const mask0 = firstWordMask(difficulty);
    for (let from = start; from < end; ) {
      const range = gpuRange(plan, from, end, perDispatch, mask0);
      const hit = await this.dispatch(range);
      if (hit === null) {
        from = range.stop;
        continue;
      }
      const found = confirmHit(plan, hit, difficulty);
      if (found !== null) return found;
      from = hit + 1;
    }
    return { found: false, next: end };
  }

  /** Runs one range on the GPU; resolves with its first hit, or null. */
  private async dispatch(range: GpuRange): Promise<number | null> {
    const groups = Math.ceil(range.invocations / WORKGROUP);
    const x = Math.min(groups, this.device.limits.maxComputeWorkgroupsPerDimension);
    const y = Math.ceil(groups / x);
    range.job[49] = x * WORKGROUP;
    const { queue } = this.device;
    queue.writeBuffer(this.jobBuffer, 0, range.job);
    queue.writeBuffer(this.hitBuffer, 0, this.noHit);
    const encoder = this.device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, this.bindGroup);
    pass.dispatchWorkgroups(x, y);
    pass.end();
    encoder.copyBufferToBuffer(this.hitBuffer, 0, this.readBuffer, 0, 4);
    queue.submit([encoder.finish()]);
    await this.readBuffer.mapAsync(MapMode.READ);
    const value = new Uint32Array(this.readBuffer.getMappedRange())[0]!;
    this.readBuffer.unmap();
    // The kernel reports the value of the changing digits; the nonce is the range's start plus its distance from the first.
    return value === NO_HIT ? null : range.from + (value - range.job[44]!);
  }

  /** Frees the buffers (the device belongs to the caller). */
  dispose(): void {
    for (const b of [this.jobBuffer, this.hitBuffer, this.readBuffer]) b.destroy();
  }
}
