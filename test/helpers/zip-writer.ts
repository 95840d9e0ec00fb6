/**
 * Zip archives for tests, laid out as police.uk's bulk downloads are (see `storedZip`).
 */
import { storedZip } from "../../sources/zip.ts";

/** A zip archive of `files` (name -> bytes), entries stored uncompressed. */
export function makeZip(files: Record<string, Buffer | string>): Buffer {
  return Buffer.from(storedZip(Object.entries(files).map(([name, data]) => ({ name, data: typeof data === "string" ? Buffer.from(data) : data }))));
}
