/**
 * A run lock: one build or refresh at a time per output folder. The lock file holds the owner's
 * pid, start time and a random token; a lock whose process is gone (killed, crashed) is stale and
 * is cleared with a warning.
 *
 * Acquisition is atomic, also when several runs find the same stale lock at once:
 * - the lock file appears whole or not at all: its text is written to a private file first and
 *   hard-linked to `.localneeds.lock` (`link` fails if the name exists, like `O_EXCL`);
 * - a stale lock is cleared only inside a takeover section (`.localneeds.lock.takeover`, a folder
 *   made with `mkdir`, which only one process can create), and only if the lock still holds the
 *   very text found stale (the token makes every lock's text unique). Without that re-check two
 *   runs could each delete the stale file, the second deleting the first's new lock, and both hold.
 * A takeover folder older than a minute (its process was killed inside the few milliseconds it is
 * held) is removed.
 */
import { randomBytes } from "node:crypto";
import { linkSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { LocalneedsError, messages } from "../core/messages.ts";
import { processAlive } from "../core/process-alive.ts";

/** A held lock; `release()` removes it (only if still ours). */
export interface Lock {
  file: string;
  release(): void;
  /** Set when a stale lock was found and cleared. */
  clearedStale?: { pid: number; started: string };
}


/** How long a takeover section may stay before it counts as abandoned. */
const TAKEOVER_STALE_MS = 60_000;

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** The lock's text, or null when there is no lock file. */
function readLock(file: string): string | null {
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
}

/** The owner named by a lock's text; undefined when the text is not a whole lock (a killed writer of an older version). */
function ownerOf(text: string): { pid: number; started: string } | undefined {
  try {
    const o = JSON.parse(text) as { pid?: unknown; started?: unknown };
    return typeof o.pid === "number" ? { pid: o.pid, started: String(o.started ?? "unknown") } : undefined;
  } catch {
    return undefined;
  }
}

/** Create `file` holding `text` if no file has that name: true when this call created it. */
function createExclusive(file: string, text: string): boolean {
  const mine = `${file}.${process.pid}-${randomBytes(4).toString("hex")}`;
  writeFileSync(mine, text);
  try {
    linkSync(mine, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw err;
  } finally {
    rmSync(mine, { force: true });
  }
}

/**
 * Remove the lock `file` if it still holds `staleText`, inside the takeover section: "cleared",
 * "changed" (another run replaced it meanwhile), or "busy" (another run is taking over now).
 */
function clearStale(file: string, staleText: string): "cleared" | "changed" | "busy" {
  const section = `${file}.takeover`;
  try {
    mkdirSync(section);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    clearAbandonedSection(section);
    return "busy";
  }
  try {
    if (readLock(file) !== staleText) return "changed";
    rmSync(file, { force: true });
    return "cleared";
  } finally {
    rmSync(section, { recursive: true, force: true });
  }
}

/** Remove a takeover section left by a run killed inside it (older than `TAKEOVER_STALE_MS`). */
function clearAbandonedSection(section: string): void {
  try {
    if (Date.now() - statSync(section).mtimeMs > TAKEOVER_STALE_MS) rmSync(section, { recursive: true, force: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err; // none: the usual case
  }
}

/** Take the lock `<dir>/.localneeds.lock`, clearing a stale one; throws if another live run holds it. */
export function acquireLock(dir: string, now: Date = new Date()): Lock {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, ".localneeds.lock");
  const text = JSON.stringify({ pid: process.pid, started: now.toISOString(), token: randomBytes(8).toString("hex") }) + "\n";
  let clearedStale: Lock["clearedStale"];
  // Each pass either takes the lock, finds it live, or sees another run mid-takeover (and waits a little).
  for (const until = Date.now() + 30_000; Date.now() < until; ) {
    if (createExclusive(file, text)) {
      clearAbandonedSection(`${file}.takeover`);
      const lock: Lock = {
        file,
        release() {
          // Only our own lock (a live lock is never taken over, so it is still ours unless removed by hand).
          const current = readLock(file);
          if (current !== null && ownerOf(current)?.pid === process.pid) rmSync(file, { force: true });
        },
      };
      if (clearedStale) lock.clearedStale = clearedStale;
      return lock;
    }
    const found = readLock(file);
    if (found === null) continue; // released in between: try again
    const owner = ownerOf(found);
    if (owner && owner.pid !== process.pid && processAlive(owner.pid)) throw new LocalneedsError(messages.runLocked(file, owner.pid, owner.started), "locked");
    const cleared = clearStale(file, found);
    if (cleared === "cleared") clearedStale = owner ?? { pid: -1, started: "unknown" };
    else if (cleared === "busy") sleep(5 + Math.floor(Math.random() * 10));
  }
  throw new LocalneedsError(messages.runLocked(file, -1, "unknown"), "locked");
}
