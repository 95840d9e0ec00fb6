/** File helpers for adapters: glob expansion, content hashes, header sniffing, transcoding. */
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, existsSync, openSync, readdirSync, readFileSync, readSync, closeSync, rmSync, statSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { Transform } from "node:stream";
import { literal, type Warehouse } from "../pipelines/core/warehouse.ts";
import { createWorkerPool } from "../pipelines/core/worker-pool.ts";
import { inspectFile } from "./inspect-file.mjs";
import { LocalneedsError, messages } from "../pipelines/core/messages.ts";
import { decodeCp1252 } from "./cp1252.ts";
import { extractArchive, isMacMetadata } from "./zip.ts";

/**
 * Expand paths and globs (DuckDB's `glob()`); a pattern matching nothing is an error. Files come
 * in the order they are listed (each glob's matches sorted by path), each once: "listed last"
 * is meaningful (a re-issued police.uk file listed after the original replaces it). A zip archive
 * is read as downloaded (a police.uk download, a Nomis bulk table): `archive.zip#<glob>` names its
 * members (`police.zip#*\/*-street.csv`), `archive.zip` alone every CSV, .xlsx, .ods and .xls in it;
 * they are extracted once per archive content beside the build's outputs (`extractArchive`,
 * `outputs/.cache/archives/`) and read from there, modification times kept.
 */
export async function expandFiles(ctx: { db: Warehouse; config: { outputDir: string } }, source: string, patterns: readonly string[]): Promise<string[]> {
  const { db } = ctx;
  const matches = async (pattern: string, shown = pattern): Promise<string[]> => {
    if (!/[*?[]/.test(pattern)) {
      if (!existsSync(pattern)) throw new LocalneedsError(messages.fileMissing(source, shown));
      return [pattern];
    }
    const rows = await db.all<{ file: string }>("SELECT file FROM glob($p) ORDER BY file", { p: pattern });
    if (rows.length === 0) throw new LocalneedsError(messages.noFilesMatch(source, shown));
    return rows.map((r) => r.file);
  };
  const out: string[] = [];
  for (const pattern of patterns) {
    const zipped = ARCHIVE_PATTERN.exec(pattern);
    if (!zipped) {
      out.push(...(await matches(pattern)));
      continue;
    }
    const [, archive, members] = zipped;
    for (const zip of await matches(archive!)) {
      let dir: string;
      try {
        dir = await extractArchive(zip, (await hashFiles(db, [zip])).get(zip)!, archiveCacheOf(ctx.config));
      } catch (err) {
        throw new LocalneedsError(messages.archiveUnreadable(zip, (err as Error).message));
      }
      if (members) out.push(...(await matches(path.join(dir, members), `${zip}#${members}`)));
      else {
        const data = (readdirSync(dir, { recursive: true }) as string[]).filter((f) => /\.(csv|xlsx|ods|xls)$/i.test(f) && !isMacMetadata(f)).sort().map((f) => path.join(dir, f));
        if (!data.length) throw new LocalneedsError(messages.noFilesMatch(source, `${zip}#*.csv`));
        out.push(...data);
      }
    }
  }
  return [...new Set(out)];
}

/**
 * The SHA-256 of files, from `audit.file_hashes` when a file's size and modification time are
 * those recorded with it (as git and make trust them), else read and recorded. A refresh of a
 * national warehouse would otherwise read gigabytes to find one new month.
 */
export async function hashFiles(db: Warehouse, files: readonly string[]): Promise<Map<string, string>> {
  // A warehouse without the audit tables (a bare one, in a test or a notebook) hashes every file.
  const kept = files.length > 0 && (await db.hasTable("audit.file_hashes"));
  const known = new Map(kept ? (await db.all<{ path: string; bytes: number; mtime_ms: number; sha256: string }>(
    `SELECT path, bytes::BIGINT AS bytes, mtime_ms::BIGINT AS mtime_ms, sha256 FROM audit.file_hashes WHERE path IN (${files.map(literal).join(", ")})`,
  )).map((r) => [r.path, r]) : []);
  const out = new Map<string, string>();
  const fresh: { path: string; bytes: number; mtime_ms: number; sha256: string }[] = [];
  // Each file's stat, and its recorded hash when that was taken of the file as it is now.
  const seen = files.map((f) => {
    const st = statSync(f);
    const k = known.get(f);
    return { f, st, sha256: k && Number(k.bytes) === st.size && Number(k.mtime_ms) === Math.trunc(st.mtimeMs) ? k.sha256 : null };
  });
  // Read as a load inspects them (on worker threads when many bytes), and left for the load that
  // reads them next: a refresh's new month of police.uk files is read once, not twice.
  inspectAhead(seen.filter((x) => x.sha256 === null).map((x) => x.f));
  for (const { f, st, sha256 } of seen) {
    if (sha256 !== null) {
      out.set(f, sha256);
      continue;
    }
    const facts = await (ahead.get(f)?.facts ?? inspectFile(f));
    if (facts instanceof Error) throw facts;
    out.set(f, facts.sha256);
    fresh.push({ path: f, bytes: st.size, mtime_ms: Math.trunc(st.mtimeMs), sha256: facts.sha256 });
  }
  if (kept && fresh.length) {
    await db.run(`DELETE FROM audit.file_hashes WHERE path IN (${fresh.map((f) => literal(f.path)).join(", ")})`);
    await db.insertRows("audit.file_hashes", ["path", "bytes", "mtime_ms", "sha256"], fresh);
  }
  return out;
}

/**
 * A single-file setting given as a zip archive (`boundaries.zip`, or `boundaries.zip#*.shp`), as
 * the ONS Open Geography Portal's shapefile download comes: the one member `kind` accepts (or the
 * selector names), extracted as `expandFiles` extracts (its siblings, a shapefile's `.dbf` and
 * `.prj`, beside it). Any other value is returned as it is. More than one candidate, or none, is
 * an error naming them.
 */
export async function resolveArchivedFile(config: { outputDir: string }, setting: string, value: string, kind: RegExp): Promise<string> {
  const zipped = ARCHIVE_PATTERN.exec(value);
  if (!zipped || !existsSync(zipped[1]!)) return value;
  const [, zip, selector] = zipped;
  let dir: string;
  try {
    dir = await extractArchive(zip!, await sha256File(zip!), archiveCacheOf(config));
  } catch (err) {
    throw new LocalneedsError(messages.archiveUnreadable(zip!, (err as Error).message));
  }
  const members = (readdirSync(dir, { recursive: true }) as string[]).map((f) => f.split(path.sep).join("/")).sort();
  const glob = selector ? new RegExp(`^${selector.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*\*/g, "\u0000").replace(/\*/g, "[^/]*").replace(/\?/g, "[^/]").replace(/\u0000/g, ".*")}$`, "i") : kind;
  const found = members.filter((m) => glob.test(m));
  if (found.length !== 1) throw new LocalneedsError(messages.archiveMemberNotOne(setting, `${zip}${selector ? `#${selector}` : ""}`, found));
  return path.join(dir, ...found[0]!.split("/"));
}

/** A file-list entry naming a zip archive, with the glob of its members after `#` (optional). */
export const ARCHIVE_PATTERN = /^(.+?\.zip)(?:#(.+))?$/i;

/** Where a build keeps the archives it extracted, by each one's SHA-256: beside the workbook cache (`outputs/.cache/archives`). */
export const archiveCacheOf = (config: { outputDir: string }) => path.join(path.dirname(config.outputDir), ".cache", "archives");

/** An extracted archive's folder (`<cache>/archives/<name>-<path hash>-<content hash>`) and a member's path in it. */
const EXTRACTED = /^(.*[\\/]archives[\\/][^\\/]+-[0-9a-f]{6}-[0-9a-f]{12})[\\/](.+)$/;
const archiveOfFolder = new Map<string, string>();

/**
 * The archive a file was extracted from and its name in it (`{ archive, member }`), or null for a
 * file that is not an extracted member: read from the folder's `.complete` marker, which names
 * the archive, relative to the folder (see `extractArchive`).
 */
export function archiveMember(file: string): { archive: string; member: string } | null {
  const m = EXTRACTED.exec(file);
  if (!m) return null;
  const [, dir, member] = m;
  let archive = archiveOfFolder.get(dir!);
  if (!archive) {
    try {
      archive = readFileSync(path.join(dir!, ".complete"), "utf8").split("\n")[0];
    } catch {
      // Not an extraction of ours (or not complete): shown as the path it is.
    }
    if (!archive) return null;
    archive = path.resolve(dir!, archive); // relative to the folder (absolute in extractions of earlier versions)
    archiveOfFolder.set(dir!, archive);
  }
  return { archive, member: member!.split(path.sep).join("/") };
}

/**
 * A file's path as the pack shows it: relative to the config's folder (`/`-separated); a member
 * of a zip archive as the archive and its name in it (`downloads/police.zip#2019-01/2019-01-kent-street.csv`),
 * not the extracted copy the build read.
 */
export function displayPath(config: { baseDir: string }, file: string): string {
  const zipped = archiveMember(file);
  if (zipped) return `${displayPath(config, zipped.archive)}#${zipped.member}`;
  return path.relative(config.baseDir, file).split(path.sep).join("/") || file;
}

/** Last-modified time of a file. */
export const fileMtime = (file: string) => statSync(file).mtime;

/** Is the whole file valid UTF-8? (streamed; a BOM is fine). */
export async function isValidUtf8(file: string): Promise<boolean> {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  try {
    for await (const chunk of createReadStream(file)) decoder.decode(chunk as Buffer, { stream: true });
    decoder.decode();
    return true;
  } catch (err) {
    if (err instanceof TypeError) return false;
    throw err;
  }
}

/** Does a file have any byte above 0x7F (anything but ASCII)? Streamed; stops at the first. */
export async function hasNonAscii(file: string): Promise<boolean> {
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    for (let i = 0; i < chunk.length; i++) if (chunk[i]! > 0x7f) return true;
  }
  return false;
}

/** SHA-256 of a file, streamed. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(createReadStream(file), hash);
  return hash.digest("hex");
}

/** File size in bytes. */
export const fileBytes = (file: string) => statSync(file).size;

/** The first bytes of a file (for header sniffing). */
export function readHead(file: string, bytes = 64 * 1024): Buffer {
  const fd = openSync(file, "r");
  try {
    const buf = Buffer.alloc(bytes);
    const n = readSync(fd, buf, 0, bytes, 0);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** Parse one CSV record from the start of `text` (RFC 4180 quoting); returns fields, or null if empty. */
export function parseFirstRecord(text: string, delimiter = ","): string[] | null {
  return parseRecords(text, delimiter, 1, false)[0] ?? null;
}

/**
 * Parse up to `max` CSV records from the start of `text` (RFC 4180 quoting, BOM dropped, cells
 * trimmed; a blank line is a record of one blank cell). With `complete`, a last record not ended by a line break is left
 * out (the text is the head of a longer file: it may be cut short).
 */
function parseRecords(text: string, delimiter: string, max: number, complete: boolean): string[][] {
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: string[][] = [];
  let fields: string[] = [];
  let field = "";
  let quoted = false;
  let started = false;
  const end = () => {
    fields.push(field);
    records.push(fields.map((f) => f.trim()));
    fields = [];
    field = "";
    started = false;
  };
  for (let i = 0; i < s.length && records.length < max; i++) {
    const ch = s[i]!;
    started = true;
    if (quoted) {
      if (ch === '"') {
        if (s[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
      continue;
    }
    if (ch === "\n" || ch === "\r") {
      end();
      if (ch === "\r" && s[i + 1] === "\n") i++;
      continue;
    }
    if (ch === '"' && field.length === 0) quoted = true;
    else if (ch === delimiter) {
      fields.push(field);
      field = "";
    } else field += ch;
  }
  if (!complete && records.length < max && started) end();
  return records;
}

/** The header fields of a CSV file (BOM stripped, cells trimmed); decoded as the file's encoding. */
export function readHeader(file: string, encoding: "utf-8" | "windows-1252" = "utf-8"): string[] | null {
  return headRecords(file, encoding, 1)[0] ?? null;
}

/**
 * The first records of a CSV file (up to `max`, the header first), from its first 64 KB: those a
 * line break ends (a record cut by the end of the head is left out, unless it is the whole file).
 */
export function headRecords(file: string, encoding: "utf-8" | "windows-1252" = "utf-8", max = Infinity): string[][] {
  const head = readHead(file);
  const text = encoding === "windows-1252" ? decodeCp1252(head) : new TextDecoder("utf-8").decode(head);
  const whole = head.length < 64 * 1024;
  const records = parseRecords(text, ",", max, !whole);
  // A header longer than the head (thousands of columns) is still read as far as it goes.
  return records.length || whole ? records : parseRecords(text, ",", 1, false);
}

/**
 * A spreadsheet or archive given where text was expected, by its first bytes: an .xlsx (a zip whose
 * first entry is a workbook part), another zip (a police.uk download, a zipped CSV), or an Excel
 * 97-2003 .xls (an OLE2 compound file).
 */
export function spreadsheetKind(file: string): "xlsx" | "xls" | "ods" | "zip" | null {
  const h = readHead(file, 30 + 512);
  if (h.length >= 30 && h[0] === 0x50 && h[1] === 0x4b && h[2] === 0x03 && h[3] === 0x04) {
    // The first local header's entry name (length at bytes 26-27, the name from byte 30); an
    // OpenDocument file stores its `mimetype` first, uncompressed, so its type follows in the clear.
    const text = new TextDecoder("latin1").decode(h.subarray(30));
    const first = text.slice(0, h[26]! | (h[27]! << 8));
    if (first === "mimetype") return text.includes("opendocument.spreadsheet") ? "ods" : "zip";
    return /^(\[Content_Types\]\.xml|xl\/|_rels\/|docProps\/|customXml\/)/.test(first) || !first ? "xlsx" : "zip";
  }
  if (h.length >= 8 && [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1].every((b, i) => h[i] === b)) return "xls";
  return null;
}

/** Does the file start with a UTF-8 byte-order mark? */
export function hasBom(file: string): boolean {
  const h = readHead(file, 3);
  return h.length === 3 && h[0] === 0xef && h[1] === 0xbb && h[2] === 0xbf;
}

/**
 * The scratch folder of this process's runs, for transcoded and normalised copies of input files
 * (copies of local files can hold personal data): `<OS temp dir>/localneeds-scratch-<pid>-XXXXXX`.
 * A build holds it (`holdScratch`) and the last holder's release removes it; whatever else made it
 * (a bench, a test's loaders) removes it at exit; a killed process's is removed by the next build
 * (`SCRATCH_NAME`, `clearAbandonedScratch` in pipelines/refresh/publish.ts).
 */
let scratch: string | undefined;
let holders = 0;
/** The name of a scratch folder, its first group the pid of the process that made it. */
export const SCRATCH_NAME = /^localneeds-scratch-(\d+)-[A-Za-z0-9]{6}$/;
export async function scratchDir(): Promise<string> {
  scratch ??= await mkdtemp(path.join(tmpdir(), `localneeds-scratch-${process.pid}-`));
  return scratch;
}
const removeScratch = () => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  scratch = undefined;
};
process.on("exit", removeScratch);
/** Hold the scratch folder for a run; the returned release (once) removes it when no other run holds it. */
export function holdScratch(): () => void {
  holders++;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--holders === 0) removeScratch();
  };
}

/** Transcode a Windows-1252 file to UTF-8 (streamed); returns the new path. */
export async function transcodeCp1252(file: string): Promise<string> {
  const out = path.join(await scratchDir(), createHash("sha1").update(file).digest("hex").slice(0, 12) + "-" + path.basename(file));
  // windows-1252 is a single-byte encoding: chunks can be decoded independently.
  const transcode = new Transform({
    transform(chunk: Buffer, _enc, done) {
      done(null, Buffer.from(decodeCp1252(chunk), "utf8"));
    },
  });
  await pipeline(createReadStream(file), transcode, createWriteStream(out));
  return out;
}

/** A file's SHA-256 and whether its line structure needs `normaliseLines` before DuckDB reads it. */
export interface FileFacts {
  sha256: string;
  /** Blank lines, a lone CR line end, or CRLF and LF line ends mixed (anywhere, even inside quotes: then checked properly). */
  irregularLines: boolean;
  /** Physical lines (LF line ends, plus a last line without one): records + 1 for a file with a header and no quoted line breaks. */
  lines: number;
  /** A double quote anywhere in the file: without one, no cell holds a comma, a quote or a line break. */
  quoted: boolean;
}

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const COMMA = 0x2c;

/** Files under this many bytes in all are inspected on the calling thread (a worker takes tens of milliseconds to start). */
const INSPECT_IN_WORKERS_BYTES = 64 * 1024 * 1024;

type InspectOptions = { minBytes?: number; threads?: number; worker?: URL };

/** What a file's inspection is good for: the same path, size, modification and change time, inode. */
const stampOf = (file: string) => {
  const st = statSync(file, { throwIfNoEntry: false });
  return st ? `${st.size}:${st.mtimeMs}:${st.ctimeMs}:${st.ino}` : null;
};

/**
 * Inspections begun before a load asked for them (`inspectAhead`), by path, with the file's
 * stamp when they began: a load takes each once, and only while the file is as it was.
 */
const ahead = new Map<string, { stamp: string; facts: Promise<FileFacts | Error> }>();

/**
 * Each file's inspection as its own promise, in order (a file's facts, or the error reading it
 * gave; never a rejection). Many bytes are read on worker threads, a file at a time each, one
 * per core up to four, the files in the order given; the workers stop when the last is done.
 */
function inspectEach(
  files: readonly string[],
  { minBytes = INSPECT_IN_WORKERS_BYTES, threads = Math.min(4, availableParallelism()), worker = new URL("./inspect-worker.mjs", import.meta.url) }: InspectOptions = {},
): Promise<FileFacts | Error>[] {
  const settle = (p: Promise<FileFacts>) => p.catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
  const bytes = files.reduce((n, f) => n + (statSync(f, { throwIfNoEntry: false })?.size ?? 0), 0);
  if (files.length < 2 || threads < 2 || bytes < minBytes) {
    // One after another on this thread.
    const out: Promise<FileFacts | Error>[] = [];
    for (const [i, f] of files.entries()) out.push(i === 0 ? settle(inspectFile(f)) : out[i - 1]!.then(() => settle(inspectFile(f))));
    return out;
  }
  const pool = createWorkerPool<string, FileFacts>(worker, { threads: Math.min(threads, files.length), name: "file inspection" });
  // A worker that cannot start or dies does not fail the load: that file is inspected here instead
  // (a file that cannot be read gives the same error here as on a worker).
  const out = files.map((f) => settle(pool.run(f).catch(() => inspectFile(f))));
  // Closed once every file is done; the facts are already the callers' (a worker that will not stop is not their error).
  void Promise.all(out).then(() => pool.close()).catch(() => {});
  return out;
}

/**
 * SHA-256 and line-ending facts of each file (`inspectFile` in inspect-file.mjs: one streamed
 * pass), in order: a file's facts, or the error reading it gave. Many bytes are read on worker
 * threads (see `inspectEach`): DuckDB waits for this before it parses anything (a national year
 * of police.uk files, 1.35 GB: 1.3 s on one thread, 0.8 s on two). A file inspected ahead
 * (`inspectAhead`) and unchanged since is not read again.
 */
export async function inspectFiles(files: readonly string[], opts: InspectOptions = {}): Promise<(FileFacts | Error)[]> {
  const taken = files.map((f) => {
    const a = ahead.get(f);
    if (!a) return undefined;
    ahead.delete(f);
    return a.stamp === stampOf(f) ? a.facts : undefined;
  });
  const rest = files.filter((_, i) => !taken[i]);
  const fresh = inspectEach(rest, opts);
  let k = 0;
  return Promise.all(taken.map((t) => t ?? fresh[k++]!));
}

/**
 * Begin inspecting files a load will read next (`inspectFiles` takes the facts): the files a
 * refresh hashes to find what changed (`hashFiles`) are read once, not again by their load.
 * Files missing, or begun already as they are now, are left out. (Begun for every file at the
 * start of a build, on the cores DuckDB also uses, it gained nothing: measured 2026-12-05.)
 */
export function inspectAhead(files: readonly string[], opts: InspectOptions = {}): void {
  const todo = files.map((f) => ({ f, stamp: stampOf(f) })).filter((x): x is { f: string; stamp: string } => x.stamp !== null && ahead.get(x.f)?.stamp !== x.stamp);
  const facts = inspectEach(todo.map((x) => x.f), opts);
  todo.forEach((x, i) => ahead.set(x.f, { stamp: x.stamp, facts: facts[i]! }));
}

/**
 * Copy a CSV file with every line end outside quotes made LF (CRLF, LF and lone CR mixed in one
 * file stop DuckDB's parser), and list its blank lines. DuckDB skips blank lines but still counts
 * them in its reject line numbers, so the loader numbers rows the same way. Quote-aware (RFC 4180
 * `""` escapes); line breaks inside quoted fields are kept as they are. Returns the copy's path and
 * the line numbers (header = 1, a quoted multi-line record counts once) of the blank lines.
 */
export async function normaliseLines(file: string): Promise<{ path: string; blankLines: number[] }> {
  const out = path.join(await scratchDir(), createHash("sha1").update(file + "\0lines").digest("hex").slice(0, 12) + "-" + path.basename(file));
  const blankLines: number[] = [];
  let state = 0; // 0 field start, 1 inside an unquoted field, 2 inside quotes, 3 a quote seen inside quotes
  let pendingCr = false;
  let line = 1;
  let lineHasBytes = false;
  const endLine = () => {
    if (!lineHasBytes) blankLines.push(line);
    line++;
    lineHasBytes = false;
    state = 0;
  };
  const transform = new Transform({
    transform(chunk: Buffer, _enc, done) {
      const o = Buffer.allocUnsafe(chunk.length + 1);
      let n = 0;
      for (const b of chunk) {
        if (state === 3) {
          o[n++] = b;
          state = b === QUOTE ? 2 : 1;
          if (b === QUOTE) continue;
          n--; // not an escaped quote: the quoted field has ended; handle b as an unquoted byte
        } else if (state === 2) {
          o[n++] = b;
          if (b === QUOTE) state = 3;
          continue;
        }
        if (pendingCr) {
          pendingCr = false;
          o[n++] = LF;
          endLine();
          if (b === LF) continue;
        }
        if (b === CR) pendingCr = true;
        else if (b === LF) {
          o[n++] = LF;
          endLine();
        } else {
          o[n++] = b;
          lineHasBytes = true;
          state = b === COMMA ? 0 : b === QUOTE && state === 0 ? 2 : 1;
        }
      }
      done(null, o.subarray(0, n));
    },
    flush(done) {
      if (pendingCr) {
        endLine();
        done(null, Buffer.from([LF]));
      } else done();
    },
  });
  await pipeline(createReadStream(file), transform, createWriteStream(out));
  return { path: out, blankLines };
}

/** A physical line taken out of a file because a quote opened on it never closes as a record. */
export interface BrokenLine {
  /** Line number (header = 1, a quoted multi-line record counts once, as the loader numbers rows). */
  line: number;
  /** 0-based field index where the unclosed quote opened. */
  field: number;
  text: string;
}

/** A quoted field may span at most this many physical lines before its record is judged broken. */
const MAX_RECORD_LINES = 1000;

/**
 * Copy a CSV file (LF line ends) with every line that opens a quote no record closes blanked
 * out, and list them. A stray `"` at the start of a field makes an RFC 4180 parser read on to
 * the next quote in the file, swallowing every line between into one field: a whole month of
 * police.uk rows lost in one reject. Here a quoted field may span lines only when the record it
 * makes is well formed (each closing quote followed by a comma or the line end) with the header's number of fields (fewer allowed when `padded`: short rows are null-padded) within
 * `MAX_RECORD_LINES`; otherwise its first line alone is broken and reading resumes on the next
 * line. Blank lines are listed as `normaliseLines` lists them (DuckDB skips both kinds but
 * counts them in its line numbers). Read only for a file DuckDB rejected a quote in.
 */
export async function isolateBrokenQuotes(file: string, fields: number, padded: boolean): Promise<{ path: string; blankLines: number[]; broken: BrokenLine[] }> {
  const out = path.join(await scratchDir(), createHash("sha1").update(file + "\0quotes").digest("hex").slice(0, 12) + "-" + path.basename(file));
  const blankLines: number[] = [];
  const broken: BrokenLine[] = [];
  const parts: string[] = [];
  let line = 1;
  let buffer: string[] = [];
  let state = { quoted: false, fieldStart: true, fields: 1, openedAt: -1, bad: false };
  const scan = (text: string) => {
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      if (state.quoted) {
        if (ch === '"' && text[i + 1] === '"') i++;
        else if (ch === '"') {
          state.quoted = false;
          // A closing quote not followed by a comma or the line end: not a well-formed field.
          if (i + 1 < text.length && text[i + 1] !== ",") state.bad = true;
        }
      } else if (ch === '"' && state.fieldStart) {
        state.quoted = true;
        state.fieldStart = false;
        state.openedAt = state.fields - 1;
      } else if (ch === ",") {
        state.fields++;
        state.fieldStart = true;
      } else state.fieldStart = false;
    }
  };
  const fits = (n: number) => n === fields || (padded && n < fields);
  const emit = (text: string) => {
    parts.push(text);
    line++;
  };
  const breakFirst = () => {
    const [first, ...rest] = buffer;
    broken.push({ line, field: state.openedAt, text: first! });
    emit("");
    buffer = [];
    return rest;
  };
  const feed = (incoming: string) => {
    const queue = [incoming];
    while (queue.length) {
      const text = queue.shift()!;
      if (!buffer.length) {
        if (text === "") {
          blankLines.push(line);
          emit("");
          continue;
        }
        state = { quoted: false, fieldStart: true, fields: 1, openedAt: -1, bad: false };
        scan(text);
        if (!state.quoted) {
          emit(text);
          continue;
        }
        buffer = [text];
        continue;
      }
      buffer.push(text);
      scan("\n" + text);
      if (!state.quoted && !state.bad && fits(state.fields)) {
        emit(buffer.join("\n"));
        buffer = [];
      } else if (!state.quoted || buffer.length > MAX_RECORD_LINES) queue.unshift(...breakFirst());
    }
  };
  const sink = createWriteStream(out);
  const flush = async () => {
    if (!parts.length) return;
    const chunk = parts.join("\n") + "\n";
    parts.length = 0;
    if (!sink.write(chunk)) await once(sink, "drain");
  };
  try {
    for await (const l of createInterface({ input: createReadStream(file, { encoding: "utf8" }), crlfDelay: Infinity })) {
      feed(l);
      if (parts.length >= 10_000) await flush();
    }
    while (buffer.length) {
      const rest = breakFirst();
      for (const l of rest) feed(l);
    }
    await flush();
  } finally {
    sink.end();
    await once(sink, "close");
  }
  return { path: out, blankLines, broken };
}
