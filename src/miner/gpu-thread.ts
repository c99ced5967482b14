/**
 * The GPU as one mining thread: the same commands as a CPU thread (a job and
 * where to start, or stop), the same reports (found nonces, hashes every
 * 250 ms), and its state: ready with the adapter's name, or why it cannot
 * mine (no WebGPU, no adapter, no device, the kernel refused, the device
 * lost), after which it stays idle and the pool mines on the CPU.
 *
 * Work goes to the GPU in dispatches sized to take about SLICE_MS each,
 * measured as they run: a new job replaces the old one at the end of the
 * dispatch in flight, and the GPU is never held long enough to delay the
 * page's frames by more than that.
 */
import { GpuReason, type GpuOpened } from "./gpu-api.ts";
import { GpuSearch } from "./gpu-search.ts";
import type { MiningJob } from "./pool.ts";
import { hashReporter, type MinerReport, type Thread } from "./thread.ts";

/** Target time per dispatch: half a 60 Hz frame, so the compositor gets the GPU every frame. */
export const SLICE_MS = 8;
/** The first dispatch, before any is measured: about 3 ms on SwiftShader (2 cores), well under 1 ms on a GPU. */
const FIRST_SLICE = 1 << 10;
/** Bounds on a dispatch: at least a few workgroups, at most 2^28 nonces (a 10 G hashes/s GPU in 27 ms). */
const MIN_SLICE = 1 << 8;
const MAX_SLICE = 1 << 28;

/**
 * Opens the GPU with `open` (navigator.gpu in the page, the Node binding in
 * the native node) and mines what it is posted; `now` is a millisecond clock.
 */
export function gpuMinerThread(open: () => Promise<GpuOpened>, post: (r: MinerReport) => void, now: () => number): Thread {
  const counter = hashReporter(post);
  let current: { readonly job: MiningJob; next: number } | null = null;
  let search: GpuSearch | null = null;
  let dispose: (() => void) | null = null;
  let dead = false;
  let looping = false;
  let slice = FIRST_SLICE;
  let lost: Promise<void> = new Promise(() => {});

  const fail = (reason: GpuReason, detail: string) => {
    if (dead) return;
    dead = true;
    current = null;
    dispose?.();
    post({ gpu: { ready: false, reason, detail } });
  };

  const loop = async () => {
    if (looping || search === null) return;
    looping = true;
    try {
      while (current !== null && !dead) {
        const work = current;
        const t0 = now();
        const r = await search.search(work.job.prefix, work.job.difficulty, work.next, slice, slice);
        const ms = now() - t0;
        // Aim the next dispatch at SLICE_MS, moving at most x2 per step so one slow frame does not swing it.
        slice = Math.round(Math.min(MAX_SLICE, Math.max(MIN_SLICE, slice * Math.min(2, Math.max(0.5, SLICE_MS / Math.max(ms, 0.1))))));
        counter.add(r.found ? r.nonce - work.next + 1 : r.next - work.next);
        if (r.found) {
          post({ found: { jobId: work.job.id, nonce: r.nonce, hash: r.hash } });
          if (current === work) current = null;
        } else work.next = r.next;
      }
    } catch (err) {
      // A lost device fails the dispatch in flight first; its `lost` answer, when it comes, is the better reason.
      await Promise.race([lost, new Promise((resolve) => setTimeout(resolve, 1000))]);
      fail(GpuReason.DispatchFailed, `a GPU dispatch failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      looping = false;
    }
  };

  void (async () => {
    const opened = await open();
    if (!opened.ok) return fail(opened.reason, opened.detail);
    const { device, adapter } = opened;
    dispose = () => device.destroy();
    lost = device.lost.then((info) => fail(GpuReason.DeviceLost, `the GPU device was lost (${info.reason || "unknown"}): ${info.message}`));
    try {
      search = await GpuSearch.create(device);
    } catch (err) {
      return fail(GpuReason.KernelFailed, err instanceof Error ? err.message : String(err));
    }
    if (dead) return;
    post({ gpu: { ready: true, adapter } });
    void loop();
  })();

  return {
    post: (c) => {
      if (dead) return;
      current = "stop" in c ? null : { job: c.job, next: c.start };
      void loop();
    },
    terminate: () => {
      counter.stop();
      current = null;
      dead = true;
      dispose?.();
    },
  };
}
