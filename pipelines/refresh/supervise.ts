/**
 * The build runs in a child process watched by the command: a native crash of the child is
 * reported in one line and the run tried again, once. (The crash seen rarely under load was
 * DuckDB's strptime reading past a date cell; see `strptimeSql`. This stays as the guard for any
 * other native fault, in DuckDB, resvg or Chromium's driver.) That is safe because a crashed run publishes nothing and
 * the next run clears its lock and leftovers. SIGINT and SIGTERM are passed on to the child.
 */
import { spawn } from "node:child_process";

/** Signals of a crash in native code (not of someone stopping the run). */
export const CRASH_SIGNALS: readonly NodeJS.Signals[] = ["SIGSEGV", "SIGBUS", "SIGILL", "SIGABRT", "SIGFPE"];

const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

/**
 * Run `argv` (node arguments, e.g. `[...process.execArgv, script, ...args]`) with `env`, inheriting
 * stdio; on a crash signal call `onCrash(signal, attempt, retrying)` and run again, up to
 * `retries` more times. Resolves to the exit code (1 after a crash that is not retried; 128 + n
 * for another signal).
 */
export async function supervise(
  argv: string[],
  env: NodeJS.ProcessEnv,
  opts: { retries: number; onCrash: (signal: NodeJS.Signals, attempt: number, retrying: boolean) => void },
): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    const child = spawn(process.execPath, argv, { stdio: "inherit", env });
    const forward = (s: NodeJS.Signals) => child.kill(s);
    process.on("SIGINT", forward).on("SIGTERM", forward);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on("exit", (c, s) => resolve([c, s])));
    process.off("SIGINT", forward).off("SIGTERM", forward);
    if (signal && CRASH_SIGNALS.includes(signal)) {
      const retrying = attempt <= opts.retries;
      opts.onCrash(signal, attempt, retrying);
      if (retrying) continue;
      return 1;
    }
    if (signal) return 128 + (SIGNAL_NUMBERS[signal] ?? 0);
    return code ?? 1;
  }
}
