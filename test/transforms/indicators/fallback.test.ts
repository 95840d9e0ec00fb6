/**
 * `fallbackFor`: an indicator standing in for another is measured only when that one has no value.
 * The catalogue's deprivation domains: a domain's average rank (Files 1 and 2) when no scores file
 * is given, its score (and not its rank) when one is. A tiny warehouse: two wards of one LSOA each.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Warehouse } from "../../../pipelines/core/warehouse.ts";
import { fixedClock, silentLogger, type Context } from "../../../pipelines/core/context.ts";
import type { Config } from "../../../pipelines/core/config.ts";
import { createCoreTables } from "../../../transforms/marts.ts";
import { loadIndicators } from "../../../transforms/indicators/define.ts";
import { measureIndicators } from "../../../transforms/indicators/measure.ts";
import { deprivationIndicators } from "../../../transforms/indicators/catalogue/deprivation.ts";

const config = { parent: "Z06000001", focus: [{ ward: "Z05000001" }], focusAreas: [{ code: "Z05000001", kind: "ward", wards: ["Z05000001"] }] } as unknown as Config;
const DOMAINS = ["income", "employment", "education", "health", "crime", "barriers", "living_environment"];
/** Wales's own WIMD domains: staged beside England's, NULL for England's LSOAs. */
const WELSH = ["access", "housing", "community_safety", "physical_environment"];

let db: Warehouse;
let ctx: Context;
beforeEach(async () => {
  db = await Warehouse.open();
  await createCoreTables(db);
  ctx = { db, config, log: silentLogger, clock: fixedClock("2025-06-30T12:00:00Z") };
  const cols = ["imd_score", "imd_rank", "imd_decile", ...DOMAINS.map((d) => `${d}_score`), ...[...DOMAINS, ...WELSH].flatMap((d) => [`${d}_rank`, `${d}_decile`])];
  await db.run(`CREATE TABLE staging.deprivation_lsoa (lsoa_code VARCHAR, edition VARCHAR, ${cols.map((c) => `${c} DOUBLE`).join(", ")})`);
  await db.run(`CREATE TABLE staging.population_lsoa (lsoa_code VARCHAR, year INTEGER, sex VARCHAR, age INTEGER, age_to INTEGER, population DOUBLE)`);
  await db.run(`CREATE TABLE ref.area_members (area_code VARCHAR, area_type VARCHAR, lsoa_code VARCHAR)`);
  await db.run(`CREATE TABLE ref.lsoa_ward (lsoa_code VARCHAR, ward_code VARCHAR, lad_code VARCHAR)`);
  await db.run(`INSERT INTO staging.population_lsoa VALUES ('Z01', 2015, 'all', 0, 90, 1000), ('Z02', 2015, 'all', 0, 90, 3000)`);
  await db.run(`INSERT INTO ref.area_members VALUES ('Z05000001', 'ward', 'Z01'), ('Z05000002', 'ward', 'Z02'),
    ('Z06000001', 'authority', 'Z01'), ('Z06000001', 'authority', 'Z02')`);
  await db.run(`INSERT INTO ref.lsoa_ward VALUES ('Z01', 'Z05000001', 'Z06000001'), ('Z02', 'Z05000002', 'Z06000001')`);
  // Ranks only (Files 1 and 2): Z01 rank 100 in every domain, Z02 rank 500.
  const ranks = (rank: number, decile: number) => cols.map((c) => (c.endsWith("_score") || WELSH.some((w) => c.startsWith(`${w}_`)) ? "NULL" : c.endsWith("_rank") ? rank : decile)).join(", ");
  await db.run(`INSERT INTO staging.deprivation_lsoa VALUES ('Z01', 'IoD2019', ${ranks(100, 1)}), ('Z02', 'IoD2019', ${ranks(500, 1)})`);
});
afterEach(() => db.close());

const measuredIds = async () =>
  (await db.all<{ id: string }>(`SELECT DISTINCT indicator_id AS id FROM marts.indicator_values WHERE value IS NOT NULL ORDER BY 1`)).map((r) => r.id);

describe("deprivation domains from ranks or scores", () => {
  const { indicators, errors } = loadIndicators(deprivationIndicators);

  it("without scores: each domain's population-weighted average rank, no score", async () => {
    expect(errors).toEqual([]);
    const written = await measureIndicators(ctx, indicators);
    const ids = await measuredIds();
    for (const d of DOMAINS) {
      expect(ids).toContain(`deprivation.${d}_average_rank`);
      expect(ids).not.toContain(`deprivation.${d}_score`);
    }
    expect(written.has("deprivation.income_average_rank")).toBe(true);
    // Wales's own domains have no value in England.
    for (const d of WELSH) expect(ids).not.toContain(`deprivation.${d}_average_rank`);
    // (100 x 1000 + 500 x 3000) / 4000 for the authority; each ward its own LSOA's rank.
    expect(await db.all(`SELECT area_code, value FROM marts.indicator_values WHERE indicator_id = 'deprivation.crime_average_rank' AND area_type <> 'lsoa' ORDER BY 1`))
      .toEqual([{ area_code: "Z05000001", value: 100 }, { area_code: "Z05000002", value: 500 }, { area_code: "Z06000001", value: 400 }]);
  });

  it("with scores: each domain's score, and its average rank is not measured (a rank left from an earlier run is removed)", async () => {
    await measureIndicators(ctx, indicators);
    expect(await measuredIds()).toContain("deprivation.income_average_rank");
    await db.run(`UPDATE staging.deprivation_lsoa SET ${DOMAINS.map((d) => `${d}_score = CASE lsoa_code WHEN 'Z01' THEN 0.4 ELSE 0.1 END`).join(", ")}`);
    const written = await measureIndicators(ctx, indicators);
    const ids = await measuredIds();
    for (const d of DOMAINS) {
      expect(ids).toContain(`deprivation.${d}_score`);
      expect(ids).not.toContain(`deprivation.${d}_average_rank`);
      expect(written.has(`deprivation.${d}_average_rank`)).toBe(false);
    }
    // The IMD's own rank-based indicators stay beside its score.
    expect(ids).toEqual(expect.arrayContaining(["deprivation.imd_average_rank", "deprivation.most_deprived_decile"]));
  });

  it("a fallback naming an unknown indicator, or another fallback, is refused by name", () => {
    const rank = deprivationIndicators.find((s) => s.id === "deprivation.income_average_rank")!;
    const { errors: e } = loadIndicators([{ ...rank, fallbackFor: "deprivation.nope" }, { ...rank, id: "deprivation.chained", fallbackFor: "deprivation.income_average_rank" }]);
    expect(e).toEqual([
      'invalid fallbackFor "deprivation.nope" in indicator deprivation.income_average_rank (expected the id of another indicator that is not itself a fallback)',
      'invalid fallbackFor "deprivation.income_average_rank" in indicator deprivation.chained (expected the id of another indicator that is not itself a fallback)',
    ]);
  });
});
