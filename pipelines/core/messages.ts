/**
 * Every warning and error text, in one catalogue: tests assert on these functions' output
 * rather than on copies of the strings (vega-lite `src/log/message.ts`).
 */

/** An error meant for the user: printed without a stack trace by the entry points. */
export class LocalneedsError extends Error {
  override name = "LocalneedsError";
  /** A machine-readable kind, where the entry point acts on it (e.g. `locked` -> exit 4). */
  constructor(message: string, readonly code?: "locked") {
    super(message);
  }
}

const list = (xs: readonly string[]) => xs.join(", ");

/** Months as short spans: `2019-03 to 2019-08 (6 months), 2019-11`. */
export function monthSpans(months: readonly string[]): string {
  const index = (m: string) => Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7)) - 1;
  const sorted = [...new Set(months)].sort();
  const spans: string[][] = [];
  for (const m of sorted) {
    const last = spans.at(-1);
    if (last && index(m) === index(last.at(-1)!) + 1) last.push(m);
    else spans.push([m]);
  }
  return spans.map((s) => (s.length === 1 ? s[0]! : `${s[0]} to ${s.at(-1)} (${s.length} months)`)).join(", ");
}

/**
 * What to do when the parent given is a county (GSS E10): wards belong to its districts, and the
 * county is a comparator of theirs. Empty for any other code.
 */
const upperTierHint = (parent: string) =>
  /^E10\d{6}$/.test(parent.trim().toUpperCase())
    ? `: ${parent} is a county (an upper-tier area), and wards belong to its districts: set parent to the district the focus wards are in (an E07 code) and add "county" to comparators to compare with the county`
    : "";
const article = (noun: string) => `${/^[aeiou]/.test(noun) ? "an" : "a"} ${noun}`;

/** What each errno code of a failed file operation means to someone running a build (`messages.ioFailed`). */
export const IO_CAUSES: Readonly<Record<string, string>> = {
  ENOSPC: "no space left on the disk",
  EDQUOT: "the disk quota is used up",
  EFBIG: "the file is larger than the file system allows",
  EACCES: "permission denied",
  EPERM: "not permitted (read-only, or in use by another program)",
  EROFS: "the file system is read-only",
  EBUSY: "the file is in use by another program",
  ENOTDIR: "a file stands where a folder should be",
  EISDIR: "a folder stands where a file should be",
  EEXIST: "something else already has that name",
  ENOTEMPTY: "a folder that is not empty has that name",
  ENOENT: "no such file or folder",
  EIO: "the disk reported an input/output error",
  EMFILE: "too many files open",
  ENFILE: "too many files open on this machine",
  ENAMETOOLONG: "the path is too long",
};

export const messages = {
  configKey: (key: string, problem: string) => `${key}: ${problem}`,
  configInvalid: (file: string, problems: string[]) =>
    `invalid config ${file}:\n` + problems.map((p) => `  - ${p}`).join("\n"),
  badEnvironmentSetting: (name: string, value: string, expected: string) => `environment variable ${name} is "${value}"; expected ${expected}`,
  configUnreadable: (file: string, why: string) => `cannot read config ${file}: ${why}`,
  configNotJson: (file: string, why: string) => `config ${file} is not valid JSON: ${why}`,
  invalidOption: (what: string, value: string, owner: string, expected: readonly string[]) =>
    `invalid ${what} "${value}" in ${owner} (expected ${expected.join(" | ")})`,
  noFilesMatch: (source: string, pattern: string) => `source ${source}: no file matches ${pattern}`,
  fileMissing: (source: string, file: string) => `source ${source}: file not found: ${file}`,
  missingColumns: (file: string, expected: readonly string[], found: readonly string[], missing: readonly string[], hint?: string) =>
    `${file}: missing column(s) ${list(missing)}; expected ${list(expected)}; found ${list(found)}${hint ? `; ${hint}` : ""}`,
  columnNotInFormat: (key: string, column: string, title: string, columns: readonly string[]) =>
    `${key}: "${column}" is not a column of ${title} (its columns: ${columns.join(", ")}); name each column by its name here, and give your file's own name for it`,
  wrongKindOfFile: (file: string, slot: string, looksLike: string) =>
    `${file}: this looks like ${looksLike}, not ${/^(a|an) /.test(slot) ? slot : `a ${slot} file`}`,
  rowsDoNotReconcile: (file: string, read: number, loaded: number, rejected: number) =>
    `${file}: rows read (${read}) != loaded (${loaded}) + rejected (${rejected})`,
  unknownArea: (code: string) => `area code ${code} is not in the geography lookup`,
  focusRepeated: (code: string, first: number) => `${code} is already a focus area (focus[${first}]); list each area once`,
  localityCodeIsWard: (code: string) => `locality code ${code} is also a ward's code; give the locality a code of its own (e.g. LOC-NORTH)`,
  localityWardRepeated: (code: string, ward: string) => `ward ${ward} is listed twice in locality ${code}`,
  localityAlsoFocus: (code: string, focus: number) => `locality ${code} is already a focus area (focus[${focus}]), and a focus locality is tiered too; list it once`,
  localityRepeated: (code: string, first: number) => `locality ${code} is already listed (localities[${first}]); list each locality once`,
  localityCodeTaken: (code: string, type: string) => `locality code ${code} is already the code of a ${type} in the geography lookup; give the locality a code of its own (e.g. LOC-NORTH)`,
  focusNotWard: (code: string, parent: string) => `focus ward ${code} is not a ward of ${parent} in the geography lookup`,
  localityNotWard: (locality: string, code: string, parent: string) => `ward ${code} of locality ${locality} is not a ward of ${parent} in the geography lookup`,
  wardNotInBuildWhy: (vintage: string, otherAuthority: string | null, examples: string | null) =>
    otherAuthority
      ? ` (it is a ward of ${otherAuthority})`
      : ` (its wards in the lookup are ${vintage} codes${examples ? `, e.g. ${examples}` : ""}: is it a ward of another authority, or a code of another ward vintage? A ward's code changes when its boundaries are reviewed: give the ward's ${vintage} code, or build on the lookup of the vintage the code is of; an ONS ward_all_codes lookup lists each ward's codes)`,
  anomalousMonth: (subject: string, month: string, rows: number, typical: number) =>
    `${subject}: ${month} has ${rows} rows, far from the neighbouring months' typical ${typical}; check the file before trusting that month`,
  suppressedSmallCount: (min: number) => `count between 1 and ${min - 1}: suppressed for disclosure control`,
  dsrBandsMissing: (bands: readonly string[]) =>
    `no age-standardised rate: no count or no population for age band${bands.length > 1 ? "s" : ""} ${bands.join(", ")} (a directly standardised rate needs all 19 ESP2013 bands)`,
  dsrTooFew: (events: number, min: number) => `${events} events: no age-standardised rate is published on fewer than ${min} (PHE method)`,
  secondarySuppression: () => "suppressed so that a suppressed cell cannot be recovered by subtraction",
  tooFewEvents: (min: number) => `fewer than ${min} events: not published`,
  smallBase: (min: number) => `fewer than ${min} unweighted responses: not published`,
  noDenominator: () => "no denominator for this area and period",
  spreadsheetNotCsv: (file: string, kind: "xlsx" | "xls" | "ods" | "zip", title: string) =>
    kind === "ods"
      ? `${file}: this is an OpenDocument spreadsheet, not a CSV file (expected ${title}): name it .ods where the slot takes workbooks (population, deprivation, fuel poverty, local counts, complaints, survey), or save the table's sheet as CSV`
      : kind === "zip"
      ? `${file}: this is a zip archive, not a CSV file (expected ${title}): name it .zip and list it with the members to read, as downloaded (a police.uk download: "police.zip#*/*-street.csv"), or unzip it and list the CSV files inside`
      : kind === "xls"
      ? `${file}: this is an Excel 97-2003 workbook, not a CSV file (expected ${title}): name it .xls where the slot takes workbooks (population, deprivation, fuel poverty, local counts, complaints, survey), or save the table's sheet as CSV`
      : `${file}: this is an .xlsx workbook, not a CSV file (expected ${title}): name it .xlsx where the slot takes workbooks (population, deprivation, fuel poverty, local counts, complaints, survey), or save the table's sheet as CSV`,
  fileAllRejected: (file: string, rows: number, reason: string) =>
    `${file}: every one of its ${rows.toLocaleString("en-GB")} rows was rejected, so nothing of it is in the build${reason ? ` (the first: ${reason})` : ""}; the rejected rows are listed with their reasons under data quality`,
  emptyFile: (file: string, title: string) => `${file}: the file is empty (expected ${title} with a header line)`,
  unreadableCsv: (file: string, why: string) => `${file}: cannot be read as CSV: ${why}`,
  encodingNotAsDeclared: (file: string, title: string) =>
    `${file}: ${title} is declared Windows-1252, but this file is UTF-8 (it has non-ASCII characters and decodes as UTF-8): read as UTF-8; set "encoding": "utf-8" (or "auto") in the config if the export has changed`,
  csvParseReject: (type: string, detail: string) => `${type.toLowerCase()}: ${detail}`,
  repeatedHeaderLine: () => "a repeated header line (files pasted together?), not data",
  wardVintageMismatch: (file: string, declared: string, found: string) =>
    `${file}: the build declares ward vintage ${declared} but this lookup's ward columns are ${found} (convert through a crosswalk, or change geography.wardVintage)`,
  lsoaInTwoWards: (file: string, lsoa: string) => `${file}: LSOA ${lsoa} is mapped to more than one ward or authority (expected a best-fit lookup: one row per LSOA)`,
  parentNotInLookup: (parent: string, file: string) => `parent authority ${parent} is not in the geography lookup ${file}${upperTierHint(parent)}`,
  noYearInSheet: (file: string, sheet: string) =>
    `${file}: cannot tell the mid-year of sheet "${sheet}" (expected it in the sheet's name, as ONS names them: "Mid-2022 LSOA 2021")`,
  populationYearRepeated: (kind: string, year: number, sex: "F" | "M" | "P" | null, lsoas: number, dropped: string, used: string) =>
    `${dropped}: its ${kind} population for mid-${year}${sex ? `, ${{ F: "females", M: "males", P: "persons" }[sex]}` : ""} of ${lsoas.toLocaleString("en-GB")} LSOA(s) is not used: ${used} gives them too, and is used instead (the last given wins; remove one of them)`,
  noSexInSheet: (file: string, sheet: string) =>
    `${file}: cannot tell which sex "${sheet}" holds (expected Males, Females or Persons in the sheet's name, as ONS names them: "Mid-2019 Males", or in the name of a CSV saved from it)`,
  iodEditionsMixed: (editions: readonly { edition: string; files: readonly string[] }[]) =>
    `sources.deprivation: the files are of ${editions.length} editions of the indices (${editions.map((e) => `${e.edition}: ${e.files.join(", ")}`).join("; ")}): ` +
    "an area's scores, ranks and weights must come from one edition (their ranks are of different sets of LSOAs); give the files of one edition (Files 1, 2, 5, 6 or 7 of the same release)",
  noYearInFileName: (file: string) => `${file}: cannot tell the year from the file name (expected a year such as 2023 in it)`,
  severalYearsInFileName: (file: string, years: readonly string[]) =>
    `${file}: cannot tell the mid-year from the file name: it names ${years.join(" and ")} (a CSV saved from a workbook of several years keeps the workbook's name); rename it with its year, as "mid-${years[0]}" (the year of the sheet it was saved from), or give the workbook itself`,
  populationLsoasMissing: (year: number, missing: number, lsoas: number, examples: string, unknown: number) =>
    `population mid-${year}: ${missing.toLocaleString("en-GB")} of the build's ${lsoas.toLocaleString("en-GB")} LSOAs have no population (e.g. ${examples}), so their wards' rates for ${year} are over too small a population` +
    (unknown ? `; ${unknown.toLocaleString("en-GB")} LSOA codes of the population are not in the LSOA lookup at all: the file may use another LSOA vintage (2011 and 2021 codes differ) or cover another area` : "; give a population file that covers every LSOA of the lookup"),
  populationOtherNation: (parent: string, lsoas: number, wards: number, example: string) => {
    const [own, other] = parent.startsWith("W") ? ["Wales", "England"] : ["England", "Wales"];
    return `population: the files cover ${own} only, so the lookup's ${lsoas.toLocaleString("en-GB")} LSOAs in ${other} (e.g. ${example}; ${wards.toLocaleString("en-GB")} wards) have no population and no rates; ` +
      `no comparator of a build in ${own} uses them (give a lookup of ${own} alone, or set geography.authorities, to leave them out)`;
  },
  nomisPopulationLeftOut: (file: string, why: "date" | "sex" | "age" | "area", rows: number, example: string) =>
    `${file}: ${rows.toLocaleString("en-GB")} row(s) left out: ` +
    { date: `no year in DATE_NAME (e.g. "${example}")`, sex: `GENDER_NAME is not Total, Male or Female (e.g. "${example}")`, age: `C_AGE_NAME is not an age or a band of ages (e.g. "${example}"; expected Age 0 ... Age 90+, Aged 16 to 64, All Ages)`, area: `the area is not an LSOA (e.g. ${example}; download LSOAs: geography TYPE151 for LSOAs 2021, TYPE298 for 2011)` }[why],
  populationTotalMismatch: (lsoa: string, year: number) => `population ${year}: the single-year cells of ${lsoa} do not add up to its Total`,
  repeatedCrimeLine: (firstLine: string, copies: number) =>
    `police.uk: ${firstLine} appears ${copies} times (identical lines, one Crime ID); counted once`,
  /** Where a line is: `2019-01-kent-street.csv line 12`. */
  fileLine: (file: string, line: number) => `${file} line ${line}`,
  noAcademicYearInFileName: (file: string) =>
    `${file}: cannot tell the academic year from the file name or its folders (expected a name starting like 2023-2024_, or a folder named like 2023-2024, as DfE's download holds england_ks2final.csv)`,
  ks2FilesDisagree: (other: string, used: string, rows: number, examples: string) =>
    `DfE KS2: ${other} and ${used} give different figures for ${rows.toLocaleString("en-GB")} row(s) both hold (${examples}); the file listed later, ${used}, is used`,
  // Source adapters for the real public formats (sources/**).
  wrongDelimiter: (file: string, delimiter: string, title: string) =>
    `${file}: the header is separated by "${delimiter}", not commas (expected ${title}; save it as comma-separated CSV)`,
  archiveMemberNotOne: (setting: string, archive: string, found: readonly string[]) =>
    `${setting}: ${archive} holds ${found.length ? `${found.length} candidate files (${list(found)})` : "no file of the kind expected"}: name the one to read after # (e.g. "${archive.split("#")[0]}#${found[0] ?? "*.shp"}")`,
  archiveUnreadable: (file: string, why: string) => `${file}: the zip archive cannot be read (${why}); download it again, or unzip it and list its files`,
  boundariesUnreadable: (file: string, why: string, format?: string) =>
    `${file}: cannot be read as ${format ?? (/\.(shp|dbf)$/i.test(file) ? "a shapefile" : /\.kml$/i.test(file) ? "KML" : /\.gpkg$/i.test(file) ? "a GeoPackage" : "GeoJSON")}: ${why}`,
  boundariesOtherFormat: (file: string, what: string) =>
    `${file}: this is ${what}, not read here: give the boundaries as GeoJSON, as an ESRI shapefile (.shp with its .dbf and .prj), as a GeoPackage or as KML, downloads the ONS Open Geography Portal offers`,
  boundariesCrs: (file: string, crs: string) =>
    `${file}: boundaries in ${crs}, which is not read here: give them in lon/lat (CRS84, as GeoJSON is by default; the Geoportal's "GeoJSON" download with WGS84) or British National Grid (EPSG:27700)`,
  boundariesNoCode: (file: string, expected: string, found: readonly string[]) =>
    `${file}: no ${expected} property on the features (found ${list(found)})`,
  boundaryFeatureNoCode: (key: string) => `feature has no ${key} code`,
  boundaryFeatureNoPolygon: (type: string) => `feature geometry is ${type}, expected Polygon or MultiPolygon`,
  parentNotInAuthorities: (parent: string, kept: readonly string[]) =>
    `geography.authorities (${list(kept)}) must include the parent authority ${parent}${upperTierHint(parent)}`,
  wardCrosswalkByCentroid: (declared: string, lookup: string, lsoaFile: string, wardFile: string, placed: number, unplaced: number, nearest: readonly string[] = []) =>
    `the build declares ${declared} wards but the LSOA lookup is ${lookup}: each LSOA was placed in the ${declared} ward containing its centroid ` +
    `(best fit; ${lsoaFile} in ${wardFile}): ${placed} LSOAs placed, ${unplaced} outside every ward left out` +
    (nearest.length ? `; ${nearest.length} (${nearest.slice(0, 5).join(", ")}${nearest.length > 5 ? "..." : ""}) fell in no ward (a gap between generalised boundaries?) and went to the nearest` : ""),
  wardBoundariesOtherVintage: (file: string, vintage: string, declared: string, n: number, matched: number, missing: number) =>
    `${file}: ward boundaries are ${vintage} but the build declares ${declared}; ${matched} of ${n} boundary codes are ${declared} wards of the same authorities` +
    (missing ? `, ${missing} ${declared} wards have no boundary` : "") + (matched < n || missing ? ": maps will not match the data" : ": the codes match, used as they are"),
  lsoaVintageNeedsChanges: (file: string, fileVintage: string, lookupVintage: string, example: string, lookup: string) =>
    `${file}: uses ${fileVintage === "mixed" ? "both 2011 and 2021" : fileVintage} LSOA codes (e.g. ${example}) but the lookup ${lookup} is ${lookupVintage}: ` +
    `set geography.lsoaChanges to the ONS LSOA 2011 to LSOA 2021 lookup to convert them, or use a ${fileVintage === "LSOA21" ? "LSOA21" : "LSOA11"} lookup`,
  lsoaVintageConverted: (subject: string, file: string, from: string, to: string, changes: string, rows: number, approx: number, shared = false) =>
    `${subject}: ${file} uses ${from === "mixed" ? "both 2011 and 2021" : from} LSOA codes; the lookup is ${to}: ${rows} rows converted through ${changes}` +
    (approx ? ` (${approx} in split or merged LSOAs ${shared ? "shared between their counterparts" : "placed by best fit"})` : " (all exact)"),
  populationSplitShares: (year: number, codes: number, weighted: number, nativeYear: number | null) =>
    `population estimates, mid-${year}: the residents of ${codes} LSOA${codes === 1 ? "" : "s"} split or merged between vintages are shared between their counterparts ` +
    (weighted === codes
      ? `by the counterparts' residents in mid-${nativeYear}, the nearest year on the lookup's LSOAs`
      : weighted
        ? `by the counterparts' residents in mid-${nativeYear}, the nearest year on the lookup's LSOAs (${codes - weighted} equally: a counterpart has no residents that year)`
        : nativeYear === null
          ? "equally: the build has no year of population on the lookup's LSOAs to weight them by"
          : `equally: their counterparts have no residents in mid-${nativeYear}, the nearest year on the lookup's LSOAs`),
  crimeFileReplaced: (kind: string, month: string, force: string, kept: string, replaced: string, rows: number) =>
    `police.uk ${kind}: ${month} ${force} is in two files; ${kept} replaces ${replaced} (newer, or listed later): its ${rows} rows are not counted`,
  policeFilesRouted: (outcomes: number, searches: number) => {
    const parts = [outcomes ? [`${outcomes} police.uk outcomes file${outcomes === 1 ? "" : "s"}`, "outcomes", "crime.outcomes"] : null, searches ? [`${searches} stop-and-search file${searches === 1 ? "" : "s"}`, "stop and search", "crime.stopSearch"] : null]
      .filter((x): x is string[] => x !== null);
    const and = (i: number) => parts.map((p) => p[i]).join(" and ");
    return `crime.files: ${and(0)} among them, read as ${and(1)} (as if listed under ${and(2)})`;
  },
  noLocationRows: (kind: string, period: string, force: string, rows: number) =>
    `police.uk ${kind}: ${rows} rows of ${force} in ${period} have no location: counted at force level only`,
  crimeFileOutsideBuild: (file: string, rows: number, months: string, authorities: readonly string[]) =>
    `${file}: none of its ${rows} located rows (${months}) is in ${list(authorities)}, the build's ${authorities.length === 1 ? "authority" : "authorities"} (an extract of another area?): ${months.includes(",") ? "those months are" : "that month is"} not measured unless another file covers ${authorities.length === 1 ? "it" : "them"}`,
  crimeForceOutsideBuild: (force: string, files: number, rows: number, months: string, first: string, authorities: readonly string[]) =>
    `police.uk street-level crime: ${files === 1 ? `the file of ${force} (${first})` : `${files} files of ${force} (${first} and ${files - 1} more)`}, ${months}: ` +
    `none of ${files === 1 ? "its" : "their"} ${rows.toLocaleString("en-GB")} located rows is in ${list(authorities)}, the build's ${authorities.length === 1 ? "authority" : "authorities"} ` +
    `(a force of another area, as in a whole police.uk download): not used; list only the build's forces' files to read less`,
  stopSearchUnplaced: (file: string, outside: number, noLocation: number, total: number, boundaries: string) =>
    `police.uk stop and search: ${file}: ${outside} of ${total} searches fall outside ${boundaries} and ${noLocation} have no location: counted, not placed`,
  stopSearchNoBoundaries: () => `police.uk stop and search has no LSOA: set geography.lsoaBoundaries (or wardBoundaries) to place searches in areas`,
  repeatedRespondents: (ids: number, lines: number, examples: string) =>
    `residents survey: ${ids.toLocaleString("en-GB")} respondent ID(s) appear on more than one line (${lines.toLocaleString("en-GB")} lines, e.g. ${examples}); each is counted once, from its last line`,
  duplicateKey: (source: string, key: string, rows: number, file: string) =>
    `${source}: ${key} appears on ${rows} lines of ${file}; the last one is used`,
  iodDisagrees: (lsoa: string, measure: string, a: string, b: string) =>
    `Indices of Deprivation: ${lsoa} has ${measure} ${a} in one file and ${b} in another; the first file listed wins`,
  deprivationLsoasMissing: (missing: number, lsoas: number, examples: string, welsh: number) => {
    const other = missing - welsh;
    return `Indices of Deprivation: ${missing.toLocaleString("en-GB")} of the build's ${lsoas.toLocaleString("en-GB")} LSOAs are not in the files given (e.g. ${examples}), so their wards' deprivation leaves them out` +
      (welsh ? `; ${welsh === missing ? "all" : welsh.toLocaleString("en-GB")} of them are in Wales: the English Indices cover England only (give the Welsh Index of Multiple Deprivation's ranks by LSOA for them: the WIMD ranks sheet, or a CSV saved from it)` : "") +
      (other && other === lsoas - welsh ? "; the files hold none of the build's English LSOAs: they may be an extract for another area (give the national file, or one for the build's authorities)"
        : other ? `; give files that cover every LSOA of the build's authorities (an extract for part of the area?)` : "");
  },
  iodDecileDerived: (file: string, edition: string, ranked: number | undefined) =>
    ranked
      ? `${file}: deciles derived from national ranks (decile = ceil(rank x 10 / ${ranked.toLocaleString("en-GB")}), the LSOAs ${edition} ranks)`
      : `${file}: the file gives ranks without deciles, and its header does not tell the edition (the LSOA code column's year: 2011 for IoD2019, 2021 for IoD2025; WIMD yyyy for Wales), so no decile could be derived`,
  noYearInHeader: (file: string) => `${file}: cannot tell the mid-year from the header (expected "mid 2015" or similar)`,
  fsmPercentMismatch: (rows: number, example: string) =>
    `free school meals: ${rows} rows have fsm_eligible_percent far from fsm_eligible / headcount (e.g. ${example}); flagged, values kept as published`,
  absencePercentMismatch: (rows: number) =>
    `pupil absence: ${rows} rows have a published percentage far from the counts (sessions missed / possible, persistent absentees / enrolments); flagged, counts used`,
  absencePartYear: (periods: readonly string[]) =>
    `pupil absence: rows of part of a school year are left out of the full-year absence measures (give the full-year file for these years): ${periods.join("; ")}`,
  schoolWardNotInBuild: (schools: number, authority: string, codes: number, examples: string, vintage: string) =>
    `schools: ${schools} school(s) of ${authority} have a ward code that is no ${vintage} ward of this build (${codes} code(s), e.g. ${examples}), so their results count toward no ward: ` +
    "a GIAS extract newer than the build's wards (wards are re-coded when their boundaries are reviewed)? Give sources.school.wardLookup (URN and ward code of the build's vintage) or geography.wardCrosswalk from the extract's ward vintage",
  schoolWardUnknown: (rows: number) =>
    `schools: ${rows} schools have no ward (no GIAS ward code and not in the ward lookup), so their results count toward no ward: ` +
    "give a GIAS extract with the AdministrativeWard (code) column (the full edubasealldata download has it) or sources.school.wardLookup (URN and ward code)",
  urnChainCycle: (urn: string) => `GIAS links: URN ${urn} is in a cycle of successor links; chain stopped there`,
  nomisUnknownDate: (file: string, value: string) => `${file}: cannot read the Nomis date "${value}"`,
  nomisPeriodsRepeated: (dropped: string, used: string, dataset: string, periods: string, rows: number, differ: number, example: { area: string; period: string; variable: string | null; value: number | null; used: number | null } | null) =>
    `${dropped}: ${dataset} ${periods} (${rows.toLocaleString("en-GB")} row(s)) also given by ${used}, which is used instead (a period given by two downloads is taken once, from the one listed later: list the newer download last)` +
    (differ && example
      ? `; the two differ on ${differ.toLocaleString("en-GB")} value(s), e.g. ${example.area} ${example.period}${example.variable ? ` (${example.variable})` : ""}: ${example.value?.toLocaleString("en-GB") ?? "no value"} here, ${example.used?.toLocaleString("en-GB") ?? "no value"} in ${used} (Nomis revises its latest month)`
      : "; their values are the same"),
  nomisClaimantColumnsMissing: (file: string, missing: readonly string[], select: string) =>
    `${file}: a Nomis claimant count download (NM_162_1) without ${list(missing)}: its rows cannot be told apart from Nomis' other measures of the dataset (claimants as a proportion of residents aged 16-64), so none would count; download it again keeping the column(s), e.g. with select=${select} (or without select=)`,
  definitionBreak: (indicator: string, label: string, period: string, reason: string) =>
    `${indicator}: the series changes definition from ${period} (${label}): ${reason}; values before and after are not comparable, and no trend is computed across the change`,
  notAWorkbook: (file: string, why: string) => `${file}: cannot be read as a workbook (.xlsx, .ods or .xls) (${why}); give the workbook as published, or a CSV saved from its table's sheet`,
  workbookNoTable: (file: string, expected: string) =>
    `${file}: no sheet of this workbook has ${expected} (looked for a header row among the first 30 rows of each sheet)`,
  fuelPovertyNoTable: (file: string) =>
    `${file}: no LSOA table found (expected a sheet with a header row starting "LSOA Code", then "Number of households" and "Number of households in fuel poverty", as in the DESNZ sub-regional fuel poverty tables)`,
  fuelPovertyNoYear: (file: string) =>
    `${file}: cannot tell the data year (expected it in the table's title, e.g. "... by LSOA, England, 2021", or in the file name as DESNZ names it, e.g. "...-2023-2021-data")`,
  fuelPovertyLsoasUnplaced: (file: string, lsoas: number, examples: string) =>
    `${file}: ${lsoas.toLocaleString("en-GB")} LSOA(s) of this build's authority are not in the LSOA-to-ward lookup (e.g. ${examples}): their households are counted in no ward; the table and the lookup may use different LSOA vintages (2011 and 2021)`,
  areaCodeNotInBuild: (source: string, rows: number, codes: number, examples: string) =>
    `${source}: ${rows.toLocaleString("en-GB")} row(s) give an area code that is not an area of this build (${codes} code(s), e.g. ${examples}): they are counted in no area; check the codes, their vintage (geography.wardVintage, geography.wardCrosswalk) or whether they belong to another authority`,
  wardCrosswalkApplied: (source: string, rows: number, from: string, to: string, file: string, how: string) =>
    `${source}: ${rows} rows keyed on ${from} wards converted to ${to} wards through ${file} (${how === "best_fit" ? "best fit: each old ward wholly to one new ward" : "population-weighted shares"})`,
  esp2013BandUnreadable: (file: string, line: number, label: string) =>
    `${file}, line ${line}: "${label}" is not an age band this reader knows (expected e.g. "Under 1 year", "5-9 years", "90plus years"): that band is left out of the standard population`,
  esp2013Total: (file: string, total: number) => `${file}: the European Standard Population bands add up to ${total}, expected 100,000`,
  codebookUnreadable: (file: string, why: string) => `cannot read survey codebook ${file}: ${why}`,
  codebookInvalid: (file: string, problems: string[]) => `invalid survey codebook ${file}:\n` + problems.map((p) => `  - ${p}`).join("\n"),
  suppressedSmallComplement: (min: number) => `the count not meeting the measure is between 1 and ${min - 1}: suppressed for disclosure control`,
  noInterval: () => "no interval: a census-style index with no sampling error, so not tested for significance",
  noIntervalEstimate: () => "no interval: a published or modelled estimate given without a sampling interval, so not tested for significance",
  baselineUnavailable: (period: string) => `no usable baseline value for ${period} (missing or suppressed)`,
  latestUnavailable: (period: string) => `no usable latest value for ${period} (missing or suppressed)`,
  unknownLocalMeasure: (measure: string, known: readonly string[]) =>
    `sources.health.local: no indicator reads the measure "${measure}" (known measures: ${known.length ? list(known) : "none"}); fix the measure id or add an indicator for it to the catalogue`,
  outcomeNoBaseline: (id: string, baseline: string, periodType: string, periods: string[]) =>
    `outcomes: ${id} is tracked but no area has a ${periodType.replaceAll("_", " ")} value for the baseline ${baseline}` +
    (periods.length ? ` (its periods: ${periods.length > 6 ? `${periods.slice(0, 3).join(", ")}, ..., ${periods.slice(-2).join(", ")}` : periods.join(", ")})` : " (it has no values in this build)") +
    `: it is left out of marts.outcomes; choose a baseline period the indicator has, or give its source the baseline year`,
  unknownOutcomeIndicator: (id: string) => `outcomes: unknown indicator ${id} in the config (it is not in the catalogue)`,
  surveyNotRaked: (wave: string, why: string) => `survey wave ${wave} kept its design weights: raking to population margins failed (${why})`,
  runLocked: (file: string, pid: number, started: string) =>
    `another localneeds run (pid ${pid}, started ${started}) holds the lock ${file}; wait for it to finish, or delete the file if that process is gone`,
  staleLockCleared: (pid: number, started: string) => `cleared a stale lock left by pid ${pid} (started ${started}), whose process is gone`,
  previousWarehouseUnreadable: (file: string, why: string) =>
    `the previous warehouse ${file} cannot be read (${why}): this run starts afresh and cannot say what changed`,
  refreshWarehouseDamaged: (file: string, why: string) =>
    `the warehouse ${file} is damaged (${why}): this refresh rebuilds it in full from the input files; the baseline is frozen afresh and the run history starts again`,
  refreshSourcesDropped: (file: string, slots: readonly string[]) =>
    `the config no longer has the ${list(slots)} source${slots.length === 1 ? "" : "s"} that the last run (${file}) staged: this refresh builds in full, reading every source again, so nothing of ${slots.length === 1 ? "it" : "them"} is kept`,
  projectMoved: (from: string, to: string) =>
    `the project has moved since the last run (${from} is now ${to}): the last warehouse's records of its files are read as the files in their new place`,
  abandonedRunFilesCleared: (dir: string, names: readonly string[]) => `removed what interrupted runs left in ${dir}: ${list(names)}`,
  ioFailed: (operation: string, file: string, code: string) => `cannot ${operation} ${file}: ${IO_CAUSES[code] ?? "an I/O error"} (${code})`,
  duckdbIoFailed: (detail: string) => `DuckDB could not read or write a file: ${detail}`,
  buildCrashed: (signal: string, attempt: number, retrying: boolean) =>
    `the build process crashed in native code (${signal}, attempt ${attempt}); nothing was published` + (retrying ? ": running it again" : ""),
  unknownFlag: (flag: string, known: readonly string[]) => `unknown option ${flag} (expected one of ${list(known)})`,
  // Fetching the public data (sources/download.ts, sources/*/*-fetch.ts, pipelines/fetch.ts).
  fetchUnreachable: (url: string, why: string, tries: number) =>
    `could not reach ${url} (${why}) after ${tries} tr${tries === 1 ? "y" : "ies"}: check the network or proxy, then run the fetch again`,
  fetchHttpStatus: (url: string, status: number, tries: number) =>
    `${url} answered HTTP ${status}${tries > 1 ? ` after ${tries} tries` : ""}: the publisher's service is failing; try again later`,
  fetchNotFound: (url: string, status: number) => `${url} answered HTTP ${status}: the publisher has no such file`,
  fetchNotPublished: (what: string, month: string, latest: string) => `${what}: not published yet for ${month} (the latest month published is ${latest})`,
  fetchHtmlInstead: (url: string, expected: string) =>
    `${url}: the publisher returned an HTML page instead of ${expected} (an error or maintenance page); nothing was replaced`,
  fetchNotJson: (url: string, why: string) => `${url}: the answer is not JSON (${why})`,
  fetchNotCsv: (url: string, start: string) => `${url}: the answer is not a CSV file (it starts "${start}"); nothing was replaced`,
  fetchCorruptArchive: (url: string, why: string) => `${url}: the archive is damaged or incomplete (${why}); it was discarded and will be downloaded again`,
  fetchInterrupted: (url: string, why: string, bytes: number) => `${url}: the download stopped after ${bytes.toLocaleString("en-GB")} bytes (${why}); the next fetch resumes it`,
  fetchShort: (url: string, got: number, expected: number) => `${url}: the download ended after ${got.toLocaleString("en-GB")} of ${expected.toLocaleString("en-GB")} bytes; the next fetch resumes it`,
  fetchRetrying: (url: string, why: string, seconds: number, attempt: number, of: number) =>
    `${url}: ${why}; retrying in ${seconds.toFixed(1)} s (retry ${attempt} of ${of})`,
  fetchManifestUnreadable: (file: string, why: string) => `cannot read the fetch manifest ${file} (${why}): delete it to fetch everything again`,
  fetchNothingConfigured: (config: string) =>
    `${config} has no "fetch" block: add one (see README "Fetch the public data for your area") naming the months, indicators or lookups to download`,
  fetchNoDestination: (what: string, key: string) => `fetch ${what}: the config has no ${key} to say where the files go; add it (a folder glob such as data/police/*/*-street.csv)`,
  fetchNotMatched: (file: string, key: string, patterns: readonly string[]) =>
    `fetch: ${file} would not be read by ${key} (${list(patterns)}); change the glob or the fetch settings`,
  fetchNoForces: (parent: string) =>
    `fetch police: no police force is known for ${parent}; list them in fetch.police.forces (police.uk force ids such as "kent"), or add the ONS LAD to PFA lookup to geography.lookups`,
  fetchUnknownForce: (force: string, known: readonly string[]) => `fetch police: "${force}" is not a police.uk force id (known: ${list(known)})`,
  fetchEntryMissing: (entry: string, archive: string) => `${archive} holds no ${entry}: that force published no such file for that month`,
  fetchNomisGeographyUnknown: (parent: string, type: string, block = "nomis") =>
    `fetch ${block}: ${parent} is not in Nomis's ${type} geography list; set fetch.${block}.geography to its Nomis geography id`,
  fetchFailedBuildingFromCache: (why: string) => `fetch failed (${why}): building from the files already on disk`,
  // The pack (pipelines/pack/**).
  areaNotInBuild: (area: string, focus: readonly string[], parent: string) =>
    `--area ${area} is not a focus area of this config (focus areas: ${list(focus)}; ${parent} builds the borough overview)`,
  packPdfNoChromium: () =>
    "pack.pdf not written: no Chromium, Chrome or Edge found in the standard install paths (install one, or set LOCALNEEDS_CHROME to its path); the HTML pack is complete",
  packPdfNoPageNumbers: (why: string) => `pack.pdf: cannot read the section page numbers from the first rendering (${why}); contents printed without page numbers`,
  packBoundariesNoMatch: (file: string, features: number, parent: string) =>
    `${file}: none of its ${features} features has the code of an area of ${parent} in the lookup; maps from this file are left out`,
  packBoundariesPartial: (file: string, matched: number, areas: number, kind: string) =>
    `${file}: boundaries found for ${matched} of ${areas} ${kind}; areas without a boundary are missing from the maps`,
  // The geography hierarchy (sources/geography/ons-lookups.ts): conflicts name the file and the codes.
  wardInTwoAuthorities: (file: string, ward: string, lads: readonly string[], lines: readonly number[]) =>
    `${file}: ward ${ward} is in ${lads.length} authorities (${list(lads)}; lines ${list(lines.map(String))}); a ward belongs to one authority: fix the lookup or use one of a single vintage`,
  wardInTwoAuthoritiesResolved: (file: string, ward: string, lads: readonly string[], kept: string) =>
    `${file}: ward ${ward} is in ${lads.length} authorities (${list(lads)}); its parent is taken as ${kept} (most LSOAs); each LSOA keeps its own authority`,
  areaNamedTwice: (file: string, type: string, code: string, names: readonly string[], used: string) =>
    `${file}: ${type} ${code} has ${names.length} names (${names.map((n) => `"${n}"`).join(", ")}); "${used}" is used (the most common, then the last)`,
  authorityInTwoRegions: (file: string, lad: string, regions: readonly string[], lines: readonly number[]) =>
    `${file}: the build's authority ${lad} is in ${regions.length} regions (${list(regions)}; lines ${list(lines.map(String))}); its region comparator would be ambiguous: fix the lookup`,
  areaInTwoParentsResolved: (file: string, type: string, code: string, parentType: string, parents: readonly string[], kept: string) =>
    `${file}: ${type} ${code} is in ${parents.length} ${parentType}s (${list(parents)}); ${kept} is used (the most common, then the last)`,
  hierarchyCircular: (file: string, code: string, types: readonly string[]) =>
    `${file}: ${code} is ${types.length > 1 ? `both ${types.map(article).join(" and ")}` : `${article(types[0]!)} and its own parent`}, so an area would be its own ancestor (e.g. an authority its own region); fix the lookup`,
  authorityNotInHierarchy: (file: string, lad: string) =>
    `${file}: authority ${lad} has no row in the hierarchy lookup: it has no region or country, so no region or country comparator`,
  codesNormalised: (file: string, rows: number, example: string) =>
    `${file}: ${rows.toLocaleString("en-GB")} row(s) have codes in lower case or with spaces around them (e.g. "${example}"): read as upper-case codes without the spaces`,
  comparatorUnavailable: (kind: string, parent: string, why: string) =>
    `the ${kind} comparator is configured but ${parent} has none (${why}): no ${kind} comparisons are made`,
  noPriorities: (area: string, against: string, compared: number, total = compared) =>
    !compared
      ? `No indicator of ${area} is compared with ${against} in this build (no source gives both figures), so none is ranked as a priority.`
      : compared < total
        ? `Only ${compared} of the ${total} indicators ${compared === 1 ? "has a value" : "have values"} for ${against} in this build, and none is significantly worse, so none is ranked as a priority; the others are not judged against ${against}.`
        : `No indicator is significantly worse than ${against}, so none is ranked as a priority.`,
  countyNotCompared: (parent: string, county: string, name: string) =>
    `${parent} is a district of ${name} (${county}), which is not among the comparators: add "county" to comparators to compare with it (values published only for the county are shown either way)`,
  // Fingertips exports as published (sources/health, transforms/indicators/published.ts).
  publishedValueMissing: () => "no value published for this area and period",
  fingertipsPeriodUnread: (indicatorId: string, label: string, rows: number) =>
    `Fingertips indicator ${indicatorId}: time period "${label}" is not a layout this reader knows (expected e.g. 2015, 2017/18, 2015 - 17, 2016/17 - 18/19, 2019 Q1, 2019/20 Q1): its ${rows} row(s) are staged but not measured`,
  fingertipsUnknownIndicator: (indicatorId: string, name: string) =>
    `Fingertips indicator ${indicatorId} (${name}) is not in the catalogue of known indicators: its values are kept as published, with no polarity (no better or worse), unit "as published"`,
  fingertipsRowsRepeated: (indicatorId: string, rows: number, files: readonly string[], examples: readonly string[]) =>
    `Fingertips indicator ${indicatorId}: ${rows.toLocaleString("en-GB")} row(s) repeat another row's area, sex, age, category and period with the same figures (in ${files.join(", ")}; e.g. ${examples.join("; ")}): each is counted once`,
  fingertipsRowsConflict: (indicatorId: string, rows: number, examples: readonly string[]) =>
    `Fingertips indicator ${indicatorId}: ${rows.toLocaleString("en-GB")} row(s) repeat another row's area, sex, age, category and period with different figures (e.g. ${examples.join("; ")}): the newer export's row is kept (the file last modified, or when as new the one listed later; in one file, the later line), the other left out`,
  indicatorNotShown: (title: string, why: string) => `${title}: ${why}`,
  // Labels, answer codes and weights (issue 15: personal data, silent wrong results).
  labelsRefused: (subject: string, what: string, counts: readonly { reason: string; labels: number; rows: number }[], replacement: string | null) => {
    const why: Record<string, string> = {
      undeclared: "not in the declared list",
      email: "look like an e-mail address",
      phone: "look like a phone number",
      postcode: "look like a postcode",
      long_text: "are long free text",
      rare: "are used by fewer than 5 records (typed text, not a category)",
    };
    const rows = counts.reduce((s, c) => s + c.rows, 0);
    const parts = counts.map((c) => `${c.labels} ${why[c.reason] ?? c.reason}`).join("; ");
    return `${subject}: ${rows.toLocaleString("en-GB")} row(s) give their ${what} a value that may not be published as a label (${parts}): the value is not shown here, ` +
      `never staged or published, and those rows count as ${replacement === null ? "not recorded" : `"${replacement}"`}`;
  },
  surveyUnknownAnswerCodes: (question: string, codes: readonly string[], withheld: number, rows: number) =>
    `residents survey: question ${question} has ${rows.toLocaleString("en-GB")} answer(s) with a code that is not in the codebook ` +
    `(${[...codes.map((c) => `"${c}"`), ...(withheld ? [`${withheld} code(s) not shown: they look like personal data`] : [])].join(", ")}): ` +
    `those answers are left out of the base (not counted as no); add the code to the codebook if it is a real answer`,
  indicatorsNeedPopulation: (domain: string, indicators: readonly string[], workingAge: boolean) =>
    `${domain}: ${indicators.length} indicator${indicators.length === 1 ? "" : "s"} not measured (${list([...new Set(indicators)].slice(0, 3))}${indicators.length > 3 ? ", ..." : ""}): ` +
    (workingAge
      ? "they need working-age residents (16 to 64) by LSOA, which this build's population does not give: add ONS small-area population estimates by single year of age (or the Nomis mid-year estimates, or Census 2021 single years, TS007) to sources.population"
      : "they need residents by LSOA (a rate per resident, or an average of neighbourhoods weighted by their residents), and this build has no population: add sources.population (ONS small-area population estimates, the Nomis mid-year estimates, IoD File 6 or File 7 denominators or Census 2021 age by LSOA; a File 6 or 7 in sources.deprivation weights only its summary, so list it in sources.population too)"),
  nonFiniteValue: () => "not a finite number (NaN or infinite): withheld",
  nonFiniteValues: (indicator: string, rows: number) =>
    `${indicator}: ${rows} value(s) or limits were not finite numbers (NaN or infinite, e.g. from extreme weights): withheld`,
  // The notebooks (notebooks/build/**).
  notebookTablesAbsent: (tables: readonly string[]) =>
    `Not shown: this warehouse has no ${list(tables)} (the build that made it had no such data: see the config's sources).`,
  notebookCellsOmitted: (file: string, cells: number, tables: readonly string[]) =>
    `${file}: ${cells} cell(s) not shown: the warehouse has no ${list(tables)}`,
  notebookFileProtocol: (page: string) =>
    `This notebook cannot run from a file. Its charts and figures are JavaScript modules, which browsers run only when the page comes from a web server. ` +
    `From the repository folder, run "npx tsx pipelines/notebooks.ts serve" and open http://127.0.0.1:4173/${page}`,
  notebookLoaderNotInstalled: (pkg: string, version: string) =>
    `Notebook Kit needs ${pkg} here, which is not installed: add "${pkg}": "${version}" to package.json and run npm install (the notebooks load nothing from a CDN)`,
  notebookRemoteLoads: (refs: readonly string[]) =>
    `the built notebooks would load from other hosts, and the notebooks must work offline: ${refs.join("; ")}. ` +
    `Install the library and import it by its name, or put the file beside the notebook and read it with FileAttachment`,
  // Loading: nothing dropped or nulled in silence (sources/load-csv.ts, sources/crime/**, issue 15).
  complaintsNoAreaColumn: (file: string, has: readonly string[]) =>
    `${file}: a complaints export needs a Ward Code (GSS ward code, e.g. E05002255) or LSOA Code column to place cases in wards; ` +
    `this one has ${has.length ? has.join(", ") : "no area column"} but neither, so no case could be counted in any ward. ` +
    `Add the ward (or LSOA) code to the export: a postcode converts to one through the ONS Postcode Directory (localneeds does not read postcodes)`,
  complaintsNoArea: (file: string, rows: number, total: number) =>
    `complaints: ${rows.toLocaleString("en-GB")} of ${total.toLocaleString("en-GB")} cases in ${file} have neither a ward code nor an LSOA code: loaded, counted in no ward`,
  policeRowsOfOtherMonth: (kind: string, file: string, own: string, rows: number, months: string) =>
    `police.uk ${kind}: ${file} (a ${own} file) holds ${rows.toLocaleString("en-GB")} row(s) of other months: ${months}; kept and counted in their own month ` +
    `(a crime also in that month's file counts once); they do not replace that month's file`,
  crimeIdConflict: (month: string, forces: string, ids: number, examples: string) =>
    `police.uk: ${ids.toLocaleString("en-GB")} Crime ID(s) of ${month} appear on lines that differ (${forces}; e.g. the IDs first at ${examples}): each crime counted once, from the first file (by path) and line`,
  crimeEmptyMonth: (kind: string, file: string, month: string) =>
    `police.uk ${kind}: ${file} has a header and no rows: ${month} is treated as missing for that force (no data), not as zero crimes; ` +
    `the crime values of ${month} and of every quarter, year and 12-month period containing it are withheld for the areas the force covers; check the download`,
  crimeMonthsWithoutFile: (force: string, months: readonly string[], first: string, last: string) =>
    `police.uk street-level crime: no file from ${force} for ${months.join(", ")} (the build's street files run from ${first} to ${last}): ` +
    `${months.length === 1 ? "that month is" : "those months are"} missing data, not zero crimes; the crime values of ${months.length === 1 ? "it" : "each"} ` +
    `and of every quarter, year and 12-month period containing ${months.length === 1 ? "it" : "one"} are withheld for the areas the force covers; check the download`,
  // Suppression reasons of a period containing a missing month (transforms/indicators/compile.ts `missing`).
  crimeMonthHeaderOnly: (month: string, file: string) => `police.uk data for ${month} missing (${file} has a header and no rows): withheld, not counted as zero`,
  crimeMonthNoFile: (month: string, force: string) => `police.uk data for ${month} missing (no file from ${force} for that month): withheld, not counted as zero`,
  crimeMonthNoTerritorialForce: (month: string, authority: string) =>
    `police.uk data for ${month} missing in ${authority} (no territorial police force's file places any crime there that month): withheld, not counted as zero`,
  crimeRateImplausible: (authority: string, months: string, count: number, lowest: number, highest: number, floor: number) =>
    `police.uk street-level crime in ${authority}: ${lowest === highest || lowest.toFixed(2) === highest.toFixed(2) ? lowest.toFixed(2) : `${lowest.toFixed(2)} to ${highest.toFixed(2)}`} crimes and ASB incidents per 1,000 residents a month in ${months}, ` +
    `below ${floor} (England records about 7 to 9 a month, its lowest authorities about 3): the files look incomplete (a partial extract, or a force's partial data?); ` +
    `${count === 1 ? "that month's" : "those months'"} crime rates are published as read: check the files before trusting them`,
  crimeNoTerritorialForce: (authority: string, months: string, count: number) =>
    `police.uk street-level crime: no territorial police force's file places any crime in ${authority} for ${months}: withheld; police.uk has no data from that force then? ` +
    `(at most British Transport Police's crimes there, and no real authority records no crime in a month): the crime values of ${count === 1 ? "that month" : "those months"} ` +
    `and of every quarter, year and 12-month period containing ${count === 1 ? "it" : "one"} are withheld for ${authority}, not published as near zero; give the force's files for ${count === 1 ? "it" : "them"} if police.uk has them`,
  anomalousTypeMonth: (force: string, crimeType: string, month: string, rows: number, typical: number) =>
    `police.uk street crime, ${crimeType} in ${force}: ${month} has ${rows.toLocaleString("en-GB")} crimes, far from the neighbouring months' typical ${typical.toLocaleString("en-GB")}; check the file before trusting that month`,
  unclosedQuote: () => "a quote opens in this field and no record closes it (a stray \" in the export?): this line alone is rejected, the lines after it are read",
} as const;

/**
 * The reasons of values suppressed to protect a count (the small-count and minimum-count rules,
 * OHID's own disclosure control, secondary suppression), as LIKE patterns; the other reasons are
 * of values withheld for want of data (a month with no police.uk file, periods without counts, a
 * non-finite figure), which have nothing to keep unknowable and are "no data" to a reader.
 */
export const PROTECTING_REASONS: readonly string[] = [
  messages.suppressedSmallCount(9), messages.suppressedSmallComplement(9), messages.tooFewEvents(9), messages.smallBase(9),
  "%disclosure control%", messages.secondarySuppression(),
].map((m) => m.replace(/\d+/g, "%"));

const PROTECTING_PATTERNS = PROTECTING_REASONS.map((p) => new RegExp(`^${p.split("%").map((x) => x.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`, "s"));

/** True when a value was suppressed to protect a count (see `PROTECTING_REASONS`), not withheld for want of data. */
export function protectsACount(reason: string | null | undefined): boolean {
  return !!reason && PROTECTING_PATTERNS.some((p) => p.test(reason));
}
