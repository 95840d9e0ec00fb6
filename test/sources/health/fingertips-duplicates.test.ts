/**
 * Fingertips exports that publish the same row: a District & UA export beside the County & UA one
 * (every export repeats England and the regions; a unitary authority is in both), an older and a
 * newer export that disagree, and a row repeated inside one export. Each row is staged and measured
 * once; where the figures differ the newer export's are kept, and both cases are warned of.
 * The District & UA export is the real County & UA sample remade in a temporary folder.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync, statSync, utimesSync } from "node:fs";
import Papa from "papaparse";
import type { Warehouse } from "../../../pipelines/core/warehouse.ts";
import { messages } from "../../../pipelines/core/messages.ts";
import { loadIndicators } from "../../../transforms/indicators/define.ts";
import { measureIndicators } from "../../../transforms/indicators/measure.ts";
import { publishedIndicators } from "../../../transforms/indicators/published.ts";
import { compareIndicators } from "../../../transforms/compare.ts";
import { computeTrends } from "../../../transforms/trends.ts";
import { hasShared, realData, sharedSkipReason } from "../../helpers/shared.ts";
import { MEDWAY, loadCounts, realConfig, runSources, shown, tempDir, warningsOf } from "../helpers.ts";
import { fingertipsExport, ftRow } from "./fingertips-export.ts";

const FT = realData("fingertips", "indicators-CountyUA.data.csv");
const ENGLAND = "E92000001";
const health = (files: string[]) => realConfig({ sources: { health: { fingertips: files } } });
/** The key of `staging.fingertips_values`: no two rows share it. */
const KEY = "indicator_id, area_code, sex, age, category_type, category, period_label";

/** Column positions in the export's header. */
const COL = { parentCode: 2, parentName: 3, areaCode: 4, areaName: 5, areaType: 6, age: 8, period: 11, value: 12, count: 17 };
const KENT = "E10000016";
const THANET = "E07000114";

/**
 * The real County & UA export remade as the District & UA export of the same indicator: its England
 * and region rows and deprivation deciles (of both area types) as they are, Medway's rows with area
 * type `District & UA` (97 rows in both exports), and Kent's rows as a district's, Thanet's (5
 * rows of its own). `change` edits a row's fields in place. Written to a temporary folder,
 * modified `mtime` (the real file's when not given).
 */
function districtExport(change: (r: string[]) => void = () => {}, mtime?: Date): string {
  const [header, ...rows] = Papa.parse<string[]>(readFileSync(FT, "utf8"), { skipEmptyLines: true }).data;
  const kept = rows
    .filter((r) => r[COL.areaType] === "Country" || r[COL.areaType] === "Region" || r[COL.areaCode] === MEDWAY || r[COL.areaCode] === KENT)
    .map((r) => {
      const out = [...r];
      if (out[COL.areaCode] === KENT) [out[COL.parentCode], out[COL.parentName], out[COL.areaCode], out[COL.areaName]] = [KENT, "Kent", THANET, "Thanet"];
      if (out[COL.areaType] === "County & UA") out[COL.areaType] = "District & UA";
      change(out);
      return out;
    });
  const file = tempDir("ln-ft-dup-").write("indicators-DistrictUA.data.csv", Papa.unparse([header!, ...kept], { newline: "\r\n" }) + "\r\n");
  const real = statSync(FT).mtime;
  utimesSync(file, real, mtime ?? real);
  return file;
}

/** Medway's 2016 all-ages row, as OHID published it in the real export (value, count), and as a newer export revises it. */
const isMedway2016 = (r: string[]) => r[COL.areaCode] === MEDWAY && r[COL.period] === "2016" && r[COL.age] === "All ages";
const PUBLISHED_2016 = { value: 85.0859116398963, count: 237 };
const REVISED_2016 = { value: 90.5, count: 252 };
const revise = (r: string[]) => {
  if (isMedway2016(r)) [r[COL.value], r[COL.count]] = [String(REVISED_2016.value), String(REVISED_2016.count)];
};
const dayAfter = (d: Date) => new Date(d.getTime() + 86_400_000);

/** Rows of staging.fingertips_values that share its key (none expected). */
const repeatedKeys = (db: Warehouse) => db.all(`SELECT ${KEY}, count(*)::INTEGER n FROM staging.fingertips_values GROUP BY ALL HAVING count(*) > 1`);
const medway2016 = (db: Warehouse) =>
  db.one(`SELECT area_type, value, count FROM staging.fingertips_values WHERE area_code = $m AND period_label = '2016' AND breakdown = 'all'`, { m: MEDWAY });
/** The line of the row of `file` that has Medway's 2016 all-ages value (`raw_fingertips`). */
const lineOf = async (db: Warehouse, file: string) =>
  (await db.one<{ line: number }>(`SELECT _line::INTEGER line FROM raw_fingertips WHERE _file = $f AND trim(area_code) = $m AND trim(time_period) = '2016' AND trim(age) = 'All ages'`, { f: file, m: MEDWAY }))!.line;
/** Warnings of both codes, without the stage's other warnings. */
const warned = async (db: Warehouse) => ({ repeated: await warningsOf(db, "fingertips_rows_repeated"), conflict: await warningsOf(db, "fingertips_rows_conflict") });

/** The three first repeated rows, in the warning's order (area, period, sex, age). */
const FIRST_REPEATS = ["E06000035 2015 Persons, 0-9 yrs", "E06000035 2015 Persons, All ages", "E06000035 2016 Persons, 0-9 yrs"];

describe.skipIf(!hasShared)(`Fingertips County & UA and District & UA exports of one indicator${sharedSkipReason}`, () => {
  let db: Warehouse;
  let district: string;
  beforeAll(async () => {
    district = districtExport();
    let ctx;
    ({ db, ctx } = await runSources(health([FT, district])));
    const { indicators, errors } = loadIndicators(await publishedIndicators(ctx));
    expect(errors).toEqual([]);
    // Stages 3 and 4: the trend of a period published twice stopped the build here.
    await measureIndicators(ctx, indicators);
    await compareIndicators(ctx, indicators);
    await computeTrends(ctx, indicators);
  });
  afterAll(() => db?.close());

  it("loads both exports whole: rows read = rows loaded + rows rejected, nothing rejected", async () => {
    const counts = await loadCounts(db);
    expect(counts["indicators-CountyUA.data.csv"]).toEqual({ read: 852, loaded: 852, rejected: 0 });
    expect(counts["indicators-DistrictUA.data.csv"]).toEqual({ read: 102, loaded: 102, rejected: 0 });
  });

  it("stages each row once: England, the regions, the deciles and Medway (97 rows in both) once, Thanet's 5 rows as well", async () => {
    expect(await repeatedKeys(db)).toEqual([]);
    expect(await db.one(`SELECT count(*)::INTEGER n FROM staging.fingertips_values`)).toEqual({ n: 852 + 5 });
    expect(await db.one(`SELECT count(*)::INTEGER n FROM staging.fingertips_values WHERE area_code = $t AND area_type = 'District & UA'`, { t: THANET })).toEqual({ n: 5 });
    expect(await db.one(`SELECT count(*)::INTEGER n FROM staging.fingertips_values WHERE area_code = $m`, { m: MEDWAY })).toEqual({ n: 5 });
    expect(await medway2016(db)).toEqual({ area_type: "District & UA", ...PUBLISHED_2016 });
  });

  it("measures each value once, as published", async () => {
    expect(await db.all(`SELECT area_code, period_label, breakdown, count(*)::INTEGER n FROM marts.indicator_values GROUP BY ALL HAVING count(*) > 1`)).toEqual([]);
    expect(await db.all(`SELECT area_code, value, numerator FROM marts.indicator_values WHERE indicator_id = 'fingertips.93356' AND period_label = '2016' AND breakdown = 'all'
      AND area_code IN ($m, $e) ORDER BY 1`, { m: MEDWAY, e: ENGLAND })).toEqual([
      { area_code: MEDWAY, value: PUBLISHED_2016.value, numerator: PUBLISHED_2016.count },
      { area_code: ENGLAND, value: expect.any(Number), numerator: expect.any(Number) },
    ]);
    expect(await db.one(`SELECT count(*)::INTEGER n FROM marts.indicator_values WHERE area_code = $e AND period_label = '2016' AND breakdown = 'all'`, { e: ENGLAND })).toEqual({ n: 1 });
  });

  it("says how many rows were published twice with the same figures, where, with examples; no conflict", async () => {
    expect(await warned(db)).toEqual({
      repeated: [{ subject: "93356", message: messages.fingertipsRowsRepeated("93356", 97, [district, FT].sort().map(shown), FIRST_REPEATS) }],
      conflict: [],
    });
  });
});

describe.skipIf(!hasShared)(`Fingertips exports that disagree: the newer export's row is kept${sharedSkipReason}`, () => {
  it("a newer export revising Medway 2016 wins though listed first; the older figure is left out and named", async () => {
    const real = statSync(FT).mtime;
    const newer = districtExport(revise, dayAfter(real));
    const { db, ctx } = await runSources(health([newer, FT]));
    try {
      expect((await loadCounts(db))["indicators-DistrictUA.data.csv"]).toEqual({ read: 102, loaded: 102, rejected: 0 });
      expect(await repeatedKeys(db)).toEqual([]);
      expect(await medway2016(db)).toEqual({ area_type: "District & UA", ...REVISED_2016 });
      const { indicators } = loadIndicators(await publishedIndicators(ctx));
      await measureIndicators(ctx, indicators);
      expect(await db.all(`SELECT value, numerator FROM marts.indicator_values WHERE area_code = $m AND period_label = '2016' AND breakdown = 'all'`, { m: MEDWAY }))
        .toEqual([{ value: REVISED_2016.value, numerator: REVISED_2016.count }]);
      expect(await warned(db)).toEqual({
        repeated: [{ subject: "93356", message: messages.fingertipsRowsRepeated("93356", 96, [newer, FT].sort().map(shown), FIRST_REPEATS) }],
        conflict: [{ subject: "93356", message: messages.fingertipsRowsConflict("93356", 1, [
          `E06000035 2016 Persons, All ages: value ${REVISED_2016.value} in ${messages.fileLine(shown(newer), await lineOf(db, newer))} (kept), ` +
            `${PUBLISHED_2016.value} in ${messages.fileLine(shown(FT), await lineOf(db, FT))}`,
        ]) }],
      });
    } finally {
      db.close();
    }
  });

  it("exports as new as each other: the one listed later wins, whichever it is", async () => {
    const same = districtExport(revise);
    for (const [files, kept] of [[[same, FT], PUBLISHED_2016], [[FT, same], REVISED_2016]] as const) {
      const { db } = await runSources(health([...files]));
      try {
        expect(await repeatedKeys(db)).toEqual([]);
        expect(await medway2016(db)).toMatchObject(kept);
        expect(await warningsOf(db, "fingertips_rows_conflict")).toHaveLength(1);
      } finally {
        db.close();
      }
    }
  });

  it("a row repeated inside one export: the same figures count once; different figures keep the later line", async () => {
    const row = (v: number) => ftRow(99901, "Preventable mortality (DSR)", MEDWAY, "Counties & UAs (from Apr 2021)", "2017 - 19", [v, v - 10, v + 10, "", "", 1100, 830000], { "Parent Code": "E12000008" });
    const england = ftRow(99901, "Preventable mortality (DSR)", ENGLAND, "England", "2017 - 19", [142.2, 141.6, 142.8, "", "", 190000, 53000000]);
    // Records 2 to 5 of the file, at lines 2 to 5 (as rejects count them).
    const f = tempDir().write("profile.csv", fingertipsExport([england, row(170.5), england, row(171.5)]));
    const { db } = await runSources(health([f]));
    try {
      expect((await loadCounts(db))["profile.csv"]).toEqual({ read: 4, loaded: 4, rejected: 0 });
      expect(await db.all(`SELECT area_code, value, _line::INTEGER line FROM staging.fingertips_values ORDER BY 1`)).toEqual([
        { area_code: MEDWAY, value: 171.5, line: 5 },
        { area_code: ENGLAND, value: 142.2, line: 4 },
      ]);
      expect(await warned(db)).toEqual({
        repeated: [{ subject: "99901", message: messages.fingertipsRowsRepeated("99901", 1, [shown(f)], [`${ENGLAND} 2017 - 19 Persons, All ages`]) }],
        conflict: [{ subject: "99901", message: messages.fingertipsRowsConflict("99901", 1, [`${MEDWAY} 2017 - 19 Persons, All ages: value 171.5 in ${messages.fileLine(shown(f), 5)} (kept), 170.5 in ${messages.fileLine(shown(f), 3)}`]) }],
      });
    } finally {
      db.close();
    }
  });
});
