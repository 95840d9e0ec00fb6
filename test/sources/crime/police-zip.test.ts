/**
 * A police.uk download read as it comes, a zip archive (`police.zip#*\/*-street.csv`): its members
 * extracted once per archive content, modification times kept, staged exactly as the unzipped
 * files are; a damaged or hostile archive is an error naming it. A project moved with its download
 * and outputs finds its extractions under the same names.
 */
import { describe, expect, it } from "vitest";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import JSZip from "jszip";
import { LocalneedsError, messages } from "../../../pipelines/core/messages.ts";
import { hasShared, realData, sharedSkipReason } from "../../helpers/shared.ts";
import { LUTON_WAYFIELD, MEDWAY, realConfig, runSources, tempDir } from "../helpers.ts";
import { loadConfig } from "../../../pipelines/core/config.ts";
import { archiveCacheOf, expandFiles } from "../../../sources/files.ts";
import { sourceStates } from "../../../pipelines/refresh/source-state.ts";
import { crimeAdapter } from "../../../sources/crime/police-uk-street.ts";
import { Warehouse } from "../../../pipelines/core/warehouse.ts";
import { createCoreTables } from "../../../transforms/marts.ts";
import { runBuild } from "../../../pipelines/run-build.ts";
import { fixedClock, memoryLogger } from "../../../pipelines/core/context.ts";

const police = (f: string) => realData("police", f);
const STREET = ["2018-10-kent-street.medway-only.csv", "2018-11-kent-street.medway-only.csv", "2018-12-kent-street.medway-only.csv", "2019-01-kent-street.csv", "2019-02-kent-street.medway-only.csv"];

/** The real samples as police.uk's custom download lays them out: a folder per month, street and outcomes files, each with its own date. */
async function download(file: string): Promise<Map<string, Date>> {
  const zip = new JSZip();
  const dates = new Map<string, Date>();
  for (const [i, f] of STREET.entries()) {
    const month = f.slice(0, 7);
    const name = `${month}/${month}-kent-street.csv`;
    const date = new Date(2019, 2, 10 + i, 12, 0, 0);
    zip.file(name, readFileSync(police(f)), { date });
    dates.set(name, date);
  }
  zip.file("2019-01/2019-01-kent-outcomes.csv", readFileSync(police("2019-01-kent-outcomes.head30.csv")), { date: new Date(2019, 2, 20, 12, 0, 0) });
  writeFileSync(file, await zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE" }));
  return dates;
}

describe.skipIf(!hasShared)(`police.uk downloads as zip archives${sharedSkipReason}`, () => {
  it("stages the street and outcomes members exactly as the unzipped files; extracts once; keeps each member's date; the zip is the file a refresh hashes", async () => {
    const t = tempDir();
    const zip = path.join(t.dir, "police.zip");
    const dates = await download(zip);
    const counts = async (crime: Record<string, string[]>) => {
      const { db, ctx } = await runSources(realConfig({ sources: { crime } }));
      try {
        return {
          ctx,
          events: await db.all(`SELECT strftime(month, '%Y-%m') AS m, count(*)::INTEGER AS n FROM staging.crime_events GROUP BY 1 ORDER BY 1`),
          outcomes: await db.one(`SELECT count(*)::INTEGER AS n FROM staging.crime_outcomes`),
          loads: await db.all<{ path: string }>(`SELECT path FROM audit.loads WHERE source = 'police_uk_street' ORDER BY path`),
        };
      } finally {
        db.close();
      }
    };
    const plain = await counts({ files: STREET.map(police), outcomes: [police("2019-01-kent-outcomes.head30.csv")] });
    const zipped = await counts({ files: [`${zip}#*/*-street.csv`], outcomes: [`${zip}#*/*-outcomes.csv`] });
    expect(plain.events).toHaveLength(5);
    expect(zipped.events).toEqual(plain.events);
    expect(zipped.outcomes).toEqual(plain.outcomes);
    // Read from the extracted copy, named by the archive's name, kept beside the outputs; each member's date as the archive gives it.
    const root = archiveCacheOf(zipped.ctx.config);
    expect(zipped.loads.map((l) => path.relative(root, l.path).split(path.sep).join("/"))).toEqual(
      [...dates.keys()].map((n) => expect.stringMatching(new RegExp(`^police-[0-9a-f]{6}-[0-9a-f]{12}/${n.replace(/[.*]/g, "\\$&")}$`))),
    );
    for (const l of zipped.loads) {
      const name = l.path.split(path.sep).slice(-2).join("/");
      expect(Math.abs(statSync(l.path).mtimeMs - dates.get(name)!.getTime()), name).toBeLessThanOrEqual(2000);
    }
    // Extracted once: a second listing finds the folder complete and does not write it again.
    const marker = path.join(path.dirname(path.dirname(zipped.loads[0]!.path)), ".complete");
    const before = statSync(marker).mtimeMs;
    const db = await Warehouse.open();
    await createCoreTables(db);
    try {
      expect(await expandFiles({ db, config: zipped.ctx.config }, "crime", [`${zip}#*/*-street.csv`])).toEqual(zipped.loads.map((l) => l.path));
      expect(statSync(marker).mtimeMs).toBe(before);
      // A refresh tells a changed download by the archive itself, and which of its members are new by theirs.
      const states = await sourceStates({ db, config: zipped.ctx.config }, [crimeAdapter]);
      const outcomes = path.join(path.dirname(path.dirname(zipped.loads[0]!.path)), "2019-01", "2019-01-kent-outcomes.csv");
      expect([...states.get("crime")!.files.keys()]).toEqual([...zipped.loads.map((l) => l.path), outcomes, zip].sort());
    } finally {
      db.close();
    }
  });

  it("the whole download given as crime.files: its outcomes and stop-and-search files are read as such, each once beside those listed under outcomes and stopSearch", async () => {
    const t = tempDir();
    const zip = path.join(t.dir, "police.zip");
    await download(zip);
    // As police.uk's download with every kind ticked: a stop-and-search file beside the street and outcomes files.
    const archive = await JSZip.loadAsync(readFileSync(zip));
    archive.file("2019-01/2019-01-kent-stop-and-search.csv", readFileSync(police("2019-01-kent-stop-and-search.head48.csv")));
    writeFileSync(zip, await archive.generateAsync({ type: "nodebuffer", compression: "DEFLATE" }));
    const staged = async (crime: Record<string, string[]>) => {
      const { db } = await runSources(realConfig({ sources: { crime } }));
      try {
        return {
          events: await db.all(`SELECT strftime(month, '%Y-%m') AS m, count(*)::INTEGER AS n FROM staging.crime_events GROUP BY 1 ORDER BY 1`),
          outcomes: await db.one(`SELECT count(*)::INTEGER AS n, count(DISTINCT _file)::INTEGER AS files FROM staging.crime_outcomes`),
          searches: await db.one(`SELECT count(*)::INTEGER AS n FROM staging.stop_search`),
          loads: await db.all<{ source: string; f: string }>(`SELECT source, regexp_extract(path, '[^/\\\\]+$') AS f FROM audit.loads WHERE source LIKE 'police%' ORDER BY 1, 2`),
        };
      } finally {
        db.close();
      }
    };
    const listed = await staged({ files: [`${zip}#*/*-street.csv`], outcomes: [`${zip}#*/*-outcomes.csv`], stopSearch: [`${zip}#*/*-stop-and-search.csv`] });
    const whole = await staged({ files: [zip] });
    expect(listed.outcomes).toEqual({ n: 30, files: 1 });
    expect(listed.searches).toEqual({ n: 48 });
    expect(whole).toEqual(listed);
    expect(whole.loads.filter((l) => l.source !== "police_uk_street")).toEqual([
      { source: "police_uk_outcomes", f: "2019-01-kent-outcomes.csv" }, { source: "police_uk_stop_search", f: "2019-01-kent-stop-and-search.csv" }]);
    // An outcomes file both in the download and listed under outcomes is read once.
    expect(await staged({ files: [zip], outcomes: [`${zip}#*/*-outcomes.csv`] })).toEqual(listed);
    expect(messages.policeFilesRouted(1, 1)).toBe("crime.files: 1 police.uk outcomes file and 1 stop-and-search file among them, read as outcomes and stop and search (as if listed under crime.outcomes and crime.stopSearch)");
    expect(messages.policeFilesRouted(2, 0)).toBe("crime.files: 2 police.uk outcomes files among them, read as outcomes (as if listed under crime.outcomes)");
  });

  it("a refresh given one more monthly download reads just its members, and names each file by its archive", async () => {
    const t = tempDir("ln-police-zip-refresh-");
    const downloads = path.join(t.dir, "downloads");
    mkdirSync(downloads);
    const write = async (file: string, months: string[]) => {
      const zip = new JSZip();
      for (const m of months) zip.file(`${m}/${m}-kent-street.csv`, readFileSync(police(STREET.find((f) => f.startsWith(m))!)), { date: new Date(2019, 3, 1, 12, 0, 0) });
      writeFileSync(file, await zip.generateAsync({ type: "nodebuffer" }));
    };
    await write(path.join(downloads, "2018-autumn.zip"), ["2018-10", "2018-11"]);
    const config = realConfig({ warehouse: path.join(t.dir, "warehouse.duckdb"), outputDir: path.join(t.dir, "packs"), sources: { crime: { files: [`${downloads}/*.zip#*/*-street.csv`] } } });
    const byMonth = async (warehouse: string) => {
      const db = await Warehouse.open(warehouse, { readOnly: true });
      try {
        return await db.all(`SELECT strftime(month, '%Y-%m') AS m, count(*)::INTEGER AS n FROM staging.crime_events GROUP BY 1 ORDER BY 1`);
      } finally {
        db.close();
      }
    };
    await runBuild({ config, log: memoryLogger(), clock: fixedClock("2025-06-30T12:00:00Z"), browserPath: false });
    expect((await byMonth(config.warehouse)).map((r) => r.m)).toEqual(["2018-10", "2018-11"]);
    // (2019-01's full Kent file repeats a Crime ID within itself: a refresh given it reads every file, to count the ID once.)
    const added = path.join(downloads, "2018-winter.zip");
    await write(added, ["2018-12", "2019-02"]);
    const log = memoryLogger();
    const result = await runBuild({ config, log, clock: fixedClock("2025-07-01T02:30:00Z"), refresh: true, browserPath: false });
    // The earlier download's members are known by their content: not read again.
    expect(result.loads.filter((l) => !l.reused).map((l) => path.basename(l.path))).toEqual(["2018-12-kent-street.csv", "2019-02-kent-street.csv"]);
    expect(result.loads.filter((l) => l.reused && l.source === "police_uk_street").map((l) => path.basename(l.path))).toEqual(["2018-10-kent-street.csv", "2018-11-kent-street.csv"]);
    // Named as the analyst knows them: the archive and the member, not the extracted copy.
    const shown = path.relative(config.baseDir, added).split(path.sep).join("/");
    expect(result.changes.files.added).toEqual([`${shown}#2018-12/2018-12-kent-street.csv`, `${shown}#2019-02/2019-02-kent-street.csv`]);
    expect(result.changes.files.replaced).toEqual([]);
    expect(result.changes.files.removed).toEqual([]);
    // The pack's manifest and its sources table say the same (never the build's extracted copy).
    const pack = result.packDirs.find((p) => /overview/.test(p))!;
    const manifest = JSON.parse(readFileSync(path.join(pack, "manifest.json"), "utf8")) as { inputs: { path: string }[] };
    const zipped = manifest.inputs.map((i) => i.path).filter((p) => p.includes(".zip"));
    expect(zipped).toEqual(expect.arrayContaining([`${shown}#2019-02/2019-02-kent-street.csv`]));
    expect(zipped).toHaveLength(4);
    expect(JSON.stringify(manifest)).not.toContain(".cache");
    expect(readFileSync(path.join(pack, "index.html"), "utf8")).not.toContain(".cache/archives");
    // The same staged counts as a build of both downloads from nothing.
    const full = { ...config, warehouse: path.join(t.dir, "full.duckdb"), outputDir: path.join(t.dir, "full", "packs") };
    await runBuild({ config: full, log: memoryLogger(), clock: fixedClock("2025-07-01T02:30:00Z"), browserPath: false });
    expect(await byMonth(config.warehouse)).toEqual(await byMonth(full.warehouse));
    expect((await byMonth(config.warehouse)).map((r) => r.m)).toEqual(["2018-10", "2018-11", "2018-12", "2019-02"]);
  }, 300_000);

  it("a project moved with its download and outputs refreshes without reading a member again", async () => {
    // A project folder as an analyst keeps one: the config, the download, the outputs beside them.
    const t = tempDir("ln-police-zip-moved-");
    const project = path.join(t.dir, "first");
    mkdirSync(path.join(project, "downloads"), { recursive: true });
    await download(path.join(project, "downloads", "police.zip"));
    writeFileSync(path.join(project, "config.json"), JSON.stringify({
      name: "moved", parent: MEDWAY, focus: [{ ward: LUTON_WAYFIELD }], baseline: { period: "2018/19" },
      warehouse: "outputs/warehouse.duckdb", outputDir: "outputs/packs",
      geography: {
        wardVintage: "WD19", authorities: [MEDWAY],
        lsoaLookup: realData("ons_geography", "LSOA11_to_WD19_LAD19_EW_lookup.csv"), hierarchy: realData("ons_geography", "WD19_LAD19_CTY19_RGN19_CTRY19_UK_lookup.csv"),
      },
      sources: { crime: { files: ["downloads/police.zip#*/*-street.csv"] } },
    }));
    const first = await runBuild({ config: loadConfig(path.join(project, "config.json")), log: memoryLogger(), clock: fixedClock("2025-06-30T12:00:00Z"), browserPath: false });
    expect(first.loads.filter((l) => l.source === "police_uk_street")).toHaveLength(STREET.length);
    const moved = path.join(t.dir, "second");
    cpSync(project, moved, { recursive: true, verbatimSymlinks: true });
    rmSync(project, { recursive: true, force: true });
    const log = memoryLogger();
    const config = loadConfig(path.join(moved, "config.json"));
    const again = await runBuild({ config, log, clock: fixedClock("2025-07-01T02:30:00Z"), refresh: true, browserPath: false });
    expect(log.lines.join("\n")).toContain(`(${project} is now ${moved})`);
    // The members extracted in the first folder are found in the second, under the same names.
    expect(again.loads.filter((l) => !l.reused).map((l) => l.path)).toEqual([]);
    expect(again.changes.files).toMatchObject({ added: [], replaced: [], removed: [] });
    expect(again.loads.filter((l) => l.source === "police_uk_street").every((l) => l.path.startsWith(moved + path.sep))).toBe(true);
    expect(readdirSync(archiveCacheOf(config))).toHaveLength(1);
  }, 300_000);

  it("two downloads of the same name in two folders keep a folder each; a new download at the same path replaces the old one's", async () => {
    const t = tempDir();
    const write = async (file: string, months: string[]) => {
      const zip = new JSZip();
      for (const m of months) zip.file(`${m}/${m}-kent-street.csv`, readFileSync(police(STREET.find((f) => f.startsWith(m))!)));
      writeFileSync(file, await zip.generateAsync({ type: "nodebuffer" }));
    };
    const [a, b] = [path.join(t.dir, "2018", "police.zip"), path.join(t.dir, "2019", "police.zip")];
    for (const d of ["2018", "2019"]) mkdirSync(path.join(t.dir, d));
    await write(a, ["2018-10", "2018-11"]);
    await write(b, ["2019-01", "2019-02"]);
    const db = await Warehouse.open();
    try {
      const ctx = { db, config: { outputDir: path.join(t.dir, "out", "packs") } };
      const both = await expandFiles(ctx, "crime", [`${a}#*/*-street.csv`, `${b}#*/*-street.csv`]);
      expect(both.map((f) => path.basename(f))).toEqual(["2018-10-kent-street.csv", "2018-11-kent-street.csv", "2019-01-kent-street.csv", "2019-02-kent-street.csv"]);
      expect(both.every((f) => existsSync(f))).toBe(true);
      await write(a, ["2018-10", "2018-11", "2018-12"]);
      const again = await expandFiles(ctx, "crime", [`${a}#*/*-street.csv`, `${b}#*/*-street.csv`]);
      expect(again.map((f) => path.basename(f))).toHaveLength(5);
      expect(readdirSync(archiveCacheOf(ctx.config))).toHaveLength(2);
      expect(existsSync(both[0]!)).toBe(false);
    } finally {
      db.close();
    }
  });

  it("a selector matching no member, a member that would be written outside its folder, and a damaged archive are errors naming the archive", async () => {
    const t = tempDir();
    const zip = path.join(t.dir, "police.zip");
    await download(zip);
    const { ctx } = await runSources(realConfig({}));
    try {
      await expect(expandFiles(ctx, "crime", [`${zip}#*/*-stop-and-search.csv`])).rejects.toThrow(messages.noFilesMatch("crime", `${zip}#*/*-stop-and-search.csv`));
      const evil = new JSZip();
      evil.file("../escaped.csv", "Crime ID,Month\n");
      const bad = path.join(t.dir, "evil.zip");
      writeFileSync(bad, await evil.generateAsync({ type: "nodebuffer" }));
      const err = await expandFiles(ctx, "crime", [bad]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LocalneedsError);
      // yauzl refuses such a name itself ("invalid relative path"); the extraction would check it again.
      expect((err as Error).message.startsWith(`${bad}: the zip archive cannot be read (`)).toBe(true);
      expect((err as Error).message).toContain("../");
      expect(existsSync(path.join(archiveCacheOf(ctx.config), "escaped.csv"))).toBe(false);
      const cut = path.join(t.dir, "cut.zip");
      writeFileSync(cut, readFileSync(zip).subarray(0, 20_000));
      await expect(expandFiles(ctx, "crime", [`${cut}#*/*-street.csv`])).rejects.toThrow(new RegExp(`^${cut.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: the zip archive cannot be read`));
    } finally {
      ctx.db.close();
    }
  });
});
