/**
 * The build: six stages in order, each writing named tables and reading only earlier ones.
 *
 *   raw files --1 load--> raw.*  --2 conform--> staging.* + ref.*
 *             --3 measure--> marts.indicator_values      (value, 95% and 99.8% CIs)
 *             --4 compare--> marts.indicator_comparisons (vs each comparator)
 *             --5 chart----> Vega-Lite specs
 *             --6 pack-----> outputs/packs/<name>/: HTML + SVG/PNG + data downloads + manifest
 *
 * The warehouse is built in a temporary file and the pack in a temporary folder; both are
 * renamed into place only when every stage has succeeded, so a failed or killed run leaves the
 * previous warehouse and pack whole.
 */
import { existsSync, readFileSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import type { Clock, Context, Logger } from "./context.ts";
import type { Config } from "./config.ts";
import { Warehouse } from "./warehouse.ts";
import { createCoreTables } from "../transforms/marts.ts";
import { ADAPTERS } from "../sources/index.ts";
import type { FileLoad } from "../sources/load-csv.ts";
import { loadIndicators, type Indicator } from "../transforms/indicators/define.ts";
import { CATALOGUE } from "../transforms/indicators/catalogue/index.ts";
import { measureIndicators } from "../transforms/indicators/measure.ts";
import { compareIndicators } from "../transforms/compare.ts";
import { buildComparatorGroups } from "../transforms/reference/comparator-groups.ts";
import { computeTrends } from "../transforms/trends.ts";
import { secondarySuppression } from "../transforms/disclosure.ts";
import { weightSurvey } from "../transforms/survey-weighting.ts";
import { computeOutcomes } from "../transforms/outcomes.ts";
import { computeNeedIndex } from "../transforms/need-index.ts";
import { buildPackModels } from "./pack/pack-model.ts";
import { writePacks } from "./pack/write-pack.ts";
import { DEMO_GENERATOR_VERSION, generateDemoData } from "../sources/demo/generate.ts";

/** Options of one build. */
export interface BuildOptions {
  config: Config;
  log: Logger;
  clock: Clock;
  /** Build only the pack of this focus area code (default: every focus area and the borough overview). */
  area?: string;
}

/** What a build did. */
export interface BuildResult {
  warehouse: string;
  packDirs: string[];
  loads: FileLoad[];
  indicators: Indicator[];
  stages: { stage: string; seconds: number; summary: string }[];
}

const fmt = (n: number) => n.toLocaleString("en-GB");

/** Make sure the synthetic demo files exist and match the seed and generator version. */
export async function ensureDemoData(config: Config, log: Logger): Promise<boolean> {
  if (!config.demoData) return false;
  const { dir, seed } = config.demoData;
  const stampFile = path.join(dir, ".demo-stamp.json");
  if (existsSync(stampFile)) {
    const stamp = JSON.parse(readFileSync(stampFile, "utf8")) as { version?: string; seed?: number };
    if (stamp.version === DEMO_GENERATOR_VERSION && stamp.seed === seed) return false;
  }
  rmSync(dir, { recursive: true, force: true });
  await generateDemoData(dir, seed);
  log.info(`0 demo data: generated the synthetic borough (seed ${seed}) in ${path.relative(process.cwd(), dir) || dir}`);
  return true;
}

/** Run stages 1-6. Throws on failure, leaving earlier outputs untouched. */
export async function runBuild(opts: BuildOptions): Promise<BuildResult> {
  const { config, log, clock } = opts;
  await ensureDemoData(config, log);
  const { indicators, errors } = loadIndicators(CATALOGUE);
  for (const e of errors) log.warn(e);
  const final = config.warehouse;
  const building = final === ":memory:" ? final : `${final}.building-${process.pid}`;
  if (building !== ":memory:") for (const f of [building, building + ".wal"]) rmSync(f, { force: true });
  const db = await Warehouse.open(building);
  const ctx: Context = { db, config, log, clock };
  const stages: BuildResult["stages"] = [];
  const stage = async <T>(n: number, name: string, fn: () => Promise<T>, summary: (t: T) => string): Promise<T> => {
    const t0 = performance.now();
    const out = await fn();
    const seconds = (performance.now() - t0) / 1000;
    const line = summary(out);
    stages.push({ stage: name, seconds, summary: line });
    log.info(`${n} ${name}: ${line} (${seconds.toFixed(1)} s)`);
    return out;
  };
  let ok = false;
  try {
    await createCoreTables(db);
    const enabled = ADAPTERS.filter((a) => a.enabled(ctx));
    // 1. load: raw files -> raw.*
    const loads = await stage(1, "load", async () => {
      const all: FileLoad[] = [];
      for (const a of enabled) all.push(...(await a.load(ctx)));
      return all;
    }, (l) => {
      const read = l.reduce((s, x) => s + x.rowsRead, 0);
      const rej = l.reduce((s, x) => s + x.rowsRejected, 0);
      return `${l.length} files, ${fmt(read)} rows read, ${fmt(read - rej)} loaded, ${fmt(rej)} rejected`;
    });
    // 2. conform: raw.* -> staging.* + ref.*
    await stage(2, "conform", async () => {
      for (const a of enabled) await a.conform(ctx);
      await buildComparatorGroups(ctx);
      await weightSurvey(ctx);
      return db.one<{ areas: number; warnings: number }>(
        `SELECT (SELECT count(*)::INTEGER FROM ref.areas) AS areas, (SELECT count(*)::INTEGER FROM audit.warnings) AS warnings`,
      );
    }, (r) => `${enabled.length} sources staged, ${fmt(r!.areas)} areas, ${r!.warnings} data-quality warnings`);
    // 3. measure: staging.* -> marts.indicator_values
    await stage(3, "measure", async () => ({ written: await measureIndicators(ctx, indicators), secondary: await secondarySuppression(ctx) }), (m) =>
      `${m.written.size} indicators, ${fmt([...m.written.values()].reduce((a, b) => a + b, 0))} values with 95% and 99.8% limits, ${fmt(m.secondary)} cells secondarily suppressed`);
    // 4. compare: marts.indicator_values -> marts.indicator_comparisons, trends, outcomes, need index
    await stage(4, "compare", async () => ({
      comparisons: await compareIndicators(ctx, indicators),
      trends: await computeTrends(ctx, indicators),
      outcomes: await computeOutcomes(ctx, indicators),
      wards: await computeNeedIndex(ctx, indicators),
    }), (r) => `${fmt(r.comparisons)} comparisons, ${fmt(r.trends)} trends, ${fmt(r.outcomes)} outcome rows, need index over ${r.wards} wards`);
    // 5. chart: marts.* -> Vega-Lite specs
    const models = await stage(5, "chart", () => buildPackModels(ctx, indicators, { area: opts.area, loads }), (ms) =>
      `${ms.length} pack(s), ${ms.reduce((s, m) => s + m.chartCount, 0)} charts`);
    // 6. pack: specs -> outputs (written aside, renamed into place)
    const packDirs = await stage(6, "pack", () => writePacks(ctx, models), (dirs) =>
      dirs.map((d) => path.relative(process.cwd(), d) || d).join(", "));
    ok = true;
    return { warehouse: final, packDirs, loads, indicators, stages };
  } finally {
    db.close();
    if (building !== ":memory:") {
      if (ok) renameSync(building, final);
      else rmSync(building, { force: true });
      rmSync(building + ".wal", { force: true });
    }
  }
}
