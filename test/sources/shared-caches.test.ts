/**
 * The archive and workbook caches (`outputs/.cache/archives`, `outputs/.cache/workbooks`) are
 * shared by every build whose outputs sit beside them, and each build holds only its own outputs'
 * lock: two scheduled refreshes of two wards of one borough fill them at the same moment. Racing
 * processes, started together on empty caches, each get every file whole.
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

/** Lines enough that filling a cache takes a while (the racers overlap). */
const csvLines = (seed: number, n: number) => ["Code,Name,Count", ...Array.from({ length: n }, (_, i) => `E01${String(i).padStart(6, "0")},Area ${seed}-${i},${(i * 7919 + seed) % 10_000}`)].join("\n") + "\n";

describe("caches shared by builds running at once", () => {
  it("racing processes each read every member of one archive and every table of one workbook whole, and leave one copy of each", async () => {
    const t = tempDir("ln-cache-race-");
    const zip = new JSZip();
    for (let m = 0; m < 6; m++) zip.file(`2024-0${m + 1}/2024-0${m + 1}-street.csv`, csvLines(m, 60_000));
    const archive = path.join(t.dir, "police.zip");
    writeFileSync(archive, await zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE" }));
    const wb = new ExcelJS.Workbook();
    for (let s = 0; s < 3; s++) {
      const ws = wb.addWorksheet(`Table ${s + 1}`);
      for (const line of csvLines(s, 15_000).trim().split("\n")) ws.addRow(line.split(",").map((c, i) => (i === 2 && /^\d+$/.test(c) ? Number(c) : c)));
    }
    const workbook = path.join(t.dir, "population.xlsx");
    await wb.xlsx.writeFile(workbook);
    const caches = { archive: path.join(t.dir, "outputs", ".cache", "archives"), workbook: path.join(t.dir, "outputs", ".cache", "workbooks") };
    const sync = path.join(t.dir, "sync");
    mkdirSync(sync);

    const children = startRacers("cache-racer.ts", [archive, caches.archive, workbook, caches.workbook, sync, String(TRIALS)], RACERS);
    const rounds: { archive: string; workbook: string }[][] = [];
    try {
      await until("every racer started", () => readdirSync(sync).filter((f) => f.startsWith("ready-")).length === RACERS);
      for (let k = 0; k < TRIALS; k++) {
        for (const c of Object.values(caches)) rmSync(c, { recursive: true, force: true });
        writeFileSync(path.join(sync, `go-${k}`), "");
        await until(`round ${k}: every racer answered`, () => readdirSync(sync).filter((f) => f.startsWith(`r-${k}-`)).length === RACERS);
        rounds.push(Array.from({ length: RACERS }, (_, id) => JSON.parse(readFileSync(path.join(sync, `r-${k}-${id}`), "utf8")) as { archive: string; workbook: string }));
      }
      for (const ch of children) expect(await ch.exited).toMatch(/exit 0:/);
    } finally {
      for (const ch of children) ch.c.kill();
    }
    const expected = {
      archive: rounds.flat().map((r) => r.archive).find((a) => !a.startsWith("error")),
      workbook: rounds.flat().map((r) => r.workbook).find((a) => !a.startsWith("error")),
    };
    expect(expected.archive).toMatch(/^6 files [0-9a-f]{64}$/);
    expect(expected.workbook).toMatch(/^3 files [0-9a-f]{64}$/);
    expect(rounds).toEqual(Array(TRIALS).fill(Array(RACERS).fill(expected)));
    // One finished folder, no racer's half-extracted one left behind; the tables and their manifest, nothing half written.
    expect(readdirSync(caches.archive)).toEqual([expect.stringMatching(/^police-[0-9a-f]{6}-[0-9a-f]{12}$/)]);
    expect(existsSync(path.join(caches.archive, readdirSync(caches.archive)[0]!, ".complete"))).toBe(true);
    expect(readdirSync(caches.workbook).sort()).toEqual([expect.stringMatching(/^race-[0-9a-f]{32}-v\d+-1\.csv$/), expect.stringMatching(/-2\.csv$/), expect.stringMatching(/-3\.csv$/), expect.stringMatching(/^race-[0-9a-f]{32}-v\d+\.json$/)]);
  }, 120_000);
});
