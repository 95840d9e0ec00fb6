/**
 * One of several processes filling the same shared cache at once (test/sources/shared-caches.test.ts):
 * `tsx cache-racer.ts <archive|workbook> <input> <cache folder> <sync folder> <trials> <id>`. For
 * each trial k it waits for `go-k`, extracts the archive (or reads the workbook's tables) into the
 * cache, reads back every file it was given, and answers in `r-k-<id>` with their names and a
 * SHA-256 of their content, or `error: <message>`.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { extractArchive } from "../../sources/zip.ts";
import { sha256File } from "../../sources/files.ts";
import { workbookTables } from "../../sources/workbook.ts";

const [kind, input, cache, sync, trials, id] = process.argv.slice(2) as [string, string, string, string, string, string];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function filesOf(): Promise<string[]> {
  if (kind === "archive") {
    const dir = await extractArchive(input, await sha256File(input), cache);
    return (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith(".csv")).sort().map((f) => path.join(dir, f));
  }
  return (await workbookTables(input, (cells) => cells.includes("Code"), { dir: cache, kind: "race" })).map((t) => t.csv);
}

writeFileSync(path.join(sync, `ready-${id}`), "");
for (let k = 0; k < Number(trials); k++) {
  while (!existsSync(path.join(sync, `go-${k}`))) await sleep(2);
  let answer: string;
  try {
    const files = await filesOf();
    const h = createHash("sha256");
    for (const f of files) h.update(path.basename(f)).update(readFileSync(f));
    answer = `${files.length} files ${h.digest("hex")}`;
  } catch (err) {
    answer = `error: ${(err as Error).message}`;
  }
  writeFileSync(path.join(sync, `r-${k}-${id}`), answer);
}
