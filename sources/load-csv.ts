/**
 * Stage 1 mechanism: read CSV files of a declared format into a temporary `raw_*` table (the files
 * are the raw layer; no row of them is stored in the warehouse) with every row accounted
 * for. DuckDB parses (explicit all-VARCHAR columns, reject tables); declared column rules reject
 * rows that parse but are wrong. Per file: one `audit.loads` row (rows read = loaded + rejected)
 * and one `audit.rejects` row per rejected line (file, line, column, reason, raw line).
 * Line numbers count CSV records with the header as line 1.
 */
import { statSync } from "node:fs";
import type { Context } from "../pipelines/core/context.ts";
import { checkedMonthSql, ident, literal, strptimeSql, type Warehouse } from "../pipelines/core/warehouse.ts";
import { LocalneedsError, messages } from "../pipelines/core/messages.ts";
import { type ColumnKind, type ColumnSpec, type CsvFormat, EARLIEST_DATE, hasPersonalData, headerLabel, headerMatches, isHashed, isStored, isTyped, type StoredField, storedFields } from "./csv-format.ts";
import { enumTypeSql, widenEnums } from "./enum-columns.ts";
import { saltFor } from "./salt.ts";
import { type BrokenLine, fileBytes, hasNonAscii, headRecords, inspectFiles, isolateBrokenQuotes, isValidUtf8, normaliseLines, readHeader, spreadsheetKind, transcodeCp1252 } from "./files.ts";

/** What loading one file did. */
export interface FileLoad {
  source: string;
  path: string;
  sha256: string;
  rowsRead: number;
  rowsLoaded: number;
  rowsRejected: number;
  /** A refresh found the file's source unchanged and did not read it again (these are its last counts). */
  reused?: boolean;
}

/** Formats known to the loader, for recognising a file of the wrong kind in a slot. */
const registry = new Map<string, CsvFormat>();

/** Register formats so a misplaced file can be named (`this looks like a KS2 performance table`). */
export function registerFormats(...formats: CsvFormat[]): void {
  for (const f of formats) registry.set(f.id, f);
}

/**
 * Match a header against a format: the index of each declared column, or the missing ones. With
 * `untilMissing` (for asking whether a header is of the format at all), the required columns are
 * matched first and the match stops at the first one missing: `missing` then holds that one and
 * `index` what was found before it. A format the header is not of is rejected after one column
 * rather than all of them, each tried in its separator-blind form on every cell (a build's first
 * SAPE file against the five other population formats: 0.3 s, most of it compiling those patterns).
 */
export function matchHeader(format: CsvFormat, header: readonly string[], opts: { untilMissing?: boolean } = {}): { index: Map<string, number>; missing: ColumnSpec[] } {
  const index = new Map<string, number>();
  const missing: ColumnSpec[] = [];
  // Each column is matched on its own (a cell may match several), so the order changes nothing found.
  const specs = opts.untilMissing ? [...format.columns.filter((c) => !c.optional), ...format.columns.filter((c) => c.optional)] : format.columns;
  for (const spec of specs) {
    // A cell the pattern matches as declared comes before one only its separator-blind form does.
    let i = header.findIndex((h) => headerMatches(spec, h, false));
    if (i < 0) i = header.findIndex((h) => headerMatches(spec, h));
    if (i >= 0) index.set(spec.name, i);
    else if (!spec.optional) {
      missing.push(spec);
      if (opts.untilMissing) break;
    }
  }
  return { index, missing };
}

/** Is this header of the format (every required column found)? */
export const headerFits = (format: CsvFormat, header: readonly string[]): boolean => matchHeader(format, header, { untilMissing: true }).missing.length === 0;

/**
 * Which registered format (other than those in `except`) does this header look like, if any?
 * The best match wins: every required column present, then the most declared columns found.
 */
export function recogniseHeader(header: readonly string[], except?: string | readonly string[]): CsvFormat | undefined {
  const skip = new Set(typeof except === "string" ? [except] : (except ?? []));
  let best: { f: CsvFormat; found: number } | undefined;
  for (const f of registry.values()) {
    if (skip.has(f.id)) continue;
    const m = matchHeader(f, header, { untilMissing: true });
    if (m.missing.length === 0 && (!best || m.index.size > best.found)) best = { f, found: m.index.size };
  }
  return best?.f;
}

/** A header with more `;`, tab or `|` separators than fields: the file is not comma-delimited. */
export function foreignDelimiter(header: readonly string[]): string | undefined {
  const text = header.join(",");
  return [";", "\t", "|"].find((d) => text.split(d).length > header.length);
}

/** The error for a file whose header does not fit `format` (wrong delimiter, wrong kind, or missing columns). */
function headerError(file: string, header: readonly string[], formats: readonly CsvFormat[], slotTitle: string): LocalneedsError {
  const sheet = spreadsheetKind(file);
  if (sheet) return new LocalneedsError(messages.spreadsheetNotCsv(file, sheet, slotTitle));
  const delim = foreignDelimiter(header);
  if (delim) return new LocalneedsError(messages.wrongDelimiter(file, delim === "\t" ? "tab" : delim, slotTitle));
  const other = recogniseHeader(header, formats.map((f) => f.id));
  if (other) return new LocalneedsError(messages.wrongKindOfFile(file, slotTitle, other.title));
  // The closest candidate: fewest missing required columns.
  const closest = [...formats].sort((a, b) => matchHeader(a, header).missing.length - matchHeader(b, header).missing.length)[0]!;
  const { missing } = matchHeader(closest, header);
  return new LocalneedsError(
    messages.missingColumns(file, closest.columns.filter((c) => !c.optional).map(headerLabel), header, missing.map(headerLabel), closest.renameHint),
  );
}

/**
 * The format of a file in a slot that takes several (IoD File 1/2/6, SAPE or IoD denominators):
 * the candidate whose required columns are all present and which matches the most columns.
 * Throws the same errors as loading (wrong delimiter, wrong kind of file, missing columns).
 */
export function pickFormat(file: string, candidates: readonly CsvFormat[], slotTitle: string): CsvFormat {
  const encoding = candidates[0]?.encoding === "windows-1252" ? "windows-1252" : "utf-8";
  const header = readHeader(file, encoding);
  if (!header || (header.length === 1 && header[0] === "")) throw new LocalneedsError(messages.emptyFile(file, slotTitle));
  let best: { f: CsvFormat; found: number } | undefined;
  for (const f of candidates) {
    const m = matchHeader(f, header, { untilMissing: true });
    if (m.missing.length === 0 && (!best || m.index.size > best.found)) best = { f, found: m.index.size };
  }
  if (!best) throw headerError(file, header, candidates, slotTitle);
  return best.f;
}

/** Load files into whichever of `candidates` each one is (see `pickFormat`), in the order given. */
export async function loadDetectedFiles(
  ctx: Pick<Context, "db" | "log" | "clock">,
  candidates: readonly CsvFormat[],
  files: readonly string[],
  slotTitle: string,
): Promise<{ format: CsvFormat; load: FileLoad }[]> {
  const picked = files.map((f) => ({ file: f, format: pickFormat(f, candidates, slotTitle) }));
  const out: { format: CsvFormat; load: FileLoad }[] = [];
  for (const p of picked) {
    const [load] = await loadCsvFiles(ctx, p.format, [p.file]);
    out.push({ format: p.format, load: load! });
  }
  return out;
}

/**
 * Create a format's raw table (VARCHAR; hashed columns UBIGINT; `stored: "date"` DATE; `stored:
 * "enum"` an ENUM of its known values and `enumValues`, widened when the table is there already;
 * plus `_file`, `_line`) for the run. A format with typed columns has `_file` an ENUM of its files
 * too (`enumValues._file`): a national year's staged lines copy it as a small integer, not a path.
 */
export async function createRawTable(db: Warehouse, format: CsvFormat, enumValues: ReadonlyMap<string, ReadonlySet<string>> = new Map()): Promise<void> {
  const known = (name: string, seed: readonly string[] = []) => [...new Set([...seed, ...(enumValues.get(name) ?? [])])];
  const type = (c: ColumnSpec) => (isHashed(c) ? "UBIGINT" : c.stored === "date" ? "DATE" : c.stored === "enum" ? enumTypeSql(known(c.name, c.enumValues)) : "VARCHAR");
  const cols = storedFields(format).map((f) => `${ident(f.name)} ${type(f.columns[0]!)}`).join(", ");
  const typed = format.columns.some(isTyped);
  // In the warehouse being built (compressed, spilled like any table: a national year of police.uk
  // rows is gigabytes as a temporary table), or in memory for small reference files
  // (`rawInMemory`), and dropped when the conform is done (`dropRawTables`).
  await db.run(`CREATE ${format.rawInMemory ? "TEMP " : ""}TABLE IF NOT EXISTS ${format.rawTable} (${cols}, _file ${typed ? enumTypeSql(known("_file")) : "VARCHAR"} NOT NULL, _line BIGINT NOT NULL)`);
  const enums = new Map(format.columns.filter((c) => c.stored === "enum").map((c) => [c.name, known(c.name, c.enumValues)]));
  if (typed) enums.set("_file", known("_file"));
  if (enums.size) await widenEnums(db, format.rawTable, enums);
}

/**
 * Records at the head of each file whose enum values become members before the scan (a police.uk
 * file's force is on every line; its crime types and outcomes mostly in the known lists): more
 * cost parsing (every record of the first 64 KB of a national year's 516 files: 0.35 s).
 */
const ENUM_SAMPLE_RECORDS = 100;

/** The `stored: "enum"` columns of a format with their header positions in a file. */
const enumColumns = (format: CsvFormat, index: Map<string, number>) =>
  format.columns.filter((c) => c.stored === "enum" && index.has(c.name)).map((c) => ({ name: c.name, at: index.get(c.name)! }));

/** Add the values of a format's enum columns in `rows` (a file's first records, or a scan's cells) to `into`. */
function collectEnumValues(format: CsvFormat, index: Map<string, number>, rows: readonly (readonly (string | null)[])[], into: Map<string, Set<string>>): void {
  for (const { name, at } of enumColumns(format, index)) {
    const set = into.get(name) ?? new Set<string>();
    for (const r of rows) {
      // Trimmed of spaces as the stored cell is (`trim_fast`).
      const v = r[at]?.replace(/^ +| +$/g, "");
      if (v) set.add(v);
    }
    into.set(name, set);
  }
}

/** Characters trimmed from codes: ASCII white space, Unicode spaces (no-break, thin, ideographic...), zero-width space and BOM. */
const SPACES = "[\\s\\p{Z}\\x{200B}\\x{FEFF}]";

/**
 * SQL: the value stored for a field of the raw table, from the cells of its columns (`cellOf`, NULL
 * for a column the file lacks): hashed columns (one, or a `hashGroup`) as a 64-bit hash of their
 * trimmed cells, NULL when all are blank (DuckDB's hash(NULL) is a value like any other); any
 * other column as `storeSql` gives it.
 */
function fieldSql(field: StoredField, cellOf: (spec: ColumnSpec) => string, salt: string, quoted = true): string {
  const [first] = field.columns;
  if (first!.stored === "date") return monthDateSql(cellOf(first!));
  // Cast to the column's ENUM by the INSERT: a value not yet a member fails it (see `fastScan`).
  if (first!.stored === "enum") return `nullif(trim_fast(${cellOf(first!)}), '')`;
  if (!isHashed(first!)) return storeSql(first!, cellOf(first!), salt, quoted);
  const cells = field.columns.map((c) => `nullif(trim_fast(${cellOf(c)}), '')`);
  return `CASE WHEN coalesce(${cells.join(", ")}) IS NOT NULL THEN hash(${cells.join(", ")}) END`;
}

/**
 * SQL: the value stored for a cell of an unhashed column (hashed ones: `fieldSql`): a code upper-cased and Unicode-trimmed (blank
 * becomes NULL); a number without its thousands separators (`1,021` -> `1021`: every later cast
 * reads it); a personal key as a salted hash (NULL when blank); anything else as read.
 */
function storeSql(spec: ColumnSpec, cell: string, salt: string, quoted: boolean): string {
  if (spec.personal === "hash") {
    const key = `upper(regexp_replace(${cell}, ${literal(SPACES + "+")}, '', 'g'))`;
    return `CASE WHEN nullif(${key}, '') IS NOT NULL THEN sha256(${literal(salt)} || ${key}) END`;
  }
  if (spec.kind === "code") return codeSql(cell);
  // A file with no double quote has no comma in a cell (a wide file's hundreds of these CASEs took most of a small load's planning).
  if ((spec.kind === "integer" || spec.kind === "number") && quoted) {
    // The comma test first: CASE evaluates the regex only for the cells that have one (most have none;
    // 12.8 million cells of two national SAPE files: 1.8 -> 1.2 s).
    return `CASE WHEN contains(${cell}, ',') AND regexp_matches(trim_fast(${cell}), '^-?[0-9]{1,3}(,[0-9]{3})+(\\.[0-9]+)?%?$') THEN replace(trim_fast(${cell}), ',', '') ELSE ${cell} END`;
  }
  return cell;
}

/**
 * SQL: a month cell (`YYYY-MM`, spaces around it allowed) as the DATE of its first day, NULL when
 * blank; any other text raises an error, which fails the statement: the fast path then gives the
 * batch to the careful one, where the row is rejected by its rule before this is reached.
 */
function monthDateSql(cell: string): string {
  const t = `trim_fast(${cell})`;
  return `CASE WHEN nullif(${t}, '') IS NULL THEN NULL WHEN regexp_full_match(${t}, '[0-9]{4}-(0[1-9]|1[0-2])') THEN ${checkedMonthSql(t)}
    ELSE error('not a month: ' || ${t}) END`;
}

/**
 * SQL: a count cell of a staged table (its rule checked at load) as DOUBLE, thousands separators
 * dropped. The comma test first: most cells have none, and `replace` copies every cell it is given
 * (a national SAPE table's 6.4 million cells: 0.15-0.3 s of one core).
 */
export const countCellSql = (cell: string) => `(CASE WHEN contains(${cell}, ',') THEN replace(${cell}, ',', '') ELSE ${cell} END)::DOUBLE`;

/** SQL: a numeric cell as DOUBLE (thousands separators and a trailing % dropped), NULL when not a number. */
const numberSql = (cell: string) => `TRY_CAST(replace(replace(trim_fast(${cell}), ',', ''), '%', '') AS DOUBLE)`;

/** Unicode white space and invisible spaces (no-break, em, ideographic, zero-width, BOM) as a regex class. */
const SPACE_CLASS = "[\\s\\p{Z}\\x{FEFF}\\x{200B}]";

/** SQL: a text cell without leading or trailing white space of any kind (ASCII, no-break U+00A0, U+2000-U+200B, U+3000, BOM). */
export const unicodeTrimSql = (cell: string) => `regexp_replace(${cell}, '^${SPACE_CLASS}+|${SPACE_CLASS}+$', '', 'g')`;

/**
 * SQL: an area code as the warehouse keys it: trimmed of any white space, upper case, NULL when
 * blank. A code already upper case with no space around it (nearly all: E01000001) is kept as it
 * is; only the rest goes through the trimming regex (over a national year of police.uk LSOA codes
 * the regex cost 0.8 s, the check 0.2 s; a national LSOA lookup's codes and their checks: 40-60%
 * less time).
 */
export const codeSql = (cell: string) => `CASE WHEN regexp_full_match(${cell}, '[0-9A-Z][0-9A-Z._/-]*') THEN ${cell} ELSE nullif(upper(${unicodeTrimSql(cell)}), '') END`;

/** SQL: a name cell trimmed of any white space, NULL when blank. */
export const nameSql = (cell: string) => `nullif(${unicodeTrimSql(cell)}, '')`;

const GSS_CODE_RE = "^[A-Z][0-9]{8}$";

const NUMBER_RE = "^-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?%?$";
const INTEGER_RE = "^-?[0-9]+$";

/** SQL that is true when a cell breaks its column's rule. */
function failsRule(spec: ColumnSpec, cell: string): string | undefined {
  const blank = `(${cell} IS NULL OR trim_fast(${cell}) = '')`;
  const markers = spec.markers?.length ? ` AND trim_fast(${cell}) NOT IN (${spec.markers.map(literal).join(", ")})` : "";
  const cleaned = `replace(trim_fast(${cell}), ',', '')`;
  if (spec.values?.length) return `(NOT ${blank} AND trim_fast(${cell}) NOT IN (${spec.values.map(literal).join(", ")}))`;
  switch (spec.kind ?? "text") {
    case "text":
    case "code":
      return undefined;
    case "gss_code":
      return `(NOT ${blank} AND coalesce(NOT regexp_matches(${codeSql(cell)}, '${GSS_CODE_RE}'), true))`;
    case "integer":
      // Digits alone (nearly every cell) pass on one match, with no trimmed or cleaned copy made:
      // a national SAPE file's 6.4 million cells checked in 0.1-0.15 s, not 0.3-0.36 s.
      return `(NOT regexp_full_match(${cell}, '[0-9]+') AND NOT ${blank}${markers} AND NOT regexp_matches(${cleaned}, '${spec.nonNegative ? "^[0-9]+$" : INTEGER_RE}'))`;
    case "number": {
      // a number DuckDB reads as infinite (beyond the range of a double) is not a number; so is one outside `range`
      const value = numberSql(cell);
      const outside = [`NOT isfinite(${value})`];
      if (spec.range?.above !== undefined) outside.push(`${value} <= ${spec.range.above}`);
      if (spec.range?.atMost !== undefined) outside.push(`${value} > ${spec.range.atMost}`);
      return `(NOT ${blank}${markers} AND (NOT regexp_matches(${cleaned}, '${spec.nonNegative ? NUMBER_RE.replace("^-?", "^") : NUMBER_RE}')` +
        ` OR coalesce(${outside.join(" OR ")}, true)))`;
    }
    default:
      return `(NOT ${blank} AND ${startSql(spec.kind as DateKind, cell)} IS NULL)`;
  }
}

/** SQL: the first day (or instant) a date-like cell stands for, NULL when it is not one of its kind. */
type DateKind = Exclude<ColumnKind, "text" | "code" | "integer" | "number" | "gss_code">;
function startSql(kind: DateKind, cell: string): string {
  const t = `trim_fast(${cell})`;
  switch (kind) {
    case "month":
      return `(CASE WHEN regexp_matches(${t}, '^[0-9]{4}-(0[1-9]|1[0-2])$') THEN ${checkedMonthSql(t)} END)`;
    case "date_iso":
      return `${strptimeSql(t, "%Y-%m-%d")}::DATE`;
    case "date_dmy":
      return `${parseDmySql(cell)}::DATE`;
    case "date":
      return `coalesce(${strptimeSql(t, "%Y-%m-%d")}, ${parseDmySql(cell)})::DATE`;
    case "datetime_iso":
      return `(CASE WHEN regexp_matches(${t}, '^[0-9]{4}-[0-9]{2}-[0-9]{2}') THEN TRY_CAST(${t} AS TIMESTAMPTZ) END)`;
    case "period":
      return `(CASE WHEN regexp_matches(${t}, '^[0-9]{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$')
                      OR (regexp_matches(${t}, '^[0-9]{4}/[0-9]{2}$') AND (left(${t}, 4)::INTEGER + 1) % 100 = right(${t}, 2)::INTEGER)
                    THEN ${periodLabelToDate(cell)} END)`;
  }
}

/** SQL: true when a valid date-like cell starts after the build's clock. */
function futureSql(spec: ColumnSpec, cell: string, at: Date): string | undefined {
  const kind = spec.kind ?? "text";
  if (!spec.notFuture || !isDateKind(kind)) return undefined;
  const limit = kind === "datetime_iso" ? `${literal(at.toISOString())}::TIMESTAMPTZ` : `DATE ${literal(at.toISOString().slice(0, 10))}`;
  return `(${startSql(kind as DateKind, cell)} > ${limit})`;
}

const isDateKind = (kind: ColumnKind): kind is DateKind => !["text", "code", "integer", "number", "gss_code"].includes(kind);

/**
 * SQL: true when a valid date-like cell starts before its column's earliest date: `notBefore`, or
 * `EARLIEST_DATE` for an event date (`notFuture`). Other dates (a school link established in 1975)
 * and period labels have no floor.
 */
function pastSql(spec: ColumnSpec, cell: string): string | undefined {
  const kind = spec.kind ?? "text";
  if (!isDateKind(kind) || kind === "period" || !(spec.notBefore || spec.notFuture)) return undefined;
  return `(${startSql(kind, cell)} < DATE ${literal(spec.notBefore ?? EARLIEST_DATE)})`;
}

/** The build date as a future-date reason shows it (a month for months, else the day). */
const buildDateLabel = (spec: ColumnSpec, at: Date) => (spec.kind === "month" ? at.toISOString().slice(0, 7) : at.toISOString().slice(0, 10));

/**
 * SQL: the first day of a period label: `2022/23` (financial year, April), `2022-Q2` (calendar
 * quarter), `2022-04` (month), `2022` (calendar year), `2015 - 17` (pooled years: the first).
 */
export function periodLabelToDate(c: string): string {
  const t = `trim_fast(${c})`;
  return `(CASE
    WHEN regexp_matches(${t}, '^[0-9]{4}/[0-9]{2}$') THEN make_date(left(${t}, 4)::INTEGER, 4, 1)
    WHEN regexp_matches(${t}, '^[0-9]{4}-Q[1-4]$') THEN make_date(left(${t}, 4)::INTEGER, (right(${t}, 1)::INTEGER - 1) * 3 + 1, 1)
    WHEN regexp_matches(${t}, '^[0-9]{4}-[0-9]{2}$') THEN make_date(left(${t}, 4)::INTEGER, right(${t}, 2)::INTEGER, 1)
    WHEN regexp_matches(${t}, '^[0-9]{4}') THEN make_date(left(${t}, 4)::INTEGER, 1, 1)
  END)`;
}

/** SQL parsing `dd/mm/yyyy`, `dd-mm-yyyy`, optionally with ` hh:mm[:ss]`, to TIMESTAMP (NULL when invalid). */
export function parseDmySql(cell: string): string {
  const c = `replace(trim_fast(${cell}), '-', '/')`;
  return `coalesce(${["%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y"].map((f) => strptimeSql(c, f)).join(", ")})`;
}

function expectedText(spec: ColumnSpec): string {
  if (spec.values?.length) return `one of ${spec.values.join(", ")}`;
  const m = spec.markers?.length ? ` or one of ${spec.markers.join(", ")}` : "";
  switch (spec.kind ?? "text") {
    case "integer":
      return (spec.nonNegative ? "a whole number of 0 or more" : "a whole number") + m;
    case "number": {
      const r = spec.range;
      const bounds = [
        ...(r?.above !== undefined ? [`above ${r.above.toLocaleString("en-GB")}`] : []),
        ...(r?.atMost !== undefined ? [`at most ${r.atMost.toLocaleString("en-GB")}`] : []),
      ];
      if (bounds.length) return `a number ${bounds.join(" and ")}` + m;
      return (spec.nonNegative ? "a number of 0 or more" : "a number") + m;
    }
    case "month":
      return "a month as YYYY-MM";
    case "date":
      return "a date as YYYY-MM-DD or dd/mm/yyyy";
    case "period":
      return "a period as YYYY-MM, YYYY-Qn, YYYY/YY or YYYY";
    case "gss_code":
      return "an ONS code: a letter and 8 digits (e.g. E05002255)";
    case "date_iso":
      return "a date as YYYY-MM-DD";
    case "date_dmy":
      return "a date as dd/mm/yyyy (optionally hh:mm)";
    case "datetime_iso":
      return "a date and time as YYYY-MM-DDThh:mm:ss+hh:mm";
    default:
      return "a value";
  }
}

/**
 * Load files of one format into its raw table. A file loaded before (same path) is replaced,
 * never double-counted. Throws a `LocalneedsError` for a file that cannot be this format (every
 * file's header is checked before anything is written). Each batch commits on its own: the
 * build works on a copy of the warehouse that a failed run throws away, so one transaction
 * around them all bought nothing, and cost half the time (DuckDB holds a transaction's appended
 * rows apart until it commits: 22.2 s instead of 15.8 s for a national year of police.uk files,
 * and twice the memory). Files read in place (UTF-8, regular line ends) with the same header are parsed
 * together by one `read_csv` (up to `BATCH_BYTES` at a time), so a month of police.uk files (43
 * forces) costs one scan, not 43; and clean files go straight into the raw table (`fastScan`).
 */
export async function loadCsvFiles(ctx: Pick<Context, "db" | "log" | "clock">, format: CsvFormat, files: readonly string[]): Promise<FileLoad[]> {
  const { db } = ctx;
  const at = ctx.clock.now();
  // A file loaded before (by an earlier run, or earlier in this one) has its records replaced.
  const previous = new Set((await db.all<{ path: string }>(`SELECT DISTINCT path FROM audit.loads WHERE source = $s`, { s: format.id })).map((p) => p.path));
  const out: FileLoad[] = [];
  const todo: PreparedFile[] = [];
  // Read anew: their load warnings are this reading's (a refresh may have kept the last run's).
  if (files.length) await db.run(`DELETE FROM audit.warnings WHERE stage = 'load' AND subject IN (${files.map(literal).join(", ")})`);
  const inspected = await inspectFiles(files);
  // The values of enum columns in the files' first records (a police.uk file's force): members of
  // the raw table's ENUMs before the scans, so a scan rarely meets a value that is not (see `fastScan`).
  const enumValues = new Map<string, Set<string>>(format.columns.some(isTyped) ? [["_file", new Set(files)]] : []);
  const sampled = format.columns.some((c) => c.stored === "enum");
  for (const [i, file] of files.entries()) {
    ctx.log.progress(format.title, i, files.length * 2);
    const facts = inspected[i]!;
    if (facts instanceof Error) throw facts;
    const { sha256, irregularLines, lines, quoted } = facts;
    const { encoding, overridden } = await encodingOf(format, file);
    if (overridden) {
      await db.recordWarning("load", "encoding_not_as_declared", file, messages.encodingNotAsDeclared(file, format.title));
    }
    const records = sampled ? headRecords(file, encoding, ENUM_SAMPLE_RECORDS + 1) : null;
    const header = records ? (records[0] ?? null) : readHeader(file, encoding);
    if (!header || (header.length === 1 && header[0] === "")) throw new LocalneedsError(messages.emptyFile(file, format.title));
    const { index, missing } = matchHeader(format, header);
    if (missing.length) throw headerError(file, header, [format], format.title);
    if (records) collectEnumValues(format, index, records.slice(1), enumValues);
    let readPath = encoding === "windows-1252" ? await transcodeCp1252(file) : file;
    // Blank lines or mixed line ends: read an LF copy, numbering rows around the blank lines.
    let blankLines: number[] = [];
    if (irregularLines) ({ path: readPath, blankLines } = await normaliseLines(readPath));
    todo.push({ i, file, readPath, header, index, sha256, bytes: fileBytes(file), replace: previous.has(file), inRaw: false, blankLines, lines, quoted });
  }
  // Which of them the raw table holds rows of: one query, not a scan of the table for each batch
  // (a refresh that reads a national year again: 0.1-0.3 s a batch, the table growing).
  const again = todo.filter((f) => f.replace);
  if (again.length && (await db.hasTable(format.rawTable))) {
    const held = new Set((await db.all<{ f: string }>(`SELECT DISTINCT _file::VARCHAR AS f FROM ${format.rawTable} WHERE _file IN (${again.map((f) => literal(f.file)).join(", ")})`)).map((r) => r.f));
    for (const f of again) f.inRaw = held.has(f.file);
  }
  // Made once every file's header is checked (with the ENUM values met), even when no file is given.
  await createRawTable(db, format, enumValues);
  if (todo.length) {
    const opts: ScanOptions = { at, salt: await saltFor(ctx as Partial<Context>) };
    let done = 0;
    for (const batch of batchFiles(todo)) {
      for (const load of await scanBatch(db, format, batch, opts)) out[load.i] = load.load;
      done += batch.length;
      ctx.log.progress(format.title, files.length + done, files.length * 2);
    }
  }
  ctx.log.progress(format.title, 1, 1);
  return out;
}

/**
 * The encoding a file is read with: `auto` becomes UTF-8 when the file is valid UTF-8, else
 * Windows-1252. A file declared Windows-1252 that is valid UTF-8 with non-ASCII characters (which
 * Windows-1252 text practically never is) is read as UTF-8 rather than garbled (`O’Brien` would
 * become `Oâ€™Brien`); the loader then records an `encoding_not_as_declared` warning.
 */
export async function resolveEncoding(format: CsvFormat, file: string): Promise<"utf-8" | "windows-1252"> {
  return (await encodingOf(format, file)).encoding;
}

async function encodingOf(format: CsvFormat, file: string): Promise<{ encoding: "utf-8" | "windows-1252"; overridden: boolean }> {
  const declared = format.encoding ?? "utf-8";
  if (declared === "utf-8") return { encoding: declared, overridden: false };
  if (declared === "auto") return { encoding: (await isValidUtf8(file)) ? "utf-8" : "windows-1252", overridden: false };
  const utf8 = (await hasNonAscii(file)) && (await isValidUtf8(file));
  return { encoding: utf8 ? "utf-8" : "windows-1252", overridden: utf8 };
}

/** A file checked and ready to scan. */
interface PreparedFile {
  /** Position in the caller's list. */
  i: number;
  file: string;
  /** What DuckDB reads: the file, or its UTF-8 / LF copy. */
  readPath: string;
  header: string[];
  index: Map<string, number>;
  sha256: string;
  bytes: number;
  /** The file was loaded before: its earlier audit rows are replaced. */
  replace: boolean;
  /** Rows of the file are in the raw table already (read earlier in this run: raw tables end with it): they are replaced. */
  inRaw: boolean;
  blankLines: number[];
  /** Physical lines of the file (see `inspectFiles`). */
  lines: number;
  /** The file has a double quote somewhere (see `FileFacts.quoted`). */
  quoted: boolean;
  /** Lines blanked out of `readPath` because a quote opened on them never closed (`isolateBrokenQuotes`): each one rejected. */
  broken?: BrokenLine[];
}

/** Input bytes parsed by one `read_csv` at most (bounds the temporary tables). */
const BATCH_BYTES = 400_000_000;

/** Group files that can be parsed together: read in place, same header, up to BATCH_BYTES; any other file alone. */
function batchFiles(files: PreparedFile[]): PreparedFile[][] {
  const batches: PreparedFile[][] = [];
  const open = new Map<string, { files: PreparedFile[]; bytes: number }>();
  for (const f of files) {
    if (f.readPath !== f.file || f.blankLines.length) {
      batches.push([f]);
      continue;
    }
    const key = JSON.stringify(f.header);
    let b = open.get(key);
    if (!b || b.bytes + f.bytes > BATCH_BYTES) {
      b = { files: [], bytes: 0 };
      open.set(key, b);
      batches.push(b.files);
    }
    b.files.push(f);
    b.bytes += f.bytes;
  }
  return batches;
}

/**
 * Read a batch of files (one, or several with the same header read in place) into the raw table
 * and the audit tables. A batch without blank lines is first
 * tried the fast way (`fastScan`: straight into the raw table, kept only when every line is a
 * valid row). Otherwise, the careful way: parsed into `_scan`, rows numbered, failing rows into
 * `_bad` and `audit.rejects`; a file of a batch that DuckDB rejects lines of is taken out and
 * scanned on its own, where its line numbers are worked out around them.
 */
/** What every scan of one load shares: the build's clock and the salt personal keys are hashed with. */
interface ScanOptions {
  at: Date;
  salt: string;
}

async function scanBatch(db: Warehouse, format: CsvFormat, batch: PreparedFile[], opts: ScanOptions): Promise<{ i: number; load: FileLoad }[]> {
  const { at, salt } = opts;
  const { header, index } = batch[0]!;
  // Replace any earlier load of the same files (only when there was one: the DELETE scans the
  // table); their rows are in the raw table only when read earlier in this run (`inRaw`).
  const inRaw = batch.filter((f) => f.inRaw).map((f) => literal(f.file));
  if (inRaw.length) await db.run(`DELETE FROM ${format.rawTable} WHERE _file IN (${inRaw.join(", ")})`);
  const replaced = batch.filter((f) => f.replace).map((f) => literal(f.file));
  if (replaced.length) {
    const list = replaced.join(", ");
    await db.run(`DELETE FROM audit.rejects WHERE source = $s AND path IN (${list})`, { s: format.id });
    await db.run(`DELETE FROM audit.loads WHERE source = $s AND path IN (${list})`, { s: format.id });
  }

  // The common case, every line a valid row: straight into the raw table in one pass.
  if (!batch.some((f) => f.blankLines.length || f.broken)) {
    const fast = await fastScan(db, format, batch, opts);
    if (fast) return fast;
  }

  await db.run(`DROP TABLE IF EXISTS _scan; DROP TABLE IF EXISTS _scan_rejects; DROP TABLE IF EXISTS _scan_scans;`);
  await scanInto(db, `CREATE TEMP TABLE _scan AS SELECT *`, format, batch);
  const parseRejects = await db.all<{ path: string; line: string; column_name: string | null; error_type: string; error_message: string; csv_line: string }>(
    `SELECT s.file_path AS path, r.line::BIGINT AS line, r.column_name, r.error_type, r.error_message, r.csv_line
     FROM _scan_rejects r JOIN _scan_scans s USING (scan_id, file_id) ORDER BY s.file_path, r.line`,
  );
  let counts = new Map(
    (await db.all<{ p: string; n: number }>(`SELECT _path AS p, count(*)::BIGINT AS n FROM _scan GROUP BY 1`)).map((r) => [r.p, { n: Number(r.n) }]),
  );
  // A quote that never closes swallows the lines after it into one rejected record (or, with
  // null padding, silently into one row): when a lone file's rows and rejects fall short of its
  // lines, or DuckDB rejects a quote, blank out the lines that open one (each rejected alone)
  // and read the file again. A file whose quoted line breaks all make whole records is unchanged.
  const lone = batch.length === 1 && !batch[0]!.broken ? batch[0]! : undefined;
  const accounted = lone ? (counts.get(lone.readPath)?.n ?? 0) + new Set(parseRejects.map((r) => r.line)).size + lone.blankLines.length : 0;
  if (lone && (accounted < lone.lines - 1 || parseRejects.some((r) => /unterminated quote/i.test(r.error_message) || /[\r\n]/.test(r.csv_line ?? "")))) {
    const fixed = await isolateBrokenQuotes(lone.readPath, header.length, Boolean(format.nullPadding));
    if (fixed.broken.length) {
      await db.run(`DROP TABLE IF EXISTS _scan; DROP TABLE IF EXISTS _scan_rejects; DROP TABLE IF EXISTS _scan_scans;`);
      return scanBatch(db, format, [{ ...lone, readPath: fixed.path, blankLines: fixed.blankLines, broken: fixed.broken, replace: false, inRaw: false }], opts);
    }
  }
  // Several files: any file whose rows are not exactly one per line after the header (quoted line
  // breaks, or lines DuckDB rejected: its multi-file scan can drop a broken tail without recording
  // a reject) is scanned again on its own, where rejects are recorded and lines numbered around them.
  const again = batch.length > 1 ? batch.filter((f) => parseRejects.some((r) => r.path === f.readPath) || (counts.get(f.readPath)?.n ?? 0) !== f.lines - 1) : [];
  if (again.length) {
    await db.run(`DELETE FROM _scan WHERE _path IN (${again.map((f) => literal(f.readPath)).join(", ")})`);
    for (const r of parseRejects.splice(0)) if (!again.some((f) => f.readPath === r.path)) parseRejects.push(r);
    counts = new Map([...counts].filter(([p]) => !again.some((f) => f.readPath === p)));
  }
  const scanned = batch.filter((f) => !again.includes(f));
  const rejectedLines = new Set(parseRejects.map((r) => Number(r.line)));

  // Line number of each parsed row (header = 1). A file read alone with rejected or blank lines:
  // the line numbers taken by neither a reject nor a blank line (DuckDB skips blank lines but
  // counts them), in order. Otherwise the row's position in its file + 2 (rows of one file are
  // contiguous and in order in the scan).
  const single = scanned.length === 1 ? scanned[0]! : undefined;
  const brokenLines = single?.broken ?? [];
  const skipped = single ? [...rejectedLines, ...single.blankLines, ...brokenLines.map((b) => b.line)] : [];
  if (skipped.length) {
    const loadedCount = counts.get(single!.readPath)?.n ?? 0;
    await db.run(`DROP TABLE IF EXISTS _lines; CREATE TEMP TABLE _lines(line BIGINT)`);
    await db.run(`INSERT INTO _lines SELECT g FROM generate_series(2, ${loadedCount + skipped.length + 1}) t(g) WHERE g NOT IN (${skipped.join(", ")})`);
  }
  // Each file's first rowid, kept in SQL (a rowid can exceed what a JS number holds exactly: those of rows appended inside a transaction do).
  await db.run(`DROP TABLE IF EXISTS _paths; CREATE TEMP TABLE _paths (read_path VARCHAR, file VARCHAR)`);
  await db.insertRows("_paths", ["read_path", "file"], scanned.map((f) => ({ read_path: f.readPath, file: f.file })));
  await db.run(`DROP TABLE IF EXISTS _files; CREATE TEMP TABLE _files AS
    SELECT p.read_path, p.file, min(s.rowid) AS first FROM _paths p JOIN _scan s ON s._path = p.read_path GROUP BY ALL`);
  const cell = (name: string) => (index.has(name) ? `c${index.get(name)}` : "NULL");
  const shape = shapeOf(batch);
  // A line repeating the header is recognised by the declared columns, as the fast path does (a wide
  // file's hundreds of undeclared columns were a term each, planned per file, for nothing).
  const declared = [...index.values()].sort((a, b) => a - b);
  const why = trimFor(shape, `CASE ${validationChecks(format, header, index, at, undefined, declared).join(" ")} END`);
  // The raw line of a rejected row, from its scanned cells (`s`). A cell is quoted again when it
  // holds a quote, a comma or a line break: never, in a file without a quote. Made for the rejected
  // rows only, in one lambda over the row's cells: an expression per column over every row of a
  // wide file (KS2's 250 columns) took 0.7 s a file, most of its careful load.
  const cells = `[${header.map((_, i) => `s.c${i}`).join(", ")}]`;
  const rawLine = hasPersonalData(format) ? "NULL::VARCHAR" : shape.quoted
    ? `array_to_string(list_transform(${cells}, lambda x: CASE WHEN regexp_matches(coalesce(x, ''), '[",\\r\\n]') THEN '"' || replace(x, '"', '""') || '"' ELSE coalesce(x, '') END), ',')`
    : `array_to_string(list_transform(${cells}, lambda x: coalesce(x, '')), ',')`;
  // Rows with their file, line and place in the scan (`_r`); validated once into `_bad` (only
  // failing rows kept), so the good rows go to the raw table without another full copy.
  const numbered = skipped.length
    ? `(SELECT numbered.*, f.file AS _file, lines.line AS _line FROM (SELECT *, rowid AS _r, row_number() OVER (ORDER BY rowid) AS _k FROM _scan) numbered
        JOIN (SELECT line, row_number() OVER (ORDER BY line) AS _k FROM _lines) lines USING (_k) JOIN _files f ON f.read_path = numbered._path)`
    : `(SELECT s.*, s.rowid AS _r, f.file AS _file, s.rowid - f.first + 2 AS _line FROM _scan s JOIN _files f ON f.read_path = s._path)`;
  await db.run(`DROP TABLE IF EXISTS _bad; CREATE TEMP TABLE _bad AS
    SELECT _file, _line, _why, _r FROM (SELECT *, ${why} AS _why FROM ${numbered}) WHERE _why IS NOT NULL`);
  const rejectedBy = new Map(
    (await db.all<{ f: string; n: number }>(`SELECT _file AS f, count(*)::BIGINT AS n FROM _bad GROUP BY 1`)).map((r) => [r.f, Number(r.n)]),
  );
  const select = trimFor(shape, storedFields(format).map((f) => `${fieldSql(f, (c) => cell(c.name), salt, shape.quoted)} AS ${ident(f.name)}`).join(", "));
  // Every value of an enum column in the rows kept becomes a member first (those the files' first records did not show).
  const learned = new Map<string, Set<string>>();
  for (const { name, at } of enumColumns(format, index)) {
    const values = await db.all<{ v: string }>(`SELECT DISTINCT trim(c${at}) AS v FROM _scan
      WHERE nullif(trim(c${at}), '') IS NOT NULL ${rejectedBy.size ? "AND rowid NOT IN (SELECT _r FROM _bad)" : ""}`);
    learned.set(name, new Set(values.map((r) => r.v)));
  }
  if (learned.size) await createRawTable(db, format, learned);
  await db.run(`INSERT INTO ${format.rawTable} SELECT ${select}, _file, _line FROM ${numbered} t
    ${rejectedBy.size ? "WHERE NOT EXISTS (SELECT 1 FROM _bad b WHERE b._file = t._file AND b._line = t._line)" : ""}`);
  if (rejectedBy.size) {
    await db.run(
      `INSERT INTO audit.rejects SELECT $s, b._file, b._line, nullif(split_part(b._why, chr(31), 1), ''), split_part(b._why, chr(31), 2), ${rawLine}
       FROM _bad b JOIN _scan s ON s.rowid = b._r ORDER BY b._file, b._line`,
      { s: format.id },
    );
  }
  // DuckDB parse rejects: one row per rejected line (the first error on it).
  const seen = new Set<number>();
  const parseRows = parseRejects
    .filter((r) => (seen.has(Number(r.line)) ? false : (seen.add(Number(r.line)), true)))
    .map((r) => ({
      source: format.id,
      path: batch.find((f) => f.readPath === r.path)!.file,
      line: Number(r.line),
      column: r.column_name && /^c\d+$/.test(r.column_name) ? header[Number(r.column_name.slice(1))] ?? null : null,
      reason: messages.csvParseReject(r.error_type, r.error_message.replace(/c(\d+)/g, (_m, i) => header[Number(i)] ?? _m)),
      raw_line: hasPersonalData(format) ? null : r.csv_line,
    }));
  const brokenRows = brokenLines.map((b) => ({
    source: format.id, path: single!.file, line: b.line, column: header[b.field] ?? null, reason: messages.unclosedQuote(), raw_line: hasPersonalData(format) ? null : b.text,
  }));
  await db.insertRows("audit.rejects", ["source", "path", "line", "column", "reason", "raw_line"], [...parseRows, ...brokenRows].sort((a, b) => a.line - b.line));
  const loads = scanned.map((f) => {
    const validationRejected = rejectedBy.get(f.file) ?? 0;
    const rowsLoaded = (counts.get(f.readPath)?.n ?? 0) - validationRejected;
    const rowsRejected = validationRejected + (f === single ? rejectedLines.size + brokenLines.length : 0);
    return { i: f.i, load: { source: format.id, path: f.file, sha256: f.sha256, rowsRead: rowsLoaded + rowsRejected, rowsLoaded, rowsRejected } as FileLoad, bytes: f.bytes };
  });
  await recordLoads(db, format, loads, at);
  await db.run(`DROP TABLE IF EXISTS _scan; DROP TABLE IF EXISTS _bad; DROP TABLE IF EXISTS _lines; DROP TABLE IF EXISTS _files; DROP TABLE IF EXISTS _paths; DROP TABLE IF EXISTS _scan_rejects; DROP TABLE IF EXISTS _scan_scans;`);
  const again2: { i: number; load: FileLoad }[] = [];
  for (const f of again) again2.push(...(await scanBatch(db, format, [f], opts)));
  return [...loads.map(({ i, load }) => ({ i, load })), ...again2];
}

/**
 * `<into> FROM read_csv(<the batch's files>) ...` with the loader's parse options (every column
 * VARCHAR as `c<i>`, `_path` the file read, DuckDB's rejects in `_scan_rejects` / `_scan_scans`).
 * A file DuckDB cannot read at all is a `LocalneedsError` naming it.
 */
async function scanInto(db: Warehouse, into: string, format: CsvFormat, batch: PreparedFile[], tail = ""): Promise<void> {
  const colDefs = batch[0]!.header.map((_, i) => `'c${i}': 'VARCHAR'`).join(", ");
  try {
    await db.run(
      `${into} FROM read_csv([${batch.map((f) => literal(f.readPath)).join(", ")}], header=true, auto_detect=false,
         delim=',', quote='"', escape='"', columns={${colDefs}}, null_padding=${format.nullPadding ? "true, parallel=false" : "false"},
         filename='_path', store_rejects=true, rejects_table='_scan_rejects', rejects_scan='_scan_scans', max_line_size=10000000) ${tail}`,
    );
  } catch (err) {
    const which = batch.length === 1 ? batch[0]!.file : batch.map((f) => f.file).join(", ");
    throw new LocalneedsError(messages.unreadableCsv(which, (err as Error).message.split("\n")[0]!));
  }
}

/**
 * The fast path of `scanBatch`: parse the batch straight into the raw table (no staging copy),
 * number each file's rows from their order (line = position + 2), then check. When DuckDB
 * rejected nothing, every file has exactly one row per line after its header and no row breaks
 * a column rule (a row equal to the header in its declared columns counts as breaking one), the
 * load is done: returns its audit rows. Otherwise the batch's rows are taken out again and null
 * is returned, for the careful path to read it with its rejects.
 */
async function fastScan(db: Warehouse, format: CsvFormat, batch: PreparedFile[], { at, salt }: ScanOptions): Promise<{ i: number; load: FileLoad }[] | null> {
  const { header } = batch[0]!;
  // Checked on the stored values: dropped columns are not there, hashed ones not compared with the header.
  const index = new Map([...batch[0]!.index].filter(([name]) => isStored(format.columns.find((c) => c.name === name)!)));
  const raw = format.rawTable;
  await db.run(`DROP TABLE IF EXISTS _scan_rejects; DROP TABLE IF EXISTS _scan_scans; DROP TABLE IF EXISTS _paths; DROP TABLE IF EXISTS _firsts;
    CREATE TEMP TABLE _paths (read_path VARCHAR, file VARCHAR)`);
  await db.insertRows("_paths", ["read_path", "file"], batch.map((f) => ({ read_path: f.readPath, file: f.file })));
  const shape = shapeOf(batch);
  const select = trimFor(shape, storedFields(format).map((f) => fieldSql(f, (c) => (index.has(c.name) ? `s.c${index.get(c.name)}` : "NULL"), salt, shape.quoted)).join(", "));
  // `_line` 0 marks the rows of this scan until they are numbered (real lines start at 2).
  // Files read in place (every file of a batch of several) are named by the scan itself: no join.
  const inPlace = batch.every((f) => f.readPath === f.file);
  const files = batch.map((f) => literal(f.file)).join(", ");
  const undo = async () => {
    await db.run(`DELETE FROM ${raw} WHERE _file IN (${files}); DROP TABLE IF EXISTS _paths; DROP TABLE IF EXISTS _firsts;`);
    return null;
  };
  const insert = () => scanInto(db, `INSERT INTO ${raw} SELECT ${select}, ${inPlace ? "s._path" : "p.file"}, 0`, format, batch, inPlace ? "s" : `s JOIN _paths p ON p.read_path = s._path`);
  try {
    await insert();
  } catch (err) {
    // A typed column's cell that is not of its type fails the INSERT, which leaves nothing. An enum
    // value not yet a member: the batch's values are learned in one scan and the INSERT made again;
    // else (a month that is not one) the careful path finds the row.
    if (!format.columns.some(isTyped)) throw err;
    if (!(await learnBatchEnums(db, format, batch))) return undo();
    try {
      await insert();
    } catch {
      return undo();
    }
  }
  if (await db.one(`SELECT 1 FROM _scan_rejects LIMIT 1`)) return undo();
  // Rows of one scan are appended in scan order, each file's together: its first rowid numbers them.
  await db.run(`CREATE TEMP TABLE _firsts AS SELECT _file, min(rowid) AS first, count(*)::BIGINT AS n FROM ${raw} WHERE _line = 0 GROUP BY 1`);
  const counts = new Map((await db.all<{ f: string; n: number }>(`SELECT _file AS f, n FROM _firsts`)).map((r) => [r.f, Number(r.n)]));
  if (batch.some((f) => (counts.get(f.file) ?? 0) !== f.lines - 1)) return undo();
  // Hashed cells have no rule and are not compared with the header (their text is not stored).
  const checked = new Map([...index].filter(([name]) => !isHashed(format.columns.find((c) => c.name === name)!)));
  const cellAt = (i: number) => ident(format.columns.find((c) => checked.get(c.name) === i)!.name);
  // A repeated header line is found by the text columns (its month, not a month, failed the INSERT already).
  const declared = format.columns.filter((c) => checked.has(c.name) && !c.personal && !isTyped(c)).map((c) => checked.get(c.name)!).sort((a, b) => a - b);
  const rows = [...counts.values()].reduce((a, b) => a + b, 0);
  if (await anyInvalid(db, raw, "_line = 0", format, header, checked, at, cellAt, declared, shape, rows)) return undo();
  await db.run(`UPDATE ${raw} SET _line = ${raw}.rowid - f.first + 2 FROM _firsts f WHERE f._file = ${raw}._file AND ${raw}._line = 0`);
  const loads = batch.map((f) => ({ i: f.i, load: { source: format.id, path: f.file, sha256: f.sha256, rowsRead: f.lines - 1, rowsLoaded: f.lines - 1, rowsRejected: 0 } as FileLoad }));
  await recordLoads(db, format, loads.map((l, k) => ({ load: l.load, bytes: batch[k]!.bytes })), at);
  await db.run(`DROP TABLE IF EXISTS _paths; DROP TABLE IF EXISTS _firsts; DROP TABLE IF EXISTS _scan_rejects; DROP TABLE IF EXISTS _scan_scans;`);
  return loads;
}

/**
 * Make every value of a batch's enum columns a member of the raw table's ENUMs, from one scan of
 * the batch (its distinct values only). False when none was new (the INSERT failed for another reason).
 */
async function learnBatchEnums(db: Warehouse, format: CsvFormat, batch: PreparedFile[]): Promise<boolean> {
  const columns = enumColumns(format, batch[0]!.index);
  if (!columns.length) return false;
  const types = async () => JSON.stringify(await db.columnTypes(format.rawTable));
  const before = await types();
  try {
    await db.run(`DROP TABLE IF EXISTS _scan_rejects; DROP TABLE IF EXISTS _scan_scans;`);
    await scanInto(db, `CREATE OR REPLACE TEMP TABLE _enum_seen AS SELECT DISTINCT ${columns.map((c) => `trim(s.c${c.at}) AS c${c.at}`).join(", ")}`, format, batch, "s");
  } catch {
    return false;
  }
  const learned = new Map<string, Set<string>>();
  for (const { name, at } of columns) {
    learned.set(name, new Set((await db.all<{ v: string }>(`SELECT DISTINCT c${at} AS v FROM _enum_seen WHERE nullif(c${at}, '') IS NOT NULL`)).map((r) => r.v)));
  }
  await db.run(`DROP TABLE _enum_seen; DROP TABLE IF EXISTS _scan_rejects; DROP TABLE IF EXISTS _scan_scans;`);
  await createRawTable(db, format, learned);
  return (await types()) !== before;
}

/**
 * One `audit.loads` row per file loaded, and its hash in `audit.file_hashes` (with its size and
 * modification time), so the run's source fingerprints need not read the file again.
 */
async function recordLoads(db: Warehouse, format: CsvFormat, loads: { load: FileLoad; bytes: number }[], at: Date): Promise<void> {
  const stats = loads.map(({ load }) => ({ path: load.path, stat: statSync(load.path, { throwIfNoEntry: false }), sha256: load.sha256 }));
  const known = stats.filter((s) => s.stat);
  if (known.length) {
    await db.run(`DELETE FROM audit.file_hashes WHERE path IN (${known.map((k) => literal(k.path)).join(", ")})`);
    await db.insertRows("audit.file_hashes", ["path", "bytes", "mtime_ms", "sha256"], known.map((k) => ({ path: k.path, bytes: k.stat!.size, mtime_ms: Math.trunc(k.stat!.mtimeMs), sha256: k.sha256 })));
  }
  await db.insertRows("audit.loads", ["source", "path", "sha256", "bytes", "raw_table", "rows_read", "rows_loaded", "rows_rejected", "loaded_at"],
    loads.map(({ load, bytes }) => ({
      source: format.id, path: load.path, sha256: load.sha256, bytes, raw_table: format.rawTable,
      rows_read: load.rowsRead, rows_loaded: load.rowsLoaded, rows_rejected: load.rowsRejected, loaded_at: at.toISOString().replace("T", " ").replace("Z", ""),
    })));
}

/** What files of a format gave when they were last read (their `audit.loads` rows), marked as reused: a refresh that does not read them again. */
export async function recordedLoads(db: Warehouse, format: CsvFormat, files: readonly string[]): Promise<FileLoad[]> {
  if (!files.length) return [];
  const rows = await db.all<{ path: string; sha256: string; r: number; l: number; j: number }>(
    `SELECT path, sha256, rows_read::BIGINT AS r, rows_loaded::BIGINT AS l, rows_rejected::BIGINT AS j FROM audit.loads
     WHERE source = $s AND path IN (${files.map(literal).join(", ")})`, { s: format.id });
  const byPath = new Map(rows.map((r) => [r.path, r]));
  return files.map((f) => {
    const r = byPath.get(f);
    if (!r) throw new Error(`${f}: no earlier load of ${format.title} is recorded to reuse`);
    return { source: format.id, path: f, sha256: r.sha256, rowsRead: Number(r.r), rowsLoaded: Number(r.l), rowsRejected: Number(r.j), reused: true };
  });
}

/** Files with more columns than this are wide (population by single year of age, KS2 with its hundreds). */
const WIDE_FILE_COLUMNS = 40;
/**
 * Where the loader's SQL changes with the size of a batch (see `trimFor` and `anyInvalid`): either
 * way gives the same result. A setting, so tests can run the large-batch SQL on small files.
 */
export const loaderTuning = {
  /** Batches of at most this many input bytes are small: their statements cost more to plan than to run. */
  smallBatchBytes: 16_000_000,
  /** Checks of at most this many rows are made in one statement. */
  oneCheckRows: 250_000,
};

/** What a date-like column's rules cost a one-statement check per row, in simple rules (see `anyInvalid`). */
const DATE_RULE_WEIGHT = 10;

/** What the loader's SQL is tuned by: a batch's columns and input bytes. */
interface BatchShape {
  columns: number;
  bytes: number;
  /** Some file of the batch has a double quote: only then can a cell hold a comma, a quote or a line break. */
  quoted: boolean;
}
const shapeOf = (batch: readonly PreparedFile[]): BatchShape => ({
  columns: batch[0]!.header.length, bytes: batch.reduce((s, f) => s + f.bytes, 0), quoted: batch.some((f) => f.quoted),
});

/**
 * The loader's SQL for a batch, with plain `trim` in place of the `trim_fast` macro when the
 * batch is wide or small: DuckDB expands every macro call in place, and over a hundred columns the
 * expanded checks took seconds to plan for each file, far more than `trim` costs on a wide
 * file's rows; on a small file the expansion is most of each statement's time (a 7-line police.uk
 * file: 3.4 ms of 7.5 to plan one check). Narrow batches of millions of rows (police.uk months) keep the macro. Same result.
 */
function trimFor(shape: BatchShape, sql: string): string {
  return shape.columns > WIDE_FILE_COLUMNS || shape.bytes <= loaderTuning.smallBatchBytes ? sql.replaceAll("trim_fast(", "trim(") : sql;
}

/** One validation rule over a file's cells: the condition, the reason it gives (column name, U+001F, text), and the header positions it reads. */
interface ValidationArm {
  when: string;
  then: string;
  cells: readonly number[];
}

/**
 * The validation CASE arms of a format over a file's header: the first failing rule names the
 * column and what was expected. Cells are the scan's `c<i>` columns, or with `cellAt` any other
 * naming (the raw table's own columns); `repeatAt` lists the header positions compared for a
 * repeated header line (all of them by default).
 */
function validationChecks(
  format: CsvFormat, header: string[], index: Map<string, number>, at: Date,
  cellAt: (i: number) => string = (i) => `c${i}`, repeatAt: readonly number[] = header.map((_, i) => i),
): string[] {
  return validationArms(format, header, index, at, cellAt, repeatAt).map((a) => `WHEN ${a.when} THEN ${a.then}`);
}

/**
 * With `stored`, the cells are the raw table's columns: a typed column (`stored: "date"` or
 * `"enum"`) holds its value, whose form its INSERT checked, so only its required, earliest and
 * latest rules are left, on the value.
 */
function validationArms(
  format: CsvFormat, header: string[], index: Map<string, number>, at: Date,
  cellAt: (i: number) => string, repeatAt: readonly number[], stored = false,
): ValidationArm[] {
  const cell = (name: string) => (index.has(name) ? cellAt(index.get(name)!) : "NULL");
  const arms: ValidationArm[] = [];
  // A line repeating the header (files pasted together) is not data.
  // A length test first (cheap) so lower() runs only on cells as long as the header's (ASCII headers).
  const headerCells = repeatAt.map((i) => {
    const h = header[i]!;
    const cell = `trim_fast(coalesce(${cellAt(i)}, ''))`;
    const same = `lower(${cell}) = ${literal(h.toLowerCase())}`;
    return /^[\x20-\x7e]*$/.test(h) ? `(length(${cell}) = ${h.length} AND ${same})` : same;
  });
  if (headerCells.length) arms.push({ when: headerCells.join(" AND "), then: literal("\u001f" + messages.repeatedHeaderLine()), cells: repeatAt });
  const named = (spec: ColumnSpec) => headerNameAt(header, index, spec) + "\u001f";
  for (const spec of format.columns) {
    if (!index.has(spec.name)) continue;
    const c = cell(spec.name);
    const cells = [index.get(spec.name)!];
    if (stored && isTyped(spec)) {
      const blank = literal(named(spec) + "expected a value, found a blank cell");
      if (spec.required) arms.push({ when: `${c} IS NULL`, then: blank, cells });
      const floor = spec.stored === "date" && (spec.notBefore ?? (spec.notFuture ? EARLIEST_DATE : undefined));
      if (floor) arms.push({ when: `${c} < DATE ${literal(floor)}`, then: literal(named(spec) + `expected a month not before ${floor}`), cells });
      if (spec.stored === "date" && spec.notFuture) {
        arms.push({ when: `${c} > DATE ${literal(at.toISOString().slice(0, 10))}`, then: literal(named(spec) + "expected a month not after the build date"), cells });
      }
      continue;
    }
    if (spec.required) arms.push({ when: `(${c} IS NULL OR trim_fast(${c}) = '')`, then: literal(named(spec) + "expected a value, found a blank cell"), cells });
    const rule = failsRule(spec, c);
    if (rule) arms.push({ when: rule, then: `${literal(named(spec) + "expected " + expectedText(spec) + ", found ")} || coalesce(${c}, '')`, cells });
    const past = pastSql(spec, c);
    if (past) {
      const expected = `expected ${expectedText(spec)} not before ${spec.notBefore ?? EARLIEST_DATE}, found `;
      arms.push({ when: past, then: `${literal(named(spec) + expected)} || trim_fast(${c})`, cells });
    }
    const future = futureSql(spec, c, at);
    if (future) {
      const expected = `expected ${expectedText(spec)} not after ${buildDateLabel(spec, at)} (the build date), found `;
      arms.push({ when: future, then: `${literal(named(spec) + expected)} || trim_fast(${c})`, cells });
    }
  }
  for (const r of format.atMost ?? []) {
    const [a, b] = [format.columns.find((c) => c.name === r.column)!, format.columns.find((c) => c.name === r.limit)!];
    if (!index.has(a.name) || !index.has(b.name)) continue;
    const [na, nb] = [numberSql(cell(a.name)), numberSql(cell(b.name))];
    const label = `expected at most the ${headerNameAt(header, index, b)} (`;
    arms.push({
      when: `${na} > ${nb}`,
      then: `${literal(named(a) + label)} || trim_fast(${cell(b.name)}) || '), found ' || trim_fast(${cell(a.name)})`,
      cells: [index.get(a.name)!, index.get(b.name)!],
    });
  }
  return arms;
}

/**
 * Does any row of `where` in `table` break a rule (the fast path's check, which needs only yes or
 * no; the careful path finds which rule)? `cellAt` must name plain columns of `table`. Up to
 * `loaderTuning.oneCheckRows` rows (`rows`, each weighed by its date-like columns), every rule is checked in one statement: planning, not scanning, is
 * most of a small check's time (the demo's 62 files took 1.2 s of checks one rule at a time).
 * Over that, each rule is its own filter query (DuckDB evaluated the rules OR-ed together
 * several times slower than one by one); the rules over one date-like or listed-value column (a
 * month, a period: few distinct values, costly parses) are checked once per distinct value, in an
 * aggregate so the check is not pushed below the DISTINCT.
 */
async function anyInvalid(
  db: Warehouse, table: string, where: string, format: CsvFormat, header: string[], index: Map<string, number>, at: Date,
  cellAt: (i: number) => string, repeatAt: readonly number[], shape: BatchShape, rows: number,
): Promise<boolean> {
  const arms = validationArms(format, header, index, at, cellAt, repeatAt, true);
  // A date-like cell's rules try several patterns and parse it, each: in one statement every row
  // pays them, checked per column only each distinct value does (a national complaints export's
  // 100,000 rows with two such dates: 1.3-1.5 s in one statement, 0.5-0.8 s column by column).
  const dated = format.columns.filter((c) => index.has(c.name) && !isTyped(c) && isDateKind(c.kind ?? "text")).length;
  if (rows * (1 + DATE_RULE_WEIGHT * dated) <= loaderTuning.oneCheckRows) {
    return Boolean(await db.one(trimFor(shape, `SELECT 1 FROM ${table} WHERE ${where} AND (${arms.map((a) => `(${a.when})`).join(" OR ")}) LIMIT 1`)));
  }
  const fewValues = new Set(
    format.columns.filter((c) => index.has(c.name) && (c.values?.length || isDateKind(c.kind ?? "text"))).map((c) => index.get(c.name)!),
  );
  const byColumn = new Map<number, string[]>();
  for (const a of arms) {
    const [only, ...more] = a.cells;
    if (only !== undefined && !more.length && fewValues.has(only)) byColumn.set(only, [...(byColumn.get(only) ?? []), a.when]);
    else if (await db.one(trimFor(shape, `SELECT 1 FROM ${table} WHERE ${where} AND (${a.when}) LIMIT 1`))) return true;
  }
  for (const [i, whens] of byColumn) {
    const bad = await db.one<{ bad: boolean | null }>(trimFor(shape,
      `SELECT bool_or(${whens.map((w) => `coalesce(${w}, false)`).join(" OR ")}) AS bad FROM (SELECT DISTINCT ${cellAt(i)} FROM ${table} WHERE ${where})`));
    if (bad?.bad) return true;
  }
  return false;
}

function headerNameAt(header: readonly string[], index: Map<string, number>, spec: ColumnSpec): string {
  return header[index.get(spec.name)!] ?? spec.name;
}

/**
 * A temporary table `(f, <column>)` giving every file loaded into `rawTable` an attribute read
 * from its name (the mid-year of a population file, the academic year of a KS2 file).
 */
export async function fileAttributeTable(
  db: Warehouse,
  table: string,
  rawTable: string,
  column: string,
  derive: (file: string) => string | number,
): Promise<void> {
  const files = await db.all<{ f: string }>(`SELECT DISTINCT _file AS f FROM ${rawTable}`);
  const type = files.length && typeof derive(files[0]!.f) === "number" ? "INTEGER" : "VARCHAR";
  await db.run(`CREATE OR REPLACE TEMP TABLE ${ident(table)} (f VARCHAR, ${ident(column)} ${type})`);
  await db.insertRows(table, ["f", column], files.map((r) => ({ f: r.f, [column]: derive(r.f) })));
}
