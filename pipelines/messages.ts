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

export const messages = {
  configKey: (key: string, problem: string) => `${key}: ${problem}`,
  configInvalid: (file: string, problems: string[]) =>
    `invalid config ${file}:\n` + problems.map((p) => `  - ${p}`).join("\n"),
  configUnreadable: (file: string, why: string) => `cannot read config ${file}: ${why}`,
  configNotJson: (file: string, why: string) => `config ${file} is not valid JSON: ${why}`,
  invalidOption: (what: string, value: string, owner: string, expected: readonly string[]) =>
    `invalid ${what} "${value}" in ${owner} (expected ${expected.join(" | ")})`,
  noFilesMatch: (source: string, pattern: string) => `source ${source}: no file matches ${pattern}`,
  fileMissing: (source: string, file: string) => `source ${source}: file not found: ${file}`,
  missingColumns: (file: string, expected: readonly string[], found: readonly string[], missing: readonly string[]) =>
    `${file}: missing column(s) ${list(missing)}; expected ${list(expected)}; found ${list(found)}`,
  wrongKindOfFile: (file: string, slot: string, looksLike: string) =>
    `${file}: this looks like ${looksLike}, not a ${slot} file`,
  rowsDoNotReconcile: (file: string, read: number, loaded: number, rejected: number) =>
    `${file}: rows read (${read}) != loaded (${loaded}) + rejected (${rejected})`,
  unknownArea: (code: string) => `area code ${code} is not in the geography lookup`,
  focusNotWard: (code: string, parent: string) => `focus ward ${code} is not a ward of ${parent} in the geography lookup`,
  anomalousMonth: (subject: string, month: string, rows: number, typical: number) =>
    `${subject}: ${month} has ${rows} rows, far from the neighbouring months' typical ${typical}; check the file before trusting that month`,
  suppressedSmallCount: (min: number) => `count between 1 and ${min - 1}: suppressed for disclosure control`,
  secondarySuppression: () => "suppressed so that a suppressed cell cannot be recovered by subtraction",
  tooFewEvents: (min: number) => `fewer than ${min} events: not published`,
  smallBase: (min: number) => `fewer than ${min} unweighted responses: not published`,
  noDenominator: () => "no denominator for this area and period",
  emptyFile: (file: string, title: string) => `${file}: the file is empty (expected ${title} with a header line)`,
  unreadableCsv: (file: string, why: string) => `${file}: cannot be read as CSV: ${why}`,
  csvParseReject: (type: string, detail: string) => `${type.toLowerCase()}: ${detail}`,
  wardVintageMismatch: (file: string, declared: string, found: string) =>
    `${file}: the build declares ward vintage ${declared} but this lookup's ward columns are ${found} (convert through a crosswalk, or change geography.wardVintage)`,
  lsoaInTwoWards: (file: string, lsoa: string) => `${file}: LSOA ${lsoa} is mapped to more than one ward (expected a best-fit lookup)`,
  parentNotInLookup: (parent: string, file: string) => `parent authority ${parent} is not in the geography lookup ${file}`,
  noYearInFileName: (file: string) => `${file}: cannot tell the year from the file name (expected a year such as 2023 in it)`,
  populationTotalMismatch: (lsoa: string, year: number) => `population ${year}: the single-year cells of ${lsoa} do not add up to its Total`,
  repeatedCrimeLine: (crimeId: string, copies: number) =>
    `police.uk: Crime ID ${crimeId.slice(0, 12)}… appears on ${copies} identical lines; counted once`,
  noAcademicYearInFileName: (file: string) =>
    `${file}: cannot tell the academic year from the file name (expected it to start like 2023-2024_)`,
  codebookUnreadable: (file: string, why: string) => `cannot read survey codebook ${file}: ${why}`,
  codebookInvalid: (file: string, problems: string[]) => `invalid survey codebook ${file}:\n` + problems.map((p) => `  - ${p}`).join("\n"),
  suppressedSmallComplement: (min: number) => `the count not meeting the measure is between 1 and ${min - 1}: suppressed for disclosure control`,
  noInterval: () => "no interval: a census-style index with no sampling error, so not tested for significance",
  baselineUnavailable: (period: string) => `no usable baseline value for ${period} (missing or suppressed)`,
  latestUnavailable: (period: string) => `no usable latest value for ${period} (missing or suppressed)`,
  unknownOutcomeIndicator: (id: string) => `outcomes: unknown indicator ${id} in the config (it is not in the catalogue)`,
  surveyNotRaked: (wave: string, why: string) => `survey wave ${wave} kept its design weights: raking to population margins failed (${why})`,
  runLocked: (file: string, pid: number, started: string) =>
    `another localneeds run (pid ${pid}, started ${started}) holds the lock ${file}; wait for it to finish, or delete the file if that process is gone`,
  staleLockCleared: (pid: number, started: string) => `cleared a stale lock left by pid ${pid} (started ${started}), whose process is gone`,
  previousWarehouseUnreadable: (file: string, why: string) =>
    `the previous warehouse ${file} cannot be read (${why}): this run starts afresh and cannot say what changed`,
  unknownFlag: (flag: string, known: readonly string[]) => `unknown option ${flag} (expected one of ${list(known)})`,
} as const;
