/**
 * Signature verification in parallel threads, for chain streams: a stream's
 * transactions are sent to the threads in batches while its blocks are still
 * arriving, and their verdicts go into the node's cache, so that validating
 * the blocks in order afterwards verifies nothing again. The threads are
 * worker_threads in the native node and Web Workers in the page; this file
 * knows neither (the platform passes a factory).
 */
import type { CheckedHeader } from "../core/validate.ts";
import { signatureJobOf, verifyJob, type SignatureJob, type SignatureVerifier, type VerifiedCache } from "../core/transaction.ts";

export interface VerifyRequest {
  readonly id: number;
  readonly jobs: readonly SignatureJob[];
}
export interface VerifyReply {
  readonly id: number;
  readonly verdicts: readonly boolean[];
}

/** What the pool needs of one verification thread. */
export interface VerifyThread {
  post(request: VerifyRequest): void;
  terminate(): void;
}

/** Makes one thread, which answers every request through `reply`, or calls `failed` if it dies. */
export type VerifyThreadFactory = (reply: (r: VerifyReply) => void, failed: (why: string) => void) => VerifyThread;

/** The body of a verification thread: answers each request with the verifier it was given. */
export function verifyThreadHandler(verify: SignatureVerifier, reply: (r: VerifyReply) => void): (request: VerifyRequest) => void {
  return ({ id, jobs }) => reply({ id, verdicts: jobs.map((j) => verifyJob(j, verify)) });
}

/** Signatures per message to a thread: large enough that posting costs little, small enough to spread a chunk over the threads. */
export const VERIFY_BATCH = 128;

export class VerifyPool {
  private threads: VerifyThread[] | null = null;
  private next = 0;
  /** Set when a thread died: from then on nothing is verified ahead, and validation verifies in order. */
  private failure: string | null = null;
  private nextId = 1;
  private readonly waiting = new Map<number, { jobs: readonly SignatureJob[]; done: () => void }>();
  /** Signatures verified by the threads so far. */
  verified = 0;

  constructor(
    readonly size: number,
    private readonly factory: VerifyThreadFactory,
    private readonly cache: VerifiedCache,
    private readonly log: (line: string) => void = () => {},
  ) {}

  /**
   * Verifies `jobs` in one thread and records the verdicts; resolves once they
   * are in the cache, or at once, without verdicts, when the threads failed.
   */
  verify(jobs: readonly SignatureJob[]): Promise<void> {
    if (jobs.length === 0 || this.failure !== null) return Promise.resolve();
    // Threads start on first use: a node that never syncs a stream never pays for them.
    this.threads ??= Array.from({ length: this.size }, () => this.factory((r) => this.settle(r), (why) => this.fail(why)));
    const id = this.nextId++;
    const thread = this.threads[this.next++ % this.threads.length]!;
    return new Promise((done) => {
      this.waiting.set(id, { jobs, done });
      thread.post({ id, jobs });
    });
  }

  private settle(reply: VerifyReply): void {
    const w = this.waiting.get(reply.id);
    if (w === undefined) return;
    this.waiting.delete(reply.id);
    w.jobs.forEach((job, i) => this.cache.record(job.key, reply.verdicts[i] === true));
    this.verified += w.jobs.length;
    w.done();
  }

  private fail(why: string): void {
    if (this.failure !== null) return;
    this.failure = why;
    this.log(`a verification thread failed (${why}); signatures are verified in order from now on`);
    this.dispose();
  }

  dispose(): void {
    for (const t of this.threads ?? []) t.terminate();
    this.threads = null;
    for (const w of this.waiting.values()) w.done();
    this.waiting.clear();
  }
}

/**
 * The signatures of one chain stream, gathered block by block as they arrive
 * and sent to the pool a batch at a time. `settled()` resolves when every
 * signature gathered so far has its verdict. The stream hands over only
 * blocks whose header holds and that link, and only once its branch can beat
 * the tip (chain-stream.ts): junk and cheap low-work branches never reach the
 * threads.
 */
export class StreamVerifier {
  private batch: SignatureJob[] = [];
  private readonly queued = new Set<string>();
  private inflight: Promise<void>[] = [];

  constructor(
    private readonly pool: VerifyPool,
    private readonly cache: VerifiedCache,
  ) {}

  add(header: CheckedHeader): void {
    for (const tx of header.block.data as unknown[]) {
      const job = this.queued.size < MAX_QUEUED ? signatureJobOfNew(tx, this.cache, this.queued) : null;
      if (job === null) continue;
      this.queued.add(job.key);
      this.batch.push(job);
      if (this.batch.length >= VERIFY_BATCH) this.send();
    }
  }

  settled(): Promise<void> {
    this.send();
    const all = Promise.all(this.inflight).then(() => {});
    this.inflight = [all];
    return all;
  }

  private send(): void {
    if (this.batch.length === 0) return;
    this.inflight.push(this.pool.verify(this.batch));
    this.batch = [];
  }
}

/** Bounds the keys one stream keeps; past it, the rest is verified in order as before. */
const MAX_QUEUED = 100_000;

function signatureJobOfNew(tx: unknown, cache: VerifiedCache, queued: ReadonlySet<string>): SignatureJob | null {
  const job = signatureJobOf(tx);
  return job === null || queued.has(job.key) || cache.verdict(job.key) !== undefined ? null : job;
}
