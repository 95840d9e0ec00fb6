/**
 * English Indices of Deprivation population denominators by LSOA: File 6 (IoD2019: mid-2015,
 * excluding prisoners; IoD2025: mid-2022), and the same columns at the end of File 7, with
 * thousands separators inside quoted numbers (`"1,296"`). Written into `staging.population_lsoa` as
 * sex `P` and the bands 0-15, 16-59 and 60-120 of the mid-year in the header, so rates can use it as
 * their denominator; IoD2025's File 7 has no 16-59 column, so that band is its total less 0-15 and
 * 60+. The working-age column (IoD2019: 18-59/64; IoD2025: 18-66) overlaps the bands: it goes to
 * `staging.population_working_age` (the claimant rate's base where no SAPE single years cover the
 * year), with its definition as the file states it.
 */
import { defineCsvFormat } from "../csv-format.ts";
import { registerFormats } from "../load-csv.ts";
import { readHeader } from "../files.ts";
import { LocalneedsError, messages } from "../../pipelines/core/messages.ts";
import { literal } from "../../pipelines/core/warehouse.ts";

/**
 * A count column: required unless `optional`; its cells must not be blank unless `blankOk` (by
 * default, an optional column's may be). An optional column whose cells are required rejects a
 * blank cell where the file has the column, and is NULL where it has not.
 */
const count = (name: string, header: RegExp, opts: { optional?: boolean; blankOk?: boolean } = {}) => {
  const optional = opts.optional ?? false;
  return { name, header, kind: "integer" as const, nonNegative: true, required: !(opts.blankOk ?? optional), optional };
};

/**
 * IoD population denominators layout (File 6, or File 7's last columns). IoD2019 and IoD2025 name
 * the columns alike but for the mid-year and the working age (`18-59/64` in 2019, `18-66` in
 * 2025, each its own column so the definition is the file's); IoD2025's File 7 leaves out
 * `Population aged 16-59`, which is optional here (where a file has it, a blank cell still rejects the row).
 */
export const iodDenominatorsFormat = defineCsvFormat({
  id: "iod_population_denominators",
  title: "an Indices of Deprivation population denominators file (File 6)",
  rawTable: "raw_iod_denominators",
  grain: "one row per LSOA",
  columns: [
    { name: "lsoa_code", header: /^LSOA code \(20\d{2}\)$/, required: true },
    { name: "lsoa_name", header: /^LSOA name \(20\d{2}\)$/ },
    { name: "lad_code", header: /^Local Authority District code \(20\d{2}\)$/ },
    count("total", /^Total population: mid 20\d{2}/),
    count("aged_0_15", /^Dependent Children aged 0-15: mid 20\d{2}/),
    count("aged_16_59", /^Population aged 16-59: mid 20\d{2}/, { optional: true, blankOk: false }),
    count("aged_60_plus", /^Older population aged 60 and over: mid 20\d{2}/),
    count("working_age", /^Working age population 18-59\/64/, { optional: true }),
    count("working_age_18_66", /^Working age population 18-66/, { optional: true }),
  ],
});
registerFormats(iodDenominatorsFormat);

/** The mid-year of a File 6 from its header (`Total population: mid 2015 ...`; R's `mid.2015`, pandas' `mid_2015`). */
export function denominatorsYear(file: string): number {
  const m = /(?:^|[^a-z])mid[^a-z0-9]*(20\d{2})/i.exec((readHeader(file) ?? []).join(","));
  if (!m) throw new LocalneedsError(messages.noYearInHeader(file));
  return Number(m[1]);
}

/** Broad bands of File 6 as (column, age, age_to). */
export const DENOMINATOR_BANDS = [
  ["aged_0_15", 0, 15],
  ["aged_16_59", 16, 59],
  ["aged_60_plus", 60, 120],
] as const;

/** SQL: a count cell of row `d` as a number, thousands separators removed (NULL when the file lacks the column). */
const cell = (d: string, column: string) => `TRY_CAST(replace(trim(${d}.${column}), ',', '') AS DOUBLE)`;

/**
 * SQL: a band's residents in row `d` of `raw_iod_denominators`. The 16-59 band where the file has
 * no 16-59 column (IoD2025's File 7) is the total less 0-15 and 60+ (never below 0: a row whose
 * bands exceed its total is then reported by `denominatorsMismatchSql`).
 */
export function denominatorBandSql(d: string, column: (typeof DENOMINATOR_BANDS)[number][0]): string {
  if (column !== "aged_16_59") return cell(d, column);
  return `coalesce(${cell(d, column)}, greatest(${cell(d, "total")} - ${cell(d, "aged_0_15")} - ${cell(d, "aged_60_plus")}, 0))`;
}

/** SQL: the bands of row `d` as `VALUES (age, age_to, population), ...`, for a `LATERAL (...) v(age, age_to, population)`. */
export const denominatorBandsSql = (d: string) =>
  `VALUES ${DENOMINATOR_BANDS.map(([c, a, b]) => `(${a}, ${b}, ${denominatorBandSql(d, c)})`).join(", ")}`;

/** SQL: true when row `d`'s bands do not add up to its total (`population_total_mismatch`). */
export const denominatorsMismatchSql = (d: string) =>
  `abs(${cell(d, "total")} - (${DENOMINATOR_BANDS.map(([c]) => denominatorBandSql(d, c)).join(" + ")})) > 0.5`;

/** The working-age definitions of the editions, as `staging.population_working_age.definition` states them. */
export const WORKING_AGE_DEFINITIONS = {
  /** IoD2019 (and 2015): 18 to the state pension age of the time, 59 (women) or 64 (men). */
  iod2019: { ageTo: 64, definition: "IoD File 6 working-age population 18-59/64 (excluding prisoners)" },
  /** IoD2025: 18 to 66, the state pension age since 2020. */
  iod2025: { ageTo: 66, definition: "IoD File 6 working-age population 18-66" },
} as const;

/**
 * SQL for row `d`'s working-age residents: `population` (the file's 18-66 or 18-59/64 column, NULL
 * when it has neither), `ageTo` (66 or 64: the upper age, which tells the two apart once the rows
 * are placed in the lookup's LSOAs) and `definition(ageTo)`, the definition by that upper age.
 */
export const workingAgeSql = (d: string) => ({
  population: `coalesce(${cell(d, "working_age_18_66")}, ${cell(d, "working_age")})`,
  ageTo: `CASE WHEN ${cell(d, "working_age_18_66")} IS NOT NULL THEN ${WORKING_AGE_DEFINITIONS.iod2025.ageTo} ELSE ${WORKING_AGE_DEFINITIONS.iod2019.ageTo} END`,
  definition: (ageTo: string) =>
    `CASE ${ageTo} WHEN ${WORKING_AGE_DEFINITIONS.iod2025.ageTo} THEN ${literal(WORKING_AGE_DEFINITIONS.iod2025.definition)} ELSE ${literal(WORKING_AGE_DEFINITIONS.iod2019.definition)} END`,
});
