/**
 * A run lock: one build or refresh at a time per output folder. The lock file holds the owner's
 * pid; a lock whose process is gone (killed, crashed) is stale and is cleared with a warning.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import path from "node:path";
import { LocalneedsError, messages } from "../core/messages.ts";

/** A held lock; `release()` removes it (only if still ours). */
export interface Lock {
  file: string;
  release(): void;
  /** Set when a stale lock was found and cleared. */
  clearedStale?: { pid: number; started: string };
}

/** Is a process with this pid alive? (signal 0 probes without signalling) */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Take the lock `<dir>/.localneeds.lock`, clearing a stale one; throws if another live run holds it. */
export function acquireLock(dir: string, now: Date = new Date()): Lock {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, ".localneeds.lock");
  let clearedStale: Lock["clearedStale"];
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, "wx");
      writeSync(fd, JSON.stringify({ pid: process.pid, started: now.toISOString() }) + "\n");
      closeSync(fd);
      const lock: Lock = {
        file,
        release() {
          try {
            const owner = JSON.parse(readFileSync(file, "utf8")) as { pid: number };
            if (owner.pid === process.pid) rmSync(file, { force: true });
          } catch {
            // already gone: nothing to release
          }
        },
      };
      if (clearedStale) lock.clearedStale = clearedStale;
      return lock;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      let owner: { pid: number; started: string } | undefined;
      try {
        owner = JSON.parse(readFileSync(file, "utf8"));
      } catch {
        owner = undefined; // half-written lock from a killed process: treat as stale
      }
      if (owner && processAlive(owner.pid) && owner.pid !== process.pid) throw new LocalneedsError(messages.runLocked(file, owner.pid, owner.started), "locked");
      clearedStale = owner ?? { pid: -1, started: "unknown" };
      rmSync(file, { force: true });
    }
  }
  throw new LocalneedsError(messages.runLocked(file, -1, "unknown"), "locked");
}
