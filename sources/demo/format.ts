/**
 * Text and byte helpers shared by the demo writers: CSV quoting, line endings, BOMs, a
 * Windows-1252 encoder (`../cp1252.ts`, the table the loader decodes with), and locale-free number and date formatting.
 */
import { encodeCp1252 } from "../cp1252.ts";

export { encodeCp1252 };

/** One generated file: a path relative to the output folder (POSIX separators) and its bytes. */
export interface DemoFile {
  path: string;
  bytes: Uint8Array;
}

/** How a CSV file is laid out on disk. */
export interface CsvLayout {
  /** Record terminator. */
  eol: "\n" | "\r\n";
  /** Start with a UTF-8 byte-order mark. */
  bom?: boolean;
  /** Encode as Windows-1252 instead of UTF-8. */
  cp1252?: boolean;
}

/** A CSV field, quoted only when it holds a comma, quote, CR or LF (embedded quotes doubled). */
export function csvField(value: string | number): string {
  const s = String(value);
  return /[",\r\n]/.test(s) ? quoted(s) : s;
}

/** A field always quoted (GIAS style). */
export function quoted(value: string | number): string {
  return `"${String(value).replace(/"/g, '""')}"`;
}

/** A CSV record from fields quoted as needed. */
export function csvLine(fields: ReadonlyArray<string | number>): string {
  return fields.map(csvField).join(",");
}

/** Join records into file text: every record (header included) ends with `eol`. */
export function csvText(lines: readonly string[], eol: "\n" | "\r\n"): string {
  return lines.map((l) => l + eol).join("");
}

/** File bytes for CSV text in the given layout. */
export function encodeText(text: string, layout: Omit<CsvLayout, "eol">): Uint8Array {
  const body = layout.cp1252 ? encodeCp1252(text) : new TextEncoder().encode(text);
  if (!layout.bom) return body;
  const out = new Uint8Array(body.length + 3);
  out.set([0xef, 0xbb, 0xbf], 0);
  out.set(body, 3);
  return out;
}

/** A CSV file from ready-made record strings. */
export function csvFile(path: string, lines: readonly string[], layout: CsvLayout): DemoFile {
  return { path, bytes: encodeText(csvText(lines, layout.eol), layout) };
}

/** An integer with comma thousands separators (`1279` -> `1,279`), locale-free. */
export function thousands(n: number): string {
  const s = String(Math.abs(Math.trunc(n)));
  const grouped = s.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return n < 0 ? "-" + grouped : grouped;
}

/** Fixed decimals without `-0.000`. */
export function fixed(x: number, dp: number): string {
  const s = x.toFixed(dp);
  return /^-0\.?0*$/.test(s) ? s.slice(1) : s;
}

/** Round to `dp` decimals as a number (for JSON output). */
export function roundTo(x: number, dp: number): number {
  const f = 10 ** dp;
  const r = Math.round(x * f) / f;
  return Object.is(r, -0) ? 0 : r;
}

/** A whole percentage string like `72%`. */
export function pct(numerator: number, denominator: number): string {
  return `${Math.round((100 * numerator) / denominator)}%`;
}

const pad2 = (n: number) => String(n).padStart(2, "0");

/** A UTC date from y, m (1-12), d. */
export function utcDate(y: number, m: number, d: number, hh = 0, mm = 0): Date {
  return new Date(Date.UTC(y, m - 1, d, hh, mm));
}

/** `yyyy-mm-dd`. */
export function isoDate(d: Date): string {
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
}

/** `dd/mm/yyyy`. */
export function ukDate(d: Date): string {
  return `${pad2(d.getUTCDate())}/${pad2(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`;
}

/** `dd/mm/yyyy hh:mm`. */
export function ukDateTime(d: Date): string {
  return `${ukDate(d)} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}`;
}

/** `dd-mm-yyyy` (GIAS). */
export function dashDate(d: Date): string {
  return `${pad2(d.getUTCDate())}-${pad2(d.getUTCMonth() + 1)}-${d.getUTCFullYear()}`;
}

/** Add whole days to a date. */
export function addDays(d: Date, days: number): Date {
  return new Date(d.getTime() + days * 86_400_000);
}

/** Days in a month (m 1-12). */
export function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** Code-unit string comparison for sorting (never locale-dependent). */
export function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
