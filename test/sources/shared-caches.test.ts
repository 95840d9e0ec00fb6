/**
 * The archive and workbook caches (`outputs/.cache/archives`, `outputs/.cache/workbooks`) are
 * shared by every build whose outputs sit beside them, and each build holds only its own outputs'
 * lock: two scheduled refreshes of two wards of one borough fill them at the same moment. Racing
 * processes, started together on an empty cache, each get every file whole.
 */
import { describe, expect, it } from "vitest";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import ExcelJS from "exceljs";
import JSZip from "jszip";
import { tempDir } from "./helpers.ts";
import { startRacers, until } from "../helpers/racers.ts";

const RACERS = 3;
const TRIALS = 3;

/** Run the racers over `input` for TRIALS rounds, emptying the cache before each; every answer of every round. */
async function race(kind: "archive" | "workbook", input: string, cache: string): Promise<string[][]> {
  const sync = path.join(path.dirname(cache), `sync-${kind}`);
  mkdirSync(sync, { recursive: true });
  const children = startRacers("cache-racer.ts", [kind, input, cache, sync, String(TRIALS)], RACERS);
  const rounds: string[][] = [];
  try {
    await until("every racer started", () => readdirSync(sync).filter((f) => f.startsWith("ready-")).length === RACERS);
    for (let k = 0; k < TRIALS; k++) {
      rmSync(cache, { recursive: true, force: true });
      writeFileSync(path.join(sync, `go-${k}`), "");
      await until(`round ${k}: every racer answered`, () => readdirSync(sync).filter((f) => f.startsWith(`r-${k}-`)).length === RACERS);
      rounds.push(Array.from({ length: RACERS }, (_, id) => readFileSync(path.join(sync, `r-${k}-${id}`), "utf8")));
    }
    for (const ch of children) expect(await ch.exited).toMatch(/exit 0:/);
  } finally {
    for (const ch of children) ch.c.kill();
  }
  return rounds;
}

/** Lines enough that filling the cache takes a while (the racers overlap). */
const csvLines = (seed: number, n: number) => ["Code,Name,Count", ...Array.from({ length: n }, (_, i) => `E01${String(i).padStart(6, "0")},Area ${seed}-${i},${(i * 7919 + seed) % 10_000}`)].join("\n") + "\n";

describe("caches shared by builds running at once", () => {
  it("racing extractions of one archive each read every member whole, and leave one folder", async () => {
    const t = tempDir("ln-cache-race-");
    const zip = new JSZip();
    for (let m = 0; m < 6; m++) zip.file(`2024-0${m + 1}/2024-0${m + 1}-street.csv`, csvLines(m, 60_000));
    const input = path.join(t.dir, "police.zip");
    writeFileSync(input, await zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE" }));
    const cache = path.join(t.dir, "outputs", ".cache", "archives");
    const rounds = await race("archive", input, cache);
    const expected = rounds.flat().find((a) => !a.startsWith("error"));
    expect(expected).toMatch(/^6 files [0-9a-f]{64}$/);
    expect(rounds).toEqual(Array(TRIALS).fill(Array(RACERS).fill(expected)));
    // One finished folder, no racer's half-extracted one left behind.
    expect(readdirSync(cache)).toEqual([expect.stringMatching(/^police-[0-9a-f]{6}-[0-9a-f]{12}$/)]);
    expect(existsSync(path.join(cache, readdirSync(cache)[0]!, ".complete"))).toBe(true);
  }, 120_000);

  it("racing reads of one workbook each read its tables whole", async () => {
    const t = tempDir("ln-cache-race-");
    const wb = new ExcelJS.Workbook();
    for (let s = 0; s < 3; s++) {
      const ws = wb.addWorksheet(`Table ${s + 1}`);
      for (const line of csvLines(s, 15_000).trim().split("\n")) ws.addRow(line.split(",").map((c, i) => (i === 2 && /^\d+$/.test(c) ? Number(c) : c)));
    }
    const input = path.join(t.dir, "population.xlsx");
    await wb.xlsx.writeFile(input);
    const cache = path.join(t.dir, "outputs", ".cache", "workbooks");
    const rounds = await race("workbook", input, cache);
    const expected = rounds.flat().find((a) => !a.startsWith("error"));
    expect(expected).toMatch(/^3 files [0-9a-f]{64}$/);
    expect(rounds).toEqual(Array(TRIALS).fill(Array(RACERS).fill(expected)));
    // The tables and their manifest, nothing half written.
    expect(readdirSync(cache).sort()).toEqual([expect.stringMatching(/^race-[0-9a-f]{32}-v\d+-1\.csv$/), expect.stringMatching(/-2\.csv$/), expect.stringMatching(/-3\.csv$/), expect.stringMatching(/^race-[0-9a-f]{32}-v\d+\.json$/)]);
  }, 120_000);
});
