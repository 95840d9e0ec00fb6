/**
 * The expected-outcome table of the bad-input corpus: for every adapter's formats, the base file,
 * the columns the cases touch, and where a format's outcome differs from the default in
 * `corpus.ts` (or a case does not apply, with why). `conform` says what stage 2 then does with
 * rows that load but are questionable; those outcomes are asserted in the adapters' own tests.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadCsvFiles, loadDetectedFiles } from "../../../sources/load-csv.ts";
import type { CsvFormat } from "../../../sources/csv-format.ts";
import { policeStreetFormat } from "../../../sources/crime/police-uk-street.ts";
import { policeOutcomesFormat } from "../../../sources/crime/police-uk-outcomes.ts";
import { policeStopSearchFormat } from "../../../sources/crime/police-uk-stop-search.ts";
import { lsoaWardLookupFormat, wardHierarchyFormat } from "../../../sources/geography/ons-lookups.ts";
import { lsoaChangesFormat } from "../../../sources/geography/lsoa-vintage.ts";
import { loadAreaLookups, onsLookupFormat } from "../../../sources/geography/ons-area-lookups.ts";
import { POPULATION_FORMATS, POPULATION_SLOT_TITLE, sapeFormat } from "../../../sources/population/ons-sape.ts";
import { iodDenominatorsFormat } from "../../../sources/population/iod-denominators.ts";
import { nomisPopulationFormat } from "../../../sources/population/nomis-population.ts";
import { esp2013Format } from "../../../sources/population/esp2013.ts";
import { DEPRIVATION_FORMATS, SLOT_TITLE as DEPRIVATION_SLOT_TITLE, iodScoresFormat } from "../../../sources/deprivation/iod-scores.ts";
import { iodFile1Format, iodFile2Format, onsImdLookupFormat } from "../../../sources/deprivation/iod-files.ts";
import { fingertipsFormat } from "../../../sources/health/fingertips.ts";
import { localCountsFormat } from "../../../sources/health/local-counts.ts";
import { giasFormat, ks2Format, schoolWardLookupFormat } from "../../../sources/school/dfe-ks2.ts";
import { giasLinksFormat } from "../../../sources/school/gias-links.ts";
import { eesFsmFormat } from "../../../sources/school/ees-fsm.ts";
import { eesAbsenceFormat } from "../../../sources/school/ees-absence.ts";
import { EES_MARKERS } from "../../../sources/school/ees.ts";
import { readCodebook, surveyFormat } from "../../../sources/survey/residents-survey.ts";
import { crmExportFormat } from "../../../sources/complaints/crm-export.ts";
import { nomisFormat } from "../../../sources/economy/nomis.ts";
import { readHeader } from "../../../sources/files.ts";
import { demoFiles } from "../../../sources/demo/generate.ts";
import { allLoaded, someRejected, type CaseContext, type FormatSpec, type Outcome } from "./corpus.ts";

const BUILD = "2025-01-01";
const future = (expected: string, found: string) => `expected ${expected} not after ${BUILD} (the build date), found ${found}`;
const one = (format: CsvFormat): FormatSpec["load"] => (ctx, file) => loadCsvFiles(ctx, format, [file]);
const detected = (formats: readonly CsvFormat[], title: string): FormatSpec["load"] => async (ctx, file) =>
  (await loadDetectedFiles(ctx, formats, [file], title)).map((l) => l.load);

/** A short last row of a null-padded format loads, its missing cells NULL, unless a required cell is missing. */
const paddedLoads = (c: CaseContext): Outcome => allLoaded(c.rows.length);
const paddedRejected = (column: string) => (c: CaseContext): Outcome =>
  someRejected(c.rows.length, [{ line: c.rows.length + 1, column, reason: "expected a value, found a blank cell" }]);

const NO_COUNT = "no count column: one row per event";
const NO_DATES = "no date column in this format";
const NO_RATIO = "no numerator and denominator in this format";
/** A lookup of codes and names: no dates, counts or ratios. */
const CODES_ONLY = { ambiguous_dates: NO_DATES, future_dates: NO_DATES, negative_count: NO_COUNT, non_numeric_count: NO_COUNT, numerator_above_denominator: NO_RATIO };
/** What conform does with the LSOA-keyed IoD files. */
const IOD_CONFORM = { unknown_area_codes: "staged; only LSOAs of the build's wards enter the summaries", wrong_vintage_codes: "as unknown codes", duplicate_rows: "the LSOA counts once (last line); duplicate_key warning" };
const DFE = "SUPP, NA, NEW, LOWCOV, NE, NP, DNS, LOW, x, c, z, :, low, u, #DIV/0!";
/** The shared parts of the EES formats' entries (FSM, absence). */
const EES_MARKER_LIST = EES_MARKERS.join(", ");
const eesCount = (header: string) => ({
  header, negative: `expected a whole number of 0 or more or one of ${EES_MARKER_LIST}, found -5`, nonNumeric: `expected a whole number of 0 or more or one of ${EES_MARKER_LIST}, found twelve`,
});
const EES_AREA = { header: "new_la_code", unknown: "E06099999", otherVintage: "E10000009" };
const EES_NA = { ambiguous_dates: "time_period is a 6-digit academic year (202021), not a date", future_dates: "time_period is a 6-digit academic year; not checked against the clock" };

/** The survey codebook the demo generator writes (the microdata format is declared from it). */
function demoCodebook(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "ln-bad-codebook-"));
  const file = path.join(dir, "codebook.json");
  writeFileSync(file, demoFiles(20240401).find((f) => f.path === "survey/codebook.json")!.bytes);
  return file;
}
let survey: CsvFormat | undefined;
const surveyMicrodata = () => (survey ??= surveyFormat(readCodebook(demoCodebook())));

/** Every adapter's formats. */
export const FORMATS: FormatSpec[] = [
  // --- crime ---
  {
    adapter: "crime", id: "police_uk_street", title: policeStreetFormat.title, format: policeStreetFormat,
    base: "real/police/2019-02-kent-street.medway-only.csv", load: one(policeStreetFormat),
    text: "LSOA name", requiredColumn: "Crime type",
    date: { header: "Month", ambiguous: "01/02/2019", ambiguousReason: "expected a month as YYYY-MM, found 01/02/2019", future: "2031-05", futureReason: `expected a month as YYYY-MM not after 2025-01 (the build date), found 2031-05` },
    area: { header: "LSOA code", unknown: "E01099999", otherVintage: "E01035188" },
    na: { negative_count: NO_COUNT, non_numeric_count: NO_COUNT, numerator_above_denominator: NO_RATIO },
    conform: {
      unknown_area_codes: "counted in staging.crime_outside_lookup (reason 'not in the lookup'), not placed",
      wrong_vintage_codes: "the file's LSOA vintage is detected (audit.lsoa_vintages) and converted through geography.lsoaChanges, else an error says to configure it",
      duplicate_rows: "a line with a Crime ID is staged once (crime_repeated_line warning); ID-less ASB lines all count",
    },
  },
  {
    adapter: "crime", id: "police_uk_outcomes", title: policeOutcomesFormat.title, format: policeOutcomesFormat,
    base: "real/police/2019-01-kent-outcomes.head30.csv", load: one(policeOutcomesFormat),
    text: "LSOA name", requiredColumn: "Outcome type",
    date: { header: "Month", ambiguous: "01/02/2019", ambiguousReason: "expected a month as YYYY-MM, found 01/02/2019", future: "2031-05", futureReason: `expected a month as YYYY-MM not after 2025-01 (the build date), found 2031-05` },
    area: { header: "LSOA code", unknown: "E01099999", otherVintage: "E01035188" },
    na: { negative_count: NO_COUNT, non_numeric_count: NO_COUNT, numerator_above_denominator: NO_RATIO },
    conform: {
      unknown_area_codes: "staged with placement 'outside_area'",
      wrong_vintage_codes: "converted through geography.lsoaChanges as street crime is",
      duplicate_rows: "staged as two outcome lines (an outcome file has no unique key: a crime can have several outcomes)",
    },
  },
  {
    adapter: "crime", id: "police_uk_stop_search", title: policeStopSearchFormat.title, format: policeStopSearchFormat,
    base: "real/police/2019-01-kent-stop-and-search.head48.csv", load: one(policeStopSearchFormat),
    text: "Policing operation", requiredColumn: "Type",
    date: {
      header: "Date", ambiguous: "01/02/2019", ambiguousReason: "expected a date and time as YYYY-MM-DDThh:mm:ss+hh:mm, found 01/02/2019",
      future: "2031-05-01T10:00:00+01:00", futureReason: future("a date and time as YYYY-MM-DDThh:mm:ss+hh:mm", "2031-05-01T10:00:00+01:00"),
    },
    na: {
      negative_count: NO_COUNT, non_numeric_count: NO_COUNT, numerator_above_denominator: NO_RATIO,
      unknown_area_codes: "no area code column: searches are placed by their coordinates (outside every boundary -> placement outside_boundaries, stop_search_unplaced warning)",
      wrong_vintage_codes: "no area code column (placed by coordinates)",
    },
    conform: { duplicate_rows: "both lines staged (searches have no ID; two identical searches can happen)" },
  },
  // --- geography ---
  {
    adapter: "geography", id: "ons_lsoa_ward_lookup", title: lsoaWardLookupFormat.title, format: lsoaWardLookupFormat,
    base: "real/ons_geography/LSOA11_to_WD19_LAD19_EW_lookup.csv", load: one(lsoaWardLookupFormat),
    text: "LSOA11NM", requiredColumn: "WD19CD",
    area: { header: "LSOA11CD", unknown: "E01099999", otherVintage: "E01035188" },
    na: CODES_ONLY,
    conform: {
      unknown_area_codes: "the lookup defines the LSOAs: a code no other file uses is an LSOA with no data",
      wrong_vintage_codes: "the header declares the vintage (LSOA11CD); a code of another vintage is just an LSOA no data file uses",
      duplicate_rows: "counted once (ref.lsoa_ward is DISTINCT); the same LSOA in two wards is an error naming it; a ward in two authorities or with two names: sources/geography/README.md, Hierarchy checks",
    },
  },
  {
    adapter: "geography", id: "ons_ward_hierarchy", title: wardHierarchyFormat.title, format: wardHierarchyFormat,
    base: "real/ons_geography/WD19_LAD19_CTY19_RGN19_CTRY19_UK_lookup.csv", load: one(wardHierarchyFormat),
    text: "WD19NM", requiredColumn: "LAD19CD",
    area: { header: "WD19CD", unknown: "E05099999", otherVintage: "E05013000" },
    na: CODES_ONLY,
    conform: {
      unknown_area_codes: "only the regions and countries of the build's authorities are read from it: other wards are ignored",
      wrong_vintage_codes: "as unknown codes: rows are used for their authority's region and country only",
      duplicate_rows: "counted once; an authority in two regions or an area named twice: sources/geography/README.md, Hierarchy checks",
    },
  },
  {
    adapter: "geography", id: "ons_lsoa11_lsoa21_changes", title: lsoaChangesFormat.title, format: lsoaChangesFormat,
    base: "real/ons_geography/LSOA11_to_LSOA21_LAD22_lookup.kent-medway+all-M-X.csv", load: one(lsoaChangesFormat),
    text: "LSOA11NM", requiredColumn: "CHGIND",
    area: { header: "LSOA21CD", unknown: "E01099999", otherVintage: "E01016016" },
    na: CODES_ONLY,
    conform: {
      unknown_area_codes: "a pair no file uses converts nothing",
      wrong_vintage_codes: "a pair whose LSOA21 side is an LSOA11 code converts into a code no lookup holds: counted outside the lookup",
      duplicate_rows: "pairs are DISTINCT in ref.lsoa_changes: counted once",
    },
  },
  {
    adapter: "geography", id: "ons_lookup", title: "an ONS lookup",
    format: (file: string) => onsLookupFormat(file, readHeader(file) ?? []).format,
    base: "real/ons_geography/LAD19_to_CSP19_PFA19_lookup.csv", load: (ctx, file) => loadAreaLookups(ctx, [file]),
    text: "LAD19NM", requiredColumn: "LAD19CD",
    area: { header: "LAD19CD", unknown: "E06099999", otherVintage: "E06000059" },
    na: CODES_ONLY,
    override: {
      // Any ONS lookup is declared from its header: the code columns found (two or more) are the
      // lookup; the first is the child. Without LAD19CD, CSP19 -> PFA19 is still a lookup.
      missing_column: (c) => allLoaded(c.rows.length),
      renamed_column: (c) => allLoaded(c.rows.length),
      // An empty file or one without code columns is named for what it is.
      semicolon_delimited: (c) => ({ kind: "error", message: `${c.file}: the header is separated by ";", not commas (expected an ONS lookup; save it as comma-separated CSV)` }),
    },
    conform: {
      unknown_area_codes: "kept in ref.geography_codes / ref.geography_links as given (reference tables)",
      wrong_vintage_codes: "kept: the vintage is the header's (LAD19CD)",
      duplicate_rows: "codes and links are DISTINCT: counted once",
    },
  },
  // --- population ---
  {
    adapter: "population", id: "ons_sape_lsoa_syoa", title: POPULATION_SLOT_TITLE, format: sapeFormat,
    base: "demo/population/sapelsoasyoa2023.csv", load: detected(POPULATION_FORMATS, POPULATION_SLOT_TITLE),
    text: "LSOA 2021 Name", requiredColumn: "LSOA 2021 Code", requiredLabel: "LSOA yy Code",
    count: { header: "F0", negative: "expected a whole number of 0 or more, found -5", nonNumeric: "expected a whole number of 0 or more, found twelve" },
    area: { header: "LSOA 2021 Code", unknown: "Z01999999", otherVintage: "E01016016" },
    na: { ambiguous_dates: NO_DATES + " (the mid-year is in the file name)", future_dates: NO_DATES + " (the mid-year is in the file name)", numerator_above_denominator: "no ratio: cells not adding up to Total give a population_total_mismatch warning" },
    conform: {
      unknown_area_codes: "staged in staging.population_lsoa; no ward holds it, so no rate uses it",
      wrong_vintage_codes: "as unknown codes (the build's lookup decides which LSOAs count)",
      duplicate_rows: "the LSOA counts once (last line); duplicate_key warning",
    },
  },
  {
    adapter: "population", id: "iod_population_denominators", title: POPULATION_SLOT_TITLE, format: iodDenominatorsFormat,
    base: "real/imd2019/File_6_-_IoD2019_Population_Denominators.kent-medway.csv", load: detected(POPULATION_FORMATS, POPULATION_SLOT_TITLE),
    text: "LSOA name (2011)", requiredColumn: "LSOA code (2011)", requiredLabel: "LSOA code (yyyy)",
    count: { header: "Total population: mid 2015 (excluding prisoners)", negative: "expected a whole number of 0 or more, found -5", nonNumeric: "expected a whole number of 0 or more, found twelve" },
    area: { header: "LSOA code (2011)", unknown: "E01099999", otherVintage: "E01035188" },
    na: { ambiguous_dates: NO_DATES + " (the mid-year is in the header)", future_dates: NO_DATES + " (the mid-year is in the header)", numerator_above_denominator: "no ratio: bands not adding up to the total give a population_total_mismatch warning" },
    conform: { unknown_area_codes: "staged; no ward holds it", wrong_vintage_codes: "as unknown codes", duplicate_rows: "the LSOA counts once (last line); duplicate_key warning" },
  },
  {
    adapter: "population", id: "nomis_population", title: POPULATION_SLOT_TITLE, format: nomisPopulationFormat,
    base: "derived/nomis_population", load: detected(POPULATION_FORMATS, POPULATION_SLOT_TITLE),
    text: "GEOGRAPHY_NAME", requiredColumn: "GEOGRAPHY_CODE",
    count: { header: "OBS_VALUE", negative: "expected a number of 0 or more or one of -, *, !, #, ~, .., found -5", nonNumeric: "expected a number of 0 or more or one of -, *, !, #, ~, .., found twelve" },
    // DATE_NAME is a label: its year is read at conform (a row without one is left out and reported).
    date: { header: "DATE_NAME", ambiguous: "01/02/2019", ambiguousReason: "loaded", future: "2031", futureReason: "loaded" },
    area: { header: "GEOGRAPHY_CODE", unknown: "E01099999", otherVintage: "E01035188" },
    na: { numerator_above_denominator: NO_RATIO },
    conform: {
      unknown_area_codes: "staged in staging.population_lsoa; no ward holds it, so no rate uses it (a code that is not an LSOA's is left out: population_rows_left_out)",
      wrong_vintage_codes: "converted through geography.lsoaChanges when the download is of the other LSOA vintage",
      duplicate_rows: "the LSOA's year, sex and age count once (the last line)",
    },
  },
  {
    adapter: "population", id: "esp2013", title: esp2013Format.title, format: esp2013Format,
    base: "real/population/european_standard_population.csv", load: one(esp2013Format),
    text: "Group", requiredColumn: "EuropeanStandardPopulation",
    count: { header: "EuropeanStandardPopulation", negative: "expected a whole number of 0 or more, found -5", nonNumeric: "expected a whole number of 0 or more, found twelve" },
    na: {
      ambiguous_dates: NO_DATES, future_dates: NO_DATES, numerator_above_denominator: NO_RATIO,
      unknown_area_codes: "no area codes (age bands)", wrong_vintage_codes: "no area codes (age bands)",
    },
    conform: { duplicate_rows: "a repeated band makes the total differ from 100,000: esp2013_total warning" },
  },
  // --- deprivation ---
  {
    adapter: "deprivation", id: "iod_lsoa_scores", title: DEPRIVATION_SLOT_TITLE, format: iodScoresFormat,
    base: "demo/deprivation/iod_lsoa_scores.csv", load: detected(DEPRIVATION_FORMATS, DEPRIVATION_SLOT_TITLE),
    text: "LSOA name (2021)", requiredColumn: "LSOA code (2021)", requiredLabel: "LSOA code (yyyy)",
    count: { header: "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)", negative: "expected a whole number of 0 or more, found -5", nonNumeric: "expected a whole number of 0 or more, found twelve" },
    area: { header: "LSOA code (2021)", unknown: "Z01999999", otherVintage: "E01016016" },
    na: { ambiguous_dates: NO_DATES, future_dates: NO_DATES, numerator_above_denominator: NO_RATIO },
    conform: { unknown_area_codes: "staged; only LSOAs of the build's wards enter the summaries", wrong_vintage_codes: "as unknown codes; the edition comes from the header", duplicate_rows: "the LSOA counts once (last line); duplicate_key warning" },
  },
  ...([
    ["iod_file1_imd", iodFile1Format, "real/imd2019/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv", "Index of Multiple Deprivation (IMD) Rank"],
    ["iod_file2_domains", iodFile2Format, "real/imd2019/File_2_-_IoD2019_Domains_of_Deprivation.kent-medway.csv", "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)"],
  ] as const).map(([id, format, base, rank]): FormatSpec => ({
    adapter: "deprivation", id, title: DEPRIVATION_SLOT_TITLE, format, base, load: detected(DEPRIVATION_FORMATS, DEPRIVATION_SLOT_TITLE),
    text: "LSOA name (2011)", requiredColumn: "LSOA code (2011)", requiredLabel: "LSOA code (yyyy)",
    count: { header: rank, negative: "expected a whole number of 0 or more, found -5", nonNumeric: "expected a whole number of 0 or more, found twelve" },
    area: { header: "LSOA code (2011)", unknown: "E01099999", otherVintage: "E01035188" },
    na: { ambiguous_dates: NO_DATES, future_dates: NO_DATES, numerator_above_denominator: NO_RATIO },
    conform: IOD_CONFORM,
  })),
  {
    adapter: "deprivation", id: "ons_imd_lookup", title: DEPRIVATION_SLOT_TITLE, format: onsImdLookupFormat,
    base: "real/imd2019/ONS_IMD_Dec2019_lookup.kent-medway.csv", load: detected(DEPRIVATION_FORMATS, DEPRIVATION_SLOT_TITLE),
    text: "LSOA11NM", requiredColumn: "LSOA11CD",
    count: { header: "IMD19", negative: "expected a whole number of 0 or more, found -5", nonNumeric: "expected a whole number of 0 or more, found twelve" },
    area: { header: "LSOA11CD", unknown: "E01099999", otherVintage: "E01035188" },
    na: { ambiguous_dates: NO_DATES, future_dates: NO_DATES, numerator_above_denominator: NO_RATIO },
    conform: IOD_CONFORM,
  },
  // --- health ---
  {
    adapter: "health", id: "fingertips_export", title: fingertipsFormat.title, format: fingertipsFormat,
    base: "real/fingertips/indicators-CountyUA.data.csv", load: one(fingertipsFormat),
    text: "Indicator Name", requiredColumn: "Area Code",
    count: { header: "Count", negative: "expected a number of 0 or more, found -5", nonNumeric: "expected a number of 0 or more, found twelve" },
    // Standardised ratios publish the expected count as the denominator: a count above it is real.
    ratio: { numerator: "Count", denominator: "Denominator", reason: "loaded" },
    date: { header: "Time period", ambiguous: "01/02/2019", ambiguousReason: "loaded", future: "2031", futureReason: "loaded" },
    area: { header: "Area Code", unknown: "E06099999", otherVintage: "E10000016" },
    override: {
      // One header field more than the rows (null padding): a short row loads with NULLs, as the real exports
      // need; cut before its required Time period, the row is rejected for the blank cell.
      truncated_file: paddedRejected("Time period"),
      truncated_last_line: paddedLoads,
    },
    conform: {
      unknown_area_codes: "staged as published (national data for every area); indicators read only the build's areas",
      wrong_vintage_codes: "as unknown codes",
      duplicate_rows: "staged twice (a Fingertips export has no key column): no warning",
    },
  },
  {
    adapter: "health", id: "local_counts", title: localCountsFormat.title, format: localCountsFormat,
    base: "demo/health/local_breastfeeding.csv", load: one(localCountsFormat),
    text: "breakdown", requiredColumn: "numerator",
    count: { header: "numerator", negative: "expected a whole number of 0 or more, found -5", nonNumeric: "expected a whole number of 0 or more, found twelve" },
    ratio: { numerator: "numerator", denominator: "denominator", reason: "expected at most the denominator ({den}), found {num}" },
    date: {
      header: "period", ambiguous: "01/02/2019", ambiguousReason: "expected a period as YYYY-MM, YYYY-Qn, YYYY/YY or YYYY, found 01/02/2019",
      future: "2031", futureReason: future("a period as YYYY-MM, YYYY-Qn, YYYY/YY or YYYY", "2031"),
    },
    area: { header: "area_code", unknown: "Z05999999", otherVintage: "E05002255" },
    conform: {
      unknown_area_codes: "staged with its code; no indicator area matches it",
      wrong_vintage_codes: "converted through geography.wardCrosswalk (population-weighted shares or best fit; ward_crosswalk_applied warning)",
      duplicate_rows: "staged twice (no key declared): both lines count",
    },
  },
  // --- school ---
  {
    adapter: "school", id: "dfe_ks2_final", title: ks2Format.title, format: ks2Format,
    base: "real/dfe/2018-2019_850_ks2final.csv", load: one(ks2Format),
    text: "SCHNAME", requiredColumn: "RECTYPE",
    count: { header: "TELIG", negative: `expected a whole number of 0 or more or one of ${DFE}, found -5`, nonNumeric: `expected a whole number of 0 or more or one of ${DFE}, found twelve` },
    area: { header: "URN", unknown: "999999", otherVintage: "100000" },
    na: { ambiguous_dates: NO_DATES + " (the academic year is in the file name)", future_dates: NO_DATES + " (the academic year is in the file name)", numerator_above_denominator: "percentages, not counts over a base" },
    override: { truncated_file: paddedLoads, truncated_last_line: paddedLoads },
    conform: { unknown_area_codes: "a URN not in GIAS or the ward lookup has no ward (school_no_ward warning)", wrong_vintage_codes: "URNs have no vintage: a predecessor URN is chained through the GIAS links", duplicate_rows: "staged twice (no key declared)" },
  },
  {
    adapter: "school", id: "dfe_gias_extract", title: giasFormat.title, format: giasFormat, decodes1252: true,
    base: "real/dfe/2021-05-07_850_936_gias.csv", load: one(giasFormat),
    text: "EstablishmentName", requiredColumn: "URN",
    count: { header: "PercentageFSM", negative: `expected a number of 0 or more or one of ${DFE}, found -5`, nonNumeric: `expected a number of 0 or more or one of ${DFE}, found twelve` },
    area: { header: "LA (code)", unknown: "999", otherVintage: "835" },
    na: { ambiguous_dates: "the sample has no OpenDate/CloseDate (dd-mm-yyyy when present)", future_dates: "the sample has no OpenDate/CloseDate; a future OpenDate (a proposed school) would load", numerator_above_denominator: NO_RATIO },
    conform: { unknown_area_codes: "a ward code not in the lookup leaves the school without a ward (school_no_ward warning)", wrong_vintage_codes: "ward codes of another vintage go through geography.wardCrosswalk", duplicate_rows: "the URN counts once (last line); duplicate_key warning" },
  },
  {
    adapter: "school", id: "dfe_gias_links", title: giasLinksFormat.title, format: giasLinksFormat, decodes1252: true,
    base: "real/dfe/links_edubasealldata20250422.hants-surrey-sample.csv", load: one(giasLinksFormat),
    text: "LinkName", requiredColumn: "LinkType",
    date: { header: "LinkEstablishedDate", ambiguous: "03-04-2019", ambiguousReason: "loaded", future: "01-05-2031", futureReason: "loaded" },
    na: { negative_count: "no count column (URNs are identifiers)", non_numeric_count: "no count column (URNs are identifiers)", numerator_above_denominator: NO_RATIO, unknown_area_codes: "no area codes (URN links)", wrong_vintage_codes: "no area codes (URN links)" },
    conform: { duplicate_rows: "the same link twice chains the same way" },
  },
  {
    adapter: "school", id: "dfe_ees_fsm", title: eesFsmFormat.title, format: eesFsmFormat,
    base: "real/dfe/fsm_time_series.csv", load: one(eesFsmFormat),
    text: "la_name", requiredColumn: "phase",
    count: eesCount("headcount"),
    ratio: { numerator: "fsm_eligible", denominator: "headcount", reason: "expected at most the headcount ({den}), found {num}" },
    area: EES_AREA,
    na: EES_NA,
    conform: { unknown_area_codes: "staged with its code", wrong_vintage_codes: "staged with its code (LA codes change: key on new_la_code)", duplicate_rows: "staged twice (no key declared)" },
  },
  {
    adapter: "school", id: "dfe_ees_absence", title: eesAbsenceFormat.title, format: eesAbsenceFormat,
    base: "demo/school/absence_3term_nat_reg_la_sch.csv", load: one(eesAbsenceFormat),
    text: "la_name", requiredColumn: "school_type",
    count: eesCount("enrolments"),
    ratio: { numerator: "sess_overall", denominator: "sess_possible", reason: "expected at most the sess_possible ({den}), found {num}" },
    area: EES_AREA,
    na: EES_NA,
    conform: { unknown_area_codes: "staged with its code; a school URN not in GIAS has no ward (its rows count toward no ward)", wrong_vintage_codes: "staged with its code (key on new_la_code)", duplicate_rows: "staged twice (no key declared)" },
  },
  {
    adapter: "school", id: "school_ward_lookup", title: schoolWardLookupFormat.title, format: schoolWardLookupFormat,
    base: "derived/school_wards", load: one(schoolWardLookupFormat),
    text: "WD24CD", requiredColumn: "WD24CD", requiredLabel: "WDyyCD or ward_code",
    override: {
      // Cut inside the last field, the record still has both fields: the shortened code loads (nothing in
      // the bytes says it was cut); conform then finds no such ward and the school has none.
      truncated_file: (c) => allLoaded(c.rows.length, undefined, { line: c.rows.length + 1, header: "WD24CD", value: c.rows.at(-1)!.text.slice(0, Math.floor(c.rows.at(-1)!.text.length / 2)).split(",")[1]! }),
    },
    area: { header: "WD24CD", unknown: "Z05999999", otherVintage: "E05002255" },
    na: { ambiguous_dates: NO_DATES, future_dates: NO_DATES, negative_count: "no count column (URN, ward)", non_numeric_count: "no count column (URN, ward)", numerator_above_denominator: NO_RATIO },
    conform: { unknown_area_codes: "the school gets that code as its ward; no indicator area matches it", wrong_vintage_codes: "converted through geography.wardCrosswalk", duplicate_rows: "the URN counts once (last line); duplicate_key warning" },
  },
  // --- survey ---
  {
    adapter: "survey", id: "residents_survey_microdata", title: "residents survey microdata", get format() { return surveyMicrodata(); },
    base: "demo/survey/residents_survey_2023.csv", load: (ctx, file) => loadCsvFiles(ctx, surveyMicrodata(), [file]),
    text: "interview_language", requiredColumn: "ward_code", // free text (comments) is never stored
    count: { header: "design_weight", negative: "expected a number above 0 and at most 100,000,000, found -5", nonNumeric: "expected a number above 0 and at most 100,000,000, found twelve" },
    date: { header: "fieldwork_date", ambiguous: "03/04/2023", ambiguousReason: "loaded", future: "2031-05-01", futureReason: future("a date as YYYY-MM-DD or dd/mm/yyyy", "2031-05-01") },
    area: { header: "ward_code", unknown: "Z05999999", otherVintage: "E05002255" },
    na: { numerator_above_denominator: "answers are codes, not counts" },
    conform: { unknown_area_codes: "staged with that ward code; ward estimates use the build's wards only; area_code_not_in_build warning", wrong_vintage_codes: "converted through geography.wardCrosswalk (best fit)", duplicate_rows: "the respondent counts once (last line); survey_repeated_respondent warning" },
  },
  // --- complaints ---
  {
    adapter: "complaints", id: "council_crm_complaints", title: crmExportFormat("auto").title, format: crmExportFormat("auto"), decodes1252: true,
    base: "demo/complaints/crm_export.csv", load: one(crmExportFormat("auto")),
    text: "Service", requiredColumn: "Date Received", // the case text (Description) is never stored
    date: {
      // The format declares dd/mm/yyyy: 03/04/2023 is 3 April; an m/d/y date with a day over 12 cannot be read and is rejected.
      header: "Date Received", ambiguous: "03/04/2023", ambiguousReason: "loaded",
      future: "01/05/2031", futureReason: future("a date as dd/mm/yyyy (optionally hh:mm)", "01/05/2031"),
    },
    area: { header: "Ward Code", unknown: "Z05999999", otherVintage: "E05002255" },
    na: { negative_count: NO_COUNT + " (one row per case)", non_numeric_count: NO_COUNT + " (one row per case)", numerator_above_denominator: NO_RATIO },
    conform: { unknown_area_codes: "staged with no ward (ward_code NULL) unless its LSOA places it; area_code_not_in_build warning when nothing places it", wrong_vintage_codes: "converted through geography.wardCrosswalk (best fit)", duplicate_rows: "staged twice; the second is a repeat of the first (same place and category, 0 days)" },
  },
  // --- economy ---
  {
    adapter: "economy", id: "nomis_api_csv", title: nomisFormat.title, format: nomisFormat,
    base: "real/nomis/NM_162_1_claimant_count_lsoa.tombolo-fixture.csv", records: 5, load: one(nomisFormat),
    text: "GEOGRAPHY_NAME", requiredColumn: "GEOGRAPHY_CODE",
    // OBS_VALUE is any Nomis measure (changes can be negative).
    count: { header: "OBS_VALUE", negative: "loaded", nonNumeric: "expected a number or one of -, *, !, #, ~, .., found twelve" },
    date: { header: "DATE_NAME", ambiguous: "01/02/2019", ambiguousReason: "loaded", future: "December 2031", futureReason: "loaded" },
    area: { header: "GEOGRAPHY_CODE", unknown: "E01099999", otherVintage: "E01035188" },
    na: { numerator_above_denominator: "one value per row (rates come as their own variable)" },
    conform: { unknown_area_codes: "staged with its code", wrong_vintage_codes: "staged with its code", duplicate_rows: "staged twice (no key declared)" },
  },
];

/** The text of a derived base: a school -> ward lookup made from the demo GIAS extract (no real or demo file exists). */
export function derivedBase(name: string): string {
  if (name === "nomis_population") {
    // A Nomis API download (NM_2010_1 with select=): Medway LSOAs' males by single year of age, CRLF with no final newline, as Nomis sends it.
    const header = "DATE_NAME,GEOGRAPHY_NAME,GEOGRAPHY_CODE,GENDER_NAME,C_AGE_NAME,MEASURES_NAME,OBS_VALUE,OBS_STATUS_NAME";
    const lsoas = ["E01016016", "E01016017", "E01016018"];
    return [header, ...lsoas.flatMap((l, i) => ["Age 0", "Age 1"].map((a, j) => `2019,Medway 0${i}A,${l},Male,${a},Value,${12 + i + j},Normal Value`))].join("\r\n");
  }
  if (name !== "school_wards") throw new Error(`no derived base ${name}`);
  const gias = new TextDecoder().decode(demoFiles(20240401).find((f) => f.path === "school/gias_establishments.csv")!.bytes);
  const rows = gias.split(/\r?\n/).slice(1, 7).map((l) => l.split(",").map((f) => f.replace(/^"|"$/g, "")));
  const header = gias.split(/\r?\n/)[0]!.split(",").map((f) => f.replace(/^"|"$/g, ""));
  const [u, w] = [header.indexOf("URN"), header.indexOf("AdministrativeWard (code)")];
  return ["URN,WD24CD", ...rows.map((r) => `${r[u]},${r[w]}`)].join("\n") + "\n";
}
