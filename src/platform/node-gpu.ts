/**
 * WebGPU in the native node, through the optional `webgpu` package (Dawn,
 * Chromium's WebGPU implementation, built for Node). It is imported only when
 * GPU mining is asked for, and its absence (an install without optional
 * packages, a platform it has no binary for) or a machine without a GPU
 * driver is a reason to mine on the CPU, never an error.
 */
import { GpuReason, openGpu, type Gpu, type GpuOpened } from "../miner/gpu-api.ts";

/** The binding's module name, in a variable so that neither TypeScript nor a bundler looks for it. */
const BINDING = "webgpu";

/** `load` imports the binding (a test gives one that fails). */
export async function openNodeGpu(load: () => Promise<unknown> = () => import(BINDING)): Promise<GpuOpened> {
  let gpu: Gpu;
  try {
    const { create } = (await load()) as { create(options: string[]): Gpu };
    gpu = create([]);
  } catch (err) {
    const why = err instanceof Error ? err.message.split("\n")[0] : String(err);
    return { ok: false, reason: GpuReason.BindingMissing, detail: `the optional package ${BINDING} did not load (${why}); npm install ${BINDING} adds it` };
  }
  return openGpu(gpu);
}
