import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { acquireLock, processAlive } from "../../../pipelines/refresh/lock.ts";
import { messages } from "../../../pipelines/core/messages.ts";

const dir = () => mkdtempSync(path.join(tmpdir(), "ln-lock-"));

describe("run lock", () => {
  it("holds, refuses a second taker while the owner lives, and releases", () => {
    const d = dir();
    const a = acquireLock(d);
    expect(JSON.parse(readFileSync(a.file, "utf8")).pid).toBe(process.pid);
    // A live other process holds it: simulate with our parent's pid.
    writeFileSync(a.file, JSON.stringify({ pid: process.ppid, started: "2025-01-01T00:00:00.000Z" }));
    expect(() => acquireLock(d)).toThrow(messages.runLocked(a.file, process.ppid, "2025-01-01T00:00:00.000Z"));
    writeFileSync(a.file, JSON.stringify({ pid: process.pid, started: "x" }));
    a.release();
    expect(existsSync(a.file)).toBe(false);
  });

  it("clears a stale lock whose process is gone", () => {
    const d = dir();
    const gone = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
    const pid = Number(gone.stdout);
    expect(processAlive(pid)).toBe(false);
    writeFileSync(path.join(d, ".localneeds.lock"), JSON.stringify({ pid, started: "2025-01-01T00:00:00.000Z" }));
    const lock = acquireLock(d);
    expect(lock.clearedStale).toEqual({ pid, started: "2025-01-01T00:00:00.000Z" });
    lock.release();
  });

  it("treats a half-written lock as stale", () => {
    const d = dir();
    writeFileSync(path.join(d, ".localneeds.lock"), "{\"pid\": 12");
    const lock = acquireLock(d);
    expect(lock.clearedStale).toBeDefined();
    lock.release();
  });
});
