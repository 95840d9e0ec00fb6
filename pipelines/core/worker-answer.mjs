/**
 * The worker's side of a pool (`createWorkerPool` in worker-pool.ts): run `fn` on each job the
 * pool sends and answer `{ ok: result }`, or `{ error }` with the message and Node's error fields
 * (code, path, syscall, errno), so the caller's error reads as if the job had run on its own
 * thread. Plain JavaScript: worker scripts start under any loader.
 */
import { parentPort } from "node:worker_threads";

export function answerJobs(fn) {
  parentPort.on("message", async (job) => {
    let result;
    try {
      result = await fn(job);
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      parentPort.postMessage({ error: { message: e.message, code: e.code, path: e.path, syscall: e.syscall, errno: e.errno } });
      return;
    }
    parentPort.postMessage({ ok: result });
  });
}
