/**
 * The timed tasks of `npm run bench`, each run in its own child process (`child.ts`) so its peak
 * memory is its own. A task is plain JSON in, a `TaskResult` out; what each one times is stated
 * on its type.
 */
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { loadConfig } from "../core/config.ts";
import "../../sources/index.ts"; // registers the sources' config blocks
import { fixedClock, silentLogger, type Context, type Logger } from "../core/context.ts";
import { countTableText, type CountResult } from "./crime-counts.ts";
import { chartCacheOf } from "../pack/chart-cache.ts";

// Each task imports only what it runs (dynamic imports), so the crime comparison does not depend
// on the pack and chart code, and a task's memory holds only its own modules.

/** A task for a child process. */
export type Task =
  /** Crime ingest + ward aggregation, localneeds: geography and crime stages 1-2 into a fresh warehouse file, then GROUP BY ward, month. */
  | { kind: "crime-localneeds"; config: string; warehouse: string; table: string }
  /** The same counts with one raw DuckDB query over the CSVs (in-memory database). */
  | { kind: "crime-raw-duckdb"; globs: string[]; lookup: string; table: string }
  /** The same counts with streaming papaparse and a JS Map. */
  | { kind: "crime-papaparse"; files: string[]; lookup: string; table: string }
  /** `runBuild` over a generated config: stages 1-6 (one focus ward's pack, no per-ward packs). */
  | { kind: "build"; config: string; /** The build time (ISO); default 2025-06-30: a build past the data's last month. */ clock?: string }
  /**
   * One-month refresh: copy an existing 12-month warehouse (not timed), then `runBuild` with
   * `refresh` and the 13-month config (timed: every stage, as a scheduled refresh runs it).
   */
  | { kind: "refresh"; config: string; from: string; charts?: string }
  /** The demo borough's full build (`runBuild` with the demo config), demo data pre-generated (not timed). */
  | { kind: "demo"; root: string; demoConfig: string }
  /** Spec -> SVG (`renderSvg`) for every `.vl.json` under the folders, after one warm-up render. */
  | { kind: "charts"; dirs: string[]; repeat: number };

/** What a task measured. */
export interface TaskResult {
  ok: boolean;
  /** Seconds of the timed work (no process start-up). */
  seconds: number;
  /** Named parts of `seconds`. */
  steps: Record<string, number>;
  /** Extra facts (row counts, chart render times...). */
  info: Record<string, unknown>;
  error?: string;
}

const since = (t0: number) => (performance.now() - t0) / 1000;
/** Stage lines (`1 load: ... (141.0 s)`) to stdout, so a run killed at its time limit still shows the stages it finished. */
const stageLogger: Logger = { info: (m) => void process.stdout.write(m + "\n"), warn() {}, progress() {} };
const clock = fixedClock("2025-06-30T12:00:00Z");

function countResult(r: CountResult, table: string): TaskResult {
  writeFileSync(table, countTableText(r.rows));
  return { ok: true, seconds: r.seconds, steps: r.steps, info: { rows: r.rows.length, crimes: r.rows.reduce((s, x) => s + Number(x.crimes), 0) } };
}

/** Run one task in this process. */
export async function runTask(task: Task): Promise<TaskResult> {
  switch (task.kind) {
    case "crime-localneeds": {
      const { localneedsCounts } = await import("./crime-counts.ts");
      for (const f of [task.warehouse, task.warehouse + ".wal"]) rmSync(f, { force: true });
      try {
        return countResult(await localneedsCounts(loadConfig(task.config), task.warehouse), task.table);
      } finally {
        for (const f of [task.warehouse, task.warehouse + ".wal"]) rmSync(f, { force: true });
      }
    }
    case "crime-raw-duckdb": {
      const { rawDuckdbCounts } = await import("./crime-counts.ts");
      return countResult(await rawDuckdbCounts(task.globs, task.lookup), task.table);
    }
    case "crime-papaparse": {
      const { papaparseCounts } = await import("./crime-counts.ts");
      return countResult(await papaparseCounts(task.files, task.lookup), task.table);
    }
    case "build": {
      const { runBuild } = await import("../run-build.ts");
      const config = loadConfig(task.config);
      clearChartCache(config);
      const t0 = performance.now();
      const r = await runBuild({ config, log: stageLogger, clock: task.clock ? fixedClock(task.clock) : clock, browserPath: null });
      const seconds = since(t0);
      const steps = Object.fromEntries(r.stages.map((s) => [s.stage, s.seconds]));
      return { ok: true, seconds, steps, info: { stages: r.stages.map((s) => `${s.stage}: ${s.summary}`), charts: r.packDirs.map((d) => path.join(d, "charts")) } };
    }
    case "refresh": {
      const { runBuild } = await import("../run-build.ts");
      const config = loadConfig(task.config);
      for (const f of [config.warehouse, config.warehouse + ".wal"]) rmSync(f, { force: true });
      copyFileSync(task.from, config.warehouse);
      // The chart images the build it refreshes left (a refresh draws only the charts that changed).
      clearChartCache(config);
      if (task.charts && existsSync(task.charts)) cpSync(task.charts, chartCacheOf(config), { recursive: true });
      try {
        const t0 = performance.now();
        const r = await runBuild({ config, log: stageLogger, clock: fixedClock("2025-07-31T12:00:00Z"), refresh: true, browserPath: null });
        const seconds = since(t0);
        return {
          ok: true, seconds, steps: Object.fromEntries(r.stages.map((s) => [s.stage, s.seconds])),
          info: { stages: r.stages.map((s) => `${s.stage}: ${s.summary}`), files_read: r.loads.filter((l) => !l.reused).length, files_kept: r.loads.filter((l) => l.reused).length },
        };
      } finally {
        for (const f of [config.warehouse, config.warehouse + ".wal"]) rmSync(f, { force: true });
      }
    }
    case "demo": {
      const { runBuild } = await import("../run-build.ts");
      const { generateDemoData } = await import("../../sources/demo/generate.ts");
      // The demo config's ../../outputs paths land in <root>/outputs when it sits at <root>/configs/demo/.
      const dir = path.join(task.root, "configs", "demo");
      mkdirSync(dir, { recursive: true });
      const file = path.join(dir, "demo.json");
      copyFileSync(task.demoConfig, file);
      const config = loadConfig(file);
      if (config.demoData) await generateDemoData(config.demoData.dir, config.demoData.seed);
      clearChartCache(config);
      const t0 = performance.now();
      const r = await runBuild({ config, log: silentLogger, clock });
      const seconds = since(t0);
      return { ok: true, seconds, steps: Object.fromEntries(r.stages.map((s) => [s.stage, s.seconds])), info: { charts: r.packDirs.map((d) => path.join(d, "charts")) } };
    }
    case "charts": {
      const { renderSvg } = await import("../../notebooks/charts/index.ts");
      const specs = task.dirs.flatMap((d) => readdirSync(d).filter((f) => f.endsWith(".vl.json")).sort().map((f) => path.join(d, f)));
      if (specs.length === 0) return { ok: false, seconds: 0, steps: {}, info: {}, error: "no .vl.json chart specs found" };
      const parsed = specs.map((f) => JSON.parse(readFileSync(f, "utf8")));
      await renderSvg(parsed[0], { warn: () => {} }); // warm-up: module initialisation and JIT
      const times: number[] = [];
      const t0 = performance.now();
      for (let k = 0; k < task.repeat; k++) {
        for (const spec of parsed) {
          const t = performance.now();
          await renderSvg(spec, { warn: () => {} });
          times.push(performance.now() - t);
        }
      }
      const sorted = [...times].sort((a, b) => a - b);
      return {
        ok: true, seconds: since(t0), steps: {},
        info: { charts: specs.length, renders: times.length, median_ms: sorted[Math.floor((sorted.length - 1) / 2)], p90_ms: sorted[Math.floor(0.9 * (sorted.length - 1))], max_ms: sorted.at(-1) },
      };
    }
  }
}

/**
 * Empty the chart images a build keeps beside its packs (`<outputs>/.cache/charts`) before a timed
 * full build, so every run draws its charts as a first build does: the runs of one kind share the
 * folder, and the second run found every chart drawn (the demo build took 30 s cold, 15-18 s warm).
 * Each refresh run starts from the images of the 12-month build it refreshes.
 */
function clearChartCache(config: { outputDir: string }): void {
  rmSync(chartCacheOf(config), { recursive: true, force: true });
}
