/**
 * Run one bench task in a fresh `node --import tsx` child process, with a time limit, sampling
 * the child's peak resident memory (`VmHWM` in /proc/<pid>/status) while it runs and taking the
 * larger of that and the child's own `maxRSS`.
 */
import { spawn } from "node:child_process";
import { createWriteStream, existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Task, TaskResult } from "./tasks.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const CHILD = path.join(here, "child.ts");
/** The repository root (tsx resolves from here). */
export const REPO_ROOT = path.resolve(here, "..", "..");

/** One run of a task. */
export interface RunRecord extends TaskResult {
  /** Wall-clock seconds of the child process, start-up included. */
  wall_seconds: number;
  /** Peak resident memory of the child in MiB. */
  peak_rss_mb: number;
  timed_out: boolean;
}

function vmHwmMb(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0; // the process has exited between samples (or /proc is absent): the child's own maxRSS still counts
  }
}

/** Run `task` in a child; `scratch` is a file stem for its task, result and log files. */
export async function runChild(task: Task, opts: { scratch: string; timeoutSeconds: number }): Promise<RunRecord> {
  const taskFile = `${opts.scratch}.task.json`;
  const resultFile = `${opts.scratch}.result.json`;
  const logFile = `${opts.scratch}.log`;
  writeFileSync(taskFile, JSON.stringify(task, null, 2) + "\n");
  writeFileSync(resultFile, "");
  const t0 = performance.now();
  const child = spawn(process.execPath, ["--import", "tsx", CHILD, taskFile, resultFile], {
    cwd: REPO_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, TZ: "UTC" },
  });
  const log = createWriteStream(logFile);
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  let hwm = 0;
  const sampler = setInterval(() => (hwm = Math.max(hwm, vmHwmMb(child.pid!))), 200);
  let timedOut = false;
  const killer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, opts.timeoutSeconds * 1000);
  // A child killed by a signal (SIGSEGV, SIGKILL from the kernel) exits with no code: name the signal.
  const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("exit", (c, s) => resolve({ code: c, signal: s })));
  clearInterval(sampler);
  clearTimeout(killer);
  const wall = (performance.now() - t0) / 1000;
  await new Promise<void>((resolve) => log.end(resolve));
  const text = existsSync(resultFile) ? readFileSync(resultFile, "utf8").trim() : "";
  if (!text) {
    const logLines = existsSync(logFile) ? readFileSync(logFile, "utf8").trim().split("\n") : [];
    const tail = logLines.find((l) => /Error|error:/.test(l)) ?? logLines.at(-1) ?? "";
    // Stages finished before the failure (builds print `N stage: summary (S s)` lines).
    const steps = Object.fromEntries(
      logLines.map((l) => /^\d (\w+): .*\(([\d.]+) s\)$/.exec(l)).filter((x): x is RegExpExecArray => x !== null).map((x) => [x[1], Number(x[2])]),
    );
    return {
      ok: false, seconds: 0, steps: {}, info: Object.keys(steps).length ? { finished_stages: steps } : {}, wall_seconds: wall, peak_rss_mb: hwm, timed_out: timedOut,
      error: timedOut ? `killed after the ${opts.timeoutSeconds} s time limit` : `child ${signal ? `killed by ${signal}` : `exited with code ${code}`} without a result${tail ? ` (last output: ${tail})` : ""}`,
    };
  }
  const r = JSON.parse(text) as TaskResult & { max_rss_mb: number };
  const { max_rss_mb, ...rest } = r;
  return { ...rest, wall_seconds: wall, peak_rss_mb: Math.max(hwm, max_rss_mb), timed_out: false };
}
