/**
 * English Indices of Deprivation 2019, File 6: population denominators by LSOA (mid-2015,
 * excluding prisoners), in broad bands, with thousands separators inside quoted numbers
 * (`"1,296"`). Written into `staging.population_lsoa` as sex `P` and the bands 0-15, 16-59 and
 * 60-120 of the mid-year in the header, so rates can use it as their denominator. The
 * working-age column (18-59/64) overlaps the bands: it goes to `staging.population_working_age`
 * (the claimant rate's base where no SAPE single years cover the year).
 */
import { defineCsvFormat } from "../csv-format.ts";
import { registerFormats } from "../load-csv.ts";
import { readHeader } from "../files.ts";
import { LocalneedsError, messages } from "../../pipelines/core/messages.ts";

const count = (name: string, header: RegExp, optional = false) => ({ name, header, kind: "integer" as const, nonNegative: true, required: !optional, optional });

/** IoD File 6 population denominators layout. */
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
    count("aged_16_59", /^Population aged 16-59: mid 20\d{2}/),
    count("aged_60_plus", /^Older population aged 60 and over: mid 20\d{2}/),
    count("working_age", /^Working age population 18-59\/64/, true),
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
