/**
 * SHA-256 and line-ending facts of an input file in one streamed pass (typed in inspect-file.d.mts;
 * `inspectFiles` in files.ts runs it on worker threads). Plain JavaScript so a worker starts
 * it under any loader (tsx, vitest, plain node). Native `indexOf` finds the line ends, so a regular
 * file costs little more than hashing it.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";

const LF = 0x0a;
const CR = 0x0d;

export async function inspectFile(file) {
  const hash = createHash("sha256");
  let lf = 0;
  let crlf = 0;
  let cr = 0;
  let blank = false;
  let prev1 = -1; // the byte before the chunk
  let prev2 = -1; // and the one before that
  // 1 MB reads: with the default 64 KB, reading a national year of police.uk files took longer than hashing it.
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    hash.update(chunk);
    const at = (i) => (i >= 0 ? chunk[i] : i === -1 ? prev1 : prev2);
    for (let i = chunk.indexOf(LF); i >= 0; i = chunk.indexOf(LF, i + 1)) {
      const before = at(i - 1);
      if (before === CR) {
        crlf++;
        if (at(i - 2) === LF) blank = true;
      } else {
        lf++;
        if (before === LF) blank = true;
      }
    }
    for (let i = chunk.indexOf(CR); i >= 0; i = chunk.indexOf(CR, i + 1)) cr++;
    if (chunk.length >= 2) [prev2, prev1] = [chunk[chunk.length - 2], chunk[chunk.length - 1]];
    else if (chunk.length === 1) [prev2, prev1] = [prev1, chunk[0]];
  }
  const lines = lf + crlf + (prev1 !== -1 && prev1 !== LF ? 1 : 0);
  return { sha256: hash.digest("hex"), irregularLines: blank || cr > crlf || (crlf > 0 && lf > 0), lines };
}
