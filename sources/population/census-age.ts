/**
 * Census 2021 usual residents by age, by LSOA, as Nomis's bulk downloads give them
 * (`census2021-ts007a-lsoa.csv`, `census2021-ts007-lsoa.csv`; the same tables from a Nomis query
 * carry `; measures: Value` after each name): `date, geography, geography code, Age: Total`, then
 * an age per column. TS007A: 18 five-year bands (`Age: Aged 4 years and under`, `Age: Aged 5 to 9
 * years` ... `Age: Aged 85 years and over`); TS007: single years (`Age: Aged under 1 year`, `Age:
 * Aged 1 year` ... `Age: Aged 100 years and over`). Residents on Census Day (21 March 2021), staged
 * as mid-year 2021 with sex `P`, where no mid-year estimate gives 2021.
 */
import { defineCsvFormat, type ColumnSpec } from "../csv-format.ts";
import { registerFormats } from "../load-csv.ts";

/** The year the census tables count. */
export const CENSUS_YEAR = 2021;

const measures = "(; measures: Value)?";
const ageColumn = (name: string, label: string): ColumnSpec =>
  ({ name, header: new RegExp(`^Age: ${label}${measures}$`, "i"), kind: "integer", nonNegative: true, required: true });
const ids: ColumnSpec[] = [
  { name: "date", header: /^date$/i, optional: true },
  { name: "lsoa_name", header: /^geography$/i, optional: true },
  { name: "lsoa_code", header: /^geography code$/i, required: true },
  ageColumn("total", "Total"),
];

/** A census age column: staging name, header label and the ages it holds (`age`..`age_to`, 120 for "and over"). */
export interface CensusBand { column: string; age: number; ageTo: number }

/** TS007A's 18 bands. */
const FIVE_YEAR: CensusBand[] = [
  { column: "a0_4", age: 0, ageTo: 4 },
  ...Array.from({ length: 16 }, (_, i) => ({ column: `a${5 + 5 * i}_${9 + 5 * i}`, age: 5 + 5 * i, ageTo: 9 + 5 * i })),
  { column: "a85_120", age: 85, ageTo: 120 },
];
const fiveYearLabel = (b: CensusBand) => (b.age === 0 ? "Aged 4 years and under" : b.ageTo === 120 ? "Aged 85 years and over" : `Aged ${b.age} to ${b.ageTo} years`);

/** TS007's single years, 0 to 99 and 100 and over. */
const SINGLE_YEAR: CensusBand[] = Array.from({ length: 101 }, (_, a) => ({ column: `a${a}`, age: a, ageTo: a === 100 ? 120 : a }));
const singleYearLabel = (b: CensusBand) => (b.age === 0 ? "Aged under 1 year" : b.age === 1 ? "Aged 1 year" : b.age === 100 ? "Aged 100 years and over" : `Aged ${b.age} years`);

/** Census 2021 TS007A: age in 18 five-year bands, by LSOA. */
export const censusAgeBandsFormat = defineCsvFormat({
  id: "census2021_ts007a",
  title: "a Census 2021 age file (TS007A: usual residents in five-year age bands by LSOA)",
  rawTable: "raw_census_ts007a",
  grain: "one row per LSOA (age bands wide)",
  columns: [...ids, ...FIVE_YEAR.map((b) => ageColumn(b.column, fiveYearLabel(b)))],
});

/** Census 2021 TS007: age by single year, by LSOA. */
export const censusSingleYearFormat = defineCsvFormat({
  id: "census2021_ts007",
  title: "a Census 2021 age file (TS007: usual residents by single year of age by LSOA)",
  rawTable: "raw_census_ts007",
  grain: "one row per LSOA (single years wide)",
  columns: [...ids, ...SINGLE_YEAR.map((b) => ageColumn(b.column, singleYearLabel(b)))],
});

registerFormats(censusAgeBandsFormat, censusSingleYearFormat);

/** The age columns of a census format. */
export function censusBands(formatId: string): CensusBand[] {
  return formatId === censusSingleYearFormat.id ? SINGLE_YEAR : FIVE_YEAR;
}
