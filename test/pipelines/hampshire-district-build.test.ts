/**
 * A ward of a Hampshire district, built over the real samples with what a council outside Kent has
 * of them: the national lookups and IoD File 1, Fingertips County & UA, the free school meals time
 * series, and DfE's KS2 files for Hampshire (LA 850) and Surrey (936) with a GIAS "selected fields"
 * extract that has no ward column. No police.uk files and no population. What the pack cannot
 * hold it must say why, and what it can hold (Hampshire's KS2 total, as the county's) it must.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Papa from "papaparse";
import type { BuildResult } from "../../pipelines/run-build.ts";
import { Warehouse } from "../../pipelines/core/warehouse.ts";
import { messages } from "../../pipelines/core/messages.ts";
import { CATALOGUE } from "../../transforms/indicators/catalogue/index.ts";
import { loadIndicators } from "../../transforms/indicators/define.ts";
import { withDeprivationIndex } from "../../transforms/indicators/catalogue/deprivation.ts";
import { hasShared, realData, sharedSkipReason } from "../helpers/shared.ts";
import { buildWrittenConfig } from "../helpers/medway.ts";

const WARD = "E05008989"; // Aldershot Park
const RUSHMOOR = "E07000092";
const HAMPSHIRE = "E10000014";
const KS2 = ["2016-2017_850_ks2final.csv", "2017-2018_850_ks2final.csv", "2018-2019_850_ks2final.csv", "2018-2019_936_ks2final.csv"];

const config = () => ({
  name: "Aldershot Park needs assessment (real public data, no population)",
  parent: RUSHMOOR,
  focus: [{ ward: WARD }],
  comparators: ["rest_of_parent", "parent", "county", "region", "country"],
  baseline: { period: "2018/19" },
  geography: {
    wardVintage: "WD19",
    lsoaLookup: realData("ons_geography", "LSOA11_to_WD19_LAD19_EW_lookup.csv"),
    hierarchy: realData("ons_geography", "WD19_LAD19_CTY19_RGN19_CTRY19_UK_lookup.csv"),
    lookups: ["LAD19_to_CSP19_PFA19_lookup.csv", "LAD19_to_PHEC19_PHEREG19_lookup.csv"].map((f) => realData("ons_geography", f)),
  },
  sources: {
    deprivation: { files: [realData("imd2019", "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv")] },
    health: { fingertips: [realData("fingertips", "indicators-CountyUA.data.csv")] },
    school: {
      ks2: KS2.map((f) => realData("dfe", f)),
      establishments: realData("dfe", "2021-05-07_850_936_gias.csv"),
      links: realData("dfe", "links_edubasealldata20250422.hants-surrey-sample.csv"),
      fsm: [realData("dfe", "fsm_time_series.csv")],
    },
  },
});

describe.skipIf(!hasShared)(`a ward of a Hampshire district with no population and unplaced schools, over the real samples${sharedSkipReason}`, () => {
  let result: BuildResult;
  let db: Warehouse;
  let wardHtml: string;
  // Scratch folders (copies of input files made while reading them) of a killed run and of a live process.
  const scratchOf = (pid: number) => path.join(tmpdir(), `localneeds-scratch-${pid}-AbC123`);
  const deadPid = spawnSync(process.execPath, ["-e", ""]).pid!;
  beforeAll(async () => {
    for (const pid of [deadPid, process.ppid]) {
      mkdirSync(scratchOf(pid), { recursive: true });
      writeFileSync(path.join(scratchOf(pid), "copy.csv"), "a,b\n");
    }
    const built = await buildWrittenConfig(config(), "aldershot-park.json", "localneeds-hants-");
    result = built.result;
    db = await Warehouse.open(result.warehouse);
    wardHtml = built.packHtml(WARD);
  }, 300_000);
  afterAll(() => {
    db?.close();
    rmSync(scratchOf(process.ppid), { recursive: true, force: true });
  });

  it("leaves no copy of an input file behind (the Windows-1252 GIAS links were read through one), and clears a killed run's", () => {
    expect(result.loads.some((l) => l.path.endsWith("links_edubasealldata20250422.hants-surrey-sample.csv"))).toBe(true);
    expect(readdirSync(tmpdir()).filter((n) => n.startsWith(`localneeds-scratch-${process.pid}-`))).toEqual([]);
    expect(existsSync(scratchOf(deadPid))).toBe(false);
    expect(existsSync(scratchOf(process.ppid))).toBe(true);
  });

  it("says the deprivation indicators need a population, in the warnings and the pack, instead of leaving them out unexplained", async () => {
    expect(await db.one(`SELECT count(*)::INTEGER n FROM marts.indicator_values WHERE indicator_id LIKE 'deprivation.%'`)).toEqual({ n: 0 });
    // One indicator each: the domains' average ranks only stand in for their scores; England's index
    // loaded, so Wales's own domains are not in the build's catalogue.
    const catalogue = loadIndicators(CATALOGUE).indicators;
    withDeprivationIndex(catalogue, ["IoD2019"]);
    const deprivation = catalogue.filter((i) => i.domain === "deprivation" && i.fallbackFor === null);
    expect(deprivation.length).toBe(10);
    expect(await db.all(`SELECT subject, message FROM audit.warnings WHERE code = 'no_population'`)).toEqual([
      { subject: "deprivation", message: messages.indicatorsNeedPopulation("deprivation", deprivation.map((i) => i.short), false) },
    ]);
    expect(messages.indicatorsNeedPopulation("deprivation", deprivation.map((i) => i.short), false))
      .toMatch(/^deprivation: 10 indicators not measured \(IMD score, .*\): they need residents by LSOA .* add sources\.population/);
    expect(wardHtml).toContain("Configured, but not measured: deprivation (its indicators need the residents of each neighbourhood, which the population sources of this build do not give: see data quality for what to add to sources.population).");
    expect(wardHtml).not.toContain("Configured, but with no values");
    expect(wardHtml).toContain("Indicators not measured: no population");
  });

  it("counts Hampshire's KS2 total (LA 850) toward Hampshire, the county, though no school is placed in a ward; Surrey's toward no area", async () => {
    const published = (file: string) => {
      const rows = Papa.parse<string[]>(readFileSync(realData("dfe", file), "utf8").replace(/^\uFEFF/, ""), { skipEmptyLines: true }).data;
      const at = (name: string) => rows[0]!.indexOf(name);
      const la = rows.find((r) => r[0] === "3")!;
      return { name: la[at("SCHNAME")], eligible: Number(la[at("TELIG")]), pct: Number(la[at("PTRWM_EXP")]!.replace("%", "")) };
    };
    const hants = await db.all<{ period_label: string; denominator: number; value: number }>(`SELECT period_label, denominator, value FROM marts.indicator_values
      WHERE indicator_id = 'school.ks2_rwm_expected' AND area_code = $h AND breakdown = 'all' ORDER BY 1`, { h: HAMPSHIRE });
    expect(hants.map((r) => r.period_label)).toEqual(["2016/17", "2017/18", "2018/19"]);
    for (const [i, r] of hants.entries()) {
      const p = published(KS2[i]!);
      expect(p.name).toBe("Hampshire");
      expect(r.denominator).toBe(p.eligible);
      expect(Math.round(r.value)).toBe(p.pct);
    }
    expect(await db.all(`SELECT school_name, area_code FROM staging.ks2_results WHERE rectype = 3 AND breakdown = 'all' AND academic_year = '2018/19' ORDER BY 1`)).toEqual([
      { school_name: "Hampshire", area_code: HAMPSHIRE }, { school_name: "Surrey", area_code: null },
    ]);
    expect(await db.all(`SELECT message FROM audit.warnings WHERE code = 'school_no_ward'`)).toEqual([{ message: messages.schoolWardUnknown(729) }]);
    expect(messages.schoolWardUnknown(729)).toContain("give a GIAS extract with the AdministrativeWard (code) column");
  });
});
