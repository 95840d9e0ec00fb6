/**
 * Zip archives (police.uk's bulk monthly downloads, its custom downloads, Nomis bulk tables) read
 * with yauzl: random access through the central directory, so one force's files come out of a
 * 1.5 GB archive without reading the rest.
 * Every extracted entry's CRC-32 is checked; an archive whose directory cannot be read (a
 * truncated download) is reported, never half used. Archives are written here too, the same bytes
 * for the same members: stored (the demo's workbooks, the tests' police.uk downloads) or deflated
 * by zlib (the pack's workbook and slides, `rewriteZip`).
 */
import { createHash } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync, readdirSync, renameSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { Transform } from "node:stream";
import { crc32, deflateRaw as deflateRawCallback } from "node:zlib";
import { promisify } from "node:util";
import yauzl from "yauzl";
import { processAlive } from "../pipelines/core/process-alive.ts";

const deflateRaw = promisify(deflateRawCallback);

/** yauzl's open of a file or of an archive in memory, as a promise (entries read on demand, the archive left open until closed). */
export function openZip(source: string | Buffer): Promise<yauzl.ZipFile> {
  const options = { lazyEntries: true, autoClose: false, validateEntrySizes: true };
  const done = (resolve: (z: yauzl.ZipFile) => void, reject: (e: Error) => void) => (err: Error | null, zip: yauzl.ZipFile) => (err ? reject(err) : resolve(zip));
  return new Promise((resolve, reject) => (typeof source === "string" ? yauzl.open(source, options, done(resolve, reject)) : yauzl.fromBuffer(source, options, done(resolve, reject))));
}

/** Walk every entry of the central directory; `onEntry` may read it. */
export async function walk(zip: yauzl.ZipFile, onEntry: (e: yauzl.Entry) => Promise<void>): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    zip.on("entry", (e: yauzl.Entry) => onEntry(e).then(() => zip.readEntry(), reject));
    zip.on("end", () => resolve());
    zip.on("error", reject);
    zip.readEntry();
  });
}

function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    zip.openReadStream(entry, (err, stream) => {
      if (err) return reject(err);
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("error", reject);
      stream.on("end", () => resolve(Buffer.concat(chunks)));
    }),
  );
}

/** Why an archive cannot be used (its directory is unreadable or truncated), or null when it can. */
export async function checkZip(file: string): Promise<string | null> {
  let zip: yauzl.ZipFile | undefined;
  try {
    zip = await openZip(file);
    let n = 0;
    await walk(zip, async () => void n++);
    return n === 0 ? "the archive holds no files" : null;
  } catch (err) {
    return (err as Error).message;
  } finally {
    zip?.close();
  }
}

/** The names of an archive's entries. */
export async function zipEntries(file: string): Promise<string[]> {
  const zip = await openZip(file);
  const names: string[] = [];
  try {
    await walk(zip, async (e) => void names.push(e.fileName));
  } finally {
    zip.close();
  }
  return names;
}

/**
 * Extract the entries whose name `want` accepts (from a file, or an archive in memory), each
 * checked against its CRC-32. Returns the bytes by entry name, in the archive's order; a CRC
 * mismatch is an error naming the entry.
 */
export async function extractEntries(source: string | Buffer, want: (name: string) => boolean): Promise<Map<string, Buffer>> {
  const zip = await openZip(source);
  const out = new Map<string, Buffer>();
  try {
    await walk(zip, async (e) => {
      if (e.fileName.endsWith("/") || !want(e.fileName)) return;
      const data = await readEntry(zip, e);
      if ((crc32(data) >>> 0) !== (e.crc32 >>> 0)) throw new Error(`${e.fileName}: CRC-32 mismatch (the archive is damaged)`);
      out.set(e.fileName, data);
    });
  } finally {
    zip.close();
  }
  return out;
}

/** A member of an archive to write. */
export interface ZipMember {
  name: string;
  data: Uint8Array;
}

/** An archive's members as written: each with its body (its data stored, or deflated) and the CRC-32 and size of its data. */
interface WrittenMember {
  name: Buffer;
  crc: number;
  size: number;
  body: Uint8Array;
  method: 0 | 8;
}

/** A zip archive of `members`, every entry dated `date` and `time` (DOS format), names in UTF-8. */
function assembleZip(members: readonly WrittenMember[], { date, time }: { date: number; time: number }): Buffer {
  const locals: Uint8Array[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const m of members) {
    // The fields local headers and the central directory share, from "version needed" on.
    const common = Buffer.alloc(26);
    common.writeUInt16LE(20, 0);
    common.writeUInt16LE(0x0800, 2);
    common.writeUInt16LE(m.method, 4);
    common.writeUInt16LE(time, 6);
    common.writeUInt16LE(date, 8);
    common.writeUInt32LE(m.crc, 10);
    common.writeUInt32LE(m.body.length, 14);
    common.writeUInt32LE(m.size, 18);
    common.writeUInt16LE(m.name.length, 22);
    const local = Buffer.alloc(4);
    local.writeUInt32LE(0x04034b50, 0);
    locals.push(local, common, m.name, m.body);
    const cen = Buffer.alloc(46);
    cen.writeUInt32LE(0x02014b50, 0);
    cen.writeUInt16LE(20, 4);
    common.copy(cen, 6);
    cen.writeUInt32LE(offset, 42);
    central.push(cen, m.name);
    offset += 30 + m.name.length + m.body.length;
  }
  const dir = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(members.length, 8);
  end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

/** `at` as a DOS date and time (UTC, to two seconds; 1980-01-01 at the earliest, where DOS dates start). */
function dosDateTime(at: Date): { date: number; time: number } {
  const d = at.getUTCFullYear() < 1980 ? new Date(Date.UTC(1980, 0, 1)) : at;
  return {
    date: ((d.getUTCFullYear() - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | Math.floor(d.getUTCSeconds() / 2),
  };
}

/**
 * A zip archive of `entries`, stored uncompressed, every date 1980-01-01 (the same bytes for the
 * same entries): what the demo's workbooks and the tests' police.uk archives are made of.
 */
export function storedZip(entries: readonly ZipMember[]): Uint8Array {
  const members = entries.map((e): WrittenMember => ({ name: Buffer.from(e.name, "utf8"), crc: crc32(e.data), size: e.data.length, body: e.data, method: 0 }));
  return new Uint8Array(assembleZip(members, dosDateTime(new Date(Date.UTC(1980, 0, 1)))));
}

/**
 * A zip archive of `entries`, each deflated (level 6) by Node's zlib on its thread pool, or stored
 * when deflating would not make it smaller; every entry dated `at`. The same entries and time give
 * the same bytes. What the pack's workbook and slides are written as: their libraries deflate in
 * JavaScript, on the thread that draws the charts (half a second of a demo build's two packs).
 */
export async function deflatedZip(entries: readonly ZipMember[], at: Date): Promise<Buffer> {
  const bodies = await Promise.all(entries.map((e) => deflateRaw(e.data, { level: 6 })));
  const members = entries.map((e, i): WrittenMember => {
    const deflated = bodies[i]!;
    const smaller = deflated.length < e.data.length;
    return { name: Buffer.from(e.name, "utf8"), crc: crc32(e.data), size: e.data.length, body: smaller ? deflated : e.data, method: smaller ? 8 : 0 };
  });
  return assembleZip(members, dosDateTime(at));
}

/**
 * An archive made by a library, written again by `deflatedZip`: its files in their order (folder
 * entries dropped), each passed through `edit` (by name), every entry dated `at`.
 */
export async function rewriteZip(zip: Buffer, at: Date, edit: (name: string, data: Buffer) => Buffer = (_, d) => d): Promise<Buffer> {
  const files = await extractEntries(zip, (name) => !name.endsWith("/"));
  return deflatedZip([...files].map(([name, data]) => ({ name, data: edit(name, data) })), at);
}

/** A member name safe to write under a folder: relative, `/`-separated, never climbing out of it (zip slip). */
function safeMember(name: string): string | null {
  const n = path.posix.normalize(name.replace(/\\/g, "/"));
  return n.startsWith("../") || n === ".." || n.startsWith("/") || /^[A-Za-z]:/.test(n) ? null : n;
}

/**
 * Is an archive member macOS's metadata, not data: anything under `__MACOSX/` (what the Finder's
 * "Compress" adds) or an AppleDouble `._<name>` file (a resource fork, 4 KB of binary beside each
 * file)? A police.uk download re-zipped on a Mac has one for each CSV; none is extracted.
 */
export function isMacMetadata(member: string): boolean {
  const parts = member.replace(/\\/g, "/").split("/").filter(Boolean);
  return parts[0] === "__MACOSX" || (parts.at(-1) ?? "").startsWith("._");
}

/**
 * Extract every member of an archive into `<root>/<name>-<its path's hash>-<first 12 of its SHA-256>/`, as it is
 * stored (its folders kept, each member's modification time kept: police.uk re-issues are told by
 * them), each checked against its CRC-32, streamed (a year of police.uk data is gigabytes). Done
 * once per archive content: the folder is complete when it has its `.complete` marker, and is
 * reused from then on; an earlier extraction of the archive at the same path goes. A member whose
 * name would land outside the folder (`../x`, `/x`) is an error, as is a damaged archive. macOS's
 * metadata members (`isMacMetadata`) are left out.
 */
export async function extractArchive(file: string, sha256: string, root: string): Promise<string> {
  // Named by the archive's name, where it is (two downloads both named police.zip, in two folders,
  // keep a folder each: where relative to the cache, so a project moved with its cache finds its
  // extractions under the same names) and its content.
  const stem = `${path.basename(file).replace(/\.zip$/i, "")}-${createHash("sha256").update(path.relative(root, path.resolve(file))).digest("hex").slice(0, 6)}`;
  const dir = path.join(root, `${stem}-${sha256.slice(0, 12)}`);
  if (existsSync(path.join(dir, ".complete"))) return dir;
  mkdirSync(root, { recursive: true });
  const tmp = `${dir}.tmp-${process.pid}`;
  // What a killed run left half extracted goes. The cache is shared by the builds whose outputs
  // sit side by side (each holds only its own outputs' lock): another one's extraction of the same
  // archive, its process alive, is left to it.
  const partial = `${path.basename(dir)}.tmp-`;
  for (const left of readdirSync(root)) {
    const pid = left.startsWith(partial) ? Number(left.slice(partial.length)) : NaN;
    if (!Number.isNaN(pid) && (pid === process.pid || !processAlive(pid))) rmSync(path.join(root, left), { recursive: true, force: true });
  }
  mkdirSync(tmp, { recursive: true });
  const zip = await openZip(file);
  try {
    await walk(zip, async (e) => {
      if (e.fileName.endsWith("/") || isMacMetadata(e.fileName)) return;
      const name = safeMember(e.fileName);
      if (!name) throw new Error(`member ${JSON.stringify(e.fileName)} would be written outside the archive's folder`);
      const out = path.join(tmp, ...name.split("/"));
      mkdirSync(path.dirname(out), { recursive: true });
      let crc = 0;
      const check = new Transform({
        transform(chunk: Buffer, _enc, done) {
          crc = crc32(chunk, crc);
          done(null, chunk);
        },
      });
      const stream = await new Promise<NodeJS.ReadableStream>((resolve, reject) => zip.openReadStream(e, (err, st) => (err ? reject(err) : resolve(st))));
      await pipeline(stream, check, createWriteStream(out));
      if ((crc >>> 0) !== (e.crc32 >>> 0)) throw new Error(`${e.fileName}: CRC-32 mismatch (the archive is damaged)`);
      const mtime = e.getLastModDate();
      utimesSync(out, mtime, mtime);
    });
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  } finally {
    zip.close();
  }
  // The archive, relative to the folder (read by `archiveMember`), and its content's hash.
  writeFileSync(path.join(tmp, ".complete"), `${path.relative(dir, path.resolve(file))}\n${sha256}\n`);
  try {
    renameSync(tmp, dir);
  } catch {
    if (existsSync(path.join(dir, ".complete"))) {
      // Another build extracted the same content meanwhile (and may be reading it): its folder stands, ours goes.
      rmSync(tmp, { recursive: true, force: true });
      return dir;
    }
    // A folder without its marker (never a finished extraction: the marker is written before the rename).
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
  }
  // Earlier extractions of the archive at this path (an older download of it) are not needed again.
  for (const other of readdirSync(root)) {
    if (other !== path.basename(dir) && new RegExp(`^${stem.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}-[0-9a-f]{12}$`).test(other)) rmSync(path.join(root, other), { recursive: true, force: true });
  }
  return dir;
}
