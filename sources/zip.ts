/**
 * Zip archives (police.uk's bulk monthly downloads) read with yauzl: random access through the
 * central directory, so one force's files come out of a 1.5 GB archive without reading the rest.
 * Every extracted entry's CRC-32 is checked; an archive whose directory cannot be read (a
 * truncated download) is reported, never half used.
 */
import { crc32 } from "node:zlib";
import yauzl from "yauzl";

/** yauzl's open, as a promise (entries read on demand, the archive left open until closed). */
export function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => yauzl.open(file, { lazyEntries: true, autoClose: false, validateEntrySizes: true }, (err, zip) => (err ? reject(err) : resolve(zip))));
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
 * Extract the entries whose name `want` accepts, each checked against its CRC-32. Returns the
 * bytes by entry name; a CRC mismatch is an error naming the entry.
 */
export async function extractEntries(file: string, want: (name: string) => boolean): Promise<Map<string, Buffer>> {
  const zip = await openZip(file);
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

/**
 * A zip archive of `entries`, stored uncompressed, every date 1980-01-01 (the same bytes for the
 * same entries): what the demo's workbooks and the tests' police.uk archives are made of.
 */
export function storedZip(entries: { name: string; data: Uint8Array }[]): Uint8Array {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  const DOS_DATE = (0 << 9) | (1 << 5) | 1; // 1980-01-01
  for (const e of entries) {
    const name = Buffer.from(e.name, "utf8");
    const crc = crc32(e.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(0, 8);
    local.writeUInt16LE(0, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(e.data.length, 18);
    local.writeUInt32LE(e.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, name, Buffer.from(e.data));
    const cen = Buffer.alloc(46);
    cen.writeUInt32LE(0x02014b50, 0);
    cen.writeUInt16LE(20, 4);
    cen.writeUInt16LE(20, 6);
    cen.writeUInt16LE(0x0800, 8);
    cen.writeUInt16LE(0, 10);
    cen.writeUInt16LE(0, 12);
    cen.writeUInt16LE(DOS_DATE, 14);
    cen.writeUInt32LE(crc, 16);
    cen.writeUInt32LE(e.data.length, 20);
    cen.writeUInt32LE(e.data.length, 24);
    cen.writeUInt16LE(name.length, 28);
    cen.writeUInt32LE(offset, 42);
    central.push(cen, name);
    offset += 30 + name.length + e.data.length;
  }
  const dir = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, dir, end]));
}

