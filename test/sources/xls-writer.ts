/**
 * Writes Excel 97-2003 workbooks (.xls) for tests, record by record as [MS-XLS] lays them out
 * and as Excel writes them: BIFF8 (or BIFF5, Excel 95, with 8-bit strings), shared strings split
 * over CONTINUE records (mid-string, a width byte resuming the characters), numbers as RK or
 * MULRK where they fit and NUMBER where not, formulas with their cached results (a text result in
 * a STRING record), booleans and errors, chart sheets and a chart drawn on a sheet (a substream of
 * its own), all in an OLE2 compound file made by `cfb`.
 */
import { writeFileSync } from "node:fs";
import CFB from "cfb";

/**
 * A cell: text, a number, a boolean, an error (`{ error: "#N/A" }`), a formula with its cached
 * result, a number shown through a number format (`{ number: 45301, format: "dd/mm/yyyy" }`, or
 * a built-in format's id: 14 is Excel's short date), or nothing.
 */
export type XlsCell = string | number | boolean | null | { error: string } | { formula: string | number | boolean | { error: string } } | { number: number; format: string | number };

export interface XlsOptions {
  /** BIFF version: 8 (Excel 97-2003, the default) or 5 (Excel 95). */
  biff?: 5 | 8;
  /** Largest record of the shared strings (SST and each CONTINUE): small to split strings across records. Default 8224, Excel's. */
  sstRecord?: number;
  /** A password (a FILEPASS record: the rest is not encrypted here, but a reader must stop). */
  password?: boolean;
  /** Rich-text runs on every third shared string (formatting a reader passes over). */
  richRuns?: boolean;
  /** The workbook counts dates from 1904-01-01 (a DATEMODE record of 1). */
  date1904?: boolean;
}

const ERROR_CODES: Record<string, number> = { "#NULL!": 0x00, "#DIV/0!": 0x07, "#VALUE!": 0x0f, "#REF!": 0x17, "#NAME?": 0x1d, "#NUM!": 0x24, "#N/A": 0x2a };

const u16 = (n: number) => { const b = Buffer.alloc(2); b.writeUInt16LE(n); return b; };
const u32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32LE(n >>> 0); return b; };
const f64 = (n: number) => { const b = Buffer.alloc(8); b.writeDoubleLE(n); return b; };
const record = (type: number, data: Buffer) => Buffer.concat([u16(type), u16(data.length), data]);
const wide = (s: string) => [...s].some((c) => c.charCodeAt(0) > 0xff);

/** Characters of a BIFF8 string: a width byte, then 1 byte a character (all of them below 256) or 2. */
const chars8 = (s: string) => (wide(s) ? Buffer.concat([Buffer.from([1]), Buffer.from(s, "utf16le")]) : Buffer.concat([Buffer.from([0]), Buffer.from(s, "latin1")]));
/** Windows-1252 bytes (the few the tests need beyond Latin-1). */
const cp1252 = (s: string) => Buffer.from([...s].map((c) => ({ "’": 0x92, "‘": 0x91, "–": 0x96, "€": 0x80 })[c] ?? c.charCodeAt(0)));

/** A string with a 1- or 2-byte count, in the version's encoding. */
function xlString(s: string, countBytes: 1 | 2, biff: 5 | 8): Buffer {
  const count = countBytes === 1 ? Buffer.from([s.length]) : u16(s.length);
  return Buffer.concat([count, biff === 8 ? chars8(s) : cp1252(s)]);
}

/** RK encoding of a number when it has one: a 30-bit integer, perhaps times 100, or a double whose low 34 bits are zero. */
function rk(n: number): number | null {
  const int = (v: number) => Number.isInteger(v) && v >= -(2 ** 29) && v < 2 ** 29;
  if (int(n)) return ((n << 2) | 2) >>> 0;
  if (int(Math.round(n * 100)) && Math.round(n * 100) / 100 === n) return ((Math.round(n * 100) << 2) | 3) >>> 0;
  const b = f64(n);
  if (b.readUInt32LE(0) === 0 && (b.readUInt32LE(4) & 3) === 0) return b.readUInt32LE(4);
  return null;
}

/** The SST record and its CONTINUE records, each at most `max` bytes, strings split as Excel splits them. */
function sharedStrings(strings: readonly string[], total: number, max: number, richRuns: boolean): Buffer[] {
  const records: Buffer[][] = [[u32(total), u32(strings.length)]];
  let size = 8;
  const room = () => max - size;
  const next = () => { records.push([]); size = 0; };
  const put = (b: Buffer) => { records[records.length - 1]!.push(b); size += b.length; };
  strings.forEach((s, i) => {
    const runs = richRuns && i % 3 === 0 ? 2 : 0;
    const isWide = wide(s);
    const header = Buffer.concat([u16(s.length), Buffer.from([(isWide ? 1 : 0) | (runs ? 0x08 : 0)]), runs ? u16(runs) : Buffer.alloc(0)]);
    if (room() < header.length + (isWide ? 2 : 1)) next();
    put(header);
    let left = isWide ? Buffer.from(s, "utf16le") : Buffer.from(s, "latin1");
    const unit = isWide ? 2 : 1;
    for (;;) {
      const fit = Math.min(left.length, Math.floor(room() / unit) * unit);
      put(left.subarray(0, fit));
      left = left.subarray(fit);
      if (!left.length) break;
      next();
      put(Buffer.from([isWide ? 1 : 0]));
    }
    // Formatting runs (4 bytes each) may run on into the next record, without a width byte.
    let run = Buffer.alloc(runs * 4, 0x11);
    while (run.length) {
      if (!room()) next();
      const fit = Math.min(run.length, room());
      put(run.subarray(0, fit));
      run = run.subarray(fit);
    }
  });
  return records.map((parts, k) => record(k === 0 ? 0x00fc : 0x003c, Buffer.concat(parts)));
}

/** The first cell XF after Excel's 16 default ones (15 style XFs and the default cell XF). */
const FIRST_FORMAT_XF = 16;

/** The number formats cells name, in order: each gets a cell XF from `FIRST_FORMAT_XF` (custom codes a FORMAT record from 164, as Excel numbers them). */
function formatsOf(sheets: readonly ({ rows: readonly (readonly XlsCell[])[] } | { chart: true })[]): (string | number)[] {
  const out: (string | number)[] = [];
  for (const s of sheets) for (const row of "rows" in s ? s.rows : []) for (const v of row) {
    if (v && typeof v === "object" && "format" in v && !out.includes(v.format)) out.push(v.format);
  }
  return out;
}

/** FORMAT records of the custom codes, then the XF records: 16 defaults (format 0, General), then one per format. */
function formatRecords(formats: readonly (string | number)[], biff: 5 | 8): Buffer[] {
  const id = (f: string | number, i: number) => (typeof f === "number" ? f : 164 + i);
  const xf = (ifmt: number) => record(0x00e0, Buffer.concat([u16(0), u16(ifmt), Buffer.alloc(biff === 8 ? 16 : 12)]));
  return [
    ...formats.flatMap((f, i) => (typeof f === "string" ? [record(0x041e, Buffer.concat([u16(id(f, i)), xlString(f, biff === 8 ? 2 : 1, biff)]))] : [])),
    ...Array.from({ length: FIRST_FORMAT_XF }, () => xf(0)),
    ...formats.map((f, i) => xf(id(f, i))),
  ];
}

/** The records of a sheet's cells, row by row (consecutive RK numbers as one MULRK). */
function cellRecords(rows: readonly (readonly XlsCell[])[], sst: Map<string, number>, biff: 5 | 8, formats: readonly (string | number)[] = []): Buffer[] {
  const out: Buffer[] = [];
  const xf = u16(15);
  rows.forEach((cells, r) => {
    for (let c = 0; c < cells.length; c++) {
      const v = cells[c];
      const at = Buffer.concat([u16(r), u16(c)]);
      if (v === null || v === undefined) continue;
      if (typeof v === "string") {
        // Excel 95 writes a string with formatting runs as RSTRING (its text, then the runs): every other one here.
        const rich = biff === 5 && c % 2 === 1;
        out.push(biff === 8 ? record(0x00fd, Buffer.concat([at, xf, u32(sst.get(v)!)]))
          : rich ? record(0x00d6, Buffer.concat([at, xf, xlString(v, 2, biff), Buffer.from([1, 0, 0, 0])])) : record(0x0204, Buffer.concat([at, xf, xlString(v, 2, biff)])));
      } else if (typeof v === "number") {
        const run: number[] = [];
        for (let k = c; k < cells.length && typeof cells[k] === "number" && rk(cells[k] as number) !== null; k++) run.push(rk(cells[k] as number)!);
        if (run.length >= 2) {
          out.push(record(0x00bd, Buffer.concat([at, ...run.map((x) => Buffer.concat([xf, u32(x)])), u16(c + run.length - 1)])));
          c += run.length - 1;
        } else if (run.length === 1) out.push(record(0x027e, Buffer.concat([at, xf, u32(run[0]!)])));
        else out.push(record(0x0203, Buffer.concat([at, xf, f64(v)])));
      } else if (typeof v === "boolean") out.push(record(0x0205, Buffer.concat([at, xf, Buffer.from([v ? 1 : 0, 0])])));
      else if ("error" in v) out.push(record(0x0205, Buffer.concat([at, xf, Buffer.from([ERROR_CODES[v.error]!, 1])])));
      else if ("format" in v) {
        // A formatted number: an RK where it fits (whole days), else a NUMBER, naming its format's XF.
        const own = u16(FIRST_FORMAT_XF + formats.indexOf(v.format));
        const r = rk(v.number);
        out.push(r !== null ? record(0x027e, Buffer.concat([at, own, u32(r)])) : record(0x0203, Buffer.concat([at, own, f64(v.number)])));
      }
      else {
        const f = v.formula;
        const result = typeof f === "number" ? f64(f)
          : typeof f === "string" ? Buffer.from([0, 0, 0, 0, 0, 0, 0xff, 0xff])
          : typeof f === "boolean" ? Buffer.from([1, 0, f ? 1 : 0, 0, 0, 0, 0xff, 0xff])
          : Buffer.from([2, 0, ERROR_CODES[f.error]!, 0, 0, 0, 0xff, 0xff]);
        // flags, chn, then a one-token formula (tInt 0: the cached result is what a reader takes).
        out.push(record(0x0006, Buffer.concat([at, xf, result, u16(0), u32(0), u16(3), Buffer.from([0x1e]), u16(0)])));
        if (typeof f === "string") out.push(record(0x0207, xlString(f, 2, biff)));
      }
    }
  });
  return out;
}

/** A chart's substream (BOF ... EOF), as a chart sheet or a chart drawn on a sheet carries. */
const chartStream = (biff: 5 | 8) => Buffer.concat([record(0x0809, Buffer.concat([u16(biff === 8 ? 0x0600 : 0x0500), u16(0x0020), Buffer.alloc(biff === 8 ? 12 : 4)])), record(0x1002, Buffer.alloc(16)), record(0x000a, Buffer.alloc(0))]);

/**
 * Write `sheets` (each a worksheet, or `{ chart }` for a chart sheet) as an .xls. A worksheet
 * with `chartAfter` carries a chart drawn on it, after its cells.
 */
export function writeXls(
  file: string,
  sheets: readonly ({ name: string; rows: readonly (readonly XlsCell[])[]; chartAfter?: boolean; hidden?: boolean } | { name: string; chart: true })[],
  opts: XlsOptions = {},
): void {
  const biff = opts.biff ?? 8;
  const bof = (dt: number) => record(0x0809, Buffer.concat([u16(biff === 8 ? 0x0600 : 0x0500), u16(dt), Buffer.alloc(biff === 8 ? 12 : 4)]));
  const eof = record(0x000a, Buffer.alloc(0));
  const strings = new Map<string, number>();
  let total = 0;
  for (const s of sheets) {
    if (!("rows" in s)) continue;
    for (const row of s.rows) for (const v of row) {
      if (typeof v !== "string") continue;
      total++;
      if (!strings.has(v)) strings.set(v, strings.size);
    }
  }
  const formats = formatsOf(sheets);
  const bodies = sheets.map((s) => ("rows" in s ? Buffer.concat([bof(0x0010), ...cellRecords(s.rows, strings, biff, formats), ...(s.chartAfter ? [chartStream(biff)] : []), eof]) : chartStream(biff)));
  const head = [
    bof(0x0005), ...(opts.password ? [record(0x002f, Buffer.alloc(biff === 8 ? 6 : 4))] : []), record(0x0042, u16(biff === 8 ? 1200 : 1252)),
    ...(opts.date1904 ? [record(0x0022, u16(1))] : []), ...(formats.length ? formatRecords(formats, biff) : []),
  ];
  const tail = [...(biff === 8 && strings.size ? sharedStrings([...strings.keys()], total, opts.sstRecord ?? 8224, opts.richRuns ?? false) : []), eof];
  const boundsheet = (offset: number, s: (typeof sheets)[number]) => record(0x0085, Buffer.concat([u32(offset), Buffer.from(["rows" in s && s.hidden ? 1 : 0, "rows" in s ? 0 : 2]), xlString(s.name, 1, biff)]));
  // The BOUNDSHEET records hold each sheet's offset in the stream: sized first, then written.
  const globalsLength = [...head, ...tail].reduce((n, b) => n + b.length, 0) + sheets.reduce((n, s) => n + boundsheet(0, s).length, 0);
  let offset = globalsLength;
  const bounds = sheets.map((s, i) => {
    const b = boundsheet(offset, s);
    offset += bodies[i]!.length;
    return b;
  });
  const stream = Buffer.concat([...head, ...bounds, ...tail, ...bodies]);
  const cfb = CFB.utils.cfb_new();
  CFB.utils.cfb_add(cfb, biff === 8 ? "Workbook" : "Book", stream);
  writeFileSync(file, CFB.write(cfb, { type: "buffer" }) as Buffer);
}
