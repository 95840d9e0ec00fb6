/**
 * One of several processes filling the same shared caches at once (test/sources/shared-caches.test.ts):
 * `tsx cache-racer.ts <archive> <archive cache> <workbook> <workbook cache> <sync folder> <trials> <id>`.
 * For each trial k it waits for `go-k`, extracts the archive into its cache and reads the
 * workbook's tables into its cache, reads back every file it was given, and answers in
 * `r-k-<id>` with, for each, how many files and a SHA-256 of their names and content (or
 * `error: <message>`).
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { extractArchive } from "../../sources/zip.ts";
import { sha256File } from "../../sources/files.ts";
import { workbookTables } from "../../sources/workbook.ts";

const [archive, archiveCache, workbook, workbookCache, sync, trials, id] = process.argv.slice(2) as string[] as [string, string, string, string, string, string, string];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function answer(files: () => Promise<string[]>): Promise<string> {
  try {
    const got = await files();
    const h = createHash("sha256");
    for (const f of got) h.update(path.basename(f)).update(readFileSync(f));
    return `${got.length} files ${h.digest("hex")}`;
  } catch (err) {
    return `error: ${(err as Error).message}`;
  }
}

writeFileSync(path.join(sync, `ready-${id}`), "");
for (let k = 0; k < Number(trials); k++) {
  while (!existsSync(path.join(sync, `go-${k}`))) await sleep(2);
  const a = await answer(async () => {
    const dir = await extractArchive(archive, await sha256File(archive), archiveCache);
    return (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith(".csv")).sort().map((f) => path.join(dir, f));
  });
  const w = await answer(async () => (await workbookTables(workbook, (cells) => cells.includes("Code"), { dir: workbookCache, kind: "race" })).map((t) => t.csv));
  writeFileSync(path.join(sync, `r-${k}-${id}`), JSON.stringify({ archive: a, workbook: w }));
}
