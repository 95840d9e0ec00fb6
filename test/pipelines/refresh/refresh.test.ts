/**
 * Scheduled refresh: new months are added without reloading anything else, a re-issued file
 * replaces its earlier version without double-counting, a corrupt new file fails the run with
 * nothing published, and a revised baseline-period file is reported but not applied. The
 * refreshes start from a copy of the shared build in another folder (a project moved), whose
 * first refresh must read nothing again and keep the same numbers.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { copySharedDemo } from "../../helpers/demo-build.ts";
import { fixedClock, memoryLogger } from "../../../pipelines/core/context.ts";
import { parquetDirOf, runBuild, type BuildResult } from "../../../pipelines/run-build.ts";
import { literal, Warehouse } from "../../../pipelines/core/warehouse.ts";
import type { Config } from "../../../pipelines/core/config.ts";

let config: Config;
let police: string;
let clockDay = 1;
const refresh = async () => {
  const log = memoryLogger();
  const result = await runBuild({ config, log, clock: fixedClock(`2025-07-${String(++clockDay).padStart(2, "0")}T02:30:00Z`), refresh: true, browserPath: false });
  return { result, log };
};
const query = async <T,>(sql: string, params?: Record<string, string>) => {
  const db = await Warehouse.open(config.warehouse);
  try {
    return await db.all<T>(sql, params);
  } finally {
    db.close();
  }
};
const sha = (f: string) => createHash("sha256").update(readFileSync(f)).digest("hex");
const crimeTotal = async () => (await query<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM staging.crime_events`))[0]!.n;

/**
 * The same inputs built in full (not a refresh) into a fresh warehouse with the same clock: for
 * each mart a refresh keeps in part (values, comparisons, trends, the figure marts), the rows the refresh has that
 * the full build has not, and the other way, with a few of them to name in a failure.
 */
const KEPT_IN_PART = {
  values: "marts.indicator_values", comparisons: "marts.indicator_comparisons", trends: "marts.indicator_trends",
  // Figure marts: by month (the changed months made again) and kept whole (inputs unchanged).
  crimeByLsoaMonth: "marts.crime_by_lsoa_month", crimeByMonth: "marts.crime_by_month", crimeUnplaced: "marts.crime_unplaced",
  complaintsByMonth: "marts.complaints_by_month", lsoaPopulation: "marts.lsoa_population", surveyDesign: "marts.survey_design",
} as const;
type Difference = { rows: number; onlyRefresh: number; onlyFull: number };
async function differencesFromFullBuild(): Promise<{ tables: Record<keyof typeof KEPT_IN_PART, Difference>; examples: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), "localneeds-full-"));
  const full = { ...config, warehouse: path.join(dir, "warehouse.duckdb"), outputDir: path.join(dir, "packs") };
  cpSync(path.join(path.dirname(config.outputDir), ".cache"), path.join(dir, ".cache"), { recursive: true }); // rendered charts
  await runBuild({ config: full, log: memoryLogger(), clock: fixedClock(`2025-07-${String(clockDay).padStart(2, "0")}T02:30:00Z`), browserPath: false });
  const db = await Warehouse.open(config.warehouse);
  try {
    await db.run(`ATTACH ${literal(full.warehouse)} AS full_build (READ_ONLY)`);
    const n = async (a: string, b: string) => (await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM (SELECT * FROM ${a} EXCEPT ALL SELECT * FROM ${b})`))!.n;
    const some = async (a: string, b: string) =>
      JSON.stringify(await db.all(`SELECT * FROM (SELECT * FROM ${a} EXCEPT ALL SELECT * FROM ${b}) ORDER BY ALL LIMIT 4`), (_k, v) => (typeof v === "bigint" ? Number(v) : v));
    const tables = {} as Record<keyof typeof KEPT_IN_PART, Difference>;
    let examples = "";
    for (const [name, t] of Object.entries(KEPT_IN_PART) as [keyof typeof KEPT_IN_PART, string][]) {
      const d = { rows: (await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${t}`))!.n, onlyRefresh: await n(t, `full_build.${t}`), onlyFull: await n(`full_build.${t}`, t) };
      tables[name] = d;
      if (d.onlyRefresh || d.onlyFull) examples += `${t}: refresh only: ${await some(t, `full_build.${t}`)}\nfull build only: ${await some(`full_build.${t}`, t)}\n`;
    }
    return { tables, examples };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A copy of one month's street file relabelled as another month, with Crime IDs of its own (a
 * Crime ID is counted once across months, so a new month never repeats another's IDs).
 */
function writeMonth(from: string, to: string): string {
  const src = readFileSync(path.join(police, from, `${from}-demo-street.csv`), "utf8");
  const dir = path.join(police, to);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${to}-demo-street.csv`);
  const prefix = createHash("sha256").update(to).digest("hex").slice(0, 8);
  writeFileSync(file, src.replaceAll(`,${from},`, `,${to},`).replace(/^[0-9a-f]{8}(?=[0-9a-f]{56},)/gm, prefix));
  return file;
}

/** The shared build's values and comparisons, and this file's first refresh of its copy in a folder of its own. */
let moved: {
  runs: string[]; values: [unknown[], unknown[]]; comparisons: [unknown[], unknown[]]; sources: number; read: string[];
  loadLine: string | undefined; movedLine: string | undefined; files: BuildResult["changes"]["files"]; oldFolder: string[]; project: string; folders: [string, string]; leftBehind: string[];
};

beforeAll(async () => {
  // A private copy of the shared build (inputs, rendered charts, warehouse) in another folder: the
  // project moved. The warehouse names its files where the shared build found them; the refreshes
  // below must find them in the copy's folder, each reading only what changed. The first, with
  // nothing new, is the check that a moved project reads nothing again and keeps its numbers.
  const { root, config: copy, shared } = await copySharedDemo({ warehouse: true });
  config = copy;
  police = path.join(config.demoData!.dir, "police");
  const { result, log } = await refresh();
  // Compared as JSON: the same numbers, where a zero may come out as -0 in one run and 0 in the other.
  const json = (rows: unknown[]) => JSON.parse(JSON.stringify(rows)) as unknown[];
  const rows = async (file: string) => {
    const db = await Warehouse.open(file, { readOnly: true });
    try {
      // Every row of every table, as text, that names the shared build's folder.
      const tables = await db.all<{ t: string }>(`SELECT format('"{}"."{}"', schema_name, table_name) AS t FROM duckdb_tables() WHERE database_name = current_database() ORDER BY 1`);
      const oldFolder: string[] = [];
      for (const { t } of tables) {
        const n = (await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${t} r WHERE contains(r::VARCHAR, $f)`, { f: shared.root + path.sep }))!.n;
        if (n) oldFolder.push(`${t}: ${n}`);
      }
      return {
        runs: (await db.all<{ mode: string }>(`SELECT mode FROM audit.runs ORDER BY started_at`)).map((r) => r.mode),
        values: json(await db.all(`SELECT * FROM marts.indicator_values ORDER BY ALL`)),
        comparisons: json(await db.all(`SELECT * FROM marts.indicator_comparisons ORDER BY ALL`)),
        sources: (await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM audit.source_state`))!.n,
        oldFolder,
        project: (await db.one<{ b: string }>(`SELECT base_dir AS b FROM audit.project`))!.b,
      };
    } finally {
      db.close();
    }
  };
  const [before, after] = [await rows(shared.warehouse), await rows(config.warehouse)];
  moved = {
    runs: after.runs, values: [after.values, before.values], comparisons: [after.comparisons, before.comparisons], sources: after.sources,
    read: result.loads.filter((l) => !l.reused).map((l) => l.path), loadLine: log.lines.find((l) => l.startsWith("1 load:")),
    movedLine: log.lines.find((l) => l.includes("the project has moved")), files: result.changes.files, oldFolder: after.oldFolder, project: after.project,
    folders: [shared.root, root],
    leftBehind: readdirSync(path.dirname(config.warehouse)).filter((n) => /\.(building|relocated)-/.test(n)),
  };
}, 1_800_000);

describe("a project moved to another folder", () => {
  it("is refreshed without reading any file again, with the same numbers, its run history kept and its paths those of its new folder", () => {
    expect(moved.movedLine).toContain(`(${moved.folders[0]} is now ${moved.folders[1]})`);
    expect(moved.read).toEqual([]);
    expect(moved.loadLine).toContain(`(${moved.sources} sources unchanged)`);
    expect(moved.files).toMatchObject({ added: [], replaced: [], removed: [] });
    expect(moved.files.unchanged).toBeGreaterThan(40);
    expect(moved.runs).toEqual(["build", "refresh"]);
    expect(moved.values[0].length).toBeGreaterThan(10_000);
    expect(moved.values[0]).toEqual(moved.values[1]);
    expect(moved.comparisons[0]).toEqual(moved.comparisons[1]);
    expect(moved.oldFolder).toEqual([]);
    expect(moved.project).toBe(config.baseDir);
    expect(moved.leftBehind).toEqual([]);
  });
});

describe("refresh", () => {
  it("a new month of police.uk data reads only that file, and the change report lists the month", async () => {
    const before = await crimeTotal();
    const file = writeMonth("2024-04", "2025-04");
    const added = readFileSync(file, "utf8").trim().split("\n").length - 1;
    const { result, log } = await refresh();
    // The files are the raw layer: the other sources are left as they were, and the crime source
    // reads just the file it gained (the rest of its lines are staged already).
    expect(result.loads.filter((l) => !l.reused).map((l) => l.path)).toEqual([file]);
    const reused = result.loads.filter((l) => l.reused);
    expect(reused.length).toBeGreaterThan(40);
    expect(log.lines.find((l) => l.startsWith("1 load:"))).toMatch(new RegExp(`^1 load: 1 files, .*; ${reused.length} unchanged files not read again \\(\\d+ sources unchanged\\)`));
    expect(result.changes.files.added).toEqual([path.relative(config.baseDir, file)]);
    expect(result.changes.files.replaced).toEqual([]);
    expect(result.changes.new_periods).toContainEqual({ indicator_id: "crime.violence_rate", period_type: "month", period_label: "2025-04" });
    const after = await crimeTotal();
    expect(after - before).toBeGreaterThan(added * 0.9);
    expect(after - before).toBeLessThanOrEqual(added);
    // Only the crime indicators' periods touching the new month were measured again...
    expect(log.lines.find((l) => l.startsWith("3 measure:"))).toMatch(/refresh: \d+ indicators kept, [1-9]\d* measured for the changed months \(2025-04\), 0 measured again/);
  }, 900_000);

  it("a re-issued file replaces its earlier version, logged, and nothing is double-counted", async () => {
    const file = path.join(police, "2024-05", "2024-05-demo-street.csv");
    const before = await crimeTotal();
    const text = readFileSync(file, "utf8");
    // police.uk re-issues update outcomes: change one outcome, keep the rows.
    writeFileSync(file, text.replace("Investigation complete; no suspect identified", "Unable to prosecute suspect"));
    const { result } = await refresh();
    expect(result.changes.files.replaced.map((r) => r.path)).toEqual([path.relative(config.baseDir, file)]);
    // A changed file (not only an added one): the crime source reads every file again.
    const loaded = result.loads.filter((l) => !l.reused).map((l) => l.path);
    const crimeFiles = (await query<{ path: string }>(`SELECT path FROM audit.source_files WHERE slot = 'crime'`)).map((r) => r.path);
    expect(loaded).toContain(file);
    expect([...loaded].sort()).toEqual([...crimeFiles].sort());
    expect(await crimeTotal()).toBe(before);
    const runs = await query<{ mode: string }>(`SELECT mode FROM audit.runs ORDER BY started_at`);
    expect(runs.map((r) => r.mode)).toEqual(["build", "refresh", "refresh", "refresh"]);
  }, 900_000);

  it("a new month carrying late rows of the month before (their Crime IDs staged already) reads every crime file again, each crime counted once", async () => {
    const before = await crimeTotal();
    const file = writeMonth("2024-04", "2025-05");
    const added = readFileSync(file, "utf8").trim().split("\n").length - 1;
    const late = readFileSync(path.join(police, "2025-04", "2025-04-demo-street.csv"), "utf8").trim().split("\n").slice(1, 6);
    appendFileSync(file, late.join("\n") + "\n");
    const { result } = await refresh();
    const loaded = result.loads.filter((l) => !l.reused).map((l) => l.path);
    const crimeFiles = (await query<{ path: string }>(`SELECT path FROM audit.source_files WHERE slot = 'crime'`)).map((r) => r.path);
    expect([...loaded].sort()).toEqual([...crimeFiles].sort());
    const after = await crimeTotal();
    expect(after - before).toBeGreaterThan(added * 0.9);
    expect(after - before).toBeLessThanOrEqual(added);
    const ids = late.map((l) => l.split(",")[0]!).filter(Boolean);
    expect(ids.length).toBeGreaterThan(0);
    const counted = await query<{ h: string; n: number }>(
      `SELECT crime_id_hash::VARCHAR AS h, count(*)::INTEGER AS n FROM staging.crime_events WHERE crime_id_hash IN (${ids.map((i) => `hash('${i}')`).join(", ")}) GROUP BY 1`,
    );
    expect(counted).toHaveLength(new Set(ids).size);
    expect(counted.every((c) => c.n === 1)).toBe(true);
    const warned = await query<{ subject: string }>(`SELECT subject FROM audit.warnings WHERE code = 'police_rows_of_other_month'`);
    expect(warned.map((w) => w.subject)).toContain(path.relative(config.baseDir, file));
  }, 900_000);

  it("a locality added to the config is placed, measured and tiered by the next refresh, which reads again only the sources that read the localities", async () => {
    const added = { code: "LOC-ADDED", kind: "locality" as const, name: "Added locality", wards: ["Z05000001", "Z05000005"] };
    config = { ...config, localities: [...config.localities, { locality: added.code, name: added.name, wards: added.wards }], localityAreas: [...config.localityAreas, added] };
    const { result, log } = await refresh();
    expect(await query(`SELECT area_type FROM ref.areas WHERE area_code = 'LOC-ADDED'`)).toEqual([{ area_type: "locality" }]);
    // Geography (which places the localities) and deprivation (summarised per locality) are read
    // again; the others, which never read the localities, are kept with their warnings and file
    // records, none of them there twice. The full build below checks what was kept.
    const sources = (await query<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM audit.source_state`))[0]!.n;
    expect(log.lines.find((l) => l.startsWith("1 load:"))).toContain(`(${sources - 2} sources unchanged)`);
    const read = result.loads.filter((l) => !l.reused).map((l) => l.path);
    const kept = (await query<{ path: string }>(`SELECT path FROM audit.source_files WHERE slot IN ('crime', 'complaints', 'survey', 'population')`)).map((r) => r.path);
    expect(kept.length).toBeGreaterThan(40);
    expect(read.filter((p) => kept.includes(p))).toEqual([]);
    const deprivation = (await query<{ path: string }>(`SELECT path FROM audit.source_files WHERE slot = 'deprivation'`)).map((r) => r.path);
    expect(deprivation.length).toBeGreaterThan(0);
    expect(read).toEqual(expect.arrayContaining(deprivation));
    expect(await query(`SELECT stage, code, subject, count(*)::INTEGER AS n FROM audit.warnings GROUP BY stage, code, subject, message HAVING count(*) > 1`)).toEqual([]);
    expect(await query(`SELECT slot, path, count(*)::INTEGER AS n FROM audit.source_files GROUP BY ALL HAVING count(*) > 1`)).toEqual([]);
    expect((await query<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM audit.warnings WHERE slot = 'crime'`))[0]!.n).toBeGreaterThan(0);
    const values = await query<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM marts.indicator_values WHERE area_code = 'LOC-ADDED' AND value IS NOT NULL AND indicator_id LIKE 'crime.%'`);
    expect(values[0]!.n).toBeGreaterThan(0);
    expect(await query(`SELECT area_name, wards FROM marts.need_index_localities WHERE area_code = 'LOC-ADDED'`)).toEqual([{ area_name: "Added locality", wards: 2 }]);
  }, 900_000);

  it("after a new month, a re-issue, a month with late rows and a locality added, the refresh's values are exactly those of a full build of the same inputs", async () => {
    // One full build checks the four refreshes: what each measured again (the new month's periods,
    // the re-issued month's, everything for the locality) and what each kept.
    const { tables, examples } = await differencesFromFullBuild();
    expect(tables.values.rows).toBeGreaterThan(10_000);
    expect(tables.comparisons.rows).toBeGreaterThan(10_000);
    expect(tables.trends.rows).toBeGreaterThan(1_000);
    expect(tables.crimeByMonth.rows).toBeGreaterThan(1_000);
    expect(tables.complaintsByMonth.rows).toBeGreaterThan(100);
    for (const d of Object.values(tables)) expect(d, examples).toMatchObject({ onlyRefresh: 0, onlyFull: 0 });
  }, 900_000);

  it("a corrupt new file fails the run and leaves the warehouse and pack as they were", async () => {
    const warehouseBefore = sha(config.warehouse);
    const packDir = path.join(config.outputDir);
    const packBefore = readdirSync(packDir, { recursive: true }).length;
    const parquet = parquetDirOf(config.warehouse);
    const parquetBefore = readdirSync(parquet).map((f) => `${f} ${sha(path.join(parquet, f))}`);
    expect(parquetBefore.length).toBeGreaterThan(10);
    const dir = path.join(police, "2025-05");
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "2025-05-demo-street.csv"), "RECTYPE,URN,SCHNAME\n1,100000,A school\n");
    await expect(refresh()).rejects.toThrow(/2025-05-demo-street\.csv/);
    expect(sha(config.warehouse)).toBe(warehouseBefore);
    expect(readdirSync(packDir, { recursive: true }).length).toBe(packBefore);
    expect(readdirSync(parquet).map((f) => `${f} ${sha(path.join(parquet, f))}`)).toEqual(parquetBefore);
    expect(readdirSync(path.dirname(parquet)).filter((f) => f.includes("-parquet."))).toEqual([]);
    // Remove it again so later runs are clean.
    writeMonth("2024-04", "2025-05");
  }, 900_000);

  it("a revised baseline-period file is reported, and the frozen baseline kept", async () => {
    const frozen = await query<{ value: number }>(
      `SELECT value FROM marts.baselines WHERE indicator_id = 'crime.violence_rate' AND area_code = 'Z05000007' AND breakdown = 'all'`,
    );
    expect(frozen).toHaveLength(1);
    // 40 more violent crimes in the focus ward in June 2022 (baseline year 2022/23).
    const file = path.join(police, "2022-06", "2022-06-demo-street.csv");
    const lsoa = (await query<{ lsoa_code: string; lsoa_name: string }>(`SELECT lsoa_code, lsoa_name FROM ref.lsoa_ward WHERE ward_code = 'Z05000007' ORDER BY 1 LIMIT 1`))[0]!;
    for (let i = 0; i < 40; i++) {
      const id = createHash("sha256").update(`revision-${i}`).digest("hex");
      appendFileSync(file, `${id},2022-06,Demo Constabulary,Demo Constabulary,-0.8,52.1,On or near Mill Lane,${lsoa.lsoa_code},${lsoa.lsoa_name},Violence and sexual offences,Under investigation,\n`);
    }
    const { result } = await refresh();
    const revision = result.changes.baseline_revisions.find((r) => r.indicator_id === "crime.violence_rate" && r.area_code === "Z05000007" && r.breakdown === "all");
    expect(revision).toMatchObject({ action: "kept frozen", frozen_value: frozen[0]!.value });
    expect(revision!.revised_value!).toBeGreaterThan(frozen[0]!.value);
    const outcome = await query<{ baseline_value: number }>(
      `SELECT baseline_value FROM marts.outcomes WHERE indicator_id = 'crime.violence_rate' AND area_code = 'Z05000007'`,
    );
    expect(outcome[0]!.baseline_value).toBe(frozen[0]!.value);
    const kept = await query<{ value: number }>(
      `SELECT value FROM marts.baselines WHERE indicator_id = 'crime.violence_rate' AND area_code = 'Z05000007' AND breakdown = 'all'`,
    );
    expect(kept[0]!.value).toBe(frozen[0]!.value);
  }, 900_000);
});

export type { BuildResult };
