/**
 * LSOA code vintages (2011 vs 2021). ONS's LSOA 2011 -> 2021 change file says, for each pair of
 * codes, whether the LSOA was unchanged (U), split (S), merged (M) or irregularly changed (X).
 * A data file's vintage is detected from its codes, checked against the loaded lookups:
 * codes that exist only in 2021 (in the change file's LSOA21 column and not its LSOA11 one, or
 * numbered after the last 2011 code: E01033768 / W01001958) prove 2021; codes that exist only in
 * 2011 (retired by a split or merge) prove 2011; files whose codes are all unchanged fit either.
 * When a file's vintage differs from the build lookup's, its codes are converted through the
 * change file (best fit: a split or merged LSOA goes wholly to one counterpart, the lowest code),
 * or the build stops with a clear message when no change file is configured.
 * Grain of `audit.lsoa_vintages`: one row per source and file.
 */
import type { Context } from "../../pipelines/core/context.ts";
import { LocalneedsError, messages } from "../../pipelines/core/messages.ts";
import { defineCsvFormat } from "../csv-format.ts";
import { codeSql, nameSql, registerFormats } from "../load-csv.ts";
import { displayPath } from "../files.ts";

/** ONS LSOA (2011) to LSOA (2021) to LAD lookup (the "change file"; BOM and `F_LSOA11CD` handled). */
export const lsoaChangesFormat = defineCsvFormat({
  id: "ons_lsoa11_lsoa21_changes",
  title: "an ONS LSOA 2011 to LSOA 2021 lookup (change file)",
  rawTable: "raw_geo_lsoa_changes",
  rawInMemory: true,
  grain: "one row per LSOA11 and LSOA21 pair",
  columns: [
    { name: "lsoa11_code", header: /^(F_)?LSOA11CD$/i, required: true, kind: "gss_code" },
    { name: "lsoa11_name", header: /^(F_)?LSOA11NM$/i },
    { name: "lsoa21_code", header: /^(F_)?LSOA21CD$/i, required: true, kind: "gss_code" },
    { name: "lsoa21_name", header: /^(F_)?LSOA21NM$/i },
    { name: "change", header: "CHGIND", required: true, values: ["U", "S", "M", "X"] },
    { name: "lad_code", header: /^LAD\d{2}CD$/i, optional: true, kind: "gss_code" },
    { name: "lad_name", header: /^LAD\d{2}NM$/i, optional: true },
  ],
});
registerFormats(lsoaChangesFormat);

/** An LSOA code of England or Wales (either vintage), as a regular expression for SQL: E01 or W01 and six digits. */
export const LSOA_CODE_PATTERN = "[EW]01[0-9]{6}";

/** The last LSOA codes issued in 2011: anything numbered after them is a 2021 code. */
export const LAST_2011_CODES = { E: "E01033768", W: "W01001958" } as const;

/** SQL: is `code` numbered after the last 2011 code (so a 2021 code)? */
export const newIn2021Sql = (code: string) =>
  `((${code} LIKE 'E01%' AND ${code} > '${LAST_2011_CODES.E}') OR (${code} LIKE 'W01%' AND ${code} > '${LAST_2011_CODES.W}'))`;

/** Build `ref.lsoa_changes` from the loaded change file (empty when none is configured). */
export async function conformLsoaChanges(ctx: Pick<Context, "db">, loaded: boolean): Promise<void> {
  await ctx.db.run(`CREATE OR REPLACE TABLE ref.lsoa_changes (lsoa11_code VARCHAR, lsoa11_name VARCHAR, lsoa21_code VARCHAR, lsoa21_name VARCHAR, change VARCHAR)`);
  if (!loaded) return;
  await ctx.db.run(`INSERT INTO ref.lsoa_changes
    SELECT DISTINCT ${codeSql("lsoa11_code")}, ${nameSql("lsoa11_name")}, ${codeSql("lsoa21_code")}, ${nameSql("lsoa21_name")}, trim_fast(change) FROM raw_geo_lsoa_changes`);
}

/** A file's detected LSOA vintage. */
export interface FileVintage {
  path: string;
  /** `LSOA11`, `LSOA21`, or `mixed`; `either` when every code is unchanged between the two. */
  vintage: "LSOA11" | "LSOA21" | "mixed" | "either";
  codes: number;
  inLookup: number;
  only2011: number;
  only2021: number;
  /** A code that gave the vintage away, for messages. */
  example: string | null;
}

/**
 * Detect the LSOA vintage of every file in `rawTable` (column `lsoa_code`), record it in
 * `audit.lsoa_vintages`, and prepare `_lsoa_map_<source>(_file, source_code, lsoa_code, exact, share)`:
 * the code to place each row by (converted when the file's vintage differs from the lookup's).
 * Events go wholly to one counterpart (best fit, `share` 1); with `shares`, for counts that can be
 * divided (residents), a code with several counterparts maps to each of them with an equal share
 * (a 2011 LSOA split in two: half to each; the population conform weights them by residents where
 * it can), and codes merged into one are summed by the caller.
 * Throws when a conversion is needed and no change file is loaded.
 */
export async function placeLsoaCodes(ctx: Context, source: string, rawTable: string, subject: string, { shares = false }: { shares?: boolean } = {}): Promise<FileVintage[]> {
  const { db, config } = ctx;
  const lookupVintage = (await db.one<{ v: string }>(`SELECT lsoa_vintage AS v FROM ref.geography_meta`))!.v;
  const haveChanges = Boolean(await db.one(`SELECT 1 FROM ref.lsoa_changes LIMIT 1`));
  await db.run(`CREATE TABLE IF NOT EXISTS audit.lsoa_vintages (source VARCHAR, path VARCHAR, lsoa_vintage VARCHAR, lookup_vintage VARCHAR,
    codes INTEGER, codes_in_lookup INTEGER, codes_only_2011 INTEGER, codes_only_2021 INTEGER, converted BOOLEAN, rows_converted INTEGER, rows_approx INTEGER);
    ALTER TABLE audit.lsoa_vintages ADD COLUMN IF NOT EXISTS rows_converted INTEGER; ALTER TABLE audit.lsoa_vintages ADD COLUMN IF NOT EXISTS rows_approx INTEGER`);
  // The files read now are recorded again; those no longer configured go. A refresh that reads
  // only new files keeps the earlier files' rows, and their conversion warnings are said again below.
  await db.run(`DELETE FROM audit.lsoa_vintages WHERE source = $s AND (path IN (SELECT DISTINCT _file FROM ${rawTable}) OR path NOT IN (SELECT path FROM audit.source_files))`, { s: source });
  // Each file's distinct codes, found once (a national year: 6 million lines, some 360,000 codes by
  // file): the vintage of each file and the map of its codes are worked out from them alone.
  const codes = `_lsoa_codes_${source}`;
  await db.run(`CREATE OR REPLACE TEMP TABLE ${codes} AS
    SELECT DISTINCT _file, trim_fast(lsoa_code) AS code FROM ${rawTable} WHERE nullif(trim_fast(lsoa_code), '') IS NOT NULL`);
  const rows = await db.all<{ path: string; codes: number; in_lookup: number; only11: number; only21: number; ex11: string | null; ex21: string | null }>(`
    WITH codes AS (SELECT * FROM ${codes}),
         lk AS (SELECT lsoa_code AS code FROM ref.lookup_lsoas),
         c11 AS (SELECT DISTINCT lsoa11_code AS code FROM ref.lsoa_changes),
         c21 AS (SELECT DISTINCT lsoa21_code AS code FROM ref.lsoa_changes),
         flagged AS (
           SELECT _file, code, code IN (SELECT code FROM lk) AS in_lookup,
                  code IN (SELECT code FROM c11) AND code NOT IN (SELECT code FROM c21) AS only11,
                  (code IN (SELECT code FROM c21) AND code NOT IN (SELECT code FROM c11)) OR ${newIn2021Sql("code")} AS only21
           FROM codes)
    SELECT _file AS path, count(*)::INTEGER AS codes, count(*) FILTER (WHERE in_lookup)::INTEGER AS in_lookup,
           count(*) FILTER (WHERE only11)::INTEGER AS only11, count(*) FILTER (WHERE only21)::INTEGER AS only21,
           min(code) FILTER (WHERE only11) AS ex11, min(code) FILTER (WHERE only21) AS ex21
    FROM flagged GROUP BY 1 ORDER BY 1`);
  const out: FileVintage[] = rows.map((r) => ({
    path: r.path,
    vintage: r.only11 && r.only21 ? "mixed" : r.only21 ? "LSOA21" : r.only11 ? "LSOA11" : "either",
    codes: r.codes, inLookup: r.in_lookup, only2011: r.only11, only2021: r.only21,
    example: r.only21 ? r.ex21 : r.ex11,
  }));
  const mismatched = out.filter((f) => f.vintage === "mixed" || (f.vintage !== "either" && f.vintage !== lookupVintage));
  for (const f of mismatched) {
    if (!haveChanges) throw new LocalneedsError(messages.lsoaVintageNeedsChanges(f.path, f.vintage, lookupVintage, f.example ?? "", config.geography.lsoaLookup));
  }
  if (mismatched.length) await buildConversion(ctx, lookupVintage);
  const convertFiles = new Set(mismatched.map((f) => f.path));
  await db.insertRows(
    "audit.lsoa_vintages",
    ["source", "path", "lsoa_vintage", "lookup_vintage", "codes", "codes_in_lookup", "codes_only_2011", "codes_only_2021", "converted"],
    out.map((f) => ({
      source, path: f.path, lsoa_vintage: f.vintage, lookup_vintage: lookupVintage, codes: f.codes, codes_in_lookup: f.inLookup,
      codes_only_2011: f.only2011, codes_only_2021: f.only2021, converted: convertFiles.has(f.path),
    })),
  );
  const map = `_lsoa_map_${source}`;
  await db.run(`CREATE OR REPLACE TEMP TABLE ${map} (_file VARCHAR, source_code VARCHAR, lsoa_code VARCHAR, exact BOOLEAN, share DOUBLE)`);
  const conversion = !mismatched.length
    ? "(SELECT NULL::VARCHAR AS from_code, NULL::VARCHAR AS to_code, NULL::BOOLEAN AS exact, NULL::DOUBLE AS share)"
    : shares
      ? "(SELECT from_code, to_code, exact, share FROM ref.lsoa_conversion)"
      : "(SELECT from_code, to_code, exact, 1.0::DOUBLE AS share FROM ref.lsoa_conversion WHERE best_fit)";
  await db.run(`INSERT INTO ${map}
    SELECT DISTINCT r._file, r.code, coalesce(CASE WHEN lk.code IS NULL AND v.converted THEN c.to_code END, r.code),
           coalesce(CASE WHEN lk.code IS NULL AND v.converted THEN c.exact END, true), coalesce(CASE WHEN lk.code IS NULL AND v.converted THEN c.share END, 1)
    FROM ${codes} r
    JOIN audit.lsoa_vintages v ON v.source = $s AND v.path = r._file
    LEFT JOIN (SELECT lsoa_code AS code FROM ref.lookup_lsoas) lk ON lk.code = r.code
    LEFT JOIN ${conversion} c ON c.from_code = r.code`, { s: source });
  await db.run(`DROP TABLE ${codes}`);
  for (const f of mismatched) {
    await db.run(
      `UPDATE audit.lsoa_vintages SET rows_converted = n.rows, rows_approx = n.approx FROM (
         SELECT count(*)::INTEGER AS rows, count(*) FILTER (WHERE NOT m.exact)::INTEGER AS approx
         FROM ${rawTable} r JOIN (SELECT _file, source_code, bool_and(exact) AS exact FROM ${map} WHERE source_code <> lsoa_code GROUP BY ALL) m
           ON m._file = r._file AND m.source_code = trim_fast(r.lsoa_code) WHERE r._file = $f) n
       WHERE source = $s AND path = $f`,
      { f: f.path, s: source },
    );
  }
  const converted = await db.all<{ path: string; lsoa_vintage: string; rows: number; approx: number }>(
    `SELECT path, lsoa_vintage, rows_converted AS rows, rows_approx AS approx FROM audit.lsoa_vintages WHERE source = $s AND converted ORDER BY path`, { s: source });
  for (const f of converted) {
    await db.recordWarning("conform", "lsoa_vintage_converted", displayPath(config, f.path), messages.lsoaVintageConverted(subject, displayPath(config, f.path), f.lsoa_vintage, lookupVintage, displayPath(config, config.geography.lsoaChanges ?? ""), f.rows, f.approx, shares));
  }
  return out;
}

/**
 * `ref.lsoa_conversion(from_code, to_code, exact, candidates, share, best_fit)`: each code of the
 * other vintage with each of its counterparts in the lookup's. One counterpart: exact. Several (a
 * 2011 LSOA split, or a 2021 LSOA merged from several): `exact` false, an equal `share` each, and
 * the best fit (the lowest code) marked, where events go wholly.
 */
async function buildConversion(ctx: Pick<Context, "db">, lookupVintage: string): Promise<void> {
  const [from, to] = lookupVintage === "LSOA21" ? ["lsoa11_code", "lsoa21_code"] : ["lsoa21_code", "lsoa11_code"];
  await ctx.db.run(`CREATE OR REPLACE TABLE ref.lsoa_conversion AS
    SELECT from_code, to_code, count(*) OVER w = 1 AS exact, (count(*) OVER w)::INTEGER AS candidates, 1 / count(*) OVER w AS share,
           to_code = min(to_code) OVER w AS best_fit
    FROM (SELECT DISTINCT ${from} AS from_code, ${to} AS to_code FROM ref.lsoa_changes)
    WINDOW w AS (PARTITION BY from_code)`);
}
