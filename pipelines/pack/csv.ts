/** CSV writing for downloads: RFC 4180 quoting and spreadsheet-formula neutralising. */

/** Text cells starting with `=`, `+`, `-`, `@` (or a tab/CR) get a leading `'` so spreadsheets do not run them. */
export function neutralise(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

/** One CSV field: numbers as they are, text neutralised and quoted when needed. */
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : "";
  if (typeof v === "boolean") return v ? "true" : "false";
  const s = neutralise(String(v));
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/**
 * A UTF-8 byte order mark. Excel opens a CSV without one in the machine's legacy code page, so
 * "Mill Quay – Docks" or "£" come out garbled; with one it reads UTF-8. R, pandas, DuckDB and
 * papaparse skip it.
 */
export const UTF8_BOM = "\uFEFF";

/** A whole CSV document (UTF-8 byte order mark, LF line ends, header first). */
export function toCsv(columns: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return UTF8_BOM + [columns.map(csvField).join(","), ...rows.map((r) => r.map(csvField).join(","))].join("\n") + "\n";
}
