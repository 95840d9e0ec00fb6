/**
 * `npm run bench [-- --quick] [-- --keep] [-- --only ingest,build,...]`: how fast localneeds is at national scale, against the
 * raw engine and against what an analyst would otherwise write, and how its cost grows with the data.
 *
 *   0 generate  seeded national inputs (`sources/bench/`), England-and-Wales shaped
 *   1 crime     crime ingest + ward x month counts, 1 / 12 / 36 months, three ways on the same files:
 *               localneeds (stages 1-2, audited loader) | one raw DuckDB query | papaparse + a JS Map;
 *               the three count tables must be identical before their times are compared
 *   2 demo      the demo borough's full build as it is (`runBuild`, demo config)
 *   3 build     `runBuild` over the national inputs for 12 (and 36) months: stages 1-6, one focus
 *               ward's pack (no per-ward packs)
 *   4 refresh   one more month into the 12-month warehouse: `runBuild` with `refresh` (every stage)
 *   5 charts    spec -> SVG (`renderSvg`) for every chart of the packs built
 *
 * Every run is a fresh `node --import tsx` child (median of the runs; peak RSS of the child).
 * Writes `outputs/bench/results.json` and `outputs/bench/results.md`; deletes the data
 * it generated afterwards unless `--keep` (inputs it found in place are left as they were). The only
 * bench entry point that reads argv or exits.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { COMPARATOR_KINDS } from "./core/config.ts";
import { BENCH_GENERATOR_VERSION, DEFAULT_BENCH_SEED, FIRST_MONTH, benchConfig, generateBenchData, monthsFrom, type BenchManifest } from "../sources/bench/generate.ts";
import { NATIONAL_SCALE, QUICK_SCALE, type NationScale } from "../sources/bench/nation.ts";
import { firstDifference } from "./bench/crime-counts.ts";
import { REPO_ROOT, runChild, type RunRecord } from "./bench/run-child.ts";
import { mark, mib, ratio, secs, summarise, type Summary, type TargetCheck } from "./bench/report.ts";
import type { Task } from "./bench/tasks.ts";
import { chartCacheOf } from "./pack/chart-cache.ts";

const HELP = `Usage: npm run bench [-- --quick] [-- --keep] [options]

Options:
  --quick               a tenth of the nation (3,500 LSOAs, 50,000 crimes a month), 1 and 12 months,
                        one run of each build: a few minutes
  --only PARTS          run only these parts, comma-separated: ingest (the crime comparison, 1 and 12
                        months; within 5 minutes at national scale), demo, build, refresh, charts
                        (refresh needs build, charts uses what demo and build wrote); the 36-month
                        cases run only in a run of every part
  --keep                keep the generated data and warehouses (reused by the next run with the same scale;
                        data a run did not create is never removed)
  --runs N              repetitions of each timed case (default 3)
  --build-runs N        repetitions of the 12-month national build and the refresh (default 3 full, 1 quick)
  --long-runs N         repetitions of the 36-month cases (default 1: say so in the results)
  --build-months LIST   the national builds to time, in months, comma-separated (default 12, and 36 in
                        a run of every part): e.g. 12,36,60 measures how far one machine goes
  --budget-minutes M    stop repeating (never a first run) once this much time has gone (default 25 full, 8 quick)
  --build-timeout S     kill a build run after S seconds (default 900)
  --out DIR             results folder (default outputs/bench)
  --data DIR            where the generated inputs go (default <out>/data; reused when they match)
  --seed N              generator seed (default ${DEFAULT_BENCH_SEED})
  -h, --help            this help`;

/** The parts of the bench, in the order they run. */
const PARTS = ["ingest", "demo", "build", "refresh", "charts"] as const;
type Part = (typeof PARTS)[number];

interface Options {
  quick: boolean;
  only: Set<Part>;
  keep: boolean;
  runs: number;
  buildRuns: number;
  longRuns: number;
  /** The national builds' months when given (`--build-months`); else the default. */
  buildMonths: number[] | null;
  budgetSeconds: number;
  buildTimeout: number;
  out: string;
  data: string;
  seed: number;
}

function options(): Options | null {
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean", default: false }, keep: { type: "boolean", default: false }, only: { type: "string" }, runs: { type: "string" },
      "build-runs": { type: "string" }, "long-runs": { type: "string" }, "budget-minutes": { type: "string" }, "build-months": { type: "string" },
      "build-timeout": { type: "string" }, out: { type: "string" }, data: { type: "string" }, seed: { type: "string" }, help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) return null;
  const int = (v: string | undefined, d: number, name: string) => {
    if (v === undefined) return d;
    if (!/^\d+$/.test(v) || Number(v) < 1) throw new Error(`--${name} expects a whole number of at least 1, got "${v}"`);
    return Number(v);
  };
  const quick = values.quick!;
  const only = new Set<Part>(PARTS);
  if (values.only !== undefined) {
    only.clear();
    for (const p of values.only.split(",").map((x) => x.trim()).filter(Boolean)) {
      if (!(PARTS as readonly string[]).includes(p)) throw new Error(`--only expects some of ${PARTS.join(", ")} (comma-separated), got "${p}"`);
      only.add(p as Part);
    }
    if (only.has("refresh")) only.add("build");
  }
  const out = path.resolve(values.out ?? path.join(REPO_ROOT, "outputs", "bench"));
  return {
    quick,
    only,
    keep: values.keep!,
    runs: int(values.runs, 3, "runs"),
    buildRuns: int(values["build-runs"], quick ? 1 : 3, "build-runs"),
    longRuns: int(values["long-runs"], 1, "long-runs"),
    buildMonths: values["build-months"] === undefined
      ? null
      : [...new Set(values["build-months"].split(",").map((x) => x.trim()).filter(Boolean).map((x) => int(x, 12, "build-months")))].sort((a, b) => a - b),
    budgetSeconds: 60 * int(values["budget-minutes"], quick ? 8 : 25, "budget-minutes"),
    buildTimeout: int(values["build-timeout"], 900, "build-timeout"),
    out,
    data: path.resolve(values.data ?? path.join(out, "data")),
    seed: int(values.seed, DEFAULT_BENCH_SEED, "seed"),
  };
}

const say = (m: string) => process.stdout.write(m + "\n");
const sameScale = (a: NationScale, b: NationScale) => JSON.stringify(a) === JSON.stringify(b);

/** Reuse kept data when it matches the generator version, seed, scale and months; else generate. */
function benchData(dir: string, opts: Options, scale: NationScale, months: number): { manifest: BenchManifest; reused: boolean } {
  const file = path.join(dir, "manifest.json");
  if (existsSync(file)) {
    const m = JSON.parse(readFileSync(file, "utf8")) as BenchManifest;
    if (m.version === BENCH_GENERATOR_VERSION && m.seed === opts.seed && sameScale(m.scale, scale) && m.months.length >= months) return { manifest: m, reused: true };
  }
  say(`0 generate: ${months} months of synthetic national inputs into ${path.relative(process.cwd(), dir)} ...`);
  return { manifest: generateBenchData(dir, { seed: opts.seed, scale, months }), reused: false };
}

async function main(): Promise<number> {
  let opts: Options | null;
  try {
    opts = options();
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${HELP}\n`);
    return 2;
  }
  if (!opts) {
    say(HELP);
    return 0;
  }
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const scale = opts.quick ? QUICK_SCALE : NATIONAL_SCALE;
  const runs = (p: Part) => opts.only.has(p);
  // `--only ingest` keeps to 1 and 12 months, so it runs within 5 minutes at national scale.
  const crimeMonths = !runs("ingest") ? [] : opts.quick || opts.only.size < PARTS.length ? [1, 12] : [1, 12, 36];
  const buildMonths = !runs("build") ? [] : opts.buildMonths ?? (opts.quick || opts.only.size < PARTS.length ? [12] : [12, 36]);
  const dataMonths = Math.max(runs("refresh") ? 13 : 12, ...crimeMonths, ...buildMonths);
  const dataDir = opts.data;
  const work = path.join(opts.out, "work");
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const loadAtStart = os.loadavg();

  // Inputs this run did not create (kept by an earlier `--keep`, or a `--data` folder that was
  // already there) are never removed afterwards.
  const dataExisted = existsSync(dataDir);
  const tg = performance.now();
  const { manifest: m, reused } = benchData(dataDir, opts, scale, dataMonths);
  const generateSeconds = reused ? null : (performance.now() - tg) / 1000;
  const rowsIn = (months: number) => m.police.slice(0, months).reduce((s, p) => s + p.rows, 0);
  const locatedIn = (months: number) => m.police.slice(0, months).reduce((s, p) => s + p.located, 0);
  say(`0 generate: ${reused ? "reused" : "wrote"} ${(m.bytes / 1e9).toFixed(2)} GB (${m.scale.lsoas.toLocaleString("en-GB")} LSOAs, ${m.scale.wards.toLocaleString("en-GB")} wards, ${m.scale.authorities} authorities, ${m.months.length} months)${generateSeconds ? ` in ${generateSeconds.toFixed(0)} s` : ""}`);

  // Configs: one per month count, paths relative to the config (as a user's would be).
  const configDir = path.join(work, "configs");
  mkdirSync(configDir, { recursive: true });
  const configFor = (months: number, name = `${months}m`) => {
    const file = path.join(configDir, `bench-${name}.json`);
    const cfg = benchConfig(m, {
      months, configDir, warehouse: path.join(work, `warehouse-${name}.duckdb`), outputDir: path.join(work, `packs-${name}`),
      comparators: COMPARATOR_KINDS,
    });
    writeFileSync(file, JSON.stringify(cfg, null, 2) + "\n");
    return file;
  };

  const notes: string[] = [];
  let scratchN = 0;
  /** Run a task `planned` times (stopping early, never before the first run, when the budget is spent). */
  const repeat = async (label: string, planned: number, task: () => Task, timeoutSeconds: number): Promise<RunRecord[]> => {
    const runs: RunRecord[] = [];
    for (let i = 0; i < planned; i++) {
      const last = runs.at(-1);
      if (last && elapsed() + last.wall_seconds > opts.budgetSeconds) {
        notes.push(`${label}: ${runs.length} of ${planned} runs (time budget of ${opts.budgetSeconds / 60} min reached)`);
        break;
      }
      const r = await runChild(task(), { scratch: path.join(work, `run-${String(++scratchN).padStart(3, "0")}`), timeoutSeconds });
      runs.push(r);
      say(`   ${label} run ${i + 1}/${planned}: ${r.ok ? `${r.seconds.toFixed(2)} s` : `FAILED (${(r.error ?? "").split("\n")[0]})`}, peak ${Math.round(r.peak_rss_mb)} MB`);
      if (!r.ok) break;
    }
    return runs;
  };

  // 1. crime ingest + ward aggregation, three ways.
  const crime: Record<string, unknown> = {};
  const crimeSummaries = new Map<number, { localneeds: Summary; raw: Summary; papa: Summary; agree: boolean; ratioRaw: number | null; ratioPapa: number | null }>();
  const crimeCase = async (months: number) => {
    if (elapsed() > opts.budgetSeconds) {
      notes.push(`crime ${months} months: not run (time budget of ${opts.budgetSeconds / 60} min reached)`);
      return;
    }
    const runs = months >= 36 ? opts.longRuns : opts.runs;
    say(`1 crime ingest + ward aggregation, ${months} month(s): ${rowsIn(months).toLocaleString("en-GB")} rows in ${m.police.slice(0, months).reduce((s, p) => s + p.files.length, 0)} files`);
    const cfg = configFor(months);
    const files = m.police.slice(0, months).flatMap((p) => p.files);
    const globs = m.police.slice(0, months).map((p) => path.join(path.dirname(p.files[0]), "*-street.csv"));
    const table = (impl: string) => path.join(work, `counts-${months}m-${impl}.csv`);
    const ln = await repeat(`localneeds ${months}m`, runs, () => ({ kind: "crime-localneeds", config: cfg, warehouse: path.join(work, `crime-${months}m.duckdb`), table: table("localneeds") }), 3600);
    const raw = await repeat(`raw DuckDB ${months}m`, Math.max(runs, opts.runs), () => ({ kind: "crime-raw-duckdb", globs, lookup: m.lsoaLookup, table: table("raw") }), 3600);
    const papa = await repeat(`papaparse ${months}m`, runs, () => ({ kind: "crime-papaparse", files, lookup: m.lsoaLookup, table: table("papaparse") }), 3600);
    const texts = ["localneeds", "raw", "papaparse"].map((i) => (existsSync(table(i)) ? readFileSync(table(i), "utf8") : ""));
    const diffs = [firstDifference(texts[0], texts[1]), firstDifference(texts[0], texts[2])];
    const total = texts[0].split("\n").filter(Boolean).reduce((s, l) => s + Number(l.split(",")[2]), 0);
    const agree = texts[0] !== "" && diffs.every((d) => d === null) && total === locatedIn(months);
    const disagreement = agree ? null : texts[0] === "" ? "no localneeds table" : diffs[0] ? `localneeds vs raw DuckDB: ${diffs[0]}` : diffs[1] ? `localneeds vs papaparse: ${diffs[1]}` : `tables sum to ${total}, generator placed ${locatedIn(months)}`;
    const s = { localneeds: summarise(ln, runs), raw: summarise(raw, Math.max(runs, opts.runs)), papa: summarise(papa, runs) };
    const r = (a: number | null, b: number | null) => (agree && a !== null && b !== null && b > 0 ? a / b : null);
    const ratioRaw = r(s.localneeds.median_seconds, s.raw.median_seconds);
    const ratioPapa = r(s.localneeds.median_seconds, s.papa.median_seconds);
    crimeSummaries.set(months, { ...s, agree, ratioRaw, ratioPapa });
    crime[String(months)] = {
      months, rows: rowsIn(months), located_rows: locatedIn(months), files: files.length, ward_month_rows: texts[0].split("\n").filter(Boolean).length,
      results_agree: agree, ...(disagreement ? { disagreement } : {}),
      localneeds: s.localneeds, raw_duckdb: s.raw, papaparse: s.papa, ratio_vs_raw_duckdb: ratioRaw, ratio_vs_papaparse: ratioPapa,
    };
    say(`   agree: ${agree ? "yes (all three count tables identical)" : `NO: ${disagreement}`}; localneeds/raw ${ratio(ratioRaw)}, localneeds/papaparse ${ratio(ratioPapa)}`);
  };
  // The long (36-month) case runs last, after the builds, so the budget goes to the headline cases first.
  for (const months of crimeMonths.filter((x) => x < 36)) await crimeCase(months);

  // 2. demo borough build (PDF included).
  const demoRoot = path.join(work, "demo");
  if (runs("demo")) say("2 demo borough full build (runBuild, demo config)");
  const demoRuns = runs("demo") ? await repeat("demo build", opts.runs, () => ({ kind: "demo", root: demoRoot, demoConfig: path.join(REPO_ROOT, "pipelines", "configs", "demo.json") }), 600) : [];
  const demo = summarise(demoRuns, runs("demo") ? opts.runs : 0);

  // 3. national builds.
  const refreshCharts = path.join(work, ".cache", "charts-12m");
  const builds = new Map<number, { summary: Summary; runs: RunRecord[] }>();
  for (const months of buildMonths) {
    const planned = months >= 36 ? opts.longRuns : opts.buildRuns;
    if (months > 12 && buildMonths.includes(12) && !builds.get(12)?.summary.runs_ok) {
      notes.push(`build ${months} months: not run (the 12-month build did not finish within its time limit)`);
      continue;
    }
    if (elapsed() > opts.budgetSeconds) {
      notes.push(`build ${months} months: not run (time budget of ${opts.budgetSeconds / 60} min reached)`);
      continue;
    }
    say(`3 full build, ${months} months (runBuild: stages 1-6, one focus ward's pack)`);
    const cfg = configFor(months);
    // Past 2025-06 (39 months from April 2022) the build's clock moves after the last month: a
    // month after the build time is rejected as a future date (a 60-month build once rejected 21 months).
    const last = monthsFrom(FIRST_MONTH, months).at(-1)!;
    const clock = last > "2025-05" ? new Date(Date.UTC(Number(last.slice(0, 4)), Number(last.slice(5)), 28, 12)).toISOString() : undefined;
    const runs = await repeat(`build ${months}m`, planned, () => ({ kind: "build", config: cfg, ...(clock ? { clock } : {}) }), opts.buildTimeout);
    builds.set(months, { summary: summarise(runs, planned), runs });
    // The chart images the 12-month build left, for each refresh run to start from.
    if (months === 12) {
      const drawn = chartCacheOf({ outputDir: path.join(work, "packs-12m") });
      rmSync(refreshCharts, { recursive: true, force: true });
      if (existsSync(drawn)) cpSync(drawn, refreshCharts, { recursive: true });
    }
  }

  // 4. one-month refresh of the 12-month warehouse.
  const base = path.join(work, "warehouse-12m.duckdb");
  let refresh: Summary | null = null;
  let refreshRuns: RunRecord[] = [];
  if (runs("refresh")) {
    say("4 one-month refresh (runBuild with refresh: the 13th month's files into a copy of the 12-month warehouse)");
    if (existsSync(base)) {
      // One more month of crime, nothing else: the population files stay the 12-month build's.
      const cfg = configFor(13, "refresh");
      const twelve = JSON.parse(readFileSync(configFor(12), "utf8")) as { sources: Record<string, unknown> };
      const thirteen = JSON.parse(readFileSync(cfg, "utf8")) as { sources: Record<string, unknown> };
      writeFileSync(cfg, JSON.stringify({ ...thirteen, sources: { ...thirteen.sources, population: twelve.sources.population } }, null, 2) + "\n");
      refreshRuns = await repeat("refresh", opts.buildRuns, () => ({ kind: "refresh", config: cfg, from: base, charts: refreshCharts }), opts.buildTimeout);
      refresh = summarise(refreshRuns, opts.buildRuns);
    } else notes.push("refresh: not run (no 12-month warehouse: the 12-month build did not finish)");
  }

  // 5. charts: spec -> SVG.
  if (runs("charts")) say("5 chart render (renderSvg, every chart of the demo and national packs)");
  const chartDirs = [...demoRuns, ...(builds.get(12)?.runs ?? [])]
    .flatMap((r) => (r.ok ? ((r.info.charts as string[] | undefined) ?? []) : []))
    .filter((d, i, a) => existsSync(d) && a.indexOf(d) === i);
  const chartRuns = runs("charts") && chartDirs.length ? await repeat("charts", 1, () => ({ kind: "charts", dirs: chartDirs, repeat: 3 }), 600) : [];
  const chartInfo = chartRuns[0]?.ok ? chartRuns[0].info : null;

  for (const months of crimeMonths.filter((x) => x >= 36)) await crimeCase(months);

  // Targets.
  const c12 = crimeSummaries.get(12) ?? { ratioRaw: null, ratioPapa: null };
  const b12 = builds.get(12)?.summary;
  const b36 = builds.get(36)?.summary;
  const national = !opts.quick;
  const growth = b12?.median_seconds && b36?.median_seconds ? b36.median_seconds / b12.median_seconds : null;
  const refreshShare = refresh?.median_seconds && b12?.median_seconds ? refresh.median_seconds / b12.median_seconds : null;
  const chartMedian = (chartInfo?.median_ms as number | undefined) ?? null;
  const scaleNote = national ? "" : " (quick scale: not the target's national scale)";
  const c1 = crimeSummaries.get(1) ?? { ratioRaw: null, ratioPapa: null };
  const targets: TargetCheck[] = [
    { target: "crime ingest + ward x month counts vs raw DuckDB (12 months)", goal: "<= 3x", measured: `${ratio(c12.ratioRaw)}${scaleNote}`, met: !national || c12.ratioRaw === null ? null : c12.ratioRaw <= 3 },
    { target: "the same vs papaparse + a JS Map (12 months)", goal: ">= 3x faster (<= 0.33x)", measured: `${ratio(c12.ratioPapa)}${scaleNote}`, met: !national || c12.ratioPapa === null ? null : c12.ratioPapa <= 1 / 3 },
    { target: "the same vs raw DuckDB (1 month)", goal: "<= 4x", measured: `${ratio(c1.ratioRaw)}${scaleNote}`, met: !national || c1.ratioRaw === null ? null : c1.ratioRaw <= 4 },
    {
      target: "national 12-month build, every ward's indicators", goal: "< 45 s and < 2 GB peak",
      measured: b12 ? `${b12.median_seconds === null ? `did not finish (${b12.errors[0]?.split("\n")[0] ?? "failed"})` : secs(b12.median_seconds)}, peak ${mib(b12.peak_rss_mb)}${scaleNote}` : "not run",
      met: !national || !b12 ? null : b12.median_seconds !== null && b12.median_seconds < 45 && (b12.peak_rss_mb ?? Infinity) < 2048,
    },
    { target: "36-month build vs 12-month build", goal: "<= 3x", measured: b36 ? (growth === null ? `36 months: ${b36.median_seconds === null ? "did not finish" : secs(b36.median_seconds)}` : ratio(growth)) : "not run", met: !national || !b36 ? null : growth === null ? false : growth <= 3 },
    ...[...builds.entries()].filter(([months]) => months > 36).map(([months, b]): TargetCheck => ({
      target: `${months}-month build on one machine (how far it goes)`, goal: "measured",
      measured: b.summary.median_seconds === null ? `did not finish (${b.summary.errors[0]?.split("\n")[0] ?? "failed"})` : `${secs(b.summary.median_seconds)}, peak ${mib(b.summary.peak_rss_mb)}${b12?.median_seconds ? ` (${ratio(b.summary.median_seconds / b12.median_seconds)} the 12-month build)` : ""}`,
      met: null,
    })),
    { target: "demo borough full build, PDF included", goal: "< 20 s", measured: secs(demo.median_seconds), met: demo.median_seconds === null ? null : demo.median_seconds < 20 },
    { target: "one-month refresh (every stage) vs 12-month full build", goal: "< 10%", measured: refreshShare === null ? (refresh ? secs(refresh.median_seconds) : "not run") : `${(100 * refreshShare).toFixed(0)}% (${secs(refresh!.median_seconds)})${scaleNote}`, met: !national ? null : refreshShare === null ? null : refreshShare < 0.1 },
    { target: "median chart render (spec -> SVG)", goal: "< 30 ms", measured: chartMedian === null ? "not run" : `${chartMedian.toFixed(1)} ms (${chartInfo!.renders} renders of ${chartInfo!.charts} charts)`, met: chartMedian === null ? null : chartMedian < 30 },
  ];

  const git = (args: string[]) => {
    const r = spawnSync("git", args, { cwd: REPO_ROOT, encoding: "utf8" });
    return r.status === 0 ? r.stdout.trim() : null;
  };
  const machine = {
    nproc: os.availableParallelism(), memory_gib: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.release()}`,
    cpu: os.cpus()[0]?.model ?? "unknown", duckdb: (JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> }).dependencies["@duckdb/node-api"],
    git_commit: git(["rev-parse", "--short", "HEAD"]), git_modified_files: git(["status", "--porcelain", "--untracked-files=no"])?.split("\n").filter(Boolean).length ?? null,
    load_average_at_start: loadAtStart.map((x) => Number(x.toFixed(2))), load_average_at_end: os.loadavg().map((x) => Number(x.toFixed(2))),
  };
  if (Math.max(...loadAtStart, ...os.loadavg()) > machine.nproc) notes.push(`the machine was busy (load average up to ${Math.max(...loadAtStart, ...os.loadavg()).toFixed(1)} on ${machine.nproc} cores): other work competed for the CPU`);
  const results = {
    generated_at: new Date().toISOString(),
    mode: opts.quick ? "quick" : "full",
    machine,
    scale: m.scale,
    data: { generator_version: m.version, seed: m.seed, months: m.months.length, bytes: m.bytes, generate_seconds: generateSeconds, reused },
    ratio_vs_raw_duckdb: c12.ratioRaw,
    ratio_vs_papaparse: c12.ratioPapa,
    only: [...opts.only],
    crime_ingest: Object.values(crime),
    demo_build: demo,
    full_build: Object.fromEntries([...builds].map(([k, v]) => [String(k), {
      ...v.summary, stages: v.runs.find((r) => r.ok)?.info.stages ?? null,
      finished_stages_of_failed_run: v.runs.find((r) => !r.ok)?.info.finished_stages ?? null,
    }])),
    refresh: refresh && { ...refresh, stages: refreshRuns.find((r) => r.ok)?.info.stages ?? null, share_of_12_month_build: refreshShare },
    chart_render: chartInfo,
    targets,
    notes,
    what_is_timed: {
      crime_localneeds: "fresh warehouse file; geography adapter load + conform (ref.lsoa_ward, ref.areas, ref.area_members), crime adapter load (loadCsvFiles: parse, validate, line numbers, audit) + conform (staging.crime_events), then SELECT ward_code, month, count(*) FROM staging.crime_events JOIN ref.lsoa_ward USING (lsoa_code) GROUP BY ALL",
      crime_raw_duckdb: "in-memory DuckDB; one CREATE TABLE AS SELECT over read_csv of the month folders (explicit VARCHAR columns) joined to read_csv of the lookup, GROUP BY ward, month",
      crime_papaparse: "papaparse streaming (header: true) of the lookup into a Map, then of every crime file, counting ward|month in a Map",
      full_build: "runBuild with a generated config over the national inputs: stages 1-6 (load, conform incl. comparator groups, measure, compare, chart, pack for the one focus ward; no per-ward packs, no PDF)",
      refresh: "copy of the 12-month warehouse (not timed), then runBuild with refresh and the 13-month config: every stage, as a scheduled refresh runs it (unchanged sources are not read; the crime source reads only the added month's files; measure computes again only what the new month touches)",
      demo_build: "runBuild with pipelines/configs/demo.json in a temporary folder, demo data generated beforehand (not timed)",
      chart_render: "renderSvg of every .vl.json the demo and 12-month national packs wrote, 3 times each after one warm-up render",
      memory: "peak RSS of each child process: max of /proc/<pid>/status VmHWM sampled every 200 ms and process.resourceUsage().maxRSS",
      runs: "each run is a fresh `node --import tsx` child; times are medians over the runs; process start-up (about 1 s) is excluded",
    },
    elapsed_seconds: elapsed(),
  };
  mkdirSync(opts.out, { recursive: true });
  writeFileSync(path.join(opts.out, "results.json"), JSON.stringify(results, null, 2) + "\n");
  const md = markdown(results, crimeSummaries, builds, refresh, demo);
  writeFileSync(path.join(opts.out, "results.md"), md);
  say("\n" + md);
  if (!opts.keep) {
    if (!dataExisted) rmSync(dataDir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  }
  say(`results: ${path.relative(process.cwd(), path.join(opts.out, "results.json"))}, ${path.relative(process.cwd(), path.join(opts.out, "results.md"))} (${(elapsed() / 60).toFixed(1)} min)`);
  return [...crimeSummaries.values()].every((c) => c.agree) ? 0 : 1;
}

function markdown(
  r: { mode: string; machine: { nproc: number; memory_gib: number; node: string; cpu: string; duckdb: string; load_average_at_start: number[]; load_average_at_end: number[] }; scale: NationScale; generated_at: string; targets: TargetCheck[]; notes: string[] },
  crime: Map<number, { localneeds: Summary; raw: Summary; papa: Summary; agree: boolean; ratioRaw: number | null; ratioPapa: number | null }>,
  builds: Map<number, { summary: Summary; runs: RunRecord[] }>,
  refresh: Summary | null,
  demo: Summary,
): string {
  const s = r.scale;
  const out: string[] = [];
  out.push(`# localneeds bench (${r.mode})`, "");
  out.push(`${r.generated_at.slice(0, 16).replace("T", " ")} UTC. Machine: ${r.machine.nproc} cores (${r.machine.cpu}), ${r.machine.memory_gib} GiB, Node ${r.machine.node}, @duckdb/node-api ${r.machine.duckdb}; load average ${r.machine.load_average_at_start.join(" / ")} at start, ${r.machine.load_average_at_end.join(" / ")} at end.`);
  out.push(`Data: synthetic nation of ${s.lsoas.toLocaleString("en-GB")} LSOAs, ${s.wards.toLocaleString("en-GB")} wards, ${s.authorities} authorities, ${s.forces} forces; ${s.crimesPerMonth.toLocaleString("en-GB")} police.uk rows a month; ${s.respondents.toLocaleString("en-GB")} survey respondents; ${s.complaints.toLocaleString("en-GB")} complaints.`, "");
  out.push("| target | goal | measured | |", "| --- | --- | --- | --- |");
  for (const t of r.targets) out.push(`| ${t.target} | ${t.goal} | ${t.measured} | ${mark(t.met)} |`);
  if (crime.size) {
    out.push("", "Crime ingest + ward x month counts (median seconds of the runs; the three count tables compared exactly first):", "");
    out.push("| months | localneeds | raw DuckDB | papaparse + Map | localneeds / raw | localneeds / papaparse | tables agree | localneeds peak RSS |", "| --- | --- | --- | --- | --- | --- | --- | --- |");
    for (const [months, c] of crime) {
      out.push(`| ${months} | ${secs(c.localneeds.median_seconds)} (${c.localneeds.runs_ok} runs) | ${secs(c.raw.median_seconds)} (${c.raw.runs_ok}) | ${secs(c.papa.median_seconds)} (${c.papa.runs_ok}) | ${ratio(c.ratioRaw)} | ${ratio(c.ratioPapa)} | ${c.agree ? "yes" : "**no**"} | ${mib(c.localneeds.peak_rss_mb)} |`);
    }
    const steps = [...crime.values()].at(-1)?.localneeds.steps ?? {};
    if (Object.keys(steps).length) out.push("", `localneeds crime steps (${[...crime.keys()].at(-1)} months, medians): ${Object.entries(steps).map(([k, v]) => `${k} ${secs(v)}`).join(", ")}.`);
  }
  out.push("", "Builds (median seconds per stage):", "");
  const stageNames = ["load", "conform", "measure", "compare", "chart", "pack"];
  out.push(`| build | runs | total | ${stageNames.join(" | ")} | peak RSS |`, `| --- | --- | --- | ${stageNames.map(() => "---").join(" | ")} | --- |`);
  const row = (name: string, x: Summary) =>
    `| ${name} | ${x.runs_ok}/${x.runs_planned} | ${x.median_seconds === null ? `did not finish: ${(x.errors[0] ?? "").split("\n")[0]}` : secs(x.median_seconds)} | ${stageNames.map((n) => secs(x.steps[n])).join(" | ")} | ${mib(x.peak_rss_mb)} |`;
  if (demo.runs_planned) out.push(row("demo borough", demo));
  for (const [months, b] of builds) {
    const failed = b.runs.find((r) => !r.ok && r.info.finished_stages);
    const partial = failed ? { ...b.summary, steps: failed.info.finished_stages as Record<string, number> } : b.summary;
    out.push(row(`national, ${months} months${failed ? " (stages finished before the run was stopped)" : ""}`, b.summary.runs_ok ? b.summary : partial));
  }
  if (refresh) {
    out.push("", `One-month refresh (12 -> 13 months): ${secs(refresh.median_seconds)} median of ${refresh.runs_ok} (${Object.entries(refresh.steps).map(([k, v]) => `${k} ${secs(v)}`).join(", ")}), peak ${mib(refresh.peak_rss_mb)}.`);
  }
  if (r.notes.length) out.push("", "Notes:", "", ...r.notes.map((n) => `- ${n}`));
  return out.join("\n") + "\n";
}

process.exitCode = await main().catch((err: unknown) => {
  process.stderr.write(`error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return 1;
});
