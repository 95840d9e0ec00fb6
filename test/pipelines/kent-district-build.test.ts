/**
 * A ward of a Kent district, built over the real samples as a new user would: a two-tier area
 * (Margate Central -> Thanet -> Kent county -> South East -> England). The config is written to a
 * temporary folder. Its police.uk glob is Medway's (`20*-kent-street*.csv`): one month covers all
 * of Kent, the other four are Medway-only extracts, which must give no values (not zeros) and a
 * warning. Then the WD19 and LSOA lookups, IoD Files 1, 2 and 6, Fingertips County & UA and the
 * free school meals time series. OHID and DfE publish for
 * Kent, not Thanet: the pack must show Kent's values as the county's, not drop them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import path from "node:path";
import Papa from "papaparse";
import type { BuildResult } from "../../pipelines/run-build.ts";
import { Warehouse } from "../../pipelines/core/warehouse.ts";
import { messages } from "../../pipelines/core/messages.ts";
import { parentComparators } from "../../transforms/compare.ts";
import { hasShared, realData, sharedSkipReason } from "../helpers/shared.ts";
import { buildWrittenConfig } from "../helpers/medway.ts";
import { MARGATE_CENTRAL, THANET, thanetCrimeAndPopulation, thanetGeography } from "../helpers/kent.ts";

const WARD = MARGATE_CENTRAL;
const KENT = "E10000016";

/** The config a new user writes for Margate Central (comparators include the county). */
const config = () => ({
  name: "Margate Central needs assessment (real public data, 2019)",
  parent: THANET,
  focus: [{ ward: WARD }],
  comparators: ["rest_of_parent", "parent", "county", "region", "country"],
  baseline: { period: "2018/19" },
  geography: thanetGeography(),
  sources: {
    ...thanetCrimeAndPopulation(),
    deprivation: {
      files: ["File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv", "File_2_-_IoD2019_Domains_of_Deprivation.kent-medway.csv", "File_6_-_IoD2019_Population_Denominators.kent-medway.csv"]
        .map((f) => realData("imd2019", f)),
    },
    health: { fingertips: [realData("fingertips", "indicators-CountyUA.data.csv")] },
    school: { fsm: [realData("dfe", "fsm_time_series.csv")] },
  },
});

describe.skipIf(!hasShared)(`a ward of a Kent district (two-tier) over the real samples${sharedSkipReason}`, () => {
  let result: BuildResult;
  let db: Warehouse;
  let wardHtml: string;
  let overviewHtml: string;
  beforeAll(async () => {
    const built = await buildWrittenConfig(config(), "margate-central.json", "localneeds-kent-");
    result = built.result;
    db = await Warehouse.open(result.warehouse);
    [wardHtml, overviewHtml] = [built.packHtml(WARD), built.packHtml(THANET)];
  }, 300_000);
  afterAll(() => db?.close());

  it("builds the two-tier hierarchy: Margate Central -> Thanet -> Kent (county) -> South East -> England", async () => {
    expect(await db.all(`SELECT area_code, area_type, parent_code FROM ref.areas WHERE area_code IN ($w, $t, $k, 'E12000008', 'E92000001') ORDER BY 1`, { w: WARD, t: THANET, k: KENT })).toEqual([
      { area_code: WARD, area_type: "ward", parent_code: THANET },
      { area_code: THANET, area_type: "authority", parent_code: KENT },
      { area_code: KENT, area_type: "county", parent_code: "E12000008" },
      { area_code: "E12000008", area_type: "region", parent_code: "E92000001" },
      { area_code: "E92000001", area_type: "country", parent_code: null },
    ]);
    const areas = await db.all<{ area_code: string; area_type: string; parent_code: string | null }>(`SELECT area_code, area_type, parent_code FROM ref.areas`);
    expect(parentComparators(areas, THANET, true)).toEqual({ county: KENT, region: "E12000008", country: "E92000001", missing: [] });
    expect(await db.all(`SELECT code FROM audit.warnings WHERE code IN ('comparator_unavailable', 'county_not_compared')`)).toEqual([]);
    expect(overviewHtml).toContain("County: Kent, the county Thanet is part of (the upper tier)");
  });

  it("keeps OHID's Fingertips value for Kent as the county's, as published", async () => {
    // The export's Kent row for 2017, All ages (FORMATS.md: Fingertips keeps County & UA areas only).
    const rows = Papa.parse<string[]>(readFileSync(realData("fingertips", "indicators-CountyUA.data.csv"), "utf8"), { skipEmptyLines: true }).data;
    const kent = rows.find((f) => f[4] === KENT && f[8] === "All ages" && f[11] === "2017" && f[9] === "")!;
    expect(await db.one(`SELECT area_type, numerator, denominator, value, lower95, upper95 FROM marts.indicator_values
      WHERE indicator_id = 'fingertips.93356' AND area_code = $k AND period_label = '2017' AND breakdown = 'all'`, { k: KENT })).toEqual({
      area_type: "county", numerator: Number(kent[17]), denominator: Number(kent[18]), value: Number(kent[12]), lower95: Number(kent[13]), upper95: Number(kent[14]),
    });
    expect(await db.one(`SELECT count(*)::INTEGER n FROM marts.indicator_values WHERE indicator_id = 'fingertips.93356' AND area_code IN ($t, $w)`, { t: THANET, w: WARD })).toEqual({ n: 0 });
  });

  it("keeps DfE's free school meals for Kent (LA 886), not for Thanet, which DfE does not publish", async () => {
    const rows = Papa.parse<string[]>(readFileSync(realData("dfe", "fsm_time_series.csv"), "utf8").replace(/^\uFEFF/, ""), { skipEmptyLines: true }).data;
    const kent = rows.find((f) => f[0] === "201819" && f[9] === KENT && f[10] === "Total")!;
    expect(await db.one(`SELECT area_type, numerator, denominator FROM marts.indicator_values WHERE indicator_id = 'school.fsm_eligible' AND area_code = $k AND period_label = '2018/19'`, { k: KENT }))
      .toEqual({ area_type: "county", numerator: Number(kent[11]), denominator: Number(kent[12]) });
  });

  it("holds crime, 9 deprivation indicators and the county's health and school values: 18 indicators with values", async () => {
    const ids = (await db.all<{ id: string }>(`SELECT DISTINCT indicator_id AS id FROM marts.indicator_values WHERE value IS NOT NULL ORDER BY 1`)).map((r) => r.id);
    expect(ids.filter((i) => i.startsWith("deprivation."))).toHaveLength(9);
    expect(ids.filter((i) => i.startsWith("crime.")).length).toBeGreaterThanOrEqual(7);
    expect(ids).toEqual(expect.arrayContaining(["fingertips.93356", "school.fsm_eligible", "deprivation.income_average_rank"]));
    expect(ids).toHaveLength(18);
    // The ward's crime is one month (2019-01, the only all-Kent month), on File 6's population.
    expect(await db.all(`SELECT DISTINCT period_label FROM marts.indicator_values WHERE indicator_id = 'crime.all_crime_rate' AND area_code = $w AND value IS NOT NULL`, { w: WARD })).toEqual([{ period_label: "2019-01" }]);
  });

  it("says that each Medway-only police.uk extract has no row in Thanet, and measures none of its months as zero", async () => {
    const w = await db.all<{ subject: string; message: string }>(`SELECT subject, message FROM audit.warnings WHERE code = 'crime_file_outside_build' ORDER BY 1`);
    expect(w.map((x) => path.basename(x.subject))).toEqual(["2018-10", "2018-11", "2018-12", "2019-02"].map((m) => `${m}-kent-street.medway-only.csv`));
    // Located rows: all rows of these extracts (FORMATS.md: 3,437 rows in 2018-10, all in Medway).
    expect(w[0]!.message).toBe(messages.crimeFileOutsideBuild(w[0]!.subject, 3437, "2018-10", [THANET]));
    expect(await db.one(`SELECT count(*)::INTEGER n FROM marts.indicator_values WHERE indicator_id LIKE 'crime.%' AND period_label IN ('2018-10', '2018-11', '2018-12', '2019-02') AND value IS NOT NULL`)).toEqual({ n: 0 });
    // Those months are withheld in Thanet with the reason (no territorial force's file places a crime there), not measured as zero.
    const withheld = await db.all<{ reason: string }>(`SELECT DISTINCT suppression_reason AS reason FROM marts.indicator_values WHERE indicator_id = 'crime.all_crime_rate' AND area_code = '${THANET}' AND period_label IN ('2018-10', '2018-11', '2018-12', '2019-02')`);
    expect(withheld.map((r) => r.reason).sort()).toEqual(["2018-10", "2018-11", "2018-12", "2019-02"].map((m) => messages.crimeMonthNoTerritorialForce(m, "Thanet")).sort());
    // Crimes elsewhere in Kent (and the Bexley, Bromley, Anglesey rows) are in the national lookup, in authorities not in this build: said so, not "outside the lookup".
    const other = await db.one<{ n: number }>(`SELECT sum(crimes)::INTEGER n FROM staging.crime_outside_lookup WHERE reason = 'authority not in this build'`);
    expect(other!.n).toBeGreaterThan(15_000);
    expect(wardHtml).toContain(`257 crimes had no location and 0 were in neighbourhoods outside the geography lookup, and ${other!.n.toLocaleString("en-GB")} in neighbourhoods of authorities not in this build`);
  });

  it("shows the county's values in the health and school pages of both packs, labelled as Kent's, and never says they are missing", () => {
    for (const html of [wardHtml, overviewHtml]) {
      for (const [id, fig] of [["health", "fig-fingertips-93356-published"], ["school", "fig-school-fsm-eligible-published"]]) {
        const start = html.indexOf(`<section class="page" id="${id}"`);
        expect(start, id).toBeGreaterThan(0);
        const section = html.slice(start, html.indexOf("</section>", start));
        expect(section).toContain("1 indicator is published for Kent only, the county Thanet is part of, not for Thanet");
        expect(section).toContain(`id="${fig}"`);
        expect(section).toContain("Kent (county), South East and England");
      }
      expect(html).not.toContain("Configured, but with no values");
      expect(html).not.toContain("none for Thanet or its wards");
    }
    expect(wardHtml).toMatch(/<br>\d+ headlines · 16 indicators · /);
    // Thanet's own indicators (crime, deprivation) have no England figure beside them: the overview says so, not "none is worse".
    expect(overviewHtml).toContain(messages.noPriorities("Thanet", "England", 0));
    expect(messages.noPriorities("Thanet", "England", 0)).toBe("No indicator of Thanet is compared with England in this build (no source gives both figures), so none is ranked as a priority.");
  });
});
