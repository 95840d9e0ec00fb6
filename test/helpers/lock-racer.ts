/**
 * One racer of the lock race test (`test/pipelines/refresh/lock.test.ts`): for each trial it
 * waits for `<sync>/go-<k>`, tries `acquireLock(<dir>)` at once, writes `held` or `locked` to
 * `<sync>/r-<k>-<id>`, and a holder keeps the lock until `<sync>/release-<k>` appears.
 * Usage: tsx lock-racer.ts <dir> <sync> <trials> <id>
 */
import { existsSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { acquireLock } from "../../pipelines/refresh/lock.ts";

const [dir, sync, trials, id] = process.argv.slice(2) as [string, string, string, string];
const nap = () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
const waitFor = (f: string) => {
  const until = Date.now() + 60_000;
  while (!existsSync(f)) {
    if (Date.now() > until) throw new Error(`racer ${id}: ${f} never appeared`);
    nap();
  }
};
writeFileSync(path.join(sync, `ready-${id}`), "");
for (let k = 0; k < Number(trials); k++) {
  waitFor(path.join(sync, `go-${k}`));
  let lock: ReturnType<typeof acquireLock> | null = null;
  let why = "";
  try {
    lock = acquireLock(dir);
  } catch (err) {
    if ((err as { code?: string }).code !== "locked") throw err;
    why = (err as Error).message;
  }
  // Whole or absent: the test reads the answer as soon as the name appears.
  writeFileSync(path.join(sync, `.r-${k}-${id}`), lock ? "held" : `locked: ${why}`);
  renameSync(path.join(sync, `.r-${k}-${id}`), path.join(sync, `r-${k}-${id}`));
  if (lock) {
    waitFor(path.join(sync, `release-${k}`));
    lock.release();
  }
}
