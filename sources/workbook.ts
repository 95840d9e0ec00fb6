/**
 * Tables of .xlsx workbooks and OpenDocument .ods spreadsheets, as publishers issue them (ONS
 * small-area population estimates, DESNZ fuel poverty, the Indices of Deprivation; government
 * statistics published to the open standard as .ods): each sheet's table found by its header row,
 * below any title rows, and written out as CSV for the loader. Streamed: yauzl opens the archive by its central directory,
 * so the sheet list (`xl/workbook.xml`) is read first whatever order the parts were stored in,
 * and saxes parses each sheet's XML as it inflates, so an 80 MB national workbook (three years of
 * 35,000 LSOAs by 182 ages and sexes) never sits whole in memory. exceljs's streaming reader was
 * not used: it names sheets wrongly and can fail when `xl/workbook.xml` is stored after the
 * sheets (exceljs#1364, #2663, #3064); its whole-workbook reader needs gigabytes for such a file.
 */
import { createHash } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { finished } from "node:stream/promises";
import { SaxesParser } from "saxes";
import yauzl from "yauzl";
import type { Context } from "../pipelines/core/context.ts";
import { LocalneedsError, messages } from "../pipelines/core/messages.ts";
import { processAlive } from "../pipelines/core/process-alive.ts";
import { hasPersonalData, type CsvFormat } from "./csv-format.ts";
import { readHeader, scratchDir, sha256File, spreadsheetKind } from "./files.ts";
import { xlsSheets, type XlsSheet } from "./xls.ts";
import { dmyText, isDateFormat, isoCellText, serialToIso } from "./spreadsheet-dates.ts";
import { headerFits, loadCsvFiles, matchHeader, type FileLoad } from "./load-csv.ts";
import { openZip, walk } from "./zip.ts";

/** One sheet's table, written out as CSV. */
export interface WorkbookTable {
  /** The sheet's name. */
  sheet: string;
  /** The text of the rows above the header (a title), joined by spaces. */
  title: string;
  /** The header's row number, as Excel shows it (the table's rows follow it). */
  headerRow: number;
  /** The CSV copy: the header, then every row up to the first blank one (where footnotes start). */
  csv: string;
  /** Rows after the header. */
  rows: number;
  /** The sheet is hidden in the workbook (Excel's `state="hidden"`, an .xls sheet's hidden flag). */
  hidden?: boolean;
  /** The workbook's SHA-256 (its tables are recorded under it). */
  sha256: string;
}

/** Is this file a workbook, an .xlsx, an OpenDocument .ods or an Excel 97-2003 .xls (by its name)? */
export const isWorkbook = (file: string) => /\.(xlsx|ods|xls)$/i.test(file);

/** The name a table of a workbook is loaded under, in `audit.loads` and every staged row's `_file`: `book.xlsx#Sheet name`. */
export const tablePath = (file: string, sheet: string) => `${file}#${sheet}`;

/**
 * What a table's CSV copy keeps of each column, decided from its header row (cells trimmed): the
 * cell as read (`keep`), nothing (`blank`: personal data, or a column the format does not read,
 * never written to disk), or a date in `dd/mm/yyyy` (`dmy`: date cells are read as ISO 8601).
 * Columns past the plan's end are kept.
 */
export type ColumnPlan = (header: readonly string[]) => readonly ("keep" | "blank" | "dmy")[];

/** Rows searched for a header before a sheet is taken to hold no table. */
const HEADER_SEARCH_ROWS = 30;

/** Every entry of an archive by name (its central directory, read once). */
async function entriesOf(zip: yauzl.ZipFile): Promise<Map<string, yauzl.Entry>> {
  const out = new Map<string, yauzl.Entry>();
  await walk(zip, async (e) => void out.set(e.fileName, e));
  return out;
}

/**
 * Parse one part of the archive with saxes, streamed: `open` sees each element as it opens (its
 * name without a namespace prefix), `text` the text between, `close` each closing name; `stop()`
 * ends the reading early (the rest of the part is not inflated).
 */
function parsePart(
  zip: yauzl.ZipFile, entry: yauzl.Entry,
  handlers: { open?: (name: string, attributes: Record<string, string>) => void; text?: (s: string) => void; close?: (name: string) => void },
): { done: Promise<void>; stop: () => void } {
  let stopped = false;
  let stopStream: () => void = () => {};
  const done = new Promise<void>((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err) return reject(err);
      const sax = new SaxesParser();
      // Element names without their namespace prefix: some writers (the .NET Open XML SDK) emit `<x:row>`, `<x:c>`.
      if (handlers.open) sax.on("opentag", (t) => handlers.open!(localName(t.name), t.attributes as Record<string, string>));
      if (handlers.text) sax.on("text", handlers.text);
      if (handlers.close) sax.on("closetag", (t) => handlers.close!(localName(t.name)));
      sax.on("error", (e) => reject(e));
      stream.setEncoding("utf8");
      stream.on("data", (chunk: string) => {
        if (stopped) return;
        try {
          sax.write(chunk);
        } catch (e) {
          stream.destroy();
          reject(e);
        }
      });
      stream.on("error", (e) => (stopped ? resolve() : reject(e)));
      stream.on("end", () => {
        if (!stopped) sax.close();
        resolve();
      });
      stream.on("close", () => resolve());
      stopStream = () => {
        stopped = true;
        stream.destroy();
      };
      if (stopped) stopStream();
    });
  });
  return { done, stop: () => ((stopped = true), stopStream()) };
}

/** An element or attribute name without its namespace prefix (`x:row` -> `row`). */
const localName = (name: string) => name.slice(name.indexOf(":") + 1);

/** A part named by a relationship's target, from the workbook's folder (`worksheets/sheet1.xml`) or the archive's root (`/xl/...`). */
const partOf = (target: string) => (target.startsWith("/") ? target.slice(1) : path.posix.normalize(`xl/${target}`));

/**
 * The sheets of a workbook in order, with the part each is stored in, and the shared strings
 * part (named by the workbook's relationships; `xl/sharedStrings.xml` as most writers name it).
 */
async function sheetsOf(zip: yauzl.ZipFile, entries: Map<string, yauzl.Entry>, file: string): Promise<{ sheets: { name: string; part: string; hidden: boolean }[]; strings: string; styles: string; date1904: boolean }> {
  const need = (name: string) => {
    const e = entries.get(name);
    if (!e) throw new LocalneedsError(messages.notAWorkbook(file, `it has no ${name}`));
    return e;
  };
  const targets = new Map<string, string>();
  let strings = "xl/sharedStrings.xml";
  let styles = "xl/styles.xml";
  await parsePart(zip, need("xl/_rels/workbook.xml.rels"), {
    open: (name, a) => {
      if (name !== "Relationship") return;
      targets.set(String(a.Id), String(a.Target));
      if (String(a.Type).endsWith("/sharedStrings")) strings = partOf(String(a.Target));
      if (String(a.Type).endsWith("/styles")) styles = partOf(String(a.Target));
    },
  }).done;
  const sheets: { name: string; part: string; hidden: boolean }[] = [];
  let date1904 = false;
  await parsePart(zip, need("xl/workbook.xml"), {
    open: (name, a) => {
      if (name === "workbookPr") date1904 = a.date1904 === "1" || a.date1904 === "true";
      if (name !== "sheet") return;
      // The relationship id, `r:id` under whatever prefix the writer gave its namespace.
      const id = Object.entries(a).find(([k]) => k.includes(":") && localName(k) === "id")?.[1];
      const target = id === undefined ? undefined : targets.get(String(id));
      if (target) sheets.push({ name: String(a.name), part: partOf(target), hidden: a.state === "hidden" || a.state === "veryHidden" });
    },
  }).done;
  return { sheets, strings, styles, date1904 };
}

/**
 * Which cell styles (`s`, an index into `cellXfs`) show a number as a date or time: each style's
 * number format, built in or declared in `numFmts`, asked `isDateFormat`. No styles part: none.
 */
async function dateStylesOf(zip: yauzl.ZipFile, entry: yauzl.Entry | undefined): Promise<boolean[]> {
  if (!entry) return [];
  const codes = new Map<number, string>();
  const formats: number[] = [];
  let inCellXfs = false;
  await parsePart(zip, entry, {
    open: (name, a) => {
      if (name === "numFmt") codes.set(Number(a.numFmtId), String(a.formatCode ?? ""));
      else if (name === "cellXfs") inCellXfs = true;
      else if (name === "xf" && inCellXfs) formats.push(Number(a.numFmtId ?? 0));
    },
    close: (name) => {
      if (name === "cellXfs") inCellXfs = false;
    },
  }).done;
  return formats.map((id) => isDateFormat(id, codes.get(id)));
}

/** The shared strings table: the text of each `<si>`, rich-text runs joined, phonetic runs left out. */
async function sharedStrings(zip: yauzl.ZipFile, entry: yauzl.Entry | undefined): Promise<string[]> {
  if (!entry) return [];
  const out: string[] = [];
  let current = "";
  let inText = false;
  let phonetic = 0;
  await parsePart(zip, entry, {
    open: (name) => {
      if (name === "si") current = "";
      else if (name === "rPh") phonetic++;
      else if (name === "t" && !phonetic) inText = true;
    },
    text: (s) => {
      if (inText) current += s;
    },
    close: (name) => {
      if (name === "t") inText = false;
      else if (name === "rPh") phonetic--;
      else if (name === "si") out.push(current);
    },
  }).done;
  return out;
}

/** Column index (0-based) of a cell reference such as `AB12`. */
function columnOf(ref: string): number {
  let n = 0;
  for (const ch of ref) {
    const c = ch.charCodeAt(0);
    if (c < 65 || c > 90) break;
    n = n * 26 + (c - 64);
  }
  return n - 1;
}

/** A cell's text from its type (`t`) and stored value: shared strings looked up, numbers in their shortest form, booleans TRUE/FALSE. */
function cellText(type: string, value: string, strings: readonly string[]): string {
  switch (type) {
    case "s":
      return strings[Number(value)] ?? "";
    case "b":
      return value === "1" ? "TRUE" : "FALSE";
    case "str":
    case "inlineStr":
    case "e":
    case "d":
      return value;
    default: {
      // Whole numbers as written; others in their shortest form (12.300000000000001 -> 12.3).
      if (!value.includes(".") && !value.includes("E") && !value.includes("e")) return value;
      const n = Number(value);
      return Number.isFinite(n) ? String(n) : value;
    }
  }
}

const csvCell = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** Where a build keeps the tables it read from workbooks, by each workbook's SHA-256: beside the chart images (`outputs/.cache/workbooks`). */
export const workbookCacheOf = (config: { outputDir: string }) => path.join(path.dirname(config.outputDir), ".cache", "workbooks");

/** Bumped when what the reader writes changes, so tables cached by an earlier reader are read again. */
const READER_VERSION = 3;

/**
 * Every sheet's table of a workbook whose header row `isHeader` accepts (found among a sheet's
 * first 30 rows; cells trimmed), written as CSV, in sheet order. A sheet without one is passed
 * over. A file that is not a readable workbook is a `LocalneedsError`. With `cache` (a folder,
 * and the kind of table `isHeader` looks for), the tables are kept there by the workbook's SHA-256
 * and the next build reads them instead of the workbook (a national population workbook takes
 * some 13 s to read); an earlier version of the same workbook's tables goes. Else the scratch folder.
 */
export async function workbookTables(file: string, isHeader: (cells: string[]) => boolean, cache?: { dir: string; kind: string }, plan?: ColumnPlan): Promise<WorkbookTable[]> {
  return visibleFirst(await allWorkbookTables(file, isHeader, cache, plan));
}

/**
 * A hidden sheet's table is left out when a visible sheet has one: a council's copy of a
 * publisher's workbook may keep an older table hidden beside the current one (a reviewer's hidden
 * "Table 3 (2022)" was read instead of the visible "Table 3"). Only hidden tables: all are kept.
 */
const visibleFirst = (tables: WorkbookTable[]) => (tables.some((t) => !t.hidden) ? tables.filter((t) => !t.hidden) : tables);

async function allWorkbookTables(file: string, isHeader: (cells: string[]) => boolean, cache?: { dir: string; kind: string }, plan?: ColumnPlan): Promise<WorkbookTable[]> {
  const sha256 = await sha256File(file);
  if (!cache) return readTables(file, sha256, isHeader, await scratchDir(), createHash("sha1").update(file).digest("hex").slice(0, 12) + "-" + path.basename(file), plan);
  const key = `${cache.kind}-${sha256.slice(0, 32)}-v${READER_VERSION}`;
  const manifest = path.join(cache.dir, `${key}.json`);
  const known = cachedTables(cache.dir, manifest);
  if (known) return known;
  mkdirSync(cache.dir, { recursive: true });
  // The cache is shared by the builds whose outputs sit side by side (each holds only its own
  // outputs' lock): tables are written under this process's own names, then renamed into place
  // (another build reading the same workbook's tables meanwhile sees whole files, of the same
  // content); what a killed run left half written goes.
  const partial = `${key}.tmp-`;
  for (const left of readdirSync(cache.dir)) {
    // `<key>.tmp-<pid>-<n>.csv` (a table) and `<key>.json.tmp-<pid>` (its manifest, never ending in .json).
    const pid = Number(/^(?:\.json)?\.tmp-(\d+)(?:-\d+\.csv)?$/.exec(left.startsWith(key) ? left.slice(key.length) : "")?.[1] ?? NaN);
    if (!Number.isNaN(pid) && (pid === process.pid || !processAlive(pid))) rmSync(path.join(cache.dir, left), { force: true });
  }
  const written = await readTables(file, sha256, isHeader, cache.dir, `${partial}${process.pid}`, plan);
  const tables = written.map((t) => ({ ...t, csv: path.join(cache.dir, `${key}${path.basename(t.csv).slice(`${partial}${process.pid}`.length)}`) }));
  for (const [i, t] of written.entries()) renameSync(t.csv, tables[i]!.csv);
  // Written last, so an interrupted build leaves no manifest of half-written tables.
  const rel = tables.map((t) => ({ ...t, csv: path.basename(t.csv) }));
  writeFileSync(`${manifest}.tmp-${process.pid}`, JSON.stringify({ file, tables: rel }));
  renameSync(`${manifest}.tmp-${process.pid}`, manifest);
  for (const other of readdirSync(cache.dir).filter((n) => n.startsWith(`${cache.kind}-`) && n.endsWith(".json") && n !== `${key}.json`)) {
    const m = readManifest(path.join(cache.dir, other));
    if (m?.file !== file) continue;
    for (const t of m.tables) rmSync(path.join(cache.dir, t.csv), { force: true });
    rmSync(path.join(cache.dir, other), { force: true });
  }
  return tables;
}

function readManifest(file: string): { file: string; tables: WorkbookTable[] } | null {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as { file: string; tables: WorkbookTable[] };
  } catch {
    return null;
  }
}

/** The tables a manifest lists, when it and all their CSVs are there. */
function cachedTables(dir: string, manifest: string): WorkbookTable[] | null {
  if (!existsSync(manifest)) return null;
  const m = readManifest(manifest);
  if (!m) return null;
  const tables = m.tables.map((t) => ({ ...t, csv: path.join(dir, t.csv) }));
  return tables.every((t) => existsSync(t.csv)) ? tables : null;
}

/** Read a workbook's tables (see `workbookTables`) into `<dir>/<stem>-<sheet number>.csv`. */
async function readTables(file: string, sha256: string, isHeader: (cells: string[]) => boolean, dir: string, stem: string, plan?: ColumnPlan): Promise<WorkbookTable[]> {
  if (spreadsheetKind(file) === "xls") return (await readXlsTables(file, isHeader, dir, stem, plan)).map((t) => ({ ...t, sha256 }));
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(file);
  } catch (err) {
    throw new LocalneedsError(messages.notAWorkbook(file, (err as Error).message));
  }
  try {
    const entries = await entriesOf(zip);
    const content = entries.get("content.xml");
    if (content && !entries.has("xl/workbook.xml")) {
      return (await readOdsTables(zip, content, isHeader, dir, stem, plan)).flatMap((t) => (t ? [{ ...t, sha256 }] : []));
    }
    const { sheets, strings: stringsPart, styles, date1904 } = await sheetsOf(zip, entries, file);
    const strings = await sharedStrings(zip, entries.get(stringsPart));
    const dates = { styles: await dateStylesOf(zip, entries.get(styles)), date1904 };
    const out: WorkbookTable[] = [];
    for (const [i, sheet] of sheets.entries()) {
      const entry = entries.get(sheet.part);
      if (!entry) continue;
      const table = await readSheet(zip, entry, sheet.name, strings, dates, isHeader, path.join(dir, `${stem}-${i + 1}.csv`), plan);
      if (table) out.push({ ...table, sha256, ...(sheet.hidden ? { hidden: true } : {}) });
    }
    return out;
  } catch (err) {
    if (err instanceof LocalneedsError) throw err;
    throw new LocalneedsError(messages.notAWorkbook(file, (err as Error).message));
  } finally {
    zip.close();
  }
}

/**
 * Gathers one sheet's table as its rows arrive (cells trimmed): the header is the first of its
 * first 30 rows `isHeader` accepts (rows above it are the title), and the table runs to its first
 * blank row, written to `csvPath`. `row` says false once the table has ended (or no header came).
 */
function tableCollector(sheet: string, isHeader: (cells: string[]) => boolean, csvPath: string, plan?: ColumnPlan) {
  const above: string[] = [];
  let header: { row: number; width: number } | null = null;
  let columns: readonly ("keep" | "blank" | "dmy")[] = [];
  let lastRow = 0;
  let rows = 0;
  const lines: string[] = [];
  let writer: ReturnType<typeof createWriteStream> | null = null;
  const flush = () => {
    if (lines.length && writer) writer.write(lines.join("\n") + "\n");
    lines.length = 0;
  };
  return {
    row(rowNumber: number, cells: readonly (string | undefined)[]): boolean {
      const trimmed = Array.from(cells, (c) => (c ?? "").trim());
      if (!header) {
        if (isHeader(trimmed)) {
          let width = trimmed.length;
          while (width > 0 && trimmed[width - 1] === "") width--;
          header = { row: rowNumber, width };
          columns = plan?.(trimmed.slice(0, width)) ?? [];
          writer = createWriteStream(csvPath);
          lines.push(trimmed.slice(0, width).map(csvCell).join(","));
        } else if (rowNumber > HEADER_SEARCH_ROWS) return false;
        else above.push(trimmed.filter(Boolean).join(" "));
        lastRow = rowNumber;
        return true;
      }
      // The table ends at its first blank row: an empty one, or a row number skipped.
      if (rowNumber > lastRow + 1 || trimmed.every((c) => c === "")) return false;
      lastRow = rowNumber;
      rows++;
      const width = header.width;
      lines.push(Array.from({ length: width }, (_, i) => {
        const how = columns[i];
        return how === "blank" ? "" : csvCell(how === "dmy" ? dmyText(trimmed[i] ?? "") : (trimmed[i] ?? ""));
      }).join(","));
      if (lines.length >= 2000) flush();
      return true;
    },
    async finish(): Promise<Omit<WorkbookTable, "sha256"> | null> {
      if (!header) return null;
      flush();
      const w = writer as ReturnType<typeof createWriteStream> | null;
      if (w) {
        w.end();
        await finished(w);
      }
      return { sheet, title: above.filter(Boolean).join(" "), headerRow: (header as { row: number }).row, csv: csvPath, rows };
    },
  };
}

/** Every worksheet's table of an Excel 97-2003 .xls (`xlsSheets`), as an .xlsx's are read. */
async function readXlsTables(file: string, isHeader: (cells: string[]) => boolean, dir: string, stem: string, plan?: ColumnPlan): Promise<Omit<WorkbookTable, "sha256">[]> {
  let sheets: XlsSheet[];
  try {
    sheets = xlsSheets(readFileSync(file));
  } catch (err) {
    throw new LocalneedsError(messages.notAWorkbook(file, (err as Error).message));
  }
  const out: Omit<WorkbookTable, "sha256">[] = [];
  for (const [i, sheet] of sheets.entries()) {
    const table = tableCollector(sheet.name, isHeader, path.join(dir, `${stem}-${i + 1}.csv`), plan);
    try {
      for (const [row, cells] of sheet.rows()) if (!table.row(row, cells)) break;
    } catch (err) {
      throw new LocalneedsError(messages.notAWorkbook(file, `sheet "${sheet.name}": ${(err as Error).message}`));
    }
    const done = await table.finish();
    if (done) out.push(sheet.hidden ? { ...done, hidden: true } : done);
  }
  return out;
}

/** One sheet's table of an .xlsx (see `workbookTables`), or null when no row of its first 30 is a header. */
async function readSheet(
  zip: yauzl.ZipFile, entry: yauzl.Entry, sheet: string, strings: readonly string[], dates: { styles: readonly boolean[]; date1904: boolean },
  isHeader: (cells: string[]) => boolean, csvPath: string, plan?: ColumnPlan,
): Promise<Omit<WorkbookTable, "sha256"> | null> {
  const table = tableCollector(sheet, isHeader, csvPath, plan);
  let ended = false;
  let cells: string[] = [];
  let rowNumber = 0;
  let cell: { col: number; type: string; date: boolean } | null = null;
  let value = "";
  let inValue = false;
  let nextCol = 0;
  const part = parsePart(zip, entry, {
    open: (name, a) => {
      if (ended) return;
      if (name === "row") {
        rowNumber = a.r ? Number(a.r) : rowNumber + 1;
        cells = [];
        nextCol = 0;
      } else if (name === "c") {
        const col = a.r ? columnOf(a.r) : nextCol;
        cell = { col, type: a.t ?? "n", date: a.s !== undefined && dates.styles[Number(a.s)] === true };
        nextCol = col + 1;
        value = "";
      } else if ((name === "v" || name === "t") && cell) inValue = true;
    },
    text: (s) => {
      if (inValue) value += s;
    },
    close: (name) => {
      if (ended) return;
      if (name === "v" || name === "t") inValue = false;
      else if (name === "c" && cell) {
        // A number shown as a date (its style's format) is written as OpenDocument stores a date: ISO 8601.
        cells[cell.col] = cell.type === "d" ? isoCellText(value)
          : cell.type === "n" && cell.date && value !== "" && Number.isFinite(Number(value)) ? serialToIso(Number(value), dates.date1904)
          : cellText(cell.type, value, strings);
        cell = null;
      } else if (name === "row" && !table.row(rowNumber, cells)) {
        ended = true;
        part.stop();
      }
    },
  });
  await part.done;
  return table.finish();
}

/** An attribute by its local name, whatever prefix the writer gave its namespace (`table:name`). */
function attribute(a: Record<string, string>, name: string): string | undefined {
  for (const [k, v] of Object.entries(a)) if (localName(k) === name) return v;
  return undefined;
}

/** `f` of a value, or null when there is none. */
const mapDefined = <T, U>(v: T | undefined, f: (v: T) => U): U | null => (v === undefined ? null : f(v));

/** Repeats of an OpenDocument row or cell (`number-rows-repeated`, `number-columns-repeated`), at least 1. */
const repeats = (a: Record<string, string>, name: string) => Math.max(1, Number(attribute(a, name) ?? 1) || 1);

/**
 * Every sheet's table of an OpenDocument spreadsheet (.ods: `content.xml`, every sheet a
 * `table:table` in it), as `readSheet` reads an .xlsx's: a cell's value is its typed value
 * (`office:value` of a number, percentage or currency, as stored; `office:date-value`;
 * TRUE/FALSE) or else its text (a formula's error, `#DIV/0!`, too) (paragraphs joined by line breaks, `text:s` spaces kept, notes
 * left out); repeated rows and cells (`number-rows-repeated`, `number-columns-repeated`) count
 * as many, so row numbers are the ones a spreadsheet shows.
 */
async function readOdsTables(zip: yauzl.ZipFile, content: yauzl.Entry, isHeader: (cells: string[]) => boolean, dir: string, stem: string, plan?: ColumnPlan) {
  const out: Promise<Omit<WorkbookTable, "sha256"> | null>[] = [];
  let table: ReturnType<typeof tableCollector> | null = null;
  let ended = false;
  let depth = 0; // tables open (a table inside a cell is not read)
  let rowNumber = 0;
  let rowRepeats = 1;
  let cells: string[] = [];
  let col = 0;
  let cell: { repeat: number; typed: string | null; paragraphs: string[] } | null = null;
  let inParagraph = 0;
  let inNote = 0;
  await parsePart(zip, content, {
    open: (name, a) => {
      if (name === "table") {
        if (depth++ === 0) {
          table = tableCollector(attribute(a, "name") ?? `Sheet${out.length + 1}`, isHeader, path.join(dir, `${stem}-${out.length + 1}.csv`), plan);
          ended = false;
          rowNumber = 0;
        }
      } else if (depth !== 1 || ended) return;
      else if (name === "table-row") {
        rowRepeats = repeats(a, "number-rows-repeated");
        cells = [];
        col = 0;
      } else if (name === "table-cell" || name === "covered-table-cell") {
        // A formula's error (#DIV/0!) is stored as the number 0 with `calcext:value-type="error"`: its text is read.
        const types = Object.entries(a).filter(([k]) => localName(k) === "value-type").map(([, v]) => v);
        const type = types.includes("error") ? "error" : types[0];
        const typed = type === "float" || type === "percentage" || type === "currency" ? cellText("n", attribute(a, "value") ?? "", [])
          : type === "date" ? mapDefined(attribute(a, "date-value"), isoCellText)
          : type === "time" ? attribute(a, "time-value") ?? null
          : type === "boolean" ? (attribute(a, "boolean-value") === "true" ? "TRUE" : "FALSE")
          : null;
        cell = { repeat: repeats(a, "number-columns-repeated"), typed, paragraphs: [] };
      } else if (!cell) return;
      else if (name === "annotation") inNote++;
      else if (inNote) return;
      else if (name === "p" || name === "h") {
        if (inParagraph++ === 0) cell.paragraphs.push("");
      } else if (inParagraph && name === "s") cell.paragraphs[cell.paragraphs.length - 1] += " ".repeat(Number(attribute(a, "c") ?? 1) || 1);
      else if (inParagraph && name === "tab") cell.paragraphs[cell.paragraphs.length - 1] += "\t";
      else if (inParagraph && name === "line-break") cell.paragraphs[cell.paragraphs.length - 1] += "\n";
    },
    text: (s) => {
      if (cell && inParagraph && !inNote && depth === 1) cell.paragraphs[cell.paragraphs.length - 1] += s;
    },
    close: (name) => {
      if (name === "table") {
        if (--depth === 0 && table) out.push(table.finish());
        return;
      }
      if (depth !== 1 || ended || !table) return;
      if (name === "annotation") inNote--;
      else if (inNote) return;
      else if (name === "p" || name === "h") inParagraph--;
      else if ((name === "table-cell" || name === "covered-table-cell") && cell) {
        const value = cell.typed ?? cell.paragraphs.join("\n");
        // An empty cell repeated to the sheet's edge (16,384 columns) is not spelled out.
        if (value !== "") for (let i = 0; i < cell.repeat; i++) cells[col + i] = value;
        col += cell.repeat;
        cell = null;
      } else if (name === "table-row") {
        for (let i = 0; i < cells.length; i++) cells[i] ??= "";
        // A row repeated to the sheet's end (a million blank rows) ends the table at its first.
        for (let r = 0; r < rowRepeats && !ended; r++) if (!table.row(++rowNumber, cells)) ended = true;
      }
    },
  }).done;
  return Promise.all(out);
}

/**
 * Load tables of a workbook (see `workbookTables`) with the loader, each as `format` (or the
 * format `formatOf` picks from its header), and point their records back at the workbook: in
 * `audit.loads` and the raw table, each table is `tablePath(file, sheet)` (or the workbook alone
 * when `named` says so) with the workbook's SHA-256; lines are the sheet's row numbers, as Excel
 * shows them, in `audit.rejects` and `_line`. Earlier records of the same tables are replaced.
 */
export async function loadWorkbookTables(
  ctx: Pick<Context, "db" | "log" | "clock">, file: string, tables: readonly WorkbookTable[],
  formatOf: (t: WorkbookTable) => CsvFormat, named: (t: WorkbookTable) => string = (t) => tablePath(file, t.sheet),
): Promise<{ table: WorkbookTable; format: CsvFormat; load: FileLoad }[]> {
  const { db } = ctx;
  const out: { table: WorkbookTable; format: CsvFormat; load: FileLoad }[] = [];
  for (const table of tables) {
    const { sha256 } = table;
    const format = formatOf(table);
    const subject = named(table);
    for (const t of ["audit.loads", "audit.rejects"]) await db.run(`DELETE FROM ${t} WHERE source = $s AND path = $f`, { s: format.id, f: subject });
    if (await db.hasTable(format.rawTable)) await db.run(`DELETE FROM ${format.rawTable} WHERE _file = $f`, { f: subject });
    const [load] = await loadCsvFiles(ctx, format, [table.csv]);
    const shift = table.headerRow - 1;
    const at = { f: subject, c: table.csv };
    await db.run(`UPDATE audit.loads SET path = $f, sha256 = $h WHERE path = $c`, { ...at, h: sha256 });
    await db.run(`UPDATE audit.rejects SET path = $f, line = line + ${shift} WHERE path = $c`, at);
    await db.run(`UPDATE ${format.rawTable} SET _file = $f, _line = _line + ${shift} WHERE _file = $c`, at);
    await db.run(`DELETE FROM audit.file_hashes WHERE path = $c`, { c: table.csv });
    out.push({ table, format, load: { ...load!, path: subject, sha256 } });
  }
  return out;
}

/**
 * What a workbook table's copy keeps for `format` (see `ColumnPlan`): a column the format drops
 * unread (`personal: "drop"`) is blank, as is, in a format with personal data, any column it does
 * not declare (a CRM export's extra notes or contact columns); a `dd/mm/yyyy` date column
 * (`date_dmy`) takes date cells in that layout. So names, contact details and free text are never
 * written out, even to the scratch folder.
 */
export function formatPlan(format: CsvFormat): ColumnPlan {
  const personal = hasPersonalData(format);
  return (header) => {
    const { index } = matchHeader(format, header);
    const out: ("keep" | "blank" | "dmy")[] = header.map(() => (personal ? "blank" : "keep"));
    for (const spec of format.columns) {
      const i = index.get(spec.name);
      if (i !== undefined) out[i] = spec.personal === "drop" ? "blank" : spec.kind === "date_dmy" ? "dmy" : "keep";
    }
    return out;
  };
}

/**
 * Load files of one format given as CSV or as workbooks, in the order listed (runs of CSV files
 * together, as `loadCsvFiles` loads them). A workbook's tables of the format (every sheet whose
 * header fits it, `workbookTables`) are loaded under the workbook's own path when it has one such
 * table, else each as `book.xlsx#Sheet`; a workbook with none is an error naming what was looked
 * for. Each table is copied out as CSV through `formatPlan` (date cells as the format's dates; a
 * format with personal data keeps only the columns it stores): kept in `cache` for a format
 * without personal data, else in the scratch folder and deleted once loaded. `checkTable` sees
 * each workbook table's header before it is loaded (and may throw).
 */
export async function loadCsvOrWorkbooks(
  ctx: Pick<Context, "db" | "log" | "clock">, format: CsvFormat, files: readonly string[],
  opts: { cache?: { dir: string; kind: string }; checkTable?: (subject: string, header: readonly string[]) => void } = {},
): Promise<FileLoad[]> {
  const personal = hasPersonalData(format);
  // The copies are UTF-8 whatever encoding the format's CSV files come in.
  const copyFormat: CsvFormat = { ...format, encoding: "utf-8" };
  const out: FileLoad[] = [];
  let csvs: string[] = [];
  const flush = async () => {
    if (csvs.length) out.push(...(await loadCsvFiles(ctx, format, csvs)));
    csvs = [];
  };
  for (const file of files) {
    if (!isWorkbook(file)) {
      csvs.push(file);
      continue;
    }
    await flush();
    const tables = await workbookTables(file, (cells) => headerFits(format, cells), personal ? undefined : opts.cache, formatPlan(format));
    try {
      if (!tables.length) throw new LocalneedsError(messages.workbookNoTable(file, format.title));
      const subject = (t: WorkbookTable) => (tables.length === 1 ? file : tablePath(file, t.sheet));
      for (const t of tables) opts.checkTable?.(subject(t), readHeader(t.csv) ?? []);
      const loaded = await loadWorkbookTables(ctx, file, tables, () => copyFormat, subject);
      out.push(...loaded.map((x) => x.load));
    } finally {
      if (personal) for (const t of tables) rmSync(t.csv, { force: true });
    }
  }
  await flush();
  return out;
}
