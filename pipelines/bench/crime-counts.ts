/**
 * Three ways to get the same table, one row per ward and month with at least one crime:
 * `(ward_code, month, crimes)`, counting police.uk rows whose LSOA is in the lookup.
 *
 * - localneeds: stage 1 (`loadCsvFiles` via the geography and crime adapters, audited) and stage 2
 *   (their `conform`: `ref.lsoa_ward`, `staging.crime_events`), then the staged events joined to their wards and grouped.
 * - raw DuckDB: one `read_csv` over the month folders joined to the lookup CSV and grouped (the engine's limit).
 * - papaparse: stream every file through papaparse into a JS `Map` (what an analyst might write).
 *
 * Each returns its rows sorted by ward then month, with the seconds the work took (reading the
 * result back into JS is not timed).
 */
import { createReadStream } from "node:fs";
import Papa from "papaparse";
import { DuckDBInstance } from "@duckdb/node-api";
import type { Config } from "../core/config.ts";
import type { Context } from "../core/context.ts";
import { silentLogger, fixedClock } from "../core/context.ts";
import { Warehouse, literal } from "../core/warehouse.ts";
import { createCoreTables } from "../../transforms/marts.ts";
import { geographyAdapter } from "../../sources/geography/ons-lookups.ts";
import { crimeAdapter } from "../../sources/crime/police-uk-street.ts";

/** One count row. */
export interface WardMonthCount {
  ward_code: string;
  month: string;
  crimes: number;
}

/** A count table and how long it took, with a breakdown where the implementation has steps. */
export interface CountResult {
  rows: WardMonthCount[];
  seconds: number;
  steps: Record<string, number>;
}

const since = (t0: number) => (performance.now() - t0) / 1000;
const byWardMonth = (a: WardMonthCount, b: WardMonthCount) =>
  a.ward_code < b.ward_code ? -1 : a.ward_code > b.ward_code ? 1 : a.month < b.month ? -1 : a.month > b.month ? 1 : 0;

/** The police.uk header's columns, all VARCHAR (as the loader reads them). */
const POLICE_COLUMNS = ["Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude", "Location", "LSOA code", "LSOA name", "Crime type", "Last outcome category", "Context"];

/**
 * localneeds: geography and crime through stages 1 and 2 into `warehouse` (a fresh file, or
 * `:memory:`), then `staging.crime_events` grouped by ward and month. The config supplies the
 * lookup, the crime files and the parent/focus the geography stage checks.
 */
export async function localneedsCounts(config: Config, warehouse: string): Promise<CountResult> {
  const steps: Record<string, number> = {};
  const t0 = performance.now();
  const db = await Warehouse.open(warehouse);
  try {
    const ctx: Context = { db, config, log: silentLogger, clock: fixedClock("2025-06-30T12:00:00Z") };
    await createCoreTables(db);
    let t = performance.now();
    await geographyAdapter.load(ctx);
    await geographyAdapter.conform(ctx);
    steps.geography_load_conform = since(t);
    t = performance.now();
    await crimeAdapter.load(ctx);
    steps.crime_load = since(t);
    t = performance.now();
    await crimeAdapter.conform(ctx);
    steps.crime_conform = since(t);
    t = performance.now();
    await db.run(`CREATE TEMP TABLE bench_counts AS
      SELECT w.ward_code, strftime(e.month, '%Y-%m') AS month, count(*)::INTEGER AS crimes
      FROM staging.crime_events e JOIN ref.lsoa_ward w USING (lsoa_code) GROUP BY ALL`);
    steps.ward_month_group_by = since(t);
    const seconds = since(t0);
    const rows = await db.all<WardMonthCount>(`SELECT * FROM bench_counts ORDER BY ward_code, month`);
    return { rows, seconds, steps };
  } finally {
    db.close();
  }
}

/** Raw DuckDB: one query over the CSVs in an in-memory database. */
export async function rawDuckdbCounts(crimeGlobs: readonly string[], lsoaLookup: string): Promise<CountResult> {
  const t0 = performance.now();
  const instance = await DuckDBInstance.create(":memory:", { autoinstall_known_extensions: "false" });
  const con = await instance.connect();
  try {
    const columns = POLICE_COLUMNS.map((c) => `${literal(c)}: 'VARCHAR'`).join(", ");
    await con.run(`CREATE TEMP TABLE bench_counts AS
      SELECT l.WD24CD AS ward_code, c."Month" AS month, count(*)::INTEGER AS crimes
      FROM read_csv([${crimeGlobs.map(literal).join(", ")}], header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', columns = {${columns}}) c
      JOIN read_csv(${literal(lsoaLookup)}, header = true, all_varchar = true) l ON l.LSOA21CD = c."LSOA code"
      GROUP BY ALL`);
    const seconds = since(t0);
    const reader = await con.runAndReadAll(`SELECT * FROM bench_counts ORDER BY ward_code, month`);
    return { rows: reader.getRowObjectsJson() as unknown as WardMonthCount[], seconds, steps: {} };
  } finally {
    con.closeSync();
    instance.closeSync();
  }
}

/** Parse one CSV file with papaparse (streamed, header row as keys), calling `onRow` per record. */
function parseFile(file: string, onRow: (row: Record<string, string>) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    Papa.parse<Record<string, string>>(createReadStream(file, "utf8"), {
      header: true,
      skipEmptyLines: true,
      transformHeader: (h) => h.replace(/^\uFEFF/, "").trim(),
      step: (result) => onRow(result.data),
      complete: () => resolve(),
      error: (err: Error) => reject(err),
    });
  });
}

/** papaparse + a JS Map: the lookup into a Map, then every crime file streamed and counted. */
export async function papaparseCounts(crimeFiles: readonly string[], lsoaLookup: string): Promise<CountResult> {
  const t0 = performance.now();
  const wardOf = new Map<string, string>();
  await parseFile(lsoaLookup, (r) => void wardOf.set(r.LSOA21CD, r.WD24CD));
  const counts = new Map<string, number>();
  for (const file of crimeFiles) {
    await parseFile(file, (r) => {
      const ward = wardOf.get(r["LSOA code"]);
      if (ward === undefined) return;
      const key = ward + "|" + r.Month;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    });
  }
  const seconds = since(t0);
  const rows = [...counts].map(([k, crimes]) => {
    const [ward_code, month] = k.split("|");
    return { ward_code, month, crimes };
  });
  return { rows: rows.sort(byWardMonth), seconds, steps: {} };
}

/** Canonical text of a count table (`ward,month,crimes` lines, sorted), for exact comparison. */
export function countTableText(rows: readonly WardMonthCount[]): string {
  return [...rows].sort(byWardMonth).map((r) => `${r.ward_code},${r.month},${Number(r.crimes)}`).join("\n") + "\n";
}

/** The first difference between two canonical count tables, or null when they are identical. */
export function firstDifference(a: string, b: string): string | null {
  if (a === b) return null;
  const la = a.split("\n");
  const lb = b.split("\n");
  for (let i = 0; i < Math.max(la.length, lb.length); i++) {
    if (la[i] !== lb[i]) return `line ${i + 1}: ${JSON.stringify(la[i] ?? null)} vs ${JSON.stringify(lb[i] ?? null)} (${la.length - 1} vs ${lb.length - 1} rows)`;
  }
  return "tables differ";
}
