import { describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { startRacers, until } from "../../helpers/racers.ts";
import { acquireLock } from "../../../pipelines/refresh/lock.ts";
import { processAlive } from "../../../pipelines/core/process-alive.ts";
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

  it("several runs finding the same stale lock at once: exactly one holds it, every trial", async () => {
    const RACERS = 5;
    const TRIALS = 20;
    const d = dir();
    const sync = path.join(d, "sync");
    mkdirSync(sync);
    const lockFile = path.join(d, ".localneeds.lock");
    const children = startRacers("lock-racer.ts", [d, sync, String(TRIALS)], RACERS);
    try {
      await until("every racer started", () => readdirSync(sync).filter((f) => f.startsWith("ready-")).length === RACERS);
      const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
      const holders: number[] = [];
      const answers: string[] = [];
      for (let k = 0; k < TRIALS; k++) {
        writeFileSync(lockFile, JSON.stringify({ pid: Number(dead.stdout), started: "2025-01-01T00:00:00.000Z" }) + "\n");
        writeFileSync(path.join(sync, `go-${k}`), "");
        await until(`trial ${k}: every racer answered`, () => readdirSync(sync).filter((f) => f.startsWith(`r-${k}-`)).length === RACERS);
        const said = readdirSync(sync).filter((f) => f.startsWith(`r-${k}-`)).map((f) => readFileSync(path.join(sync, f), "utf8"));
        holders.push(said.filter((a) => a === "held").length);
        answers.push(`trial ${k}: ${said.join(" | ")}`);
        writeFileSync(path.join(sync, `release-${k}`), "");
        await until(`trial ${k}: the holder released the lock`, () => !existsSync(lockFile));
      }
      expect(holders, answers.join("\n")).toEqual(Array(TRIALS).fill(1));
      for (const ch of children) expect(await ch.exited).toMatch(/exit 0:/);
    } finally {
      for (const ch of children) ch.c.kill();
    }
  }, 120_000);
});
