/**
 * Date cells of .xlsx and .xls workbooks. Excel stores a date as a number of days (the serial
 * date) and shows it as a date only through the cell's number format, so a reader that gives
 * stored values writes `45301` where the sheet shows `10/01/2024`. The workbook readers give a
 * number formatted as a date as OpenDocument stores one (`office:date-value`): ISO 8601,
 * `2024-01-10`, or `2024-01-10T14:30:00` with a time of day; a format's column declared as a
 * `dd/mm/yyyy` date takes it in its own layout (`dmyText`).
 */

/**
 * Excel's built-in number formats that show a date or a time ([MS-OI29500] 18.8.30 and the
 * locale-dependent ones Excel maps to dates: 27-36 and 50-58).
 */
const BUILT_IN_DATE_FORMATS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58]);

/**
 * Does a number format show a date or time? A built-in id of one, or a format code with a day,
 * month, year, hour or second token outside quoted text, escaped characters and `[...]`
 * (colours, conditions and locales; an elapsed `[h]` is a time). `General`, `0.00%`, `£#,##0` are
 * not. Only the first section (positive numbers) is looked at.
 */
export function isDateFormat(id: number, code?: string): boolean {
  if (code === undefined) return BUILT_IN_DATE_FORMATS.has(id);
  const section = code.split(";")[0]!;
  const bare = section
    .replace(/"[^"]*"/g, "")
    .replace(/\\./g, "")
    .replace(/_./g, "")
    .replace(/\[(h+|m+|s+)\]/gi, "h")
    .replace(/\[[^\]]*\]/g, "");
  return /[dmyhs]/i.test(bare) && !/^general$/i.test(bare.trim());
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/**
 * A serial date as ISO 8601 (`2024-01-10`, `2024-01-10T14:30:00` with a time of day; a time
 * alone, a serial below 1, as `14:30:00`), to the second. `date1904`: the workbook counts from
 * 1904-01-01 (Mac Excel's old default). In the 1900 system Excel counts a 29 February 1900 that
 * never was (serial 60), so serials before it are a day later than from 1899-12-30.
 */
export function serialToIso(serial: number, date1904 = false): string {
  if (!Number.isFinite(serial) || serial < 0) return String(serial);
  const seconds = Math.round(serial * 86400);
  const days = Math.floor(seconds / 86400);
  const rest = seconds - days * 86400;
  const time = `${pad(Math.floor(rest / 3600))}:${pad(Math.floor(rest / 60) % 60)}:${pad(rest % 60)}`;
  if (days === 0 && !date1904) return time;
  const epoch = date1904 ? Date.UTC(1904, 0, 1) : days < 60 ? Date.UTC(1899, 11, 31) : Date.UTC(1899, 11, 30);
  const d = new Date(epoch + days * 86400000);
  const date = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  return rest ? `${date}T${time}` : date;
}

/**
 * An ISO 8601 date cell (`2024-01-10`, `2024-01-10T14:30:00`, `2024-01-10 14:30`) as `dd/mm/yyyy`
 * (`dd/mm/yyyy hh:mm`, or `hh:mm:ss` when it has seconds): what a CRM export's date columns hold
 * when saved as CSV. Any other text is returned as it is (the column's own check names it).
 */
export function dmyText(cell: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$/.exec(cell.trim());
  if (!m) return cell;
  const [, y, mo, d, h, mi, s] = m;
  const date = `${d}/${mo}/${y}`;
  if (h === undefined) return date;
  return s !== undefined && s !== "00" ? `${date} ${h}:${mi}:${s}` : `${date} ${h}:${mi}`;
}

/** An ISO 8601 date stored as such (an .xlsx cell of type `d`): the time dropped when it is midnight, fractions of a second and `Z` dropped. */
export function isoCellText(value: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}:\d{2})(?:\.\d+)?Z?)?$/.exec(value.trim());
  if (!m) return value;
  return !m[2] || m[2] === "00:00:00" ? m[1]! : `${m[1]}T${m[2]}`;
}
