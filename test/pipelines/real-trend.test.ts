/**
 * Recent-trend markers on a series of months in the real police.uk layout (issue 14: over 20 real
 * months no marker was computed). The samples hold five real months; twenty months are made from
 * the real Medway extract of February 2019, each relabelled as a month from July 2017 to February
 * 2019 with Crime IDs of its own, the crimes thinned by 2.5% a month (a steady fall), then built
 * with the real Medway lookups and IoD population. The series of quarters gets the Fingertips
 * marker (five complete quarters), and a month-to-month fall of 2.5% is no anomaly.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { BuildResult } from "../../pipelines/run-build.ts";
import { Warehouse } from "../../pipelines/core/warehouse.ts";
import { hasShared, realData, sharedSkipReason } from "../helpers/shared.ts";
import { buildConfigInto } from "../helpers/medway.ts";

const MEDWAY = "E06000035";
const MONTHS = Array.from({ length: 20 }, (_, i) => {
  const d = new Date(Date.UTC(2017, 6 + i, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
});

/** Month `i` of the series: the real February 2019 lines relabelled, every 40th line dropped for each month after the first. */
function monthFile(dir: string, text: string, i: number): string {
  const [header, ...lines] = text.trimEnd().split("\n");
  const month = MONTHS[i]!;
  const kept = lines.filter((_, n) => n % 40 >= i).map((l) => {
    const [id, , ...rest] = l.split(",");
    const newId = id ? createHash("sha256").update(`${month}:${id}`).digest("hex") : "";
    return [newId, month, ...rest].join(",");
  });
  const file = path.join(dir, `${month}-kent-street.csv`);
  writeFileSync(file, [header, ...kept].join("\n") + "\n");
  return file;
}

describe.skipIf(!hasShared)(`20 months of police.uk data in the real layout${sharedSkipReason}`, () => {
  let result: BuildResult;
  let db: Warehouse;
  beforeAll(async () => {
    const root = mkdtempSync(path.join(tmpdir(), "localneeds-real-trend-"));
    const base = readFileSync(realData("police", "2019-02-kent-street.medway-only.csv"), "utf8");
    MONTHS.forEach((_, i) => monthFile(root, base, i));
    const json = {
      name: "Medway, 20 months",
      parent: MEDWAY,
      focus: [{ ward: "E05002255" }],
      comparators: ["rest_of_parent", "parent", "region", "country"],
      baseline: { period: "2017/18" },
      geography: {
        wardVintage: "WD19",
        lsoaLookup: realData("ons_geography", "LSOA11_to_WD19_LAD19_EW_lookup.csv"),
        hierarchy: realData("ons_geography", "WD19_LAD19_CTY19_RGN19_CTRY19_UK_lookup.csv"),
        authorities: [MEDWAY],
      },
      sources: {
        crime: { files: [path.join(root, "*-kent-street.csv")] },
        population: { files: [realData("imd2019", "File_6_-_IoD2019_Population_Denominators.kent-medway.csv")] },
      },
    };
    const file = path.join(root, "medway-20-months.json");
    writeFileSync(file, JSON.stringify(json, null, 2));
    result = await buildConfigInto(json, file, root);
    db = await Warehouse.open(result.warehouse, { readOnly: true });
  }, 600_000);

  it("gives Medway's all-crime rate a falling marker over the latest five complete quarters", async () => {
    const trends = await db.all<{ direction: string; first_period: string; last_period: string; points: number }>(
      `SELECT direction, first_period, last_period, points FROM marts.indicator_trends
       WHERE indicator_id = 'crime.all_crime_rate' AND area_code = $a AND period_type = 'quarter' AND breakdown = 'all'`, { a: MEDWAY });
    expect(trends).toHaveLength(1);
    expect(trends[0]!.points).toBe(5);
    expect(trends[0]!.last_period).toBe("2018-Q4");
    expect(trends[0]!.direction).toMatch(/^decreasing/);
  });

  it("flags no month as an anomaly: a steady fall of 2.5% a month is not a jump", async () => {
    const anomalies = await db.all(`SELECT code, subject FROM audit.warnings WHERE code LIKE '%anomal%' OR code LIKE '%volume%'`);
    expect(anomalies).toEqual([]);
    const months = await db.one<{ n: number }>(`SELECT count(DISTINCT month)::INTEGER AS n FROM staging.crime_events`);
    expect(months!.n).toBe(20);
  });
});
