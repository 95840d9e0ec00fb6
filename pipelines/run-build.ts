/**
 * The build: six stages in order, each writing named tables and reading only earlier ones.
 *
 *   raw files --1 load--> raw_* (temporary) --2 conform--> staging.* + ref.*
 *             --3 measure--> marts.indicator_values      (value, 95% and 99.8% CIs)
 *             --4 compare--> marts.indicator_comparisons (vs each comparator)
 *             --5 chart----> Vega-Lite specs
 *             --6 pack-----> outputs/packs/<name>/: HTML + SVG/PNG + data downloads + manifest
 *
 * The input files are the raw layer (hashed in `audit.loads`): their rows live in temporary tables
 * for the run only. A refresh reads again only the sources whose inputs changed (`source-state.ts`).
 * The warehouse is built in a temporary file and the pack in a temporary folder; both are
 * renamed into place only when every stage has succeeded, so a failed or killed run leaves the
 * previous warehouse and pack whole.
 */
import { constants as fsConstants, copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import type { Clock, Context, Logger } from "./core/context.ts";
import type { Config } from "./core/config.ts";
import { literal, Warehouse } from "./core/warehouse.ts";
import { LocalneedsError, messages } from "./core/messages.ts";
import { acquireLock } from "./refresh/lock.ts";
import { ioFailure } from "./refresh/io-error.ts";
import { changeReport, type ChangeReport } from "./refresh/changes.ts";
import { freezeBaselines } from "../transforms/baselines.ts";
import { commentContractTables, createCoreTables, exportContractParquet } from "../transforms/marts.ts";
import { ADAPTERS } from "../sources/index.ts";
import { displayPath, holdScratch } from "../sources/files.ts";
import type { FileLoad } from "../sources/load-csv.ts";
import { loadIndicators, type Indicator, withPopulationSource } from "../transforms/indicators/define.ts";
import { populationSourceUsed } from "../sources/population/ons-sape.ts";
import { deprivationEditions } from "../sources/deprivation/iod-scores.ts";
import { resolveArchivedFile } from "../sources/files.ts";
import { BOUNDARY_FILE } from "../sources/geography/boundaries.ts";
import { withDeprivationIndex } from "../transforms/indicators/catalogue/deprivation.ts";
import { knownLocalMeasures, unreadLocalMeasures } from "../transforms/indicators/local-measures.ts";
import { CATALOGUE } from "../transforms/indicators/catalogue/index.ts";
import { measureIndicators } from "../transforms/indicators/measure.ts";
import { publishedIndicators } from "../transforms/indicators/published.ts";
import { planMeasure, planSummary } from "../transforms/indicators/measure-scope.ts";
import { compareIndicators } from "../transforms/compare.ts";
import { buildComparatorGroups } from "../transforms/reference/comparator-groups.ts";
import { computeTrends } from "../transforms/trends.ts";
import { findSeriesBreaks } from "../transforms/series-breaks.ts";
import { secondarySuppression } from "../transforms/disclosure.ts";
import { weightSurvey } from "../transforms/survey-weighting.ts";
import { computeOutcomes } from "../transforms/outcomes.ts";
import { computeNeedIndex } from "../transforms/need-index.ts";
import { buildFigureMarts } from "../transforms/figure-marts.ts";
import { TableChanges } from "../transforms/table-changes.ts";
import { buildPackModels } from "./pack/pack-model.ts";
import { writePacks } from "./pack/write-pack.ts";
import { clearAbandonedScratch, clearAbandonedWarehouse, commitRun, stageRun } from "./refresh/publish.ts";
import { DEMO_GENERATOR_VERSION, generateDemoData } from "../sources/demo/generate.ts";
import { compareSources, previousLoads, recordSourceState, sourceStates } from "./refresh/source-state.ts";
import { previousForFolder, recordProjectFolder } from "./refresh/relocate.ts";

/** Options of one build. */
export interface BuildOptions {
  config: Config;
  log: Logger;
  clock: Clock;
  /** Build only the pack of this focus area code (default: every focus area and the borough overview). */
  area?: string;
  /** A scheduled refresh (`--refresh`): same stages, reporting what changed since the last run. */
  refresh?: boolean;
  /** The browser that prints `pack.pdf` (default: one found in the standard install paths; null: no PDF). */
  browserPath?: string | null | false;
}

/** What a build did. */
export interface BuildResult {
  warehouse: string;
  packDirs: string[];
  loads: FileLoad[];
  indicators: Indicator[];
  stages: { stage: string; seconds: number; summary: string }[];
  runId: string;
  changes: ChangeReport;
  /** Data-quality warnings of this run (the exit code says "published with warnings"). */
  warnings: number;
}

/** A run id from the build clock: `20250630T120000Z`. */
export const runIdOf = (d: Date) => d.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");

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

/**
 * Where the contract tables are exported as Parquet: a folder beside the warehouse named after it
 * (`outputs/warehouse.duckdb` -> `outputs/warehouse-parquet/<schema>.<table>.parquet`).
 */
export const parquetDirOf = (warehouse: string) => path.join(path.dirname(warehouse), `${path.basename(warehouse, path.extname(warehouse))}-parquet`);

/** Refresh: drop the load records of files that earlier runs loaded but this run's config no longer lists. */
async function forgetRemovedFiles(ctx: Context, loads: FileLoad[]): Promise<void> {
  const keep = new Set(loads.map((l) => `${l.source}|${l.path}`));
  const old = await ctx.db.all<{ source: string; path: string }>(`SELECT DISTINCT source, path FROM audit.loads`);
  for (const o of old) {
    if (keep.has(`${o.source}|${o.path}`)) continue;
    await ctx.db.run(`DELETE FROM audit.rejects WHERE source = $s AND path = $f`, { s: o.source, f: o.path });
    await ctx.db.run(`DELETE FROM audit.loads WHERE source = $s AND path = $f`, { s: o.source, f: o.path });
  }
}

/** Run stages 1-6. Throws on failure, leaving earlier outputs untouched. */
export async function runBuild(opts: BuildOptions): Promise<BuildResult> {
  const { config, log, clock } = opts;
  const lock = acquireLock(path.dirname(path.resolve(config.warehouse === ":memory:" ? config.outputDir : config.warehouse)), clock.now());
  if (lock.clearedStale) log.warn(messages.staleLockCleared(lock.clearedStale.pid, lock.clearedStale.started));
  // Copies of input files made while reading them go with the run (and a killed run's with the next).
  clearAbandonedScratch();
  const releaseScratch = holdScratch();
  try {
    return await runLocked(opts);
  } catch (err) {
    // A full disk, a read-only folder, a file where a folder should be: named with its path and cause.
    throw ioFailure(err) ?? err;
  } finally {
    releaseScratch();
    lock.release();
  }
}

async function runLocked(opts: BuildOptions): Promise<BuildResult> {
  const { config, log, clock } = opts;
  const runId = runIdOf(clock.now());
  await ensureDemoData(config, log);
  // Boundaries given as the Geoportal's zip download: read from its extracted shapefile (or GeoJSON, KML or GeoPackage).
  for (const key of ["lsoaBoundaries", "wardBoundaries"] as const) {
    const value = config.geography[key];
    if (value) config.geography[key] = await resolveArchivedFile(config, `geography.${key}`, value, BOUNDARY_FILE);
  }
  const { indicators, errors } = loadIndicators(CATALOGUE);
  for (const e of errors) log.warn(e);
  const unread = unreadLocalMeasures(config, indicators);
  if (unread.length) throw new LocalneedsError(messages.unknownLocalMeasure(unread[0]!, knownLocalMeasures(indicators)));
  const final = config.warehouse;
  const building = final === ":memory:" ? final : `${final}.building-${process.pid}`;
  const fileBacked = building !== ":memory:";
  if (fileBacked) {
    // What killed or failed runs left beside the warehouse (their pids are gone).
    const cleared = clearAbandonedWarehouse(final);
    if (cleared.length) log.info(messages.abandonedRunFilesCleared(path.dirname(final), cleared));
    for (const f of [building, building + ".wal"]) rmSync(f, { force: true });
  }
  let committed = false;
  // The last warehouse, its recorded paths rewritten if the project has moved since (`relocate.ts`).
  let last: Awaited<ReturnType<typeof previousForFolder>> | null = null;
  try {
    if (fileBacked && existsSync(final)) {
      last = await previousForFolder((f, readOnly) => Warehouse.open(f, { readOnly }), final, config.baseDir);
      if (last.moved) log.info(messages.projectMoved(last.moved.from, last.moved.to));
    }
    // A refresh starts from a copy of the last warehouse, so unchanged sources need not be read again.
    let incremental = Boolean(opts.refresh) && last !== null;
    if (incremental) {
      // A copy-on-write clone where the file system makes one, else a plain copy (ext4: a national
      // year's warehouse, 0.3-0.7 s). On Linux libuv's copy shares extents on XFS and btrfs already
      // (copy_file_range: a 255 MB warehouse in under a millisecond on XFS); the flag makes
      // macOS clone on APFS too, where a plain copy writes every byte.
      copyFileSync(last!.file, building, fsConstants.COPYFILE_FICLONE);
      const previous = await previousWarehouse(building);
      // Sources the last run staged that the config no longer has: their staged tables are in the
      // copy, and their indicators would be kept as if they were still read.
      const enabled = new Set(ADAPTERS.filter((a) => a.enabled({ config })).map((a) => a.slot));
      const dropped = "sources" in previous ? previous.sources.filter((s) => !enabled.has(s)) : [];
      if ("damage" in previous) log.warn(messages.refreshWarehouseDamaged(final, previous.damage));
      else if (dropped.length) log.info(messages.refreshSourcesDropped(final, dropped));
      if ("damage" in previous || dropped.length) {
        // Rebuilt in full (the copy goes); the last warehouse is still attached as the previous run.
        for (const f of [building, building + ".wal"]) rmSync(f, { recursive: true, force: true });
        incremental = false;
      }
    }
    // runStages closes the warehouse, whatever happens.
    const result = await runStages(opts, await Warehouse.open(building), runId, indicators, incremental, final, building, last?.file ?? null);
    committed = true;
    return result;
  } finally {
    last?.done();
    if (fileBacked && !committed) {
      for (const f of [building, building + ".wal", building + ".tmp"]) rmSync(f, { recursive: true, force: true });
    }
  }
}

/**
 * What a refresh needs of the copy of the last warehouse: why it cannot be refreshed (it does not
 * open, or its run history cannot be read), or the sources the last run staged.
 */
async function previousWarehouse(file: string): Promise<{ damage: string } | { sources: string[] }> {
  let db: Warehouse | null = null;
  try {
    db = await Warehouse.open(file);
    if (await db.hasTable("audit.runs")) await db.all(`SELECT count(*) FROM audit.runs`);
    const sources = (await db.hasTable("audit.source_state")) ? (await db.all<{ slot: string }>(`SELECT DISTINCT slot FROM audit.source_state ORDER BY 1`)).map((r) => r.slot) : [];
    await db.run(`CHECKPOINT`);
    return { sources };
  } catch (err) {
    return { damage: (err as Error).message.split("\n")[0]! };
  } finally {
    db?.close();
  }
}

/** Put the folder `from` in the place of `to` (the old one renamed aside first, then removed). */
function swapFolder(from: string, to: string): void {
  const old = `${to}.old-${process.pid}`;
  if (existsSync(to)) renameSync(to, old);
  renameSync(from, to);
  rmSync(old, { recursive: true, force: true });
}

/**
 * Stages 1-6 on the open warehouse `db` (at `building`), then the switch of warehouse and packs.
 * `previous` is the last run's warehouse as this run sees it (`final`, or its relocated copy).
 */
async function runStages(
  opts: BuildOptions, db: Warehouse, runId: string, indicators: Indicator[], incremental: boolean, final: string, building: string, previous: string | null,
): Promise<BuildResult> {
  const { config, log, clock } = opts;
  const ctx: Context = { db, config, log, clock };
  const stages: BuildResult["stages"] = [];
  const stage = async <T>(n: number, name: string, fn: () => Promise<T>, summary: (t: T) => string): Promise<T> => {
    const t0 = performance.now();
    const out = await fn();
    const seconds = (performance.now() - t0) / 1000;
    const line = summary(out);
    stages.push({ stage: name, seconds, summary: line });
    if (log.stage) log.stage(n, name, line, seconds);
    else log.info(`${n} ${name}: ${line} (${seconds.toFixed(1)} s)`);
    return out;
  };
  let closed = false;
  let prev: string | null = null;
  try {
    await createCoreTables(db);
    await recordProjectFolder(db, config.baseDir);
    if (previous) {
      try {
        await db.run(`ATTACH ${literal(previous)} AS prev (READ_ONLY)`);
        prev = "prev";
        // Run history carries forward (a refresh's copy has it already).
        if (!incremental && (await db.hasTable("audit.runs", "prev"))) {
          await db.run(`INSERT INTO audit.runs SELECT * FROM prev.audit.runs`);
        }
      } catch (err) {
        log.warn(messages.previousWarehouseUnreadable(final, (err as Error).message.split("\n")[0]!));
      }
    }
    const enabled = ADAPTERS.filter((a) => a.enabled(ctx));
    // A refresh leaves a source whose inputs are unchanged as it is (staged tables, load records,
    // warnings), and lets one whose only change is its files read just the changed ones.
    const before = incremental && prev ? await sourceStates(ctx, enabled) : null;
    const standing = before && prev ? await compareSources(db, prev, before) : new Map<string, "unchanged" | Map<string, string>>();
    const unchanged = new Set([...standing].filter(([, v]) => v === "unchanged").map(([k]) => k));
    if (incremental) {
      // Warnings are the run's own, but for the unchanged sources', and the load warnings of the files a source does not read again.
      // (No list is `IN (NULL)`: `slot NOT IN (NULL)` is never true, and with no source unchanged
      // (new code, a changed geography) every warning and file record would have been kept, twice.)
      const kept = [...unchanged].map(literal);
      const keptFiles = [...standing].flatMap(([slot, v]) => (v === "unchanged" ? [] : [...v].filter(([f, sha]) => before!.get(slot)?.files.get(f) === sha).map(([f]) => literal(f))));
      const readAgain = kept.length ? `slot NOT IN (${kept.join(", ")})` : "true";
      const fileKept = keptFiles.length ? `coalesce(subject IN (${keptFiles.join(", ")}), false)` : "false";
      await db.run(`DELETE FROM audit.warnings WHERE slot IS NULL OR (${readAgain} AND NOT (stage = 'load' AND ${fileKept}))`);
      await db.run(`DELETE FROM audit.source_files WHERE ${readAgain}`);
      await db.run(`DELETE FROM audit.baseline_revisions`);
    }
    await db.insertRows("audit.runs", ["run_id", "mode", "started_at", "status"], [{ run_id: runId, mode: opts.refresh ? "refresh" : "build", started_at: clock.now().toISOString(), status: "running" }]);
    const bySource = async (fn: (a: (typeof enabled)[number]) => Promise<void>) => {
      for (const a of enabled) {
        const files = standing.get(a.slot);
        db.slot = a.slot;
        if (files instanceof Map) ctx.previousFiles = { before: files, now: before!.get(a.slot)!.files };
        try {
          await fn(a);
        } finally {
          db.slot = null;
          delete ctx.previousFiles;
        }
      }
    };
    // 1. load: input files -> temporary raw_* tables
    const loads = await stage(1, "load", async () => {
      const all: FileLoad[] = [];
      await bySource(async (a) => {
        if (unchanged.has(a.slot)) {
          all.push(...(await previousLoads(db, a.slot)));
          return;
        }
        const loads = await a.load(ctx);
        await db.insertRows("audit.source_files", ["slot", "path", "sha256"], loads.map((l) => ({ slot: a.slot, path: l.path, sha256: l.sha256 })));
        await warnAllRejected(ctx, loads);
        all.push(...loads);
      });
      if (incremental) await forgetRemovedFiles(ctx, all);
      return all;
    }, (l) => {
      const fresh = l.filter((x) => !x.reused);
      const read = fresh.reduce((s, x) => s + x.rowsRead, 0);
      const rej = fresh.reduce((s, x) => s + x.rowsRejected, 0);
      const reused = l.length - fresh.length;
      return `${fresh.length} files, ${fmt(read)} rows read, ${fmt(read - rej)} loaded, ${fmt(rej)} rejected` +
        (incremental ? `; ${reused} unchanged files not read again (${unchanged.size} source${unchanged.size === 1 ? "" : "s"} unchanged)` : "");
    });
    // 2. conform: raw_* -> staging.* + ref.*
    await stage(2, "conform", async () => {
      await bySource(async (a) => {
        if (!unchanged.has(a.slot)) await a.conform(ctx);
      });
      // A full build hashes each file once, as it loads it (`audit.file_hashes`).
      await recordSourceState(db, before ?? (await sourceStates(ctx, enabled)));
      // The files are the raw layer: what was read from them goes now, before it weighs on the later stages.
      await db.dropRawTables();
      await buildComparatorGroups(ctx);
      await weightSurvey(ctx);
      // Source lines name the population this build used (ONS estimates, or IoD File 6 denominators).
      withPopulationSource(indicators, await populationSourceUsed(db));
      // And the deprivation indices it loaded (England's, Wales's or both).
      withDeprivationIndex(indicators, await deprivationEditions(db));
      // Every indicator of the Fingertips exports joins the catalogue's, keyed by its Fingertips ID.
      const published = loadIndicators(await publishedIndicators(ctx));
      for (const e of published.errors) log.warn(e);
      indicators.push(...published.indicators);
      return db.one<{ areas: number; warnings: number }>(
        `SELECT (SELECT count(*)::INTEGER FROM ref.areas) AS areas, (SELECT count(*)::INTEGER FROM audit.warnings) AS warnings`,
      );
    }, (r) => `${enabled.length} sources staged, ${fmt(r!.areas)} areas, ${r!.warnings} data-quality warnings`);
    // 3. measure: staging.* -> marts.indicator_values, and the figure marts the pack draws (crime by month, ...)
    // A refresh measures again only what its changed inputs touch (`planMeasure`).
    await stage(3, "measure", async () => {
      // A refresh compares each table with the last run's once, for the plan and the figure marts.
      const changes = incremental && prev ? new TableChanges(ctx, prev) : undefined;
      const plan = changes ? await planMeasure(ctx, indicators, changes) : null;
      const written = await measureIndicators(ctx, indicators, plan);
      await buildFigureMarts(ctx, changes);
      return { plan, written, secondary: await secondarySuppression(ctx) };
    }, (m) =>
      `${m.written.size} indicators, ${fmt([...m.written.values()].reduce((a, b) => a + b, 0))} values with 95% and 99.8% limits, ${fmt(m.secondary)} cells secondarily suppressed` +
      (m.plan ? `; ${planSummary(m.plan)}` : ""));
    // 4. compare: marts.indicator_values -> marts.indicator_comparisons, trends, outcomes, need index
    const compared = await stage(4, "compare", async () => {
      // A refresh compares again only the groups whose values changed (its copy holds the last comparisons).
      const comparisons = await compareIndicators(ctx, indicators, incremental && prev ? prev : undefined);
      await findSeriesBreaks(ctx, indicators);
      const trends = await computeTrends(ctx, indicators, incremental && prev ? prev : undefined);
      const baselines = await freezeBaselines(ctx, indicators, prev, { copy: incremental });
      const outcomes = await computeOutcomes(ctx, indicators);
      const wards = await computeNeedIndex(ctx, indicators);
      const changes = await changeReport(ctx, runId, prev);
      return { comparisons, trends, baselines, outcomes, wards, changes };
    }, (r) =>
      `${fmt(r.comparisons)} comparisons, ${fmt(r.trends)} trends, ${fmt(r.outcomes)} outcome rows, need index over ${r.wards} wards; ` +
      `baseline ${r.baselines.frozen ? `${fmt(r.baselines.frozen)} values frozen` : "unchanged"}${r.baselines.revised ? `, ${r.baselines.revised} revised (${r.baselines.rebased ? "rebased" : "kept frozen"})` : ""}`);
    const changes = compared.changes;
    // 5. chart: marts.* -> Vega-Lite specs
    const models = await stage(5, "chart", () => buildPackModels(ctx, indicators, { area: opts.area, loads }), (ms) =>
      `${ms.length} pack(s), ${ms.reduce((s, m) => s + m.chartCount, 0)} charts`);
    // 6. pack: specs -> outputs (written aside, renamed into place)
    for (const m of models) m.changes = changes;
    // The run's own record is final before publishing, so only renames remain after it.
    const warnings = Number((await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM audit.warnings`))!.n) + changes.baseline_revisions.length;
    await db.run(`UPDATE audit.runs SET status = $s, finished_at = $f::TIMESTAMP, changes = $c WHERE run_id = $r`, {
      s: warnings ? "published with warnings" : "published", f: clock.now().toISOString(), c: JSON.stringify(changes), r: runId,
    });
    const packDirs = await stage(6, "pack", async () => {
      // Written aside and renamed to <outputDir>/<runId>/; `latest` switches with the warehouse below.
      const { staged, written } = await stageRun(config.outputDir, runId, (dir) => writePacks(ctx, models, dir, opts.browserPath), {
        "changes.json": JSON.stringify(changes, null, 2) + "\n",
      });
      return { staged, dirs: written.map((d) => path.join(staged.versionDir, path.basename(d))) };
    }, (p) =>
      p.dirs.map((d) => path.relative(process.cwd(), d) || d).join(", "));
    if (prev) await db.run(`DETACH prev`);
    prev = null;
    // The warehouse documents itself, and its contract tables go out as Parquet beside it.
    await commentContractTables(db);
    const parquetBuilding = building === ":memory:" ? null : `${parquetDirOf(final)}.building-${process.pid}`;
    if (parquetBuilding) {
      rmSync(parquetBuilding, { recursive: true, force: true });
      mkdirSync(parquetBuilding, { recursive: true });
      try {
        await exportContractParquet(db, parquetBuilding);
      } catch (err) {
        rmSync(parquetBuilding, { recursive: true, force: true });
        throw err;
      }
    }
    // The switch: the warehouse and `latest` together, or neither (`commitRun`).
    db.close();
    closed = true;
    try {
      commitRun(packDirs.staged, { retention: config.retention, ...(building !== ":memory:" ? { warehouse: { building, final } } : {}) });
    } catch (err) {
      if (parquetBuilding) rmSync(parquetBuilding, { recursive: true, force: true });
      throw err;
    }
    // The Parquet copy follows the warehouse it was exported from.
    if (parquetBuilding) swapFolder(parquetBuilding, parquetDirOf(final));
    return { warehouse: final, packDirs: packDirs.dirs, loads, indicators, stages, runId, changes, warnings };
  } finally {
    if (!closed) db.close();
  }
}

/**
 * A file every row of which was rejected puts nothing in the build: said once, with its first
 * reason (a workbook's formulas saved without their results, a layout whose every cell fails a
 * check), so a pack missing its data points at the file, not at coverage.
 */
export async function warnAllRejected(ctx: Context, loads: readonly FileLoad[]): Promise<void> {
  for (const l of loads.filter((x) => !x.reused && x.rowsRead > 0 && x.rowsRejected === x.rowsRead)) {
    const first = await ctx.db.one<{ reason: string }>(`SELECT reason FROM audit.rejects WHERE path = $p ORDER BY line NULLS LAST LIMIT 1`, { p: l.path });
    const file = displayPath(ctx.config, l.path);
    await ctx.db.recordWarning("load", "file_all_rejected", file, messages.fileAllRejected(file, l.rowsRead, first?.reason ?? ""));
  }
}
