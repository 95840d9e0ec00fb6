/**
 * Ward vintages in ward-keyed data. Complaints, survey microdata, school ward codes and local
 * counts carry ward codes of whatever vintage they were recorded in; a build declares one
 * (`geography.wardVintage`). A configured crosswalk (`geography.wardCrosswalk`) converts the
 * other vintage's codes, and every conversion is reported in `audit.warnings`:
 * - `best_fit`: each old ward goes wholly to the new ward with the largest weight (events such
 *   as complaints always convert this way: a case cannot be split);
 * - `population_weighted`: counts (local counts' numerators and denominators) are shared among
 *   the new wards by the weights.
 * The crosswalk CSV has two ward code columns (`WD19CD`, `WD25CD`: one of them the declared
 * vintage) and an optional `weight` (the share of the old ward's residents in the new ward;
 * 1 when absent). `deriveWardCrosswalk` writes one from public files: the old vintage's LSOA
 * lookup, LSOA boundaries and new ward boundaries (LSOA centroid in ward), weighted by LSOA
 * population. Grain of `ref.ward_crosswalk`: one row per old and new ward pair.
 */
import { writeFileSync } from "node:fs";
import type { Context } from "../../pipelines/core/context.ts";
import { LocalneedsError, messages } from "../../pipelines/core/messages.ts";
import { ident } from "../../pipelines/core/warehouse.ts";
import { defineCsvFormat } from "../csv-format.ts";
import { displayPath, readHeader } from "../files.ts";
import { codeSql, loadCsvFiles, type FileLoad } from "../load-csv.ts";
import { warnNormalisedCodes } from "./area-codes.ts";
import { BoundaryIndex, readBoundaries } from "./boundaries.ts";

/** The crosswalk format for a file, from its header: the non-declared ward column is `from`. */
function crosswalkFormat(file: string, declared: string) {
  const header = readHeader(file) ?? [];
  const wards = header.filter((h) => /^WD\d{2}CD$/i.test(h));
  const to = wards.find((h) => h.toUpperCase() === `${declared}CD`);
  const from = wards.find((h) => h !== to);
  if (!to || !from) {
    throw new LocalneedsError(messages.missingColumns(file, [`a ${declared}CD column`, "another WDyyCD column"], header, [to ? "WDyyCD (from)" : `${declared}CD`]));
  }
  return {
    fromVintage: from.slice(0, 4).toUpperCase(),
    format: defineCsvFormat({
      id: "ward_crosswalk",
      title: "a ward to ward crosswalk",
      rawTable: "raw_ward_crosswalk",
      rawInMemory: true,
      grain: "one row per old and new ward pair",
      columns: [
        { name: "from_code", header: from, required: true, kind: "gss_code" },
        { name: "to_code", header: to, required: true, kind: "gss_code" },
        { name: "weight", header: /^(weight|share|population)$/i, kind: "number", optional: true },
      ],
    }),
  };
}

/** Load the configured crosswalk (if any). */
export async function loadWardCrosswalk(ctx: Context): Promise<FileLoad[]> {
  const w = ctx.config.geography.wardCrosswalk;
  if (!w) return [];
  return loadCsvFiles(ctx, crosswalkFormat(w.file, ctx.config.geography.wardVintage).format, [w.file]);
}

/** Build `ref.ward_crosswalk(from_code, to_code, weight, best_fit)` (empty without a crosswalk); weights are normalised per old ward. */
export async function conformWardCrosswalk(ctx: Context): Promise<void> {
  const { db, config } = ctx;
  await db.run(`CREATE OR REPLACE TABLE ref.ward_crosswalk (from_code VARCHAR, to_code VARCHAR, weight DOUBLE, best_fit BOOLEAN, from_vintage VARCHAR, method VARCHAR)`);
  const w = config.geography.wardCrosswalk;
  if (!w) return;
  const { fromVintage } = crosswalkFormat(w.file, config.geography.wardVintage);
  await warnNormalisedCodes(ctx, "raw_ward_crosswalk", w.file, ["from_code", "to_code"]);
  await db.run(`INSERT INTO ref.ward_crosswalk
    WITH x AS (SELECT ${codeSql("from_code")} AS from_code, ${codeSql("to_code")} AS to_code, sum(coalesce(TRY_CAST(replace(trim(weight), ',', '') AS DOUBLE), 1)) AS w
               FROM raw_ward_crosswalk WHERE _file = $f GROUP BY 1, 2),
         n AS (SELECT *, w / sum(w) OVER (PARTITION BY from_code) AS weight,
                      row_number() OVER (PARTITION BY from_code ORDER BY w DESC, to_code) = 1 AS best_fit FROM x)
    SELECT from_code, to_code, weight, best_fit, $v, $m FROM n WHERE from_code IS NOT NULL AND to_code IS NOT NULL`, { v: fromVintage, m: w.method, f: w.file });
}

/** SQL: the declared-vintage ward of a ward code (best fit through the crosswalk; unchanged when not an old code). */
export const declaredWardSql = (expr: string) =>
  `coalesce((SELECT x.to_code FROM ref.ward_crosswalk x WHERE x.from_code = ${expr} AND x.best_fit), ${expr})`;

/**
 * Report how the ward codes of a staged table were placed: with `placed` (the column holding the
 * code as placed), rows whose source gave a code but which sit in no area of the build (empty,
 * or not in `ref.areas`: a typo, an unknown vintage, another authority); and rows converted
 * through the crosswalk (`originalColumn` holds the code as supplied). Sources that list the
 * whole country (GIAS schools) pass no `placed`: most of their rows belong elsewhere by design.
 */
export async function reportWardConversion(
  ctx: Context, source: string, table: string, originalColumn: string, how: "best_fit" | "population_weighted", placed?: string,
): Promise<void> {
  if (placed) {
    const unplaced = await ctx.db.one<{ n: number; codes: number; examples: string | null }>(
      `SELECT count(*)::INTEGER AS n, count(DISTINCT code)::INTEGER AS codes, string_agg(DISTINCT code, ', ' ORDER BY code) FILTER (WHERE r <= 3) AS examples
       FROM (SELECT t.${ident(originalColumn)} AS code, dense_rank() OVER (ORDER BY t.${ident(originalColumn)}) AS r FROM ${table} t
             WHERE t.${ident(originalColumn)} IS NOT NULL AND (t.${ident(placed)} IS NULL OR t.${ident(placed)} NOT IN (SELECT area_code FROM ref.areas)))`,
    );
    if (unplaced!.n) {
      await ctx.db.recordWarning("conform", "area_code_not_in_build", source, messages.areaCodeNotInBuild(source, unplaced!.n, unplaced!.codes, unplaced!.examples ?? ""));
    }
  }
  const w = ctx.config.geography.wardCrosswalk;
  if (!w) return;
  const n = await ctx.db.one<{ n: number; v: string | null }>(
    `SELECT count(*)::INTEGER AS n, any_value(x.from_vintage) AS v FROM ${table} t JOIN ref.ward_crosswalk x ON x.from_code = t.${ident(originalColumn)} AND x.best_fit`,
  );
  if (!n!.n) return;
  await ctx.db.recordWarning("conform", "ward_crosswalk_applied", source, messages.wardCrosswalkApplied(source, n!.n, n!.v ?? "?", ctx.config.geography.wardVintage, displayPath(ctx.config, w.file), how));
}

/**
 * Write a population-weighted ward crosswalk CSV (`<from>CD,<to>CD,weight`) from public files:
 * each LSOA of the old lookup goes to the new ward containing its centroid, carrying its
 * population; weights are the shares of each old ward's population. Returns the rows written.
 */
export function deriveWardCrosswalk(opts: {
  /** LSOA -> old ward pairs (from the old vintage's ONS lookup). */
  lsoaWards: { lsoa: string; ward: string }[];
  /** LSOA population (any year; LSOAs missing count as 0). */
  population: Map<string, number>;
  lsoaBoundaries: string;
  wardBoundaries: string;
  fromVintage: string;
  out: string;
}): { from: string; to: string; weight: number }[] {
  const lsoas = new Map(readBoundaries(opts.lsoaBoundaries, "LSOA").areas.map((a) => [a.code, a]));
  const wards = readBoundaries(opts.wardBoundaries, "WD");
  const index = new BoundaryIndex(wards.areas);
  const pairs = new Map<string, number>();
  const totals = new Map<string, number>();
  for (const { lsoa, ward } of opts.lsoaWards) {
    const b = lsoas.get(lsoa);
    if (!b) continue;
    const to = index.locate(b.inside[0], b.inside[1]) ?? index.nearest(b.inside[0], b.inside[1]);
    if (!to) continue;
    const pop = opts.population.get(lsoa) ?? 0;
    pairs.set(`${ward}|${to.code}`, (pairs.get(`${ward}|${to.code}`) ?? 0) + pop);
    totals.set(ward, (totals.get(ward) ?? 0) + pop);
  }
  const rows = [...pairs].map(([k, pop]) => {
    const [from, to] = k.split("|") as [string, string];
    return { from, to, weight: totals.get(from) ? pop / totals.get(from)! : 0 };
  }).sort((a, b) => a.from.localeCompare(b.from) || b.weight - a.weight);
  writeFileSync(opts.out, [`${opts.fromVintage}CD,${wards.vintage}CD,weight`, ...rows.map((r) => `${r.from},${r.to},${r.weight.toFixed(6)}`)].join("\n") + "\n");
  return rows;
}
