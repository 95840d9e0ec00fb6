/**
 * Zip archives (police.uk's bulk monthly downloads) read with yauzl: random access through the
 * central directory, so one force's files come out of a 1.5 GB archive without reading the rest.
 * Every extracted entry's CRC-32 is checked; an archive whose directory cannot be read (a
 * truncated download) is reported, never half used.
 */
import { crc32 } from "node:zlib";
import yauzl from "yauzl";

/** yauzl's open, as a promise. */
function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => yauzl.open(file, { lazyEntries: true, autoClose: false, validateEntrySizes: true }, (err, zip) => (err ? reject(err) : resolve(zip))));
}

/** Walk every entry of the central directory; `onEntry` may read it. */
async function walk(zip: yauzl.ZipFile, onEntry: (e: yauzl.Entry) => Promise<void>): Promise<void> {
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
