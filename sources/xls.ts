/**
 * Excel 97-2003 workbooks (.xls: BIFF8 records in an OLE2 compound file; BIFF5/7, Excel 95, too),
 * as older public files come: ONS small-area population estimates to mid-2017, the Indices of
 * Deprivation 2010, fuel poverty to 2016. The compound file is opened with `cfb` (SheetJS's
 * reader of the container, Apache-2.0, no dependencies beyond two checksums); the workbook stream's
 * records are read here, for the cell values only: the shared strings (`SST`, with its `CONTINUE`
 * records), strings (`LABELSST`, `LABEL`, `RSTRING`), numbers (`NUMBER`, `RK`, `MULRK`), formulas' cached
 * results (`FORMULA`, `STRING`), booleans and errors (`BOOLERR`), and of the formats only whether a
 * number is shown as a date (`XF`, `FORMAT`, `DATEMODE`): such a cell is given as ISO 8601, as the
 * .xlsx and .ods readers give one. Styles and charts are passed over. Layout as [MS-XLS] gives it,
 * checked against what LibreOffice Calc writes.
 */
import CFB from "cfb";
import { decodeCp1252 } from "./cp1252.ts";
import { isDateFormat, serialToIso } from "./spreadsheet-dates.ts";

/** A sheet's rows: `[row number from 1, cells by column]`, in row order. */
export interface XlsSheet {
  name: string;
  /** Hidden in the workbook (BOUNDSHEET's hidden state). */
  hidden: boolean;
  rows: () => Iterable<[number, string[]]>;
}

const BOF = 0x0809;
const EOF = 0x000a;
const BOUNDSHEET = 0x0085;
const SST = 0x00fc;
const CONTINUE = 0x003c;
const LABELSST = 0x00fd;
const LABEL = 0x0204;
/** A string cell with formatting runs after its text (Excel 95 and earlier). */
const RSTRING = 0x00d6;
const NUMBER = 0x0203;
const RK = 0x027e;
const MULRK = 0x00bd;
const FORMULA = 0x0006;
const STRING = 0x0207;
const BOOLERR = 0x0205;
const CODEPAGE = 0x0042;
const FILEPASS = 0x002f;
const XF = 0x00e0;
const FORMAT = 0x041e;
const DATEMODE = 0x0022;

/** Error codes of `BOOLERR` and formula results, as Excel shows them. */
const ERRORS: Record<number, string> = { 0x00: "#NULL!", 0x07: "#DIV/0!", 0x0f: "#VALUE!", 0x17: "#REF!", 0x1d: "#NAME?", 0x24: "#NUM!", 0x2a: "#N/A" };

/** A number as the other readers give one: whole numbers plainly, others in their shortest form. */
const numberText = (n: number) => (Number.isFinite(n) ? String(n) : "");

/** An RK number: a 30-bit integer or the top 30 bits of a double, either perhaps times 100. */
function rkNumber(rk: number): number {
  const scaled = rk & 1;
  let n: number;
  if (rk & 2) n = rk >> 2;
  else {
    const b = Buffer.alloc(8);
    b.writeInt32LE(rk & ~3, 4);
    n = b.readDoubleLE(0);
  }
  return scaled ? n / 100 : n;
}

/** A workbook stream's records: `[type, offset of the data, length]`. */
function* records(stream: Buffer): Generator<[number, number, number]> {
  for (let at = 0; at + 4 <= stream.length; ) {
    const type = stream.readUInt16LE(at);
    const size = stream.readUInt16LE(at + 2);
    if (at + 4 + size > stream.length) throw new Error(`a record at byte ${at} runs past the end of the workbook stream`);
    yield [type, at + 4, size];
    at += 4 + size;
  }
}

/**
 * Reads strings from a record's data and its `CONTINUE` records as one run: characters split
 * across a record boundary resume after a byte giving their width (1 or 2 bytes) anew.
 */
class Segments {
  private i = 0;
  private at = 0;
  constructor(private readonly parts: readonly Buffer[]) {}
  private get part() {
    return this.parts[this.i]!;
  }
  private next(): void {
    this.i++;
    this.at = 0;
    if (this.i >= this.parts.length) throw new Error("the shared strings run past their records");
  }
  /** Move to the next record if this one is read to its end (a string's header never spans two). */
  private settle(): void {
    while (this.at >= this.part.length && this.i < this.parts.length - 1) {
      this.at -= this.part.length;
      this.i++;
    }
  }
  uint8(): number {
    this.settle();
    if (this.at >= this.part.length) throw new Error("the shared strings run past their records");
    return this.part[this.at++]!;
  }
  uint16(): number {
    return this.uint8() | (this.uint8() << 8);
  }
  uint32(): number {
    return (this.uint16() | (this.uint16() << 16)) >>> 0;
  }
  skip(n: number): void {
    this.at += n;
    this.settle();
  }
  chars(count: number, wide: boolean): string {
    let out = "";
    let left = count;
    for (;;) {
      const fit = Math.min(left, wide ? (this.part.length - this.at) >> 1 : this.part.length - this.at);
      const bytes = this.part.subarray(this.at, this.at + (wide ? fit * 2 : fit));
      out += wide ? bytes.toString("utf16le") : bytes.toString("latin1");
      this.at += bytes.length;
      left -= fit;
      if (left === 0) return out;
      this.next();
      wide = (this.part[this.at++]! & 1) === 1;
    }
  }
  /** An XLUnicodeRichExtendedString (a shared string). */
  richString(): string {
    const count = this.uint16();
    const flags = this.uint8();
    const runs = flags & 0x08 ? this.uint16() : 0;
    const extra = flags & 0x04 ? this.uint32() : 0;
    const text = this.chars(count, (flags & 1) === 1);
    if (runs || extra) this.skip(runs * 4 + extra);
    return text;
  }
}

/** An XLUnicodeString (2-byte count) or ShortXLUnicodeString (1-byte count) at `at`; BIFF5's 8-bit strings in the workbook's code page. */
function unicodeString(data: Buffer, at: number, countBytes: 1 | 2, biff8: boolean, decode8: (b: Buffer) => string): string {
  const count = countBytes === 1 ? data[at]! : data.readUInt16LE(at);
  at += countBytes;
  if (!biff8) return decode8(data.subarray(at, at + count));
  const wide = (data[at]! & 1) === 1;
  return wide ? data.subarray(at + 1, at + 1 + count * 2).toString("utf16le") : data.subarray(at + 1, at + 1 + count).toString("latin1");
}

/**
 * The worksheets of an .xls file's bytes, each with its rows (read when asked). Throws, with what
 * is wrong, on a file that is not a readable workbook: no workbook stream, a password, a stream
 * cut short, an Excel version before 95.
 */
export function xlsSheets(bytes: Buffer): XlsSheet[] {
  let container: CFB.CFB$Container;
  try {
    container = CFB.read(bytes, { type: "buffer" });
  } catch (err) {
    throw new Error(`not an OLE2 compound file (${(err as Error).message})`);
  }
  const entry = CFB.find(container, "Workbook") ?? CFB.find(container, "Book");
  if (!entry?.content) throw new Error("the compound file has no workbook stream (not an Excel workbook)");
  const stream = Buffer.from(entry.content as Uint8Array);
  let biff8 = true;
  let decode8 = (b: Buffer) => decodeCp1252(b);
  const strings: string[] = [];
  const sheets: { name: string; offset: number; hidden: boolean }[] = [];
  // Each cell names its XF (cell format) by index; an XF names its number format.
  const formatCodes = new Map<number, string>();
  const xfFormats: number[] = [];
  let date1904 = false;
  const all = [...records(stream)];
  if (all[0]?.[0] !== BOF) throw new Error("the workbook stream does not start as Excel 95 to 2003 workbooks do (an older Excel version?): save it as .xlsx");
  for (let k = 0; k < all.length; k++) {
    const [type, at, size] = all[k]!;
    const data = stream.subarray(at, at + size);
    if (type === BOF) {
      const version = data.readUInt16LE(0);
      if (k === 0 && version !== 0x0600 && version !== 0x0500) throw new Error(`an Excel workbook older than Excel 95 (BIFF version 0x${version.toString(16)}): save it as .xlsx`);
      biff8 = version === 0x0600;
    } else if (type === FILEPASS) throw new Error("the workbook is protected with a password: open it in Excel, remove the password and save it as .xlsx");
    else if (type === CODEPAGE) {
      const page = data.readUInt16LE(0);
      if (page !== 1252 && page !== 1200 && page !== 0x8000 && page !== 367) decode8 = (b) => b.toString("latin1");
    } else if (type === BOUNDSHEET) {
      // Worksheets only (type 0): chart sheets and macro sheets hold no table.
      if (data[5] === 0) sheets.push({ name: unicodeString(data, 6, 1, biff8, decode8), offset: data.readUInt32LE(0), hidden: (data[4]! & 0x03) !== 0 });
    } else if (type === SST) {
      const parts = [data.subarray(8)];
      while (all[k + 1]?.[0] === CONTINUE) {
        const [, cAt, cSize] = all[++k]!;
        parts.push(stream.subarray(cAt, cAt + cSize));
      }
      const unique = data.readUInt32LE(4);
      const reader = new Segments(parts);
      for (let s = 0; s < unique; s++) strings.push(reader.richString());
    } else if (type === FORMAT) formatCodes.set(data.readUInt16LE(0), unicodeString(data, 2, biff8 ? 2 : 1, biff8, decode8));
    else if (type === XF) xfFormats.push(data.readUInt16LE(2));
    else if (type === DATEMODE) date1904 = data.readUInt16LE(0) === 1;
    else if (type === EOF) break;
  }
  const dateXfs = xfFormats.map((id) => isDateFormat(id, formatCodes.get(id)));
  const number = (n: number, xf: number) => (dateXfs[xf] && Number.isFinite(n) ? serialToIso(n, date1904) : numberText(n));
  return sheets.map(({ name, offset, hidden }) => ({ name, hidden, rows: () => sheetRows(stream, offset, strings, biff8, decode8, number) }));
}

/** A worksheet's rows from its BOF at `offset` to its EOF: cells gathered, then given in row order. */
function* sheetRows(
  stream: Buffer, offset: number, strings: readonly string[], biff8: boolean, decode8: (b: Buffer) => string, number: (n: number, xf: number) => string,
): Generator<[number, string[]]> {
  const rows = new Map<number, string[]>();
  const put = (row: number, col: number, value: string) => {
    let cells = rows.get(row);
    if (!cells) rows.set(row, (cells = []));
    cells[col] = value;
  };
  let pendingString: { row: number; col: number } | null = null;
  // A chart drawn on the sheet is a substream of its own (BOF ... EOF) inside the sheet's.
  let depth = 0;
  for (const [type, at, size] of records(stream.subarray(offset))) {
    const data = stream.subarray(offset + at, offset + at + size);
    if (type === BOF) depth++;
    else if (type === EOF && --depth === 0) break;
    if (depth !== 1) continue;
    if (type !== STRING) pendingString = null;
    switch (type) {
      case LABELSST:
        put(data.readUInt16LE(0), data.readUInt16LE(2), strings[data.readUInt32LE(6)] ?? "");
        break;
      case LABEL:
      case RSTRING:
        put(data.readUInt16LE(0), data.readUInt16LE(2), unicodeString(data, 6, 2, biff8, decode8));
        break;
      case NUMBER:
        put(data.readUInt16LE(0), data.readUInt16LE(2), number(data.readDoubleLE(6), data.readUInt16LE(4)));
        break;
      case RK:
        put(data.readUInt16LE(0), data.readUInt16LE(2), number(rkNumber(data.readInt32LE(6)), data.readUInt16LE(4)));
        break;
      case MULRK: {
        const row = data.readUInt16LE(0);
        const first = data.readUInt16LE(2);
        const n = (size - 6) / 6;
        for (let i = 0; i < n; i++) put(row, first + i, number(rkNumber(data.readInt32LE(4 + i * 6 + 2)), data.readUInt16LE(4 + i * 6)));
        break;
      }
      case BOOLERR: {
        const value = data[6]!;
        put(data.readUInt16LE(0), data.readUInt16LE(2), data[7] ? (ERRORS[value] ?? "#N/A") : value ? "TRUE" : "FALSE");
        break;
      }
      case FORMULA: {
        const row = data.readUInt16LE(0);
        const col = data.readUInt16LE(2);
        // The cached result: a double, unless its last two bytes are 0xFFFF (then byte 0 says what).
        if (data.readUInt16LE(12) !== 0xffff) put(row, col, number(data.readDoubleLE(6), data.readUInt16LE(4)));
        else if (data[6] === 0) pendingString = { row, col }; // the text follows in a STRING record
        else if (data[6] === 1) put(row, col, data[8] ? "TRUE" : "FALSE");
        else if (data[6] === 2) put(row, col, ERRORS[data[8]!] ?? "#N/A");
        else put(row, col, "");
        break;
      }
      case STRING:
        if (pendingString) put(pendingString.row, pendingString.col, unicodeString(data, 0, 2, biff8, decode8));
        pendingString = null;
        break;
    }
  }
  for (const row of [...rows.keys()].sort((a, b) => a - b)) yield [row + 1, rows.get(row)!];
}
