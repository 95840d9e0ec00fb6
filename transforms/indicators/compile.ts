/**
 * The indicator compiler: an `Indicator` and a period type -> one SQL query returning count rows
 * for every area the data supports, grain "one row per area, period and breakdown":
 * `(area_code, area_type, period_label, period_start, period_end, breakdown, numerator, denominator, note)`.
 * Statistics are then computed in JS on these aggregated rows (`measure.ts`).
 *
 * Events indicators count complete periods only; a month known to be missing (the numerator's
 * `missing` table) is missing data, not zero: every period containing it is listed with a NULL
 * numerator and the reasons as `note`, for every area with a unit missing it, so the measure
 * stage withholds it with that reason.
 *
 * Published indicators (`published`) are not aggregated: the publisher's rows are passed through.
 *
 * Area levels: every aggregate of `ref.area_members` (ward, locality, authority, rest of the
 * authority, comparator groups); region and country where a counts source publishes them; and
 * LSOAs of the parent authority where the data is LSOA-keyed (events by LSOA, LSOA measures) and
 * the period is long enough to be meaningful (`LSOA_PERIOD_TYPES`: not months or quarters).
 */
import type { Indicator, PeriodType } from "./define.ts";
import { isWindowType, monthsInPeriod, periodSql, windowsSql } from "./periods.ts";
import { literal } from "../../pipelines/core/warehouse.ts";

/** Aggregate area types built from members (LSOAs/wards). */
const AGGREGATES = "('ward', 'locality', 'authority', 'rest_of_authority', 'comparator_group')";

/** Period types for which LSOA-keyed indicators also get values per LSOA. */
export const LSOA_PERIOD_TYPES: readonly PeriodType[] = ["financial_year", "calendar_year", "rolling_12_months", "pooled_3_financial_years", "snapshot"];

/** Does this indicator, for this period type, get LSOA-level values? */
export function hasLsoaValues(ind: Indicator, type: PeriodType): boolean {
  const n = ind.numerator;
  return ((n.kind === "events" && n.area === "lsoa_code") || n.kind === "lsoa_measure") && LSOA_PERIOD_TYPES.includes(type);
}

/** SQL of the members of every aggregate area at ward level. */
const WARD_MEMBERS = `(SELECT DISTINCT m.area_code, m.area_type, l.ward_code AS unit
  FROM ref.area_members m JOIN ref.lsoa_ward l USING (lsoa_code))`;

/** `ref.area_members`, plus each LSOA of the parent as its own area when `lsoas` is set. */
const membersSql = (lsoas: boolean, parent: string) =>
  lsoas
    ? `(SELECT area_code, area_type, lsoa_code FROM ref.area_members
        UNION ALL SELECT lsoa_code, 'lsoa', lsoa_code FROM ref.lsoa_ward WHERE lad_code = ${literal(parent)})`
    : "ref.area_members";

/**
 * SQL: population by LSOA and mid-year for an indicator's age range, `(lsoa_code, year,
 * population)`. Bands wholly inside the range count (broad bands that straddle it are left out).
 */
export function lsoaPopulationSql(ind: Indicator): string {
  const den = ind.denominator;
  if ("population" in den && den.population === "working_age") {
    return `(SELECT lsoa_code, year, sum(population) AS population FROM ${WORKING_AGE_TABLE} GROUP BY ALL)`;
  }
  const ages = "population" in den && typeof den.population === "object" ? `AND p.age >= ${den.population.ages[0]} AND p.age_to <= ${den.population.ages[1]}` : "";
  return `(SELECT lsoa_code, year, sum(population) AS population FROM staging.population_lsoa p WHERE true ${ages} GROUP BY ALL)`;
}

/** Working-age residents by LSOA and mid-year (`lsoa_code, year, population, definition`), made by the population adapter. */
export const WORKING_AGE_TABLE = "staging.population_working_age";

/** The staged population table an indicator's denominator reads. */
export const populationTable = (ind: Indicator): string =>
  "population" in ind.denominator && ind.denominator.population === "working_age" ? WORKING_AGE_TABLE : "staging.population_lsoa";

/**
 * Population of every aggregate area by mid-year, for an age range: from `lsoaPopulation` (a
 * table of `lsoaPopulationSql`'s rows, which the measure stage makes once per age range) or
 * computed here. Summed to LSOA first: the single-year-of-age rows (millions nationally) are
 * not joined to every area an LSOA belongs to.
 */
function populationSql(ind: Indicator, members = "ref.area_members", lsoaPopulation?: string): string {
  return `(SELECT m.area_code, p.year, sum(p.population) AS population
    FROM ${lsoaPopulation ?? lsoaPopulationSql(ind)} p
    JOIN ${members} m ON m.lsoa_code = p.lsoa_code GROUP BY ALL)`;
}

/** Join a period to the nearest available population year. */
const popYearJoin = (alias: string, years = "staging.population_lsoa") =>
  `pop.year = greatest(least(year(${alias}.period_start), (SELECT max(year) FROM ${years})), (SELECT min(year) FROM ${years}))`;

/** A date range (`YYYY-MM-DD`, inclusive): only periods overlapping it are compiled. */
export interface PeriodRange {
  from: string;
  to: string;
}

/** What compiling needs besides the indicator: the parent authority, and optionally a period range and a population table. */
export interface CompileOptions {
  parent: string;
  /** Only periods overlapping this range (events indicators). */
  touching?: PeriodRange;
  /** A table of `lsoaPopulationSql(ind)`'s rows to read instead of summing `staging.population_lsoa` again. */
  lsoaPopulation?: string;
  /** The events' `missing` table is not in this warehouse: no month is known to be missing. */
  noMissingTable?: boolean;
  /**
   * Events indicators: tables made once and read by every period type instead of the source:
   * `monthly` (`eventsMonthlySql`'s rows) and `covered` (`eventsCoveredSql`'s).
   */
  events?: { monthly: string; covered: string };
}

/** SQL: an events indicator's numerator by unit and month (`unit, m, n`), `since` and `until` bounding the months (ISO dates) when given. */
export function eventsMonthlySql(n: Extract<Indicator["numerator"], { kind: "events" }>, range?: { since: string; until: string }): string {
  const where = n.where ? `AND (${n.where})` : "";
  const value = n.sum ? `coalesce(${n.sum}, 0)` : "1";
  const bounded = range ? `AND ${n.date} >= DATE ${literal(range.since)} AND ${n.date} < DATE ${literal(range.until)}` : "";
  return `SELECT ${n.area} AS unit, date_trunc('month', ${n.date})::DATE AS m, sum(${value}) AS n
    FROM ${n.from} WHERE ${n.date} IS NOT NULL AND ${n.area} IS NOT NULL ${where} ${bounded} GROUP BY ALL`;
}

/** SQL: the months an events source has data in (`m`), whatever the indicator counts of it. */
export function eventsCoveredSql(n: Extract<Indicator["numerator"], { kind: "events" }>): string {
  return `SELECT DISTINCT date_trunc('month', ${n.date})::DATE AS m FROM ${n.from} WHERE ${n.date} IS NOT NULL`;
}

/**
 * Compile an indicator for one period type to SQL (see module doc for the columns). With
 * `touching`, an events indicator yields only the periods overlapping that range (a refresh
 * that added or changed those months); other kinds ignore it.
 */
export function compileIndicator(ind: Indicator, type: PeriodType, ctx: CompileOptions): string {
  const n = ind.numerator;
  switch (n.kind) {
    case "events":
      return compileEvents(ind, n, type, membersSql(hasLsoaValues(ind, type), ctx.parent), ctx);
    case "counts":
      return n.period ? compileCounts(n, "month") : compileCounts(n, type);
    case "lsoa_measure":
      return compileLsoaMeasure(n, membersSql(hasLsoaValues(ind, type), ctx.parent));
    case "values":
      return compileValues(n, type);
    case "published":
      return compilePublished(n, type);
    case "survey":
    case "survey_choice":
      throw new Error(`indicator ${ind.id}: survey indicators are computed from microdata, not compiled`);
  }
}

function compileEvents(ind: Indicator, n: Extract<Indicator["numerator"], { kind: "events" }>, type: PeriodType, allMembers: string, opts: CompileOptions): string {
  const { touching, lsoaPopulation, events } = opts;
  const members = n.area === "lsoa_code" ? `(SELECT area_code, area_type, lsoa_code AS unit FROM ${allMembers})` : WARD_MEMBERS;
  if (!("population" in ind.denominator)) throw new Error(`indicator ${ind.id}: events need a population denominator`);
  // Months known to be missing (`missing`): (m, unit, reason).
  const missing = n.missing && !opts.noMissingTable
    ? `SELECT date_trunc('month', month)::DATE AS m, ${n.area} AS unit, reason FROM ${n.missing} WHERE month IS NOT NULL`
    : null;
  // Complete periods only: every month of the period has data somewhere in the source table, or
  // is known to be missing (the period is then listed, withheld with the reason).
  const covered = (events ? `SELECT m FROM ${events.covered}` : eventsCoveredSql(n)) + (missing ? ` UNION SELECT m FROM (${missing})` : "");
  let periods: string;
  if (isWindowType(type)) {
    periods = windowsSql(type, covered);
  } else {
    const p = periodSql(type, "m");
    const full = monthsInPeriod(type);
    periods = `(SELECT ${p.label} AS period_label, min(${p.start}) AS period_start, min(${p.end}) AS period_end, 1.0::DOUBLE AS years
      FROM (${covered}) GROUP BY 1 ${full ? `HAVING count(*) >= ${full}` : ""})`;
  }
  // A stock counted monthly (claimants): person-months over population x months; else person-years.
  const months = `(datediff('month', pr.period_start, pr.period_end) + 1)`;
  const denominator = n.stock ? `(pop.population * ${months})` : `(pop.population * pr.years)`;
  const note = n.stock
    ? `CASE WHEN ${months} > 1 THEN 'average of ' || ${months} || ' monthly counts (person-months over population x months)' END`
    : `CASE WHEN pr.years > 1 THEN 'denominator: person-years (population x ' || pr.years::INTEGER || ' years)' END`;
  if (touching) {
    periods = `(SELECT * FROM ${periods} WHERE period_end >= DATE ${literal(touching.from)} AND period_start <= DATE ${literal(touching.to)})`;
  }
  if (n.since) periods = `(SELECT * FROM ${periods} WHERE period_start >= DATE ${literal(n.since)})`;
  // `counts` sums by unit and period first: the join to the areas each unit belongs to then takes
  // one row per unit and period, not one per month in it (a national rolling year: millions fewer).
  return `
    WITH periods AS ${periods},
    monthly AS (
      SELECT * FROM ${events ? events.monthly : `(${eventsMonthlySql(n)})`}
      ${touching ? `WHERE m >= (SELECT min(period_start) FROM periods) AND m <= (SELECT max(period_end) FROM periods)` : ""}
    ),
    areas AS (SELECT DISTINCT area_code, area_type FROM ${allMembers}),
    counts AS (
      SELECT m.area_code, u.period_label, sum(u.n) AS numerator
      FROM (
        SELECT e.unit, pr.period_label, sum(e.n) AS n
        FROM monthly e JOIN periods pr ON e.m BETWEEN pr.period_start AND pr.period_end GROUP BY ALL
      ) u
      JOIN ${members} m ON m.unit = u.unit GROUP BY ALL
    ),
    pop AS ${populationSql(ind, allMembers, lsoaPopulation)}${missing ? `,
    missing_months AS (${missing}),
    missing_in_period AS (
      SELECT m.area_code, pr.period_label, g.m, g.reason
      FROM missing_months g JOIN periods pr ON g.m BETWEEN pr.period_start AND pr.period_end JOIN ${members} m ON m.unit = g.unit
      UNION
      SELECT a.area_code, pr.period_label, g.m, g.reason
      FROM missing_months g JOIN periods pr ON g.m BETWEEN pr.period_start AND pr.period_end CROSS JOIN areas a WHERE g.unit IS NULL
    ),
    withheld AS (SELECT area_code, period_label, string_agg(reason, '; ' ORDER BY m, reason) AS reason FROM missing_in_period GROUP BY ALL)` : ""}
    SELECT a.area_code, a.area_type, pr.period_label, pr.period_start, pr.period_end, 'all' AS breakdown,
           ${missing ? "CASE WHEN w.reason IS NULL THEN coalesce(c.numerator, 0) END" : "coalesce(c.numerator, 0)"}::DOUBLE AS numerator,
           ${denominator}::DOUBLE AS denominator, ${missing ? `coalesce(w.reason, ${note})` : note} AS note
    FROM areas a CROSS JOIN periods pr
    LEFT JOIN counts c ON c.area_code = a.area_code AND c.period_label = pr.period_label
    LEFT JOIN pop ON pop.area_code = a.area_code AND ${popYearJoin("pr", lsoaPopulation ?? populationTable(ind))}${missing ? `
    LEFT JOIN withheld w ON w.area_code = a.area_code AND w.period_label = pr.period_label` : ""}`;
}

function compileCounts(n: Extract<Indicator["numerator"], { kind: "counts" }>, type: PeriodType): string {
  if (isWindowType(type)) return compileCountsWindows(n, type);
  // Periods as published (APS rolling years) are taken from the row; else from its date.
  const p = n.period ? { label: "p_label", start: "p_start", end: "p_end" } : periodSql(type, "d");
  const published = n.period ? `, ${n.period.label} AS p_label, ${n.period.start}::DATE AS p_start, ${n.period.end}::DATE AS p_end` : "";
  const where = n.where ? `WHERE (${n.where})` : "";
  return `
    WITH src AS (
      SELECT ${n.area} AS code,
             ${n.date} AS d, ${n.numerator}::DOUBLE AS num, ${n.denominator}::DOUBLE AS den, ${n.breakdown ?? "'all'"} AS breakdown${published}
      FROM ${n.from} ${where}
    ),
    dated AS (SELECT *, ${p.label} AS period_label, ${p.start} AS period_start, ${p.end} AS period_end FROM src WHERE d IS NOT NULL),
    aggregated AS (
      SELECT m.area_code, m.area_type, period_label, min(period_start) AS period_start, min(period_end) AS period_end, breakdown,
             sum(num) FILTER (WHERE num IS NOT NULL AND den IS NOT NULL) AS numerator,
             sum(den) FILTER (WHERE num IS NOT NULL AND den IS NOT NULL) AS denominator,
             CASE WHEN count(*) FILTER (WHERE num IS NULL OR den IS NULL) > 0
                  THEN count(*) FILTER (WHERE num IS NULL OR den IS NULL) || ' member row(s) without counts left out' END AS note
      FROM dated JOIN ${WARD_MEMBERS} m ON m.unit = dated.code
      WHERE m.area_type IN ${AGGREGATES}
      GROUP BY m.area_code, m.area_type, period_label, breakdown
    ),
    direct AS (
      SELECT d.code AS area_code, a.area_type, period_label, min(period_start) AS period_start, min(period_end) AS period_end, breakdown,
             sum(num) AS numerator, sum(den) AS denominator, NULL::VARCHAR AS note
      FROM dated d JOIN ref.areas a ON a.area_code = d.code AND a.area_type IN ('authority', 'county', 'region', 'country')
      GROUP BY ALL
    )
    SELECT * FROM direct
    UNION ALL
    SELECT * FROM aggregated g WHERE NOT EXISTS (
      SELECT 1 FROM direct x WHERE x.area_code = g.area_code AND x.period_label = g.period_label AND x.breakdown = g.breakdown)`;
}

/** Counts over overlapping windows: rows whose date falls in the window are summed (pooled). */
function compileCountsWindows(n: Extract<Indicator["numerator"], { kind: "counts" }>, type: PeriodType & ("rolling_12_months" | "pooled_3_financial_years")): string {
  // Compile per base period (financial years for pooling, months for rolling), then sum the base
  // periods inside each window; coverage is every month a base period spans.
  const base = compileCounts(n, type === "pooled_3_financial_years" ? "financial_year" : "month");
  const covered = `SELECT DISTINCT unnest(generate_series(period_start, period_end, INTERVAL 1 MONTH))::DATE AS m FROM base`;
  return `
    WITH base AS (${base}),
    periods AS ${windowsSql(type, covered)}
    SELECT b.area_code, any_value(b.area_type) AS area_type, p.period_label, p.period_start, p.period_end, b.breakdown,
           sum(b.numerator) FILTER (WHERE b.numerator IS NOT NULL AND b.denominator IS NOT NULL) AS numerator,
           sum(b.denominator) FILTER (WHERE b.numerator IS NOT NULL AND b.denominator IS NOT NULL) AS denominator,
           CASE WHEN count(*) FILTER (WHERE b.numerator IS NULL OR b.denominator IS NULL) > 0
                THEN count(*) FILTER (WHERE b.numerator IS NULL OR b.denominator IS NULL) || ' period(s) without counts left out of the pool' END AS note
    FROM base b JOIN periods p ON b.period_start >= p.period_start AND b.period_end <= p.period_end
    GROUP BY b.area_code, p.period_label, p.period_start, p.period_end, b.breakdown`;
}

function compileLsoaMeasure(n: Extract<Indicator["numerator"], { kind: "lsoa_measure" }>, members: string): string {
  const weight = `pop.population`;
  // DECIMAL sums are exact, so the result does not depend on DuckDB's (parallel) summation order.
  const num = n.share_where ? `sum(CASE WHEN ${n.share_where} THEN ${weight} ELSE 0 END)` : `sum((s.${n.value} * ${weight})::DECIMAL(38, 6))`;
  return `
    WITH pop AS (
      SELECT lsoa_code, sum(population) AS population FROM staging.population_lsoa
      WHERE year = (SELECT max(year) FROM staging.population_lsoa) GROUP BY 1
    )
    SELECT m.area_code, m.area_type, any_value(s.edition) AS period_label,
           make_date(regexp_extract(any_value(s.edition), '[0-9]{4}')::INTEGER, 1, 1) AS period_start,
           make_date(regexp_extract(any_value(s.edition), '[0-9]{4}')::INTEGER, 12, 31) AS period_end,
           'all' AS breakdown, ${num}::DOUBLE AS numerator, sum(${weight})::DOUBLE AS denominator, NULL::VARCHAR AS note
    FROM ${n.from} s JOIN ${members} m ON m.lsoa_code = s.lsoa_code JOIN pop ON pop.lsoa_code = s.lsoa_code
    WHERE s.${n.value} IS NOT NULL
    GROUP BY m.area_code, m.area_type`;
}

/**
 * Published values (a table of `PUBLISHED_COLUMNS`) for one period type, as count rows carrying
 * the published value and limits. Areas kept: those of `ref.areas` (wards, the authority, its
 * region and country, whatever the publisher's area type) and areas the source places under an
 * authority or ward of the build (e.g. MSOAs whose parent is the authority), typed by the
 * source's area level. With
 * `academicYears`, `YYYY/YY` periods are academic years (September to August).
 */
function compilePublished(n: Extract<Indicator["numerator"], { kind: "published" }>, type: PeriodType): string {
  const where = n.where ? `AND (${n.where})` : "";
  // Academic years are staged as `YYYY/YY` financial years and moved five months on.
  const academic = n.academicYears === true && type === "academic_year";
  const moved = (c: string) => (academic ? `(${c} + INTERVAL 5 MONTH)::DATE` : c);
  return `
    WITH src AS (SELECT * FROM ${n.from} WHERE period_type = ${literal(academic ? "financial_year" : type)} ${where}),
    placed AS (
      SELECT s.*, coalesce(a.area_type, s.area_level) AS placed_type FROM src s
      LEFT JOIN ref.areas a ON a.area_code = s.area_code
      WHERE a.area_code IS NOT NULL OR s.parent_code IN (SELECT area_code FROM ref.areas WHERE area_type IN ('authority', 'ward', 'locality'))
    )
    SELECT area_code, placed_type AS area_type, period_label, ${moved("period_start")} AS period_start, ${moved("period_end")} AS period_end,
           breakdown, count::DOUBLE AS numerator, denominator::DOUBLE AS denominator, value_note AS note,
           value::DOUBLE AS value, lower95::DOUBLE AS lower95, upper95::DOUBLE AS upper95, lower998::DOUBLE AS lower998, upper998::DOUBLE AS upper998
    FROM placed`;
}

/** Values per area and period (for medians): `numerator` = number of values, `vals` = the sorted list. */
function compileValues(n: Extract<Indicator["numerator"], { kind: "values" }>, type: PeriodType): string {
  const p = periodSql(type, n.date);
  const members = n.area === "lsoa_code" ? `(SELECT area_code, area_type, lsoa_code AS unit FROM ref.area_members)` : WARD_MEMBERS;
  const where = n.where ? `AND (${n.where})` : "";
  return `
    WITH v AS (
      SELECT ${n.area} AS unit, ${p.label} AS period_label, ${p.start} AS period_start, ${p.end} AS period_end, ${n.value}::DOUBLE AS x
      FROM ${n.from} WHERE ${n.date} IS NOT NULL AND ${n.area} IS NOT NULL AND ${n.value} IS NOT NULL ${where}
    )
    SELECT m.area_code, m.area_type, v.period_label, min(v.period_start) AS period_start, min(v.period_end) AS period_end, 'all' AS breakdown,
           count(*)::DOUBLE AS numerator, count(*)::DOUBLE AS denominator, NULL::VARCHAR AS note, list(v.x ORDER BY v.x) AS vals
    FROM v JOIN ${members} m ON m.unit = v.unit
    GROUP BY m.area_code, m.area_type, v.period_label`;
}
