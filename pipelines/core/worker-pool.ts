/**
 * Worker threads that run one job at a time each while the calling thread goes on: the chart
 * PNGs (`createPngPool`) and the hashing of input files (`inspectFiles`). A worker script is plain
 * JavaScript (it starts under any loader: tsx, vitest, plain node) that answers each message with
 * `{ ok: result }` or `{ error: { message, code?, path?, syscall?, errno? } }` (see `answerJobs` in
 * `worker-answer.mjs`). Workers start as jobs queue, up to `threads`; an idle pool does not keep
 * the process alive; jobs are queued, so memory stays that of one job per worker.
 */
import { Worker } from "node:worker_threads";

/** Runs jobs on worker threads: see {@link createWorkerPool}. */
export interface WorkerPool<Job, Result> {
  /** Run one job on a worker: its result, or the error the worker answered (a Node error keeps its code and path). */
  run(job: Job): Promise<Result>;
  /** Stop the workers (after the jobs asked for have finished); later jobs are refused. */
  close(): Promise<void>;
}

export interface WorkerPoolOptions {
  /** At most this many workers. */
  threads: number;
  /** What the pool does, for its errors (`the PNG worker stopped ...`). */
  name: string;
}

/** The error a worker sent back, as an Error with the same message and Node's error fields. */
interface SentError {
  message: string;
  code?: string;
  path?: string;
  syscall?: string;
  errno?: number;
}

const asError = (e: SentError) => Object.assign(new Error(e.message), Object.fromEntries(Object.entries(e).filter(([k, v]) => k !== "message" && v !== undefined)));

export function createWorkerPool<Job, Result>(script: URL, opts: WorkerPoolOptions): WorkerPool<Job, Result> {
  type Queued = { job: Job; resolve: (r: Result) => void; reject: (err: Error) => void };
  const queue: Queued[] = [];
  const idle: Worker[] = [];
  const busy = new Map<Worker, Queued>();
  let closed = false;
  const spawn = () => {
    // The worker is plain JavaScript and starts with no flags of the process: it needs no loader,
    // and a worker refuses V8 and process flags (--max-old-space-size, --max-semi-space-size,
    // --input-type of `node --input-type=module -e ...`) outright.
    const w = new Worker(script, { execArgv: [] });
    w.on("message", (msg: { ok?: Result; error?: SentError }) => {
      const q = busy.get(w);
      busy.delete(w);
      if (q) {
        if (msg.error) q.reject(asError(msg.error));
        else q.resolve(msg.ok as Result);
      }
      idle.push(w);
      next();
    });
    // A worker that dies (out of memory, a crash in native code) fails its job, not the pool.
    const lost = (why: string) => {
      const q = busy.get(w);
      busy.delete(w);
      const i = idle.indexOf(w);
      if (i >= 0) idle.splice(i, 1);
      q?.reject(new Error(`the ${opts.name} worker stopped (${why})`));
      next();
    };
    w.on("error", (err) => lost(err.message));
    w.on("exit", (code) => {
      if (busy.has(w) || idle.includes(w)) lost(`exit code ${code}`);
    });
    idle.push(w);
  };
  const next = () => {
    while (queue.length) {
      if (!idle.length && busy.size < opts.threads) {
        try {
          spawn();
        } catch (err) {
          // No worker could start: with none running, nothing would ever take the queued jobs
          // (and `close` would wait for them for ever), so they fail now; otherwise the running ones take them.
          if (busy.size) break;
          const error = new Error(`the ${opts.name} worker could not start (${(err as Error).message})`);
          for (const q of queue.splice(0)) q.reject(error);
          break;
        }
      }
      const w = idle.pop();
      if (!w) break;
      const q = queue.shift()!;
      busy.set(w, q);
      w.ref();
      w.postMessage(q.job);
    }
    // Idle workers must not keep the process alive; a busy one must (its caller awaits it).
    for (const w of idle) w.unref();
  };
  let drained: (() => void) | null = null;
  return {
    run(job) {
      if (closed) return Promise.reject(new Error(`the ${opts.name} pool is closed`));
      return new Promise<Result>((resolve, reject) => {
        queue.push({ job, resolve, reject });
        next();
      }).finally(() => {
        if (drained && !queue.length && !busy.size) drained();
      });
    },
    async close() {
      closed = true;
      if (queue.length || busy.size) await new Promise<void>((r) => (drained = r));
      const all = [...idle, ...busy.keys()];
      idle.length = 0;
      await Promise.all(all.map((w) => w.terminate()));
    },
  };
}
