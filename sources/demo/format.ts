/**
 * Text and byte helpers shared by the demo writers: CSV quoting, line endings, BOMs, a
 * Windows-1252 encoder, and locale-free number and date formatting.
 */

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

/** Windows-1252 bytes 0x80-0x9F and the Unicode characters they stand for (0x81, 0x8D, 0x8F, 0x90, 0x9D are unused). */
const CP1252_HIGH: Record<number, number> = {
  0x20ac: 0x80, 0x201a: 0x82, 0x0192: 0x83, 0x201e: 0x84, 0x2026: 0x85, 0x2020: 0x86, 0x2021: 0x87,
  0x02c6: 0x88, 0x2030: 0x89, 0x0160: 0x8a, 0x2039: 0x8b, 0x0152: 0x8c, 0x017d: 0x8e, 0x2018: 0x91,
  0x2019: 0x92, 0x201c: 0x93, 0x201d: 0x94, 0x2022: 0x95, 0x2013: 0x96, 0x2014: 0x97, 0x02dc: 0x98,
  0x2122: 0x99, 0x0161: 0x9a, 0x203a: 0x9b, 0x0153: 0x9c, 0x017e: 0x9e, 0x0178: 0x9f,
};

/** Encode text as Windows-1252; throws on a character the code page lacks. */
export function encodeCp1252(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  let n = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    let b: number | undefined;
    if (cp < 0x80 || (cp >= 0xa0 && cp <= 0xff)) b = cp;
    else b = CP1252_HIGH[cp];
    if (b === undefined) throw new Error(`character U+${cp.toString(16).toUpperCase().padStart(4, "0")} (${ch}) has no Windows-1252 byte`);
    out[n++] = b;
  }
  return out.subarray(0, n);
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
