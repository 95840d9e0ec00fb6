/**
 * The bad-input corpus (issue 9): the broken copies every adapter's formats are tested on, and
 * the outcome each one must have. A case takes a base file (a few records of the real sample in
 * `../shared/data/real/`, read in place, or of a demo-generator file) and writes one broken copy;
 * its default outcome follows from the case and the format's traits (`FormatSpec`), and a
 * format states its own outcome where it differs (`override`) or why a case does not apply (`na`).
 */
import { readFileSync } from "node:fs";
import { EARLIEST_DATE, type ColumnSpec, type CsvFormat } from "../../../sources/csv-format.ts";
import type { Context } from "../../../pipelines/core/context.ts";
import type { FileLoad } from "../../../sources/load-csv.ts";
import { decodeCp1252 } from "../../../sources/cp1252.ts";
import { messages } from "../../../pipelines/core/messages.ts";
import { demoFiles } from "../../../sources/demo/generate.ts";

/** The cases of issue 9, in its order. */
export const CASES = [
  "truncated_file", "truncated_last_line", "semicolon_delimited", "tab_delimited", "extra_column", "missing_column",
  "renamed_column", "reordered_columns", "repeated_header", "bom", "cp1252_text", "latin1_text", "mixed_line_endings",
  "empty_file", "header_only", "blank_lines", "quoted_newlines", "huge_field", "ambiguous_dates", "future_dates",
  "negative_count", "non_numeric_count", "numerator_above_denominator", "unknown_area_codes", "wrong_vintage_codes",
  "duplicate_rows", "wrong_kind_of_file",
  // Issue 15: silent drops at load.
  "stray_quote", "unicode_codes", "thousands_separators", "implausible_dates",
] as const;
export type CaseId = (typeof CASES)[number];

/** One rejected line as `audit.rejects` must hold it. */
export interface Reject { line: number; column: string | null; reason: string | RegExp }
/** What loading a broken copy must do. */
export type Outcome =
  | {
      kind: "loaded";
      /** Rows read; loaded = read - rejects.length. */
      read: number;
      rejects: Reject[];
      /** `_line` of every row in the raw table, in order (the good rows were kept, numbered as an editor shows them). */
      lines: number[];
      /** A cell of the raw table that must hold this value (decoded text, a long field). */
      cell?: { line: number; header: string; value: string | RegExp };
    }
  | { kind: "error"; message: string | RegExp }
  | { kind: "na"; reason: string };

/** A parsed record: its text as in the file, and its fields. */
export interface Rec { text: string; fields: string[] }

/** A format under test: its base file, how its slot loads a file, and the traits the cases use. */
export interface FormatSpec {
  adapter: string;
  id: string;
  /** The title errors name (the format's, or the slot's for slots taking several formats). */
  title: string;
  /** The format a file loads as (a function where it is declared from the file's header). */
  format: CsvFormat | ((file: string) => CsvFormat);
  /** `real/<folder>/<file>` (read in place) or `demo/<path>` (from the demo generator). */
  base: string;
  /** How many data records of the base to keep (default 6). */
  records?: number;
  /** Load one file as the adapter's slot does. */
  load: (ctx: Pick<Context, "db" | "log" | "clock">, file: string) => Promise<FileLoad[]>;
  /** The format decodes Windows-1252 (declared or `auto`). */
  decodes1252?: boolean;
  /** Free-text column for the encoding, line-break and huge-field cases. */
  text: string;
  /** A required column to drop or rename, and how the error names it (default: the header, `yy` for a vintage). */
  requiredColumn: string;
  requiredLabel?: string;
  /** A count column and the reject reasons for `-5` and `twelve` (a value of `loaded` says the column takes it). */
  count?: { header: string; negative: string | "loaded"; nonNumeric: string | "loaded" };
  /** A date-like column: an ambiguous d/m value and its outcome, and a future value and its outcome. */
  date?: { header: string; ambiguous: string; ambiguousReason: string | "loaded"; future: string; futureReason: string | "loaded" };
  /** Numerator and denominator columns, and the reason when the numerator is above (or `loaded`, with why). */
  ratio?: { numerator: string; denominator: string; reason: string | "loaded" };
  /** An area code column, a code no lookup holds, and a code of another vintage (both load; conform's handling is in the table). */
  area?: { header: string; unknown: string; otherVintage: string };
  /** Why a case does not apply. */
  na?: Partial<Record<CaseId, string>>;
  /** A format's own outcome for a case, where it differs from the default. */
  override?: Partial<Record<CaseId, (c: CaseContext) => Outcome>>;
  /** What conform does with unknown codes, codes of another vintage and duplicate rows (documented; the load is asserted here). */
  conform?: Partial<Record<"unknown_area_codes" | "wrong_vintage_codes" | "duplicate_rows", string>>;
}

/** Everything a case needs to write its copy and state its outcome. */
export interface CaseContext {
  spec: FormatSpec;
  file: string;
  header: Rec;
  rows: Rec[];
  eol: string;
}

// --- CSV text helpers ------------------------------------------------------------------------

/** Split CSV text into records (RFC 4180 quotes; CRLF or LF), keeping each record's text. */
export function records(text: string): Rec[] {
  const out: Rec[] = [];
  let fields: string[] = [];
  let field = "";
  let start = 0;
  let quoted = false;
  let fieldStart = true;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
      continue;
    }
    if (ch === '"' && fieldStart) {
      quoted = true;
      fieldStart = false;
    } else if (ch === ",") {
      fields.push(field);
      field = "";
      fieldStart = true;
    } else if (ch === "\n" || ch === "\r") {
      fields.push(field);
      out.push({ text: text.slice(start, i), fields });
      if (ch === "\r" && text[i + 1] === "\n") i++;
      start = i + 1;
      fields = [];
      field = "";
      fieldStart = true;
    } else {
      field += ch;
      fieldStart = false;
    }
  }
  if (start < text.length) out.push({ text: text.slice(start), fields: [...fields, field] });
  return out;
}

/** A field as CSV (quoted when it holds a comma, quote or line break). */
export const quote = (f: string) => (/[",\r\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f);
/** A record from fields. */
export const line = (fields: readonly string[]) => fields.map(quote).join(",");

let demo: Map<string, Uint8Array> | undefined;
/** The text of a base file, decoded (real files read in place; demo files generated in memory). */
export function baseText(base: string, realPath: (...p: string[]) => string): string {
  let bytes: Uint8Array;
  if (base.startsWith("real/")) bytes = readFileSync(realPath(...base.slice(5).split("/")));
  else {
    demo ??= new Map(demoFiles(20240401).map((f) => [f.path, f.bytes]));
    bytes = demo.get(base.slice(5))!;
    if (!bytes) throw new Error(`no demo file ${base}`);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes).replace(/^\uFEFF/, "");
  } catch {
    return decodeCp1252(bytes);
  }
}

// --- outcomes --------------------------------------------------------------------------------

const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);
/** Every row loaded, numbered 2.. (or the given lines). */
export const allLoaded = (n: number, lines = range(2, n), cell?: Extract<Outcome, { kind: "loaded" }>["cell"]): Outcome => ({ kind: "loaded", read: n, rejects: [], lines, cell });
/** Rows read, one or more rejected, the rest numbered as given. */
export const someRejected = (read: number, rejects: Reject[], lines?: number[]): Outcome => ({
  kind: "loaded", read, rejects, lines: lines ?? range(2, read).filter((l) => !rejects.some((r) => r.line === l)),
});

const idx = (c: CaseContext, header: string) => {
  const i = c.header.fields.findIndex((h) => h.trim() === header);
  if (i < 0) throw new Error(`${c.spec.id}: no column ${header} in the base header`);
  return i;
};
/** Rows with one cell of one row replaced. */
const withCell = (c: CaseContext, row: number, header: string, value: string) =>
  c.rows.map((r, k) => (k === row ? line(r.fields.map((f, i) => (i === idx(c, header) ? value : f))) : r.text));
const join = (c: CaseContext, lines: string[]) => lines.join(c.eol) + c.eol;
const body = (c: CaseContext, rows: string[]) => join(c, [c.header.text, ...rows]);

/** Text as a literal in a RegExp. */
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** A line with a stray quote, rejected alone: by the loader, or by DuckDB where a quote later on the line closes it. */
const strayQuote = new RegExp(`^(${esc(messages.unclosedQuote())}|unquoted value: |missing columns: |too many columns: )`);
/** Field-count message DuckDB gives a short row. */
const shortRow = /^missing columns: Expected Number of Columns: \d+ Found: \d+$/;

/** A broken copy and its default outcome, for each case. */
export const MUTATIONS: Record<CaseId, (c: CaseContext) => { bytes: string | Buffer; outcome: Outcome | undefined }> = {
  truncated_file: (c) => {
    // Cut half-way through the last record's text (maybe inside a quoted field).
    const last = c.rows.at(-1)!.text;
    const n = c.rows.length;
    const text = [c.header.text, ...c.rows.slice(0, -1).map((r) => r.text), last.slice(0, Math.floor(last.length / 2))].join(c.eol);
    return { bytes: text, outcome: padded(c) ? undefined : someRejected(n, [{ line: n + 1, column: expect_any, reason: new RegExp(`^(missing columns: Expected Number of Columns|unquoted value: Value with unterminated quote found|${esc(messages.unclosedQuote())})`) }]) };
  },
  truncated_last_line: (c) => {
    const n = c.rows.length;
    const last = c.rows.at(-1)!.fields;
    const text = [c.header.text, ...c.rows.slice(0, -1).map((r) => r.text), line(last.slice(0, -1))].join(c.eol) + c.eol;
    return { bytes: text, outcome: padded(c) ? undefined : someRejected(n, [{ line: n + 1, column: c.header.fields.at(-1)!.trim(), reason: shortRow }]) };
  },
  semicolon_delimited: (c) => ({ bytes: body(c, c.rows.map((r) => r.fields.map((f) => f.replace(/;/g, " ")).join(";"))).replace(c.header.text, c.header.fields.join(";")), outcome: { kind: "error", message: messages.wrongDelimiter(c.file, ";", c.spec.title) } }),
  tab_delimited: (c) => ({ bytes: body(c, c.rows.map((r) => r.fields.join("\t"))).replace(c.header.text, c.header.fields.join("\t")), outcome: { kind: "error", message: messages.wrongDelimiter(c.file, "tab", c.spec.title) } }),
  extra_column: (c) => ({ bytes: join(c, [c.header.text + ",Extra note", ...c.rows.map((r) => r.text + ",extra")]), outcome: allLoaded(c.rows.length) }),
  missing_column: (c) => {
    const i = idx(c, c.spec.requiredColumn);
    const drop = (r: Rec) => line(r.fields.filter((_, k) => k !== i));
    return { bytes: join(c, [drop(c.header), ...c.rows.map(drop)]), outcome: { kind: "error", message: missingColumn(c, c.spec.requiredColumn) } };
  },
  renamed_column: (c) => {
    const i = idx(c, c.spec.requiredColumn);
    const header = line(c.header.fields.map((h, k) => (k === i ? `${h} (renamed)` : h)));
    return { bytes: join(c, [header, ...c.rows.map((r) => r.text)]), outcome: { kind: "error", message: missingColumn(c, c.spec.requiredColumn) } };
  },
  reordered_columns: (c) => {
    // Rows one field short of the header (Fingertips) are padded first, so columns stay aligned.
    const width = c.header.fields.length;
    const rev = (r: Rec) => line([...r.fields, ...Array<string>(Math.max(0, width - r.fields.length)).fill("")].reverse());
    return { bytes: join(c, [rev(c.header), ...c.rows.map(rev)]), outcome: allLoaded(c.rows.length) };
  },
  repeated_header: (c) => {
    const n = c.rows.length;
    const rows = [...c.rows.slice(0, 3).map((r) => r.text), c.header.text, ...c.rows.slice(3).map((r) => r.text)];
    return { bytes: body(c, rows), outcome: someRejected(n + 1, [{ line: 5, column: null, reason: messages.repeatedHeaderLine() }]) };
  },
  bom: (c) => ({ bytes: "\uFEFF" + body(c, c.rows.map((r) => r.text)), outcome: allLoaded(c.rows.length) }),
  cp1252_text: (c) => encodingCase(c, "O\u2019Brien caf\u00e9", Buffer.from([0x4f, 0x92, 0x42, 0x72, 0x69, 0x65, 0x6e, 0x20, 0x63, 0x61, 0x66, 0xe9])),
  latin1_text: (c) => encodingCase(c, "Caf\u00e9 \u00e0 la cr\u00e8me", Buffer.from("Caf\u00e9 \u00e0 la cr\u00e8me", "latin1")),
  mixed_line_endings: (c) => {
    // LF, CRLF and a lone CR (an old Mac line end) in one file.
    const ends = ["\r\n", "\n", "\r", "\n", "\r\n"];
    let text = c.header.text + "\r\n";
    c.rows.forEach((r, k) => (text += r.text + ends[k % ends.length]));
    return { bytes: text, outcome: allLoaded(c.rows.length) };
  },
  empty_file: (c) => ({ bytes: "", outcome: { kind: "error", message: messages.emptyFile(c.file, c.spec.title) } }),
  header_only: (c) => ({ bytes: c.header.text + c.eol, outcome: allLoaded(0) }),
  blank_lines: (c) => {
    // header 1, row 2, blank 3, rows 4-5, blanks 6-7, the rest from 8, and a blank line at the end.
    const [a, b, d, ...rest] = c.rows.map((r) => r.text);
    const n = c.rows.length;
    return { bytes: join(c, [c.header.text, a!, "", b!, d!, "", "", ...rest, ""]), outcome: allLoaded(n, [2, 4, 5, ...range(8, n - 3)]) };
  },
  quoted_newlines: (c) => {
    const value = "first line\nsecond line";
    return { bytes: body(c, withCell(c, 1, c.spec.text, value)), outcome: allLoaded(c.rows.length, undefined, { line: 3, header: c.spec.text, value }) };
  },
  huge_field: (c) => {
    const value = "x".repeat(1_000_000);
    return { bytes: body(c, withCell(c, 1, c.spec.text, value)), outcome: allLoaded(c.rows.length, undefined, { line: 3, header: c.spec.text, value: /^x{1000000}$/ }) };
  },
  ambiguous_dates: (c) => {
    const d = c.spec.date!;
    const bytes = body(c, withCell(c, 0, d.header, d.ambiguous));
    const n = c.rows.length;
    return { bytes, outcome: d.ambiguousReason === "loaded" ? allLoaded(n, undefined, { line: 2, header: d.header, value: d.ambiguous }) : someRejected(n, [{ line: 2, column: d.header, reason: d.ambiguousReason }]) };
  },
  future_dates: (c) => {
    const d = c.spec.date!;
    const n = c.rows.length;
    return { bytes: body(c, withCell(c, 1, d.header, d.future)), outcome: d.futureReason === "loaded" ? allLoaded(n, undefined, { line: 3, header: d.header, value: d.future }) : someRejected(n, [{ line: 3, column: d.header, reason: d.futureReason }]) };
  },
  negative_count: (c) => countCase(c, "-5", c.spec.count!.negative),
  non_numeric_count: (c) => countCase(c, "twelve", c.spec.count!.nonNumeric),
  numerator_above_denominator: (c) => {
    const r = c.spec.ratio!;
    const den = c.rows[0]!.fields[idx(c, r.denominator)]!.replace(/,/g, "");
    const num = String(Number(den) + 1);
    const n = c.rows.length;
    return { bytes: body(c, withCell(c, 0, r.numerator, num)), outcome: r.reason === "loaded" ? allLoaded(n, undefined, { line: 2, header: r.numerator, value: num }) : someRejected(n, [{ line: 2, column: r.numerator, reason: r.reason.replace("{den}", den).replace("{num}", num) }]) };
  },
  unknown_area_codes: (c) => areaCase(c, c.spec.area!.unknown),
  wrong_vintage_codes: (c) => areaCase(c, c.spec.area!.otherVintage),
  duplicate_rows: (c) => {
    const n = c.rows.length;
    return { bytes: body(c, [...c.rows.map((r) => r.text), c.rows[0]!.text]), outcome: allLoaded(n + 1) };
  },
  stray_quote: (c) => {
    // A quote opens the free-text cell of line 3 and nothing closes it: only that line is rejected
    // (by the loader; or by DuckDB where a later quote on the line closes it, in files that quote fields).
    const i = idx(c, c.spec.text);
    const broken = c.rows[1]!.fields.map((f, k) => (k === i ? `"${f.replace(/[",\r\n]/g, " ")}` : quote(f))).join(",");
    const n = c.rows.length;
    return { bytes: body(c, c.rows.map((r, k) => (k === 1 ? broken : r.text))), outcome: someRejected(n, [{ line: 3, column: expect_any, reason: strayQuote }]) };
  },
  unicode_codes: (c) => {
    // An area code in lower case, a no-break space after it: a code column stores it upper-case and trimmed.
    const a = c.spec.area;
    if (!a) return { bytes: "", outcome: { kind: "na", reason: "no area code column in this format" } };
    if (columnOf(c, a.header)?.kind !== "code") return { bytes: "", outcome: { kind: "na", reason: `${a.header} is not declared a code column: read as published (issue 15 normalises crime, complaints, survey and local counts codes)` } };
    const code = c.rows[1]!.fields[idx(c, a.header)]!;
    return { bytes: body(c, withCell(c, 1, a.header, ` ${code.toLowerCase()}\u00a0`)), outcome: allLoaded(c.rows.length, undefined, { line: 3, header: a.header, value: code.toUpperCase() }) };
  },
  thousands_separators: (c) => {
    // `1,021` in a count column (the denominator where there is one, so no ratio rule trips) is
    // stored as 1021, so every later cast reads it.
    const h = c.spec.ratio?.denominator ?? c.spec.count?.header;
    const kind = h ? columnOf(c, h)?.kind : undefined;
    if (!h || (kind !== "integer" && kind !== "number")) return { bytes: "", outcome: { kind: "na", reason: "no numeric count column in this format" } };
    // The row's own value written with separators where it is 1,000 or more (no ratio rule can trip), else 1,021.
    const own = c.rows[1]!.fields[idx(c, h)]!.replace(/,/g, "");
    const value = /^\d{4,}$/.test(own) ? own : "1021";
    const written = value.replace(/\B(?=(\d{3})+$)/g, ",");
    return { bytes: body(c, withCell(c, 1, h, written)), outcome: allLoaded(c.rows.length, undefined, { line: 3, header: h, value }) };
  },
  implausible_dates: (c) => {
    // A date in 1900 (a typing slip or a default): rejected with the column's earliest date.
    const d = c.spec.date;
    if (!d) return { bytes: "", outcome: { kind: "na", reason: "no date column in this format" } };
    const value = d.future.replace("2031", "1900");
    const spec = columnOf(c, d.header);
    const n = c.rows.length;
    if (d.futureReason === "loaded" || spec?.kind === "period") {
      return { bytes: body(c, withCell(c, 1, d.header, value)), outcome: allLoaded(n, undefined, { line: 3, header: d.header, value }) };
    }
    const reason = d.futureReason.replace(/ not after .*$/, ` not before ${spec?.notBefore ?? EARLIEST_DATE}, found ${value}`);
    return { bytes: body(c, withCell(c, 1, d.header, value)), outcome: someRejected(n, [{ line: 3, column: d.header, reason }]) };
  },
  wrong_kind_of_file: (c) => {
    // A police.uk street file in any other slot; a local counts file in the police slots.
    const police = c.spec.adapter === "crime";
    const text = police ? "area_code,period,numerator,denominator\nE05002255,2019-01,3,40\n" : "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context\n,2019-01,Kent Police,Kent Police,0.5,51.3,On or near X,E01016016,Medway 015A,Anti-social behaviour,,\n";
    const other = police ? "a local counts file (area_code, period, numerator, denominator)" : "a police.uk street-level crime file";
    return { bytes: text, outcome: { kind: "error", message: messages.wrongKindOfFile(c.file, c.spec.title, other) } };
  },
};

/** The format of a case's file. */
export const formatOf = (c: Pick<CaseContext, "spec" | "file">) => (typeof c.spec.format === "function" ? c.spec.format(c.file) : c.spec.format);

/** The declared column a header of the base file is read as. */
function columnOf(c: CaseContext, header: string): ColumnSpec | undefined {
  if (typeof c.spec.format === "function") return undefined; // declared from the file's own header
  const format = formatOf(c);
  return format.columns.find((s) => (typeof s.header === "string" ? s.header.toLowerCase() === header.toLowerCase() : s.header.test(header)));
}

/** Short rows load padded with NULLs (declared per format; a format declared from its header never pads). */
const padded = (c: CaseContext) => typeof c.spec.format !== "function" && Boolean(c.spec.format.nullPadding);

/** Marker: the column DuckDB names for a cut record depends on where the cut fell. */
export const expect_any = "\u0000any";

function missingColumn(c: CaseContext, header: string): RegExp {
  const label = c.spec.requiredLabel ?? header.replace(/\d{2}(CD|NM)$/, "yy$1");
  return new RegExp(`^${esc(c.file)}: missing column\\(s\\) [^;]*${esc(label)}[^;]*; expected .+; found `);
}

function encodingCase(c: CaseContext, text: string, bytes: Buffer): { bytes: Buffer; outcome: Outcome } {
  const marker = "\u0000TEXT\u0000";
  const file = Buffer.from(body(c, withCell(c, 1, c.spec.text, marker)), "utf8");
  const at = file.indexOf(marker);
  const out = Buffer.concat([file.subarray(0, at), bytes, file.subarray(at + Buffer.byteLength(marker))]);
  const n = c.rows.length;
  return {
    bytes: out,
    outcome: c.spec.decodes1252
      ? allLoaded(n, undefined, { line: 3, header: c.spec.text, value: text })
      : someRejected(n, [{ line: 3, column: expect_any, reason: /^invalid encoding: .*not utf-8 encoded/ }]),
  };
}

function countCase(c: CaseContext, value: string, reason: string | "loaded"): { bytes: string; outcome: Outcome } {
  const h = c.spec.count!.header;
  const n = c.rows.length;
  return { bytes: body(c, withCell(c, 1, h, value)), outcome: reason === "loaded" ? allLoaded(n, undefined, { line: 3, header: h, value }) : someRejected(n, [{ line: 3, column: h, reason }]) };
}

function areaCase(c: CaseContext, code: string): { bytes: string; outcome: Outcome } {
  const h = c.spec.area!.header;
  return { bytes: body(c, withCell(c, 1, h, code)), outcome: allLoaded(c.rows.length, undefined, { line: 3, header: h, value: code }) };
}
