/**
 * The context every stage function receives: the warehouse, the validated config, a logger and
 * a clock. Only entry points (`pipelines/*.ts` with a CLI) read `process.env`/`argv` or exit.
 */
import type { Warehouse } from "./warehouse.ts";
import type { Config } from "./config.ts";

/** Where stage output goes: one line per stage, warnings, progress. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  /** Progress of long work, e.g. `progress("loading crime", 12, 36)`. */
  progress(label: string, done: number, total: number): void;
  /** One line per stage (loggers without it get `info("<n> <name>: <summary> (<s> s)")`). */
  stage?(n: number, name: string, summary: string, seconds: number): void;
}

/** A clock: the build time stamped on outputs (fixed in tests, `SOURCE_DATE_EPOCH` when set). */
export interface Clock {
  now(): Date;
}

/** What a stage needs. */
export interface Context {
  db: Warehouse;
  config: Config;
  log: Logger;
  clock: Clock;
  /**
   * Set while a refresh runs a source whose only change is its own files: the files of the last
   * run and of this one, each with its SHA-256. An adapter that can may read only the new ones
   * (police.uk street files); one that ignores it reads every file, as in a full build.
   */
  previousFiles?: { before: ReadonlyMap<string, string>; now: ReadonlyMap<string, string> };
}

/** A logger that drops everything (tests). */
export const silentLogger: Logger = { info() {}, warn() {}, progress() {} };

/** A logger that collects lines, for tests that assert on messages. */
export function memoryLogger(): Logger & { lines: string[]; warnings: string[] } {
  const lines: string[] = [];
  const warnings: string[] = [];
  return {
    lines,
    warnings,
    info: (m) => void lines.push(m),
    warn: (m) => void warnings.push(m),
    progress() {},
  };
}

/** A logger writing to stderr/stdout; progress redraws one line on a TTY. */
export function consoleLogger(stream: NodeJS.WriteStream = process.stdout): Logger {
  const tty = Boolean(stream.isTTY);
  let drawn = false;
  const clear = () => {
    if (drawn) stream.write("\r\x1b[2K");
    drawn = false;
  };
  return {
    info(m) {
      clear();
      stream.write(m + "\n");
    },
    warn(m) {
      clear();
      process.stderr.write("warning: " + m + "\n");
    },
    progress(label, done, total) {
      if (!tty) return;
      const width = 24;
      const filled = total > 0 ? Math.round((done / total) * width) : 0;
      stream.write(`\r\x1b[2K  ${label} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done}/${total}`);
      drawn = done < total;
      if (!drawn) stream.write("\r\x1b[2K");
    },
  };
}

/** A logger for machines (`--json-log`): one JSON object per line on stdout, warnings included. */
export function jsonLogger(write: (line: string) => void = (l) => void process.stdout.write(l + "\n"), now: () => Date = () => new Date()): Logger {
  const emit = (o: Record<string, unknown>) => write(JSON.stringify({ time: now().toISOString(), ...o }));
  return {
    info: (message) => emit({ level: "info", message }),
    warn: (message) => emit({ level: "warning", message }),
    progress() {},
    stage: (n, name, summary, seconds) => emit({ level: "info", stage: n, name, summary, seconds: Math.round(seconds * 1000) / 1000 }),
  };
}

/** A fixed clock (tests, reproducible builds). */
export const fixedClock = (iso: string): Clock => ({ now: () => new Date(iso) });

/** The build clock: `SOURCE_DATE_EPOCH` (seconds) when given, else the wall clock. */
export function buildClock(sourceDateEpoch?: string): Clock {
  if (sourceDateEpoch && /^\d+$/.test(sourceDateEpoch)) {
    const fixed = new Date(Number(sourceDateEpoch) * 1000);
    return { now: () => fixed };
  }
  return { now: () => new Date() };
}
