// Where emails are prepared for sending: a worker thread, so rendering, MIME and compression run on another core while the
// delivery loop sends; in-process on small machines, and if the worker cannot run (logged once), so mail never stops for it.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../log.ts';
import { createPreparation, type Preparation, type Prepared, type PrepareJob } from './outgoing.ts';

export interface Preparer extends Preparation {
  /** Starts the worker ahead of the first email (it takes a moment to load). */
  warm(): void;
  close(): Promise<void>;
}

export interface PreparerOptions {
  secret: string;
  publicUrl: string;
  log: Logger;
  /** false: prepare on the calling thread; unset: on a worker when the machine has WORKER_MIN_CORES cores. */
  worker?: boolean;
  /** The worker's entry module, when not prepareWorker.cjs (tests start one that fails). */
  workerEntry?: URL;
}

interface Pending {
  job: PrepareJob;
  resolve(result: Prepared): void;
  reject(error: Error): void;
}

/**
 * The worker pays off only with a core to spare: handing each email over and back and a second heap cost about
 * 0.25 ms of CPU per email, while it takes about 0.3 ms off the loop's thread. On the 2-core machine of the mail
 * bench, next to the SMTP server and other work, in-process used less CPU at the same rate (`npm run bench -- mail`).
 */
const WORKER_MIN_CORES = 4;

type Reply = { id: number; result: Prepared } | { id: number; error: string } | { id: number; unknownTemplate: true };

export function createPreparer(options: PreparerOptions): Preparer {
  const { log } = options;
  const local = createPreparation(options.secret, options.publicUrl);
  if (!(options.worker ?? availableParallelism() >= WORKER_MIN_CORES)) return { prepare: (job) => local.prepare(job), warm() {}, close: async () => {} };

  let worker: Worker | null = null;
  let failed = false;
  let closing = false;
  let nextId = 0;
  const pending = new Map<number, Pending>();
  // Compiled templates the current worker has been sent: later jobs of the same key leave the sources out.
  const known = new Set<string>();

  /** The worker stopped or cannot start: what it held is prepared here, and so is everything after. */
  function failOver(reason: unknown): void {
    if (failed || closing) return;
    failed = true;
    log.error({ err: reason }, 'the email preparation worker stopped; preparing emails on the delivery thread');
    const stopped = worker;
    worker = null;
    void stopped?.terminate();
    for (const [id, p] of pending) {
      pending.delete(id);
      local.prepare(p.job).then(p.resolve, p.reject);
    }
  }

  function start(): Worker {
    // Node 20 does not give worker threads tsx's loader, so a CommonJS entry registers it before loading the TypeScript.
    const w = new Worker(options.workerEntry ?? new URL('./prepareWorker.cjs', import.meta.url), { workerData: { secret: options.secret, publicUrl: options.publicUrl } });
    w.unref();
    w.on('message', (reply: Reply) => {
      const p = pending.get(reply.id);
      if (!p) return;
      if ('unknownTemplate' in reply) {
        // The worker's cache let the template go: the same job again, this time with it.
        w.postMessage({ id: reply.id, job: p.job });
        return;
      }
      pending.delete(reply.id);
      if (pending.size === 0) w.unref();
      if ('result' in reply) p.resolve(reply.result);
      else p.reject(new Error(reply.error));
    });
    w.on('error', failOver);
    w.on('exit', (code) => {
      if (worker === w) failOver(new Error(`exited with code ${code}`));
    });
    known.clear();
    return w;
  }

  return {
    warm() {
      if (!failed && !closing && !worker) worker = start();
    },
    prepare(job) {
      if (failed || closing) return local.prepare(job);
      const w = (worker ??= start());
      let message = job;
      if (job.content.kind === 'template') {
        if (known.has(job.content.key)) message = { ...job, content: { ...job.content, sources: undefined } };
        else if (known.add(job.content.key).size > 1_000) known.clear();
      }
      const id = nextId++;
      // Held while it works for us, so a process waiting only on it does not exit; idle, it keeps nothing alive.
      if (pending.size === 0) w.ref();
      return new Promise<Prepared>((resolve, reject) => {
        pending.set(id, { job, resolve, reject });
        w.postMessage({ id, job: message });
      });
    },
    async close() {
      closing = true;
      const w = worker;
      worker = null;
      if (w) await w.terminate();
      // Nothing should be waiting (delivery stops first), but nothing is left hanging either.
      for (const [id, p] of pending) {
        pending.delete(id);
        local.prepare(p.job).then(p.resolve, p.reject);
      }
    },
  };
}
