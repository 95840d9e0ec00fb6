/**
 * Declarations of CSV source formats: which columns a file must have (matched by name or by a
 * pattern, since real headers carry vintage years), their canonical names in the run's `raw_*` table, the
 * per-column rules a row must pass, and the file's encoding.
 */
import { LocalneedsError, messages } from "../pipelines/core/messages.ts";

/** How a column's cells are checked at load time (raw keeps text; staging casts). */
export type ColumnKind =
  | "text"
  | "code" // an area code (GSS): stored upper-case with ASCII and Unicode spaces (no-break, thin, BOM...) trimmed
  | "integer" // whole number, may carry thousands separators ("1,279")
  | "number" // decimal, may carry a trailing % or thousands separators
  | "month" // YYYY-MM
  | "date_dmy" // dd/mm/yyyy or dd-mm-yyyy, optionally followed by hh:mm
  | "date_iso" // YYYY-MM-DD
  | "datetime_iso" // ISO 8601 date and time, optionally with an offset (2019-01-01T01:00:00+00:00)
  | "date" // YYYY-MM-DD or dd/mm/yyyy (never mm/dd/yyyy: 03/04/2024 is 3 April)
  | "period" // a period label: YYYY-MM (month), YYYY-Qn (quarter), YYYY/YY (financial year) or YYYY
  | "gss_code"; // an ONS GSS code, a letter and 8 digits (E05002255); any case, Unicode spaces around it allowed

/** One declared column. */
export interface ColumnSpec {
  /** Canonical snake_case name in the `raw_*` table. */
  name: string;
  /** Header text, or a pattern for headers that carry a vintage (`/^WD\d{2}CD$/`). */
  header: string | RegExp;
  kind?: ColumnKind;
  /** A missing column is an error unless optional. */
  optional?: boolean;
  /** A blank cell rejects the row. */
  required?: boolean;
  /** Negative numbers reject the row (counts). */
  nonNegative?: boolean;
  /**
   * Numbers outside this range reject the row: `above` is exclusive, `atMost` inclusive (a survey
   * weight must be above 0 and not absurd). A value beyond the range of a double (`1e400`) always
   * rejects a `number` cell.
   */
  range?: { above?: number; atMost?: number };
  /** A date, month or period starting after the build's clock rejects the row (events cannot be in the future). */
  notFuture?: boolean;
  /** Coded missing values (`SUPP`, `NA`, `x`, `:`...) accepted in a numeric column. */
  markers?: readonly string[];
  /** A closed list of values (after trimming; a blank cell passes unless `required`). */
  values?: readonly string[];
  /** A date-like cell starting before this (`YYYY-MM-DD`) rejects the row; event dates (`notFuture`) default to `EARLIEST_DATE`. */
  notBefore?: string;
  /**
   * Personal data (issue 17). `drop`: declared so the header is recognised, never read into the
   * warehouse; `hash`: stored only as a salted SHA-256 (spaces removed, upper-cased first) where a
   * key is needed (a repeat-case place, a respondent). A format with any personal column keeps
   * no raw line in `audit.rejects`.
   */
  personal?: "drop" | "hash";
  /**
   * `false`: declared so the header is recognised (and a file without it named), but nothing uses
   * it, so it is never read into the warehouse (police.uk's `Reported by` and free-text `Context`).
   * `"hash"`: a cell only ever compared for equality, stored as a 64-bit hash (`UBIGINT`) of the
   * trimmed cell, NULL when blank: police.uk's Crime ID (64 hex characters a row, six million rows
   * a national year) and the coordinates and location that tell a repeated line from a
   * conflicting one. A hashed column declares no rule (kind, required...): it is not checked.
   */
  stored?: false | "hash" | "date" | "enum";
  /**
   * With `stored: "enum"`: values known beforehand (police.uk's crime types). The column is stored
   * as a DuckDB `ENUM` of the trimmed cells (NULL when blank): a value is a small integer, not a
   * string, so a national year of police.uk files writes and stages faster (typed columns cost
   * a fraction of text: see the README's Performance section). Values not listed are learned from
   * the files as they are read (`enumValues` in load-csv.ts): listing them saves a pass, never rejects a row.
   * `stored: "date"` (a `month` column): stored as the DATE of the month's first day, checked as it is read.
   */
  enumValues?: readonly string[];
  /**
   * With `stored: "hash"`: hashed together with the other columns of the same group into one
   * 64-bit column named by the group (police.uk's coordinates and location, only ever compared
   * together: one column of six million hashes a national year instead of three).
   */
  hashGroup?: string;
}

/** The earliest date a date-like cell may hold unless its column says otherwise: earlier is a typing slip (`1900`), not data. */
export const EARLIEST_DATE = "1990-01-01";

/** Is a column read into the warehouse (not `personal: "drop"`, not `stored: false`)? */
export const isStored = (c: ColumnSpec) => c.personal !== "drop" && c.stored !== false;

/** Is a column stored as a 64-bit hash of its cell (`stored: "hash"`)? */
export const isHashed = (c: ColumnSpec) => c.stored === "hash";

/** Is a column stored typed (`stored: "date"` or `"enum"`), not as the text of its cells? */
export const isTyped = (c: ColumnSpec) => c.stored === "date" || c.stored === "enum";

/** A column of a format's raw table: one declared column, or the group of hashed columns (`hashGroup`) stored as one hash. */
export interface StoredField {
  name: string;
  columns: readonly ColumnSpec[];
}

/**
 * The raw table's columns, in declaration order (a hash group where its first column is): every
 * declared column but `personal: "drop"` and `stored: false` ones.
 */
export function storedFields(format: CsvFormat): StoredField[] {
  const fields = new Map<string, ColumnSpec[]>();
  for (const c of format.columns.filter(isStored)) {
    const name = c.hashGroup ?? c.name;
    fields.set(name, [...(fields.get(name) ?? []), c]);
  }
  return [...fields].map(([name, columns]) => ({ name, columns }));
}

/** Does a format carry personal data (then rejects keep no raw line)? */
export const hasPersonalData = (format: CsvFormat) => format.columns.some((c) => c.personal);

/** A declared CSV format. */
export interface CsvFormat {
  /** Stable id, e.g. `police_uk_street`. */
  id: string;
  /** What a person would call it, used in messages (`a police.uk street-level crime file`). */
  title: string;
  /** The table rows load into, e.g. `raw_ks2` (dropped after the conform; `staging.raw_*` for one a conform may rename, see `dropRawTables`). */
  rawTable: string;
  columns: readonly ColumnSpec[];
  /**
   * File encoding; `windows-1252` files are transcoded to UTF-8 before DuckDB reads them; `auto`
   * reads a file as UTF-8 when it is valid UTF-8 and as Windows-1252 otherwise (GIAS, CRM exports).
   */
  encoding?: "utf-8" | "windows-1252" | "auto";
  /** Row rules across columns: `column`'s number above `limit`'s rejects the row (a numerator above its denominator). */
  atMost?: readonly { column: string; limit: string }[];
  /** Accept rows with fewer fields than the header (Fingertips, KS2 short rows). */
  nullPadding?: boolean;
  /**
   * The raw table as a temporary table, in memory: for reference files the build reads whole at
   * every geography change and drops within the run (lookups), whose rows would otherwise be
   * written to the warehouse file and checkpointed for nothing (a national LSOA lookup: the
   * geography stage 0.15-0.25 s shorter). Not for large or wide files: DuckDB keeps a temporary
   * table uncompressed, and a wide file's checks ran slower there (a national SAPE file's, 0.4 -> 1.4 s).
   */
  rawInMemory?: boolean;
  /** Grain of the raw table, for the README and docs. */
  grain: string;
  /**
   * For a file the council exports (no publisher's fixed layout): how to name its own columns for
   * the format's, said after a missing-columns error (`sources.complaints.columns`, `withColumnNames`).
   */
  renameHint?: string;
}

/** Define a format (identity, for typing and one place to check declarations). */
export function defineCsvFormat(format: CsvFormat): CsvFormat {
  // In the main schema, or in staging for a raw table a conform makes its staged table from in place (police.uk street lines).
  if (format.rawInMemory && format.rawTable.includes(".")) throw new Error(`format ${format.id}: a raw table in memory has no schema (${format.rawTable})`);
  if (!/^(staging\.)?raw_[a-z0-9_]+$/.test(format.rawTable)) throw new Error(`format ${format.id}: rawTable must be a temporary raw_<name> table (the files are the raw layer), not ${format.rawTable}`);
  const names = new Set<string>();
  for (const c of format.columns) {
    if (names.has(c.name)) throw new Error(`format ${format.id}: duplicate column ${c.name}`);
    names.add(c.name);
  }
  for (const c of format.columns) {
    if (isHashed(c) && (c.kind || c.required || c.values || c.markers || c.notFuture || c.range || c.personal)) {
      throw new Error(`format ${format.id}: column ${c.name} is stored as a hash, so it can have no rule or personal handling`);
    }
  }
  for (const c of format.columns) {
    if (c.stored === "date" && c.kind !== "month") throw new Error(`format ${format.id}: column ${c.name} is stored as a date, so it must be a month`);
    if (c.stored === "enum" && ((c.kind && c.kind !== "text") || c.values || c.markers || c.personal)) {
      throw new Error(`format ${format.id}: column ${c.name} is stored as an enum, so it must be plain text (no kind, values, markers or personal handling)`);
    }
    if (c.enumValues && c.stored !== "enum") throw new Error(`format ${format.id}: column ${c.name} lists enumValues but is not stored as an enum`);
  }
  for (const c of format.columns) {
    if (c.hashGroup && (!isHashed(c) || names.has(c.hashGroup))) {
      throw new Error(`format ${format.id}: column ${c.name}'s hash group ${c.hashGroup} needs stored: "hash" and a name no column has`);
    }
  }
  for (const r of format.atMost ?? []) {
    for (const c of [r.column, r.limit]) if (!names.has(c)) throw new Error(`format ${format.id}: atMost names unknown column ${c}`);
  }
  return format;
}

/**
 * A header as compared with a declared name: case and everything but letters and digits aside, so
 * a file re-saved by R (`Indicator.ID`, `Lower.CI.95.0.limit`, `Education..Skills.and.Training`),
 * by fingertipsR (`IndicatorID`, `Timeperiod`) or by pandas (`indicator_id`) is read as the
 * publisher's `Indicator ID`.
 */
const headerKey = (h: string) => h.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");

/**
 * What a separator in a declared pattern stands for in its loose form (see `loosePattern`): any
 * run of characters not letters or digits, taken whole (atomically, by a lookahead and its
 * backreference), so what follows cannot match within the run: `Compared to (?!England)` stays
 * false of `Compared_to_England`.
 */
const looseSeparator = (n: number) => `(?=(?<sep${n}>[^\\p{L}\\p{N}]*))\\k<sep${n}>`;

/** Characters with a meaning of their own in a pattern (outside a class), not separators. */
const SYNTAX = new Set("^$.*+?()[]{}|");

/**
 * A declared pattern made blind to separators as `headerKey` makes names: each literal character
 * that is not a letter or digit (space, `_`, `-`, `,`, `%`, an escaped dot or bracket) and each
 * `\s`, outside a character class and with any quantifier on it, becomes "any run of
 * separators, or none", and case is ignored. So `/^LSOA code \(20\d{2}\)$/` also reads R's
 * `LSOA.code..2011.` and pandas' `lsoa_code_2011`, and `/^geography code$/i` pandas' `geography_code`.
 */
function loosePattern(re: RegExp): RegExp {
  const s = re.source;
  let out = "";
  let inClass = false;
  let separators = 0;
  let lastSeparatorEnd = -1;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    let separator = false;
    if (c === "\\") {
      const n = s[i + 1] ?? "";
      i++;
      if (!inClass && (n === "s" || !/[\p{L}\p{N}]/u.test(n))) separator = true;
      else out += c + n;
    } else if (inClass) {
      if (c === "]") inClass = false;
      out += c;
    } else if (c === "[") {
      inClass = true;
      out += c;
    } else if (c === "(" && s[i + 1] === "?") {
      // A group's own syntax: `(?:`, `(?=`, `(?!`, `(?<=`, `(?<!`, `(?<name>`.
      const g = /^\(\?(?:<[=!]|<[A-Za-z]\w*>|[:=!])/.exec(s.slice(i))!;
      out += g[0];
      i += g[0].length - 1;
    } else if (!SYNTAX.has(c) && !/[\p{L}\p{N}]/u.test(c)) separator = true;
    else out += c;
    if (!separator) continue;
    // Its quantifier goes with it (the loose form repeats already).
    const q = /^(?:[*+?]|\{\d+(?:,\d*)?\})\??/.exec(s.slice(i + 1));
    if (q) i += q[0].length;
    if (lastSeparatorEnd !== out.length) out += looseSeparator(separators++);
    lastSeparatorEnd = out.length;
  }
  const flags = new Set([...re.flags, "i", "u"]);
  try {
    return new RegExp(out, [...flags].join(""));
  } catch {
    // A pattern the rewriting cannot carry into the `u` flag's stricter syntax: only its declared form matches.
    return re;
  }
}
const loosePatterns = new WeakMap<RegExp, RegExp>();

/**
 * Does a header cell match a column declaration? A name is compared aside case and separators
 * (`headerKey`); a pattern is tried on the cell without the spaces around it, and with `loose`,
 * in its separator-blind form (`loosePattern`) too.
 */
export function headerMatches(spec: ColumnSpec, header: string, loose = true): boolean {
  if (typeof spec.header === "string") return headerKey(spec.header) === headerKey(header);
  const cell = header.trim();
  if (spec.header.test(cell)) return true;
  if (!loose) return false;
  let l = loosePatterns.get(spec.header);
  if (!l) loosePatterns.set(spec.header, (l = loosePattern(spec.header)));
  return l.test(cell);
}

/** Printable form of a declared header. */
export function headerLabel(spec: ColumnSpec): string {
  if (typeof spec.header === "string") return spec.header;
  return spec.header.source
    .replace(/^\^|\$$/g, "")
    .replace(/\(\?[!=](?:[^()\\]|\\.)*\)/g, "") // lookaheads
    .replace(/\((?:[^()\\]|\\.)*\)\?|[A-Za-z_]\?/g, "") // optional parts: `( \(where 1 is most deprived\))?`, `F?_?`
    .replace(/20\\d\{2\}/g, "yyyy")
    .replace(/\\d\{2\}/g, "yy")
    .replace(/\\d/g, "n")
    .replace(/\(([^()|]*)\|([^()]*)\)/g, "$1 or $2")
    .replace(/\\(.)/g, "$1");
}

/**
 * `format` with some columns under the names a council's own export gives them: `names` maps a
 * column's documented header (`Date Received`, matched as headers are: case and punctuation
 * aside) to the export's (`Date Logged`). A documented name that is no column of the format is an
 * error naming `key` (the config's setting) and the format's columns.
 */
export function withColumnNames(format: CsvFormat, names: Readonly<Record<string, string>> | undefined, key: string): CsvFormat {
  if (!names || !Object.keys(names).length) return format;
  const columns = format.columns.map((c) => ({ ...c }));
  for (const [documented, own] of Object.entries(names)) {
    const spec = columns.find((c) => headerMatches(c, documented, false));
    if (!spec) throw new LocalneedsError(messages.columnNotInFormat(key, documented, format.title, format.columns.map(headerLabel)));
    spec.header = own;
  }
  return defineCsvFormat({ ...format, columns });
}

