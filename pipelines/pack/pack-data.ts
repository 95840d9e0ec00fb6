/**
 * Stage 5 input: everything the packs of one build read from the warehouse, read once and shared
 * by every focus pack and the borough overview. Tables of optional sources (crime, survey,
 * complaints, ...) and marts that another stage may leave empty (`marts.outcomes`,
 * `marts.need_index`, `marts.indicator_trends`) are read defensively: a missing table gives an
 * empty list, and every pack section says what is not available instead of failing.
 */
import path from "node:path";
import type { Context } from "../core/context.ts";
import type { FileLoad } from "../../sources/load-csv.ts";
import { displayPath } from "../../sources/files.ts";
import { populationSourceUsed } from "../../sources/population/ons-sape.ts";
import type {
  AreaRow,
  IndicatorTrendRow,
  IndicatorValueRow,
  NeedIndexRow,
  NeedLocalityRow,
  Outcome,
  OutcomeRow,
} from "../../transforms/marts.ts";
import { messages } from "../core/messages.ts";
import { loadBoundaries, lsoaBoundaryCandidates, type Boundaries } from "./boundaries.ts";
import { ancestorsSql } from "../core/area-ancestors.ts";
import { parentComparators } from "../../transforms/compare.ts";
import { weightingsOf, type Weighting } from "../../transforms/survey-weighting.ts";

/** One comparison at the 95% level, overall breakdown (grain: indicator, area, period, comparator). */
export interface ComparisonRow {
  indicator_id: string;
  area_code: string;
  period_label: string;
  comparator_code: string;
  comparator_kind: string;
  comparator_value: number | null;
  outcome: Outcome;
  /** The outcome at the 99.8% level (null when not compared at that level). */
  outcome998: Outcome | null;
}

/** `marts.indicator_comparisons` as downloaded: every breakdown and level. */
export interface WarehouseComparisonRow extends ComparisonRow {
  breakdown: string;
  level: string;
  method: string | null;
}

/**
 * The two marts every pack carries whole as CSV downloads, read once per build (the pack's own
 * views of them, `PackData.values` and `PackData.comparisons`, are cut from these).
 */
export interface WarehouseTables {
  /** `marts.indicator_values` of the pack's areas (the parent, its wards, region, country, comparator groups), every breakdown, ordered by indicator, period start, period type, breakdown, area. */
  values: IndicatorValueRow[];
  /** `marts.indicator_comparisons`, ordered by indicator, area, period, breakdown, comparator kind and code, level. */
  comparisons: WarehouseComparisonRow[];
}

/** The columns of `WarehouseComparisonRow`, in download order. */
export const COMPARISON_COLUMNS: (keyof WarehouseComparisonRow)[] = [
  "indicator_id", "area_code", "period_label", "breakdown", "comparator_code", "comparator_kind", "comparator_value", "outcome", "level", "method",
];

/** Recorded crimes: one row per ward, month (`YYYY-MM`) and crime type. */
export interface CrimeMonthRow {
  ward_code: string;
  month: string;
  crime_type: string;
  count: number;
}

/** Council cases in one financial year: one row per ward and category. */
export interface ComplaintRow {
  ward_code: string;
  category: string;
  cases: number;
  /** Cases closed, with a resolution time. */
  resolved: number;
  /** Days to resolve of every resolved case, ascending (medians of larger areas are taken over these, never averaged). */
  days: number[];
}

/** Resident population of the latest year: one row per ward, sex and 5-year band (90 = 90+). */
export interface PopulationRow {
  ward_code: string;
  /** `P` (persons): IoD File 6 broad bands, which have no split by sex. */
  sex: "F" | "M" | "P";
  band: number;
  population: number;
}

/** `marts.need_index_components`: one row per ward and indicator. */
export interface NeedComponentRow {
  area_code: string;
  indicator_id: string;
  domain: string;
  period_label: string;
  value: number | null;
  z_signed: number | null;
  weight: number;
}

/** Everything the packs read. */
export interface PackData {
  /** Area code -> name, every area but LSOAs. */
  names: Record<string, string>;
  areas: Map<string, AreaRow>;
  parent: { code: string; name: string };
  /** Codes of the parent's wards, sorted by name. */
  wards: string[];
  /** The country's code (England), when the lookup has it. */
  country: string | undefined;
  /** The parent's shire county (a district's upper tier; none for a unitary authority). */
  county: string | undefined;
  /** The parent's region. */
  region: string | undefined;
  /** `marts.indicator_values`, breakdown `all`, areas above LSOA, ordered by indicator, period, area. */
  values: IndicatorValueRow[];
  byIndicator: Map<string, IndicatorValueRow[]>;
  /** The weightings the survey estimates were made with (from their `method`): what the pack says of them. */
  surveyWeightings: Weighting[];
  /** Values each indicator has in the whole of `marts.indicator_values` (any area or breakdown). */
  martValues: Map<string, number>;
  /** Survey values by interview language (breakdown `language:xx`). */
  languageValues: IndicatorValueRow[];
  /** Language code -> name (`ref.survey_languages`). */
  languageNames: Record<string, string>;
  /** Values by other breakdowns (KS2 `boys`/`girls`, survey `choice:<code>`), same areas and order as `values`. */
  breakdownValues: IndicatorValueRow[];
  /** Answer code -> label of the survey's multiple-choice questions (priorities), for `choice:<code>`. */
  choiceNames: Record<string, string>;
  /** Definition breaks of the indicators' series (`marts.series_breaks`), by indicator and date. */
  seriesBreaks: { indicator_id: string; break_start: string; label: string; reason: string }[];
  /** The 95% comparisons, breakdown `all`. */
  comparisons: ComparisonRow[];
  /** The marts whole, for the downloads. */
  warehouse: WarehouseTables;
  trends: IndicatorTrendRow[];
  outcomes: OutcomeRow[];
  needIndex: NeedIndexRow[];
  /** The config's localities on the wards' need scale (`marts.need_index_localities`). */
  needLocalities: NeedLocalityRow[];
  needComponents: NeedComponentRow[];
  /** Alternative weighting schemes the need index ranks were recomputed under. */
  needSchemes: string[];
  /** Null when the build has no crime source. */
  crimeByMonth: CrimeMonthRow[] | null;
  /** Months (`YYYY-MM`) the loader flagged as anomalous. */
  anomalousMonths: string[];
  complaints: { period: string; rows: ComplaintRow[] } | null;
  /** Residents by ward, sex and 5-year band of the latest mid-year (`source` names the estimates: SAPE, or IoD File 6 broad bands with sex `P`). */
  population: { year: number; rows: PopulationRow[]; source: string; bySex: boolean } | null;
  /** LSOA IMD scores with their ward; null without a deprivation source. */
  lsoaDeprivation: { lsoa_code: string; lsoa_name: string; ward_code: string; imd_score: number | null; imd_decile: number | null }[] | null;
  wardBoundaries: Boundaries | null;
  lsoaBoundaries: Boundaries | null;
  /** Wards most like each focus ward (`ref.similar_wards`). */
  similarWards: { focus_code: string; ward_code: string; rank: number }[];
  quality: DataQuality;
}

/** The data-quality facts the pack reports. */
export interface DataQuality {
  loads: FileLoad[];
  warnings: { stage: string; code: string; subject: string | null; message: string }[];
  rejectsByFile: { path: string; rejected: number; first: { line: number | null; column: string | null; reason: string }[] }[];
  /** Suppressed values per indicator and reason (all areas and breakdowns). */
  suppression: { indicator_id: string; reason: string; values: number }[];
  /** Suppressed values in total. */
  suppressed: number;
  /** Areas per type and code vintage. */
  vintages: { area_type: string; vintage: string; areas: number }[];
  /** police.uk rows that could not be placed in an area of the lookup. */
  crimeUnplaced: { noLocation: number; outsideLookup: number; otherAuthorities: number } | null;
  /** Problems found while reading the boundary files (messages). */
  boundaryNotes: string[];
  /** The boundary files used for maps. */
  boundaries: { kind: string; file: string; codeProperty: string; matched: number; expected: number }[];
}

/** Rows of `sql` when every table in `needs` exists; otherwise an empty list (an optional source or mart). */
async function allIf<T>(ctx: Context, needs: string[], sql: string, params?: Record<string, string | number>): Promise<T[]> {
  for (const t of needs) if (!(await ctx.db.hasTable(t))) return [];
  return ctx.db.all<T>(sql, params);
}

/** Read everything the packs need. */
export async function readPackData(ctx: Context, loads: FileLoad[]): Promise<PackData> {
  const { db, config } = ctx;
  const areaRows = await db.all<AreaRow>(`SELECT area_code, area_name, area_type, parent_code, vintage FROM ref.areas WHERE area_type <> 'lsoa' ORDER BY area_code`);
  const areas = new Map(areaRows.map((a) => [a.area_code, a]));
  const up = parentComparators(areaRows, config.parent, Boolean(config.geography.hierarchy));
  const names = Object.fromEntries(areaRows.map((a) => [a.area_code, a.area_name]));
  const parent = { code: config.parent, name: names[config.parent] ?? config.parent };
  const wards = areaRows
    .filter((a) => a.area_type === "ward" && a.parent_code === config.parent)
    .sort((a, b) => a.area_name.localeCompare(b.area_name) || a.area_code.localeCompare(b.area_code))
    .map((a) => a.area_code);

  // The pack's areas: the parent, everything directly under it (wards, localities, the rest of
  // it), its county (a district's), region and country, the comparator groups and their member wards. A national
  // warehouse holds every ward of England; a pack reads only its own borough's.
  const similar = (await ctx.db.hasTable("ref.similar_wards")) ? "UNION SELECT ward_code FROM ref.similar_wards" : "";
  const packAreas = `(SELECT area_code FROM ref.areas WHERE area_code = $p OR (parent_code = $p AND area_type <> 'lsoa') OR area_type = 'comparator_group'
    UNION SELECT area_code FROM ${ancestorsSql("$p")}
    ${similar})`;
  const warehouse: WarehouseTables = {
    values: await db.all<IndicatorValueRow>(
      `SELECT * FROM marts.indicator_values WHERE area_code IN ${packAreas}
       ORDER BY indicator_id, period_start, period_type, breakdown, area_code`,
      { p: config.parent },
    ),
    comparisons: await db.all<WarehouseComparisonRow>(
      `SELECT ${COMPARISON_COLUMNS.map((c) => `"${c}"`).join(", ")} FROM marts.indicator_comparisons WHERE area_code IN ${packAreas}
       ORDER BY indicator_id, area_code, period_label, breakdown, comparator_kind, comparator_code, level`,
      { p: config.parent },
    ),
  };
  const values = warehouse.values.filter((v) => v.breakdown === "all");
  const byIndicator = new Map<string, IndicatorValueRow[]>();
  for (const v of values) {
    const list = byIndicator.get(v.indicator_id);
    if (list) list.push(v);
    else byIndicator.set(v.indicator_id, [v]);
  }
  const martValues = new Map(
    (await db.all<{ id: string; n: number }>(`SELECT indicator_id AS id, count(*)::INTEGER AS n FROM marts.indicator_values GROUP BY 1`)).map((r) => [r.id, Number(r.n)]),
  );
  const languageValues = warehouse.values.filter((v) => v.breakdown.startsWith("language:"));
  const languageNames = Object.fromEntries(
    (await allIf<{ code: string; name: string }>(ctx, ["ref.survey_languages"], `SELECT code, name FROM ref.survey_languages ORDER BY code`)).map((l) => [l.code, l.name]),
  );
  const compKey = (c: WarehouseComparisonRow) => `${c.indicator_id}|${c.area_code}|${c.period_label}|${c.comparator_kind}|${c.comparator_code}`;
  const at998 = new Map(warehouse.comparisons.filter((c) => c.breakdown === "all" && c.level === "99.8").map((c) => [compKey(c), c.outcome]));
  const breakdownValues = warehouse.values.filter((v) => v.breakdown !== "all" && !v.breakdown.startsWith("language:"));
  const choiceNames: Record<string, string> = {};
  const choiceQuestions = await allIf<{ answers: string }>(ctx, ["ref.survey_questions"], `SELECT answers::VARCHAR AS answers FROM ref.survey_questions WHERE type <> 'single' ORDER BY question_id`);
  for (const q of choiceQuestions) Object.assign(choiceNames, JSON.parse(q.answers) as Record<string, string>);
  const seriesBreaks = await allIf<PackData["seriesBreaks"][number]>(ctx, ["marts.series_breaks"],
    `SELECT indicator_id, break_start::VARCHAR AS break_start, label, reason FROM marts.series_breaks ORDER BY indicator_id, break_start`);
  const comparisons: ComparisonRow[] = warehouse.comparisons
    .filter((c) => c.breakdown === "all" && c.level === "95")
    .map((c) => ({
      indicator_id: c.indicator_id, area_code: c.area_code, period_label: c.period_label, comparator_code: c.comparator_code,
      comparator_kind: c.comparator_kind, comparator_value: c.comparator_value, outcome: c.outcome, outcome998: at998.get(compKey(c)) ?? null,
    }));
  const trends = await allIf<IndicatorTrendRow>(ctx, ["marts.indicator_trends"], `SELECT * FROM marts.indicator_trends WHERE breakdown = 'all' AND area_code IN ${packAreas} ORDER BY ALL`, { p: config.parent });
  const outcomes = await allIf<OutcomeRow>(ctx, ["marts.outcomes"], `SELECT * FROM marts.outcomes WHERE breakdown = 'all' ORDER BY indicator_id, area_code`);
  const needIndex = await allIf<NeedIndexRow>(ctx, ["marts.need_index"], `SELECT * FROM marts.need_index ORDER BY rank, area_code`);
  const needLocalities = await allIf<NeedLocalityRow>(ctx, ["marts.need_index_localities"], `SELECT * FROM marts.need_index_localities ORDER BY rank, area_code`);
  const needComponents = await allIf<NeedComponentRow>(ctx, ["marts.need_index_components"], `SELECT * FROM marts.need_index_components ORDER BY area_code, indicator_id`);
  const needSchemes = (
    await allIf<{ scheme: string }>(ctx, ["marts.need_index_sensitivity"], `SELECT scheme FROM marts.need_index_sensitivity GROUP BY scheme ORDER BY min(rowid)`)
  ).map((r) => r.scheme);

  // The figure marts (transforms/figure-marts.ts), for the pack's own wards (a national warehouse has every ward).
  const crimeByMonth = (await ctx.db.hasTable("marts.crime_by_month"))
    ? await db.all<CrimeMonthRow>(
        `SELECT ward_code, month, crime_type, crimes AS count FROM marts.crime_by_month WHERE ward_code IN ${packAreas} ORDER BY ward_code, month, crime_type`,
        { p: config.parent },
      )
    : null;
  const anomalousMonths = (
    await db.all<{ subject: string }>(`SELECT DISTINCT subject FROM audit.warnings WHERE code = 'crime_anomalous_month' AND subject IS NOT NULL ORDER BY 1`)
  ).map((r) => r.subject);

  const complaints = await readComplaints(ctx);
  const population = await readPopulation(ctx);
  const lsoaDeprivation = (await ctx.db.hasTable("marts.lsoa_deprivation"))
    ? await db.all<{ lsoa_code: string; lsoa_name: string; ward_code: string; imd_score: number | null; imd_decile: number | null }>(
        `SELECT lsoa_code, lsoa_name, ward_code, imd_score, imd_decile FROM marts.lsoa_deprivation WHERE lad_code = $p ORDER BY lsoa_code`,
        { p: config.parent },
      )
    : null;

  const boundaryNotes: string[] = [];
  const show = (f: string) => displayPath(config, f);
  const wardBoundaries = config.geography.wardBoundaries
    ? loadBoundaries(config.geography.wardBoundaries, new Set(wards), "wards", parent.code, boundaryNotes, show(config.geography.wardBoundaries))
    : null;
  const lsoaCodes = new Set(
    (await db.all<{ lsoa_code: string }>(`SELECT lsoa_code FROM ref.lsoa_ward WHERE lad_code = $p`, { p: config.parent })).map((r) => r.lsoa_code),
  );
  let lsoaBoundaries: Boundaries | null = null;
  for (const file of lsoaBoundaryCandidates(config)) {
    const b = loadBoundaries(file, lsoaCodes, "LSOAs", parent.code, [], show(file));
    if (b && (!lsoaBoundaries || b.matched > lsoaBoundaries.matched)) lsoaBoundaries = b;
  }
  if (lsoaBoundaries && lsoaBoundaries.matched < lsoaBoundaries.expected) {
    boundaryNotes.push(messages.packBoundariesPartial(show(lsoaBoundaries.file), lsoaBoundaries.matched, lsoaBoundaries.expected, "LSOAs"));
  }

  const similarWards = await allIf<{ focus_code: string; ward_code: string; rank: number }>(
    ctx,
    ["ref.similar_wards"],
    `SELECT focus_code, ward_code, rank::INTEGER AS rank FROM ref.similar_wards ORDER BY focus_code, rank`,
  );

  // A warning about a file names it as the pack names files (relative to the config, a zip member
  // as `archive.zip#member`): the warehouse keeps the path the build read, which says where the
  // project sat on disk (or names the extracted copy).
  const warnings = (await db.all<DataQuality["warnings"][number]>(`SELECT stage, code, subject, message FROM audit.warnings ORDER BY stage, code, subject, message`))
    .map((w) => (w.subject && path.isAbsolute(w.subject) ? { ...w, subject: show(w.subject), message: w.message.replaceAll(w.subject, show(w.subject)) } : w));
  // Per file: how many rows were rejected, and the first few (a file can have tens of thousands).
  const rejectsByFile = await db.all<DataQuality["rejectsByFile"][number]>(
    `SELECT path, count(*)::INTEGER AS rejected, list({'line': line::INTEGER, 'column': "column", 'reason': reason} ORDER BY line)[1:5] AS first
     FROM audit.rejects GROUP BY path ORDER BY path`,
  );
  const suppression = await db.all<{ indicator_id: string; reason: string; values: number }>(
    `SELECT indicator_id, coalesce(suppression_reason, 'suppressed') AS reason, count(*)::INTEGER AS "values"
     FROM marts.indicator_values WHERE is_suppressed GROUP BY ALL ORDER BY ALL`,
  );
  const vintages = await db.all<{ area_type: string; vintage: string; areas: number }>(
    `SELECT area_type, vintage, count(*)::INTEGER AS areas FROM ref.areas GROUP BY ALL ORDER BY ALL`,
  );
  let crimeUnplaced: DataQuality["crimeUnplaced"] = null;
  if (await ctx.db.hasTable("marts.crime_unplaced")) {
    const by = new Map((await db.all<{ reason: string; crimes: number }>(`SELECT reason, crimes FROM marts.crime_unplaced`)).map((r) => [r.reason, Number(r.crimes)]));
    crimeUnplaced = { noLocation: by.get("no location") ?? 0, outsideLookup: by.get("not in the lookup") ?? 0, otherAuthorities: by.get("authority not in this build") ?? 0 };
  }

  return {
    names,
    areas,
    parent,
    wards,
    country: up.country ?? areaRows.find((a) => a.area_type === "country")?.area_code,
    county: up.county ?? undefined,
    region: up.region ?? undefined,
    values,
    byIndicator,
    surveyWeightings: [...new Set(warehouse.values.flatMap((v) => weightingsOf(v.method)))].sort(),
    martValues,
    languageValues,
    breakdownValues,
    choiceNames,
    seriesBreaks,
    languageNames,
    comparisons,
    warehouse,
    trends,
    outcomes,
    needIndex,
    needLocalities,
    needComponents,
    needSchemes,
    crimeByMonth,
    anomalousMonths,
    complaints,
    population,
    lsoaDeprivation,
    wardBoundaries,
    lsoaBoundaries,
    similarWards,
    quality: {
      loads,
      warnings,
      rejectsByFile,
      suppression,
      suppressed: suppression.reduce((s, r) => s + r.values, 0),
      vintages,
      crimeUnplaced,
      boundaryNotes,
      boundaries: [
        ...(wardBoundaries ? [{ kind: "wards", file: wardBoundaries.file, codeProperty: wardBoundaries.codeProperty, matched: wardBoundaries.matched, expected: wardBoundaries.expected }] : []),
        ...(lsoaBoundaries ? [{ kind: "LSOAs", file: lsoaBoundaries.file, codeProperty: lsoaBoundaries.codeProperty, matched: lsoaBoundaries.matched, expected: lsoaBoundaries.expected }] : []),
      ],
    },
  };
}

/** Cases of the latest financial year with data, by ward and category (withdrawn cases left out, as in `complaints.rate`). */
async function readComplaints(ctx: Context): Promise<PackData["complaints"]> {
  if (!(await ctx.db.hasTable("marts.complaints_by_category"))) return null;
  const fy = await ctx.db.one<{ y: number | null }>(`SELECT max(financial_year)::INTEGER AS y FROM marts.complaints_by_category`);
  if (fy?.y === null || fy?.y === undefined) return null;
  const y = fy.y;
  const rows = await ctx.db.all<{ ward_code: string; category: string; cases: number; resolved: number; days: number[] | null }>(
    `SELECT ward_code, category, cases, resolved, days FROM marts.complaints_by_category WHERE financial_year = $y ORDER BY ward_code, category`,
    { y },
  );
  return {
    period: `${y}/${String((y + 1) % 100).padStart(2, "0")}`,
    rows: rows.map((r) => ({ ...r, days: r.days ?? [] })),
  };
}

/** Population of the latest year by ward, sex and 5-year band. */
async function readPopulation(ctx: Context): Promise<PackData["population"]> {
  if (!(await ctx.db.hasTable("marts.population_by_band"))) return null;
  const y = await ctx.db.one<{ y: number | null }>(`SELECT max(year)::INTEGER AS y FROM marts.population_by_band`);
  if (y?.y === null || y?.y === undefined) return null;
  const rows = await ctx.db.all<PopulationRow>(
    `SELECT ward_code, sex, band, population FROM marts.population_by_band WHERE year = $y AND lad_code = $p ORDER BY ward_code, sex, band`,
    { y: y.y, p: ctx.config.parent },
  );
  const bySex = rows.some((r) => r.sex !== "P");
  // The population the build used names it (as in the indicators' source lines).
  const source = (await populationSourceUsed(ctx.db)) ?? "population estimates";
  return rows.length ? { year: y.y, rows: bySex ? rows.filter((r) => r.sex !== "P") : rows, source, bySex } : null;
}

/** One indicator's row (breakdown `all`) for an area, period type and period, if the mart has it. */
export function valueAt(d: PackData, indicatorId: string, periodType: string, code: string, period: string): IndicatorValueRow | undefined {
  return d.byIndicator.get(indicatorId)?.find((r) => r.period_type === periodType && r.area_code === code && r.period_label === period);
}

/** Each pack data's comparisons by indicator and period, in their order (made on first use: a pack asks some thousand times). */
const comparisonIndex = new WeakMap<PackData, Map<string, ComparisonRow[]>>();
function comparisonsOf(d: PackData, indicatorId: string, period: string): ComparisonRow[] {
  let index = comparisonIndex.get(d);
  if (!index) {
    index = new Map();
    for (const c of d.comparisons) {
      const k = `${c.indicator_id}\u0000${c.period_label}`;
      const rows = index.get(k);
      if (rows) rows.push(c);
      else index.set(k, [c]);
    }
    comparisonIndex.set(d, index);
  }
  return index.get(`${indicatorId}\u0000${period}`) ?? [];
}

/** The 95% comparisons of one indicator, area and period (one per comparator). */
export function comparisonsAt(d: PackData, indicatorId: string, code: string, period: string): ComparisonRow[] {
  return comparisonsOf(d, indicatorId, period).filter((c) => c.area_code === code);
}

/** Every ward of the parent compared with the parent on one indicator and period. */
export function wardComparisons(d: PackData, indicatorId: string, period: string): ComparisonRow[] {
  const wards = new Set(d.wards);
  return comparisonsOf(d, indicatorId, period).filter((c) => c.comparator_kind === "parent" && wards.has(c.area_code));
}
