/** WebGPU in the page and its workers: navigator.gpu, where the browser has it (secure contexts only). */
import { openGpu, type Gpu, type GpuOpened } from "../miner/gpu-api.ts";

export const openBrowserGpu = (): Promise<GpuOpened> => openGpu((navigator as unknown as { gpu?: Gpu }).gpu);
