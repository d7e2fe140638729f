import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * Password hashing off the event loop, at low CPU priority, behind a bounded queue served fairly.
 *
 * - Each worker thread runs argon2 synchronously (@node-rs/argon2's hashSync/verifySync) after
 *   lowering its own scheduling priority (nice 19; Linux nice values are per thread): when the
 *   machine is busy, the event loop and the database get the CPU first and hashing takes the
 *   idle cycles. libuv's shared pool, which the async API uses, would run the hashes at the
 *   event loop's priority (and share the pool with DNS and file I/O).
 * - Waiting jobs are queued per lane (the caller's client address) and dispatched round-robin
 *   across lanes: one client's burst of sign-ins does not push every other client to the back.
 * - The queue is bounded (in total and per lane). A job that does not fit is refused at once
 *   with `QueueFullError` and an estimate of when to retry, instead of waiting without bound.
 */

export interface HashingPoolOptions {
  /** Worker threads (hashes running at once). */
  workers: number;
  /** Jobs waiting (not yet running) across all lanes. */
  maxQueued: number;
  /** Jobs waiting in one lane. */
  maxQueuedPerLane: number;
  /** Scheduling priority of the worker threads (-20..19; 19 is the lowest). */
  nice: number;
}

export class QueueFullError extends Error {
  constructor(public readonly retryAfterSeconds: number) {
    super('The password-hashing queue is full.');
  }
}

type Job = { op: 'hash' | 'verify'; args: string[]; resolve: (v: unknown) => void; reject: (e: unknown) => void };

interface Slot {
  worker: Worker;
  job: Job | null;
  startedAt: number;
}

/** The worker's source: plain JavaScript, so it runs the same from the TypeScript sources (tests) and from dist/. */
function workerSource(argon2Path: string): string {
  return `
const { parentPort, workerData } = require('node:worker_threads');
const os = require('node:os');
const argon2 = require(${JSON.stringify(argon2Path)});
try { os.setPriority(0, workerData.nice); } catch (e) { /* not permitted: run at the normal priority */ }
const OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1, algorithm: 2 };
parentPort.on('message', ({ op, args }) => {
  try {
    const value = op === 'hash' ? argon2.hashSync(args[0], OPTIONS) : argon2.verifySync(args[0], args[1]);
    parentPort.postMessage({ ok: true, value });
  } catch (e) {
    parentPort.postMessage({ ok: false, message: String(e && e.message ? e.message : e) });
  }
});`;
}

export class HashingPool {
  private readonly slots: Slot[] = [];
  /** Waiting jobs per lane; lanes in round-robin order (a Map keeps insertion order). */
  private readonly lanes = new Map<string, Job[]>();
  private queued = 0;
  /** Moving average of one job's duration (ms), for Retry-After. */
  private avgMs = 20;

  constructor(readonly options: HashingPoolOptions) {
    if (!Number.isInteger(options.workers) || options.workers < 1) {
      throw new RangeError(`hashing workers must be a positive integer (got ${options.workers})`);
    }
  }

  /** Runs argon2 hash(password) or verify(hash, password) on a worker; rejects with QueueFullError when the queue is full. */
  run(op: 'hash', args: [password: string], lane: string): Promise<string>;
  run(op: 'verify', args: [hash: string, password: string], lane: string): Promise<boolean>;
  run(op: 'hash' | 'verify', args: string[], lane: string): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const job: Job = { op, args, resolve, reject };
      const idle = this.idleSlot();
      if (idle) {
        this.start(idle, job);
        return;
      }
      const waiting = this.lanes.get(lane);
      if (this.queued >= this.options.maxQueued || (waiting?.length ?? 0) >= this.options.maxQueuedPerLane) {
        reject(new QueueFullError(this.retryAfterSeconds()));
        return;
      }
      if (waiting) {
        waiting.push(job);
      } else {
        this.lanes.set(lane, [job]);
      }
      this.queued++;
    });
  }

  /** Jobs waiting and running now. */
  get load(): { queued: number; running: number } {
    return { queued: this.queued, running: this.slots.filter((s) => s.job).length };
  }

  /** Ends the worker threads (waiting jobs are refused). */
  async close(): Promise<void> {
    for (const lane of this.lanes.values()) {
      for (const job of lane) {
        job.reject(new Error('hashing pool closed'));
      }
    }
    this.lanes.clear();
    this.queued = 0;
    await Promise.all(this.slots.splice(0).map((s) => s.worker.terminate()));
  }

  /** Seconds until the queue has drained at the current pace (at least 1). */
  private retryAfterSeconds(): number {
    return Math.max(1, Math.ceil(((this.queued + this.options.workers) * this.avgMs) / this.options.workers / 1000));
  }

  private idleSlot(): Slot | null {
    const free = this.slots.find((s) => !s.job);
    if (free) {
      return free;
    }
    if (this.slots.length < this.options.workers) {
      const slot = this.spawn();
      this.slots.push(slot);
      return slot;
    }
    return null;
  }

  private spawn(): Slot {
    const worker = new Worker(workerSource(require.resolve('@node-rs/argon2')), { eval: true, workerData: { nice: this.options.nice } });
    const slot: Slot = { worker, job: null, startedAt: 0 };
    // Idle workers do not keep the process alive (a finished CLI or test exits).
    worker.unref();
    worker.on('message', (m: { ok: boolean; value?: unknown; message?: string }) => {
      const job = slot.job;
      slot.job = null;
      this.avgMs = this.avgMs * 0.8 + (performance.now() - slot.startedAt) * 0.2;
      if (m.ok) {
        job?.resolve(m.value);
      } else {
        job?.reject(new Error(m.message));
      }
      const next = this.nextJob();
      if (next) {
        this.start(slot, next);
      } else {
        worker.unref();
      }
    });
    worker.on('error', (e) => {
      // The worker is gone: its job fails, and the next waiting job gets a fresh worker.
      slot.job?.reject(e);
      slot.job = null;
      this.slots.splice(this.slots.indexOf(slot), 1);
      const next = this.nextJob();
      if (next) {
        this.start(this.idleSlot()!, next);
      }
    });
    return slot;
  }

  private start(slot: Slot, job: Job): void {
    slot.job = job;
    slot.startedAt = performance.now();
    // A busy worker keeps the process alive until its answer is in.
    slot.worker.ref();
    slot.worker.postMessage({ op: job.op, args: job.args });
  }

  /** The next waiting job, one lane after the other. */
  private nextJob(): Job | null {
    for (const [lane, jobs] of this.lanes) {
      const job = jobs.shift()!;
      this.lanes.delete(lane);
      if (jobs.length) {
        // To the back of the rotation.
        this.lanes.set(lane, jobs);
      }
      this.queued--;
      return job;
    }
    return null;
  }
}

/** Defaults: one hash at a time per spare core (at least one), 64 waiting, 16 from one client, nice 19. */
export function defaultHashingOptions(): HashingPoolOptions {
  return { workers: Math.max(1, availableParallelism() - 1), maxQueued: 64, maxQueuedPerLane: 16, nice: 19 };
}
