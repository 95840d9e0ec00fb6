/**
 * Where the demo is built in the tests, without vitest (the shared build runs in a plain child
 * process): the temporary folder layout, the fixed clock, the shared build's record and markers,
 * and the render cache kept between runs.
 */
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadConfig, type Config } from "../../pipelines/core/config.ts";
import { fixedClock, memoryLogger } from "../../pipelines/core/context.ts";
import { runBuild, type BuildResult } from "../../pipelines/run-build.ts";
import type { FileLoad } from "../../sources/load-csv.ts";
import type { ChangeReport } from "../../pipelines/refresh/changes.ts";
import { repoRoot } from "./shared.ts";

/** The build time of every demo build in the tests. */
export const DEMO_CLOCK = "2025-06-30T12:00:00Z";

/**
 * A copy of the demo config placed so that its `../../outputs/...` paths land in a fresh
 * temporary folder: `<tmp>/outputs/{demo-data,warehouse.duckdb,packs}`.
 */
export function demoConfigInTemp(root = mkdtempSync(path.join(tmpdir(), "localneeds-e2e-"))): { root: string; config: Config } {
  const dir = path.join(root, "configs", "demo");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "demo.json");
  copyFileSync(path.join(repoRoot, "pipelines", "configs", "demo.json"), file);
  return { root, config: loadConfig(file) };
}

/** Build the demo into a temporary folder with a fixed clock (`pdf: false`: without pack.pdf, for tests of anything else). */
export async function buildDemoInTemp(root?: string, opts: { pdf?: boolean } = {}): Promise<{ root: string; config: Config; result: BuildResult; log: ReturnType<typeof memoryLogger> }> {
  const { root: r, config } = demoConfigInTemp(root);
  const log = memoryLogger();
  const result = await runBuild({ config, log, clock: fixedClock(DEMO_CLOCK), ...(opts.pdf === false ? { browserPath: false as const } : {}) });
  return { root: r, config, result, log };
}

/** What the shared build wrote (plain JSON: it crosses from the build's process to the test files). */
export interface SharedDemoRecord {
  root: string;
  configFile: string;
  warehouse: string;
  packDirs: string[];
  runId: string;
  loads: FileLoad[];
  changes: ChangeReport;
  /** The build's log lines (one per stage). */
  logLines: string[];
}

/** What the shared build of the lighter demo wrote. */
export interface SharedLightRecord {
  root: string;
  configFile: string;
}

/** File names inside the shared build's folder: written when it is done, or when it failed. */
export const SHARED_READY = "ready.json";
export const SHARED_FAILED = "failed.txt";
/**
 * The record of a shared build made by `test/global-setup.ts` in `dir` (the folder it provided),
 * once it is done; throws the build's error if it failed.
 */
export async function waitForSharedBuild<T>(dir: string | undefined, what: string, caller: string): Promise<T> {
  if (!dir) throw new Error(`no shared ${what} build: test/global-setup.ts provides one to files that call ${caller}`);
  for (;;) {
    if (existsSync(path.join(dir, SHARED_FAILED))) throw new Error(`the shared ${what} build failed:\n${readFileSync(path.join(dir, SHARED_FAILED), "utf8")}`);
    if (existsSync(path.join(dir, SHARED_READY))) return JSON.parse(readFileSync(path.join(dir, SHARED_READY), "utf8")) as T;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The shared build's files and their sizes and times when it was done (teardown checks nobody wrote to it). */
export const SHARED_SNAPSHOT = "snapshot.json";

/** Where the chart render cache is kept between test runs (ignored by git). */
export const PERSISTENT_RENDER_CACHE = path.join(repoRoot, ".cache", "test-render", "charts");

/**
 * Keep a render cache between test runs: copy `persistent` into `working` before a build and
 * the build's cache back afterwards (new files added atomically, files the build no longer
 * uses removed). Chart files are named by the hash of what shapes them, so a kept file is
 * never stale.
 */
export const renderCacheSync = {
  seed(persistent: string, working: string): void {
    if (existsSync(persistent)) cpSync(persistent, working, { recursive: true });
  },
  keep(working: string, persistent: string): void {
    if (!existsSync(working)) return;
    mkdirSync(persistent, { recursive: true });
    const now = new Set(readdirSync(working));
    for (const f of now) {
      const dst = path.join(persistent, f);
      if (existsSync(dst) && statSync(dst).size === statSync(path.join(working, f)).size) continue;
      copyFileSync(path.join(working, f), `${dst}.tmp-${process.pid}`);
      renameSync(`${dst}.tmp-${process.pid}`, dst);
    }
    for (const f of readdirSync(persistent)) if (!now.has(f) && !f.includes(".tmp-")) rmSync(path.join(persistent, f), { force: true });
  },
};

/** Every file under `dir` with its size and modification time (to notice writes to a read-only build). */
export function treeSnapshot(dir: string, skip: string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const p = path.relative(dir, path.join(e.parentPath, e.name));
    if (!e.isFile() || skip.includes(p)) continue;
    const st = statSync(path.join(dir, p));
    out[p] = `${st.size} ${st.mtimeMs}`;
  }
  return out;
}

/**
 * A lighter demo: the config beside `demo`'s (`light.json`, same inputs and outputs) with crime,
 * population and deprivation only and the crime outcomes. A build of it takes a third of the
 * demo's time and goes through every stage and the same publishing (the crime charts come from
 * the shared build's render cache), for tests of the run itself (kills, I/O failures).
 */
export function lighterDemo(demo: Config): Config {
  const json = JSON.parse(readFileSync(demo.configPath, "utf8")) as Record<string, unknown> & { sources: Record<string, unknown>; outcomes: { indicator: string }[] };
  const light = {
    ...json,
    outcomes: json.outcomes.filter((o) => o.indicator.startsWith("crime.")),
    sources: { crime: json.sources.crime, population: json.sources.population, deprivation: json.sources.deprivation },
  };
  const file = path.join(path.dirname(demo.configPath), "light.json");
  writeFileSync(file, JSON.stringify(light, null, 2));
  return loadConfig(file);
}
