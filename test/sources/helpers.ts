/** Helpers for adapter tests: a config over the real samples (or temp files), run through stages 1-2 in a fresh in-memory warehouse. */
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseConfig, type Config } from "../../pipelines/core/config.ts";
import { fixedClock, silentLogger, type Context } from "../../pipelines/core/context.ts";
import { literal, Warehouse } from "../../pipelines/core/warehouse.ts";
import { createCoreTables } from "../../transforms/marts.ts";
import { ADAPTERS } from "../../sources/index.ts";
import { geographyAdapter } from "../../sources/geography/ons-lookups.ts";
import type { FileLoad } from "../../sources/load-csv.ts";
import { realData } from "../helpers/shared.ts";
import { displayPath } from "../../sources/files.ts";

/** The real ONS LSOA 2011 to LSOA 2021 change file (Kent, Medway, and every merged or irregular LSOA). */
export const LSOA_CHANGES = realData("ons_geography", "LSOA11_to_LSOA21_LAD22_lookup.kent-medway+all-M-X.csv");

/**
 * The national LSOA -> WD19 lookup's rows of Medway and Cardiff, written to a temporary file: with
 * no `geography.authorities`, a build of both nations (as one with national comparators is) at the
 * cost of two authorities.
 */
export function medwayAndCardiffLookup(): string {
  const lookup = readFileSync(realData("ons_geography", "LSOA11_to_WD19_LAD19_EW_lookup.csv"), "utf8").split(/\r?\n/);
  return tempDir().write("LSOA11_to_WD19_LAD19_medway_cardiff.csv", [lookup[0], ...lookup.filter((l) => /,(E06000035|W06000015),/.test(l))].join("\n"));
}

/**
 * Medway's rows of the change file: each 2011 LSOA with its 2021 code(s) and change (`U`
 * unchanged; `S` split: six 2011 LSOAs in two parts each), `part` numbering the parts of a split one.
 */
export function medwayLsoaChanges(): { lsoa11: string; lsoa21: string; name21: string; change: string; part: number }[] {
  const rows = readFileSync(LSOA_CHANGES, "utf8").replace(/^\uFEFF/, "").split(/\r?\n/).slice(1).filter((l) => l.includes(",E06000035,")).map((l) => l.split(","));
  const seen = new Map<string, number>();
  return rows.map((r) => {
    const part = seen.get(r[0]!) ?? 0;
    seen.set(r[0]!, part + 1);
    return { lsoa11: r[0]!, lsoa21: r[2]!, name21: r[3]!, change: r[4]!, part };
  });
}

/** Medway's GSS code and the pilot ward (Luton and Wayfield). */
export const MEDWAY = "E06000035";
export const LUTON_WAYFIELD = "E05002255";

/** The folder test configs are resolved against. */
export const TEST_CONFIG = path.join(tmpdir(), "localneeds-test-config.json");
/** Where the test configs' outputs go (the packs folder; the workbook cache beside it): a folder of this process's own. */
const TEST_OUTPUTS = path.join(mkdtempSync(path.join(tmpdir(), "ln-test-outputs-")), "packs");
/** A path as warnings show it (relative to the config's folder). */
export const shown = (p: string) => displayPath({ baseDir: path.dirname(TEST_CONFIG) }, p);

/** A temporary folder for hand-made files. */
export function tempDir(prefix = "ln-src-"): { dir: string; write: (name: string, text: string | Buffer) => string } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, write: (name, text) => {
    const p = path.join(dir, name);
    writeFileSync(p, text);
    return p;
  } };
}

/** A config over the real samples: the WD19 national lookup kept to Medway, plus the given sources. */
export function realConfig(over: { geography?: Record<string, unknown>; sources?: Record<string, unknown>; [k: string]: unknown } = {}): Config {
  const { geography, sources, ...rest } = over;
  return parseConfig(
    {
      name: "test",
      parent: MEDWAY,
      focus: [{ ward: LUTON_WAYFIELD }],
      baseline: { period: "2018/19" },
      warehouse: ":memory:",
      // Packs and caches (tables read from workbooks) in a folder of this test process's own.
      outputDir: TEST_OUTPUTS,
      ...rest,
      geography: {
        wardVintage: "WD19",
        lsoaLookup: realData("ons_geography", "LSOA11_to_WD19_LAD19_EW_lookup.csv"),
        hierarchy: realData("ons_geography", "WD19_LAD19_CTY19_RGN19_CTRY19_UK_lookup.csv"),
        authorities: [MEDWAY],
        ...geography,
      },
      sources: sources ?? {},
    },
    TEST_CONFIG,
  );
}

const CLOCK = fixedClock("2025-01-01T00:00:00Z");

/**
 * A fresh warehouse with stages 1 (load) and 2 (conform) run for the config's enabled adapters.
 * The geography (the first adapter) is staged once per process for each config that differs in
 * anything but its other sources, into a template database copied into each fresh warehouse:
 * staging the national lookup took half a second in each of about a hundred calls, the copy a
 * tenth of that. So the geography is conformed before the other sources load (in a build, every
 * source loads first); none of them reads the geography when it loads. A config whose geography
 * fails to stage runs the stages in the build's order, so the error is the one a build gives.
 */
export async function runSources(
  config: Config,
  { conform = true }: { conform?: boolean } = {},
): Promise<{ db: Warehouse; ctx: Context; loads: FileLoad[]; conform: () => Promise<void> }> {
  const template = await geographyTemplate(config);
  const db = await Warehouse.open();
  const ctx: Context = { db, config, log: silentLogger, clock: CLOCK };
  const enabled = ADAPTERS.filter((a) => a.enabled(ctx));
  const loads: FileLoad[] = [];
  try {
    if (template) {
      await db.run(`ATTACH ${literal(template.file)} AS geography_template (READ_ONLY); COPY FROM DATABASE geography_template TO memory; DETACH geography_template`);
      // Back in memory, as a build keeps them.
      for (const t of template.inMemory) await db.run(`CREATE TEMP TABLE ${t} AS SELECT * FROM memory.main.${t}; DROP TABLE memory.main.${t}`);
      loads.push(...template.loads.map((l) => ({ ...l })));
    } else {
      await createCoreTables(db);
    }
    const rest = template ? enabled.filter((a) => a !== geographyAdapter) : enabled;
    for (const a of rest) loads.push(...(await a.load(ctx)));
    // With `conform: false`, a test looks at the raw tables, then conforms.
    const conformAll = async () => { for (const a of rest) await a.conform(ctx); };
    if (conform) await conformAll();
    return { db, ctx, loads, conform: conformAll };
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Templates by config (all but `sources`): the database file and the geography's loads, or null when staging it failed. */
const templates = new Map<string, Promise<{ file: string; loads: FileLoad[]; inMemory: string[] } | null>>();
/** A template's file (each holds a national lookup's staging), in the run's temporary folder that test/global-setup.ts removes. */
const templatePath = (n: number) => path.join(tmpdir(), `geography-template-${process.pid}-${n}.duckdb`);

/** The raw tables of a warehouse kept in memory (temporary tables named `raw_*`). */
const inMemoryRawTables = async (db: Warehouse) =>
  (await db.all<{ t: string }>(`SELECT table_name AS t FROM duckdb_tables() WHERE database_name = 'temp' AND starts_with(table_name, 'raw_') ORDER BY 1`)).map((r) => r.t);

function geographyTemplate(config: Config): Promise<{ file: string; loads: FileLoad[]; inMemory: string[] } | null> {
  // A file the config names counts by its size and modification time too (a test may write a lookup anew at one path).
  const key = JSON.stringify({ ...config, sources: null }, (_k, v: unknown) => {
    const st = typeof v === "string" && v.includes("/") ? statSync(v, { throwIfNoEntry: false }) : undefined;
    return st?.isFile() ? `${v} ${st.size} ${st.mtimeMs}` : v;
  });
  let made = templates.get(key);
  if (!made) {
    // Named now, not after the awaits below: two templates made at once must not share a file.
    const file = templatePath(templates.size);
    made = (async () => {
      const db = await Warehouse.open();
      try {
        await createCoreTables(db);
        const ctx: Context = { db, config, log: silentLogger, clock: CLOCK };
        if (!geographyAdapter.enabled(ctx)) return null;
        const loads = await geographyAdapter.load(ctx);
        await geographyAdapter.conform(ctx);
        await db.run(`ATTACH ${literal(file)} AS geography_template; COPY FROM DATABASE memory TO geography_template`);
        // The raw tables kept in memory (`rawInMemory`: temporary tables, which COPY leaves out) go with it.
        const inMemory = await inMemoryRawTables(db);
        for (const t of inMemory) await db.run(`CREATE TABLE geography_template.main.${t} AS SELECT * FROM temp.main.${t}`);
        await db.run(`DETACH geography_template`);
        return { file, loads, inMemory };
      } catch {
        return null;
      } finally {
        db.close();
      }
    })();
    templates.set(key, made);
  }
  return made;
}

/** Row counts by file name from `audit.loads`, and the invariant read = loaded + rejected. */
export async function loadCounts(db: Warehouse): Promise<Record<string, { read: number; loaded: number; rejected: number }>> {
  const rows = await db.all<{ path: string; r: number; l: number; j: number }>(
    `SELECT path, rows_read::INTEGER r, rows_loaded::INTEGER l, rows_rejected::INTEGER j FROM audit.loads ORDER BY path`,
  );
  const rejects = await db.all<{ path: string; n: number }>(`SELECT path, count(*)::INTEGER n FROM audit.rejects GROUP BY 1`);
  const out: Record<string, { read: number; loaded: number; rejected: number }> = {};
  for (const r of rows) {
    if (r.r !== r.l + r.j) throw new Error(`${r.path}: read ${r.r} != loaded ${r.l} + rejected ${r.j}`);
    const listed = rejects.find((x) => x.path === r.path)?.n ?? 0;
    if (listed !== r.j) throw new Error(`${r.path}: ${r.j} rejected but ${listed} rows in audit.rejects`);
    out[path.basename(r.path)] = { read: r.r, loaded: r.l, rejected: r.j };
  }
  return out;
}

/** Warnings of one code. */
export const warningsOf = (db: Warehouse, code: string) =>
  db.all<{ subject: string | null; message: string }>(`SELECT subject, message FROM audit.warnings WHERE code = $c ORDER BY subject, message`, { c: code });

/**
 * A refresh of the crime source that only adds `added` files to a warehouse built from the
 * config's earlier files (`runSources`): what the build does between runs (raw tables dropped;
 * the files it had, by hash), then stages 1 and 2 of the crime source under `config`. Returns its loads.
 */
export async function refreshCrimeAdding(ctx: Context, config: Config, added: readonly string[]): Promise<FileLoad[]> {
  const { crimeAdapter } = await import("../../sources/crime/police-uk-street.ts");
  const { db } = ctx;
  await db.dropRawTables();
  const before = new Map((await db.all<{ path: string; sha256: string }>(`SELECT path, sha256 FROM audit.loads`)).map((r) => [r.path, r.sha256]));
  const sha256 = (f: string) => createHash("sha256").update(readFileSync(f)).digest("hex");
  ctx.config = config;
  ctx.previousFiles = { before, now: new Map([...before, ...added.map((f) => [f, sha256(f)] as const)]) };
  const loads = await crimeAdapter.load(ctx);
  await crimeAdapter.conform(ctx);
  return loads;
}
