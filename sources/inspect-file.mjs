/**
 * SHA-256, line-ending and quote facts of an input file in one pass (typed in inspect-file.d.mts;
 * `inspectFiles` in files.ts runs it on worker threads). Plain JavaScript so a worker starts
 * it under any loader (tsx, vitest, plain node). Native `indexOf` finds the line ends, so a regular
 * file costs little more than hashing it. The file is read in 4 MB blocks with synchronous reads
 * into one buffer: a stream's chunks (1 MB, allocated and queued one by one) made reading cost
 * more than hashing (a national year of police.uk files, 1.3 GB: 2.8 s with streams on two
 * workers). A block is hashed and scanned before the next is read, so memory stays at one block.
 */
import { createHash } from "node:crypto";
import { closeSync, openSync, readSync } from "node:fs";

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
/** Bytes read at a time (exported for the tests of line ends split between two reads). */
export const BLOCK = 4 << 20;

/**
 * The block every file of this thread is read into, allocated once: a new 4 MB buffer per file was
 * mapped, faulted in page by page and unmapped each time, and two workers doing so at once slowed
 * each other down (a national year, 516 files: 3.0 s on two workers, slower than 1.5 s on one).
 * `inspectFile` never yields while it reads, so one block per thread is never shared.
 */
let block;

export async function inspectFile(file) {
  const hash = createHash("sha256");
  let lf = 0;
  let crlf = 0;
  let cr = 0;
  let blank = false;
  let quoted = false;
  let prev1 = -1; // the byte before the block
  let prev2 = -1; // and the one before that
  block ??= Buffer.allocUnsafe(BLOCK);
  const fd = openSync(file, "r");
  try {
    for (let n = readSync(fd, block, 0, BLOCK, null); n > 0; n = readSync(fd, block, 0, BLOCK, null)) {
      const chunk = n === BLOCK ? block : block.subarray(0, n);
      hash.update(chunk);
      for (let i = chunk.indexOf(LF); i >= 0; i = chunk.indexOf(LF, i + 1)) {
        const before = i >= 1 ? chunk[i - 1] : prev1;
        if (before === CR) {
          crlf++;
          if ((i >= 2 ? chunk[i - 2] : i === 1 ? prev1 : prev2) === LF) blank = true;
        } else {
          lf++;
          if (before === LF) blank = true;
        }
      }
      for (let i = chunk.indexOf(CR); i >= 0; i = chunk.indexOf(CR, i + 1)) cr++;
      if (!quoted && chunk.indexOf(QUOTE) >= 0) quoted = true;
      if (n >= 2) [prev2, prev1] = [chunk[n - 2], chunk[n - 1]];
      else [prev2, prev1] = [prev1, chunk[0]];
    }
  } finally {
    closeSync(fd);
  }
  const lines = lf + crlf + (prev1 !== -1 && prev1 !== LF ? 1 : 0);
  return { sha256: hash.digest("hex"), irregularLines: blank || cr > crlf || (crlf > 0 && lf > 0), lines, quoted };
}
