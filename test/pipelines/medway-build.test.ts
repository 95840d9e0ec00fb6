/**
 * End-to-end over the real public samples: `pipelines/configs/medway-2019.json` (Luton and
 * Wayfield, WD19) built in place, its warehouse and pack written to a temporary folder (the
 * run's shared Medway build, `sharedMedway()`).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import Papa from "papaparse";
import { messages } from "../../pipelines/core/messages.ts";
import { Warehouse } from "../../pipelines/core/warehouse.ts";
import { hasShared, realData, sharedSkipReason } from "../helpers/shared.ts";
import { chartPrintProblems } from "../helpers/print-checks.ts";
import { periodExposures } from "../helpers/period-disclosure.ts";
import { MEDWAY_CONFIG, sharedMedway, type SharedMedwayRecord } from "../helpers/medway.ts";

const WARD = "E05002255";
const MEDWAY = "E06000035";

describe.skipIf(!hasShared)(`Medway 2019 build over the real samples${sharedSkipReason}`, () => {
  let result: SharedMedwayRecord;
  let db: Warehouse;
  beforeAll(async () => {
    result = await sharedMedway();
    db = await Warehouse.open(result.warehouse, { readOnly: true });
  }, 300_000);
  afterAll(() => db?.close());

  it("reconciles every input file: rows read = loaded + rejected, and PROVENANCE.md counts", async () => {
    const loads = await db.all<{ path: string; r: number; l: number; j: number }>(`SELECT path, rows_read::INTEGER r, rows_loaded::INTEGER l, rows_rejected::INTEGER j FROM audit.loads`);
    for (const x of loads) expect(x.r, x.path).toBe(x.l + x.j);
    const rejects = await db.all<{ path: string; n: number }>(`SELECT path, count(*)::INTEGER n FROM audit.rejects GROUP BY 1`);
    for (const r of rejects) expect(loads.find((l) => l.path === r.path)!.j).toBe(r.n);
    const read = Object.fromEntries(loads.map((l) => [path.basename(l.path), l.r]));
    expect(read).toMatchObject({
      "2018-10-kent-street.medway-only.csv": 3437, "2018-11-kent-street.medway-only.csv": 2401, "2018-12-kent-street.medway-only.csv": 1325,
      "2019-01-kent-street.csv": 17792, "2019-02-kent-street.medway-only.csv": 2828, "LSOA11_to_WD19_LAD19_EW_lookup.csv": 34753,
      "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv": 32844, "File_6_-_IoD2019_Population_Denominators.kent-medway.csv": 1065,
      "indicators-CountyUA.data.csv": 852,
    });
    expect(loads.filter((l) => path.basename(l.path) === "File_6_-_IoD2019_Population_Denominators.kent-medway.csv")).toHaveLength(1);
  });

  it("leaves no suppressed value that its series' other periods give back (December 2018 burglary: not the quarter less October and November)", async () => {
    const { exposed, checked } = await periodExposures(db);
    expect(exposed).toEqual([]);
    expect(checked).toBeGreaterThan(50);
  });

  it("measures Luton and Wayfield's crime by month against Medway on the File 6 population", async () => {
    const rows = await db.all<{ area_code: string; period_label: string; numerator: number; denominator: number; value: number }>(
      `SELECT area_code, period_label, numerator, denominator, value FROM marts.indicator_values
       WHERE indicator_id = 'crime.all_crime_rate' AND period_type = 'month' AND area_code IN ($w, $m) AND breakdown = 'all' ORDER BY period_label, area_code`,
      { w: WARD, m: MEDWAY },
    );
    expect(rows.map((r) => r.period_label)).toEqual(["2018-10", "2018-10", "2018-11", "2018-11", "2018-12", "2018-12", "2019-01", "2019-01", "2019-02", "2019-02"]);
    const ward = rows.filter((r) => r.area_code === WARD);
    const medway = rows.filter((r) => r.area_code === MEDWAY);
    expect(ward.map((r) => r.numerator)).toEqual([225, 188, 74, 195, 155]);
    expect(medway.map((r) => r.numerator)).toEqual([3437, 2401, 1325, 3025, 2828]);
    for (const r of ward) expect(r.denominator).toBe(15189);
    expect(ward[0]!.value).toBeCloseTo((225 / 15189) * 1000, 10);
    // No financial year is complete with 5 months: the pack falls back to months.
    expect(await db.one(`SELECT count(*)::INTEGER n FROM marts.indicator_values WHERE indicator_id LIKE 'crime.%' AND period_type = 'financial_year'`)).toEqual({ n: 0 });
    const cmp = await db.all<{ comparator_kind: string }>(
      `SELECT DISTINCT comparator_kind FROM marts.indicator_comparisons WHERE area_code = $w AND indicator_id = 'crime.all_crime_rate' ORDER BY 1`, { w: WARD },
    );
    expect(cmp.map((c) => c.comparator_kind)).toEqual(expect.arrayContaining(["parent", "rest_of_parent"]));
  });

  it("prints every chart of the real packs 1:1 within the text width, no text under 7.5 pt (real names and counts are wider than the demo's)", () => {
    expect(result.packDirs).toHaveLength(2);
    for (const dir of result.packDirs) expect(chartPrintProblems(dir), path.basename(dir)).toEqual([]);
  });

  it("builds the WD19 hierarchy: Luton and Wayfield -> Medway -> South East -> England", async () => {
    const up = await db.all(`SELECT area_code, parent_code FROM ref.areas WHERE area_code IN ($w, $m, 'E12000008') ORDER BY 1`, { w: WARD, m: MEDWAY });
    expect(up).toEqual([
      { area_code: WARD, parent_code: MEDWAY }, { area_code: MEDWAY, parent_code: "E12000008" }, { area_code: "E12000008", parent_code: "E92000001" },
    ]);
    expect(await db.one(`SELECT count(*)::INTEGER n FROM ref.areas WHERE area_type = 'ward'`)).toEqual({ n: 22 });
  });

  it("has the December 2018 anomaly in audit.warnings, and the pack shows it", async () => {
    const w = await db.all(`SELECT subject, message FROM audit.warnings WHERE code = 'crime_anomalous_month'`);
    expect(w).toEqual([{ subject: "2018-12", message: messages.anomalousMonth("police.uk street crime", "2018-12", 1325, 2828) }]);
    const pack = result.packDirs.find((d) => path.basename(d).startsWith(WARD))!;
    const html = readFileSync(path.join(pack, "index.html"), "utf8");
    expect(html).toContain("2018-12 has 1325 rows");
    // The crime trends mark that month too, as the chart of crimes by month does (orange dotted rule).
    const spec = JSON.parse(readFileSync(path.join(pack, "charts", "crime-trends.vl.json"), "utf8")) as { data: { values: { panel: string; flagged?: boolean; period: string }[] } };
    const flagged = spec.data.values.filter((v) => v.flagged);
    expect(new Set(flagged.map((v) => v.period))).toEqual(new Set(["2018-12"]));
    expect(new Set(flagged.map((v) => v.panel)).size).toBeGreaterThan(3);
  });

  it("stages deprivation from IMD 2019 (ranks and deciles, no scores) with ward summaries", async () => {
    expect(await db.one(`SELECT count(*)::INTEGER n, count(imd_score)::INTEGER s FROM staging.deprivation_lsoa`)).toEqual({ n: 32844, s: 0 });
    const s = await db.one<{ population: number; most_deprived_decile_share: number }>(
      `SELECT population, most_deprived_decile_share FROM staging.deprivation_summary WHERE area_code = $w AND domain = 'imd'`, { w: WARD },
    );
    expect(s!.population).toBe(15189);
    expect(s!.most_deprived_decile_share).toBeGreaterThan(0);
  });

  it("measures the IMD average rank from File 1's ranks: the population-weighted mean of the ward's LSOA ranks", async () => {
    // Independently of the warehouse: the ward's LSOAs from the lookup, ranks from File 1, populations from File 6.
    const rowsOf = (file: string) =>
      Papa.parse<string[]>(readFileSync(realData(...file.split("/")), "utf8").replace(/^\uFEFF/, ""), { skipEmptyLines: true }).data.slice(1);
    const lsoas = rowsOf("ons_geography/LSOA11_to_WD19_LAD19_EW_lookup.csv").filter((f) => f[3] === WARD).map((f) => f[1]!);
    expect(lsoas).toHaveLength(9);
    const field = (file: string, col: number) => new Map(rowsOf(file).map((f) => [f[0]!, Number(f[col]!.replace(/,/g, ""))]));
    const rank = field("imd2019/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv", 4);
    const pop = field("imd2019/File_6_-_IoD2019_Population_Denominators.kent-medway.csv", 4);
    const expected = lsoas.reduce((a, l) => a + rank.get(l)! * pop.get(l)!, 0) / lsoas.reduce((a, l) => a + pop.get(l)!, 0);
    const v = await db.one<{ value: number }>(`SELECT value FROM marts.indicator_values WHERE indicator_id = 'deprivation.imd_average_rank' AND area_code = $w`, { w: WARD });
    expect(v!.value).toBeCloseTo(expected, 6);
    // And each LSOA of Medway has its own rank as its value.
    const l = await db.one<{ value: number }>(`SELECT value FROM marts.indicator_values WHERE indicator_id = 'deprivation.imd_average_rank' AND area_code = $l`, { l: lsoas[0]! });
    expect(l!.value).toBe(rank.get(lsoas[0]!));
  });

  it("gives each of the 7 IoD domains its average rank from File 2's ranks (no scores file), and no score indicator", async () => {
    // Independently of the warehouse: File 2's rank columns (IMD first, then the 7 domains, rank and decile each), File 6's populations.
    const rowsOf = (file: string) =>
      Papa.parse<string[]>(readFileSync(realData(...file.split("/")), "utf8").replace(/^\uFEFF/, ""), { skipEmptyLines: true }).data.slice(1);
    const lsoas = rowsOf("ons_geography/LSOA11_to_WD19_LAD19_EW_lookup.csv").filter((f) => f[3] === WARD).map((f) => f[1]!);
    const pop = new Map(rowsOf("imd2019/File_6_-_IoD2019_Population_Denominators.kent-medway.csv").map((f) => [f[0]!, Number(f[4]!.replace(/,/g, ""))]));
    const file2 = new Map(rowsOf("imd2019/File_2_-_IoD2019_Domains_of_Deprivation.kent-medway.csv").map((f) => [f[0]!, f]));
    const domains = ["income", "employment", "education", "health", "crime", "barriers", "living_environment"];
    const values = new Map((await db.all<{ indicator_id: string; value: number }>(
      `SELECT indicator_id, value FROM marts.indicator_values WHERE area_code = $w AND indicator_id LIKE 'deprivation.%'`, { w: WARD })).map((r) => [r.indicator_id, r.value]));
    for (const [i, d] of domains.entries()) {
      const col = 6 + 2 * i;
      const expected = lsoas.reduce((a, l) => a + Number(file2.get(l)![col]) * pop.get(l)!, 0) / lsoas.reduce((a, l) => a + pop.get(l)!, 0);
      expect(values.get(`deprivation.${d}_average_rank`), d).toBeCloseTo(expected, 6);
      expect(values.has(`deprivation.${d}_score`), d).toBe(false);
    }
    // 9 deprivation indicators: the IMD's average rank and most-deprived-decile share, and one per domain.
    expect(values.size).toBe(9);
    const ranks = result.indicators.filter((ind) => ind.id.endsWith("_average_rank") && ind.fallbackFor);
    expect(ranks.map((r) => r.fallbackFor).sort()).toEqual(domains.map((d) => `deprivation.${d}_score`).sort());
    const section = (html: string) => html.slice(html.indexOf('<section class="page" id="deprivation"'), html.indexOf("</section>", html.indexOf('<section class="page" id="deprivation"')));
    const ward = section(readFileSync(path.join(result.packDirs.find((d) => path.basename(d).startsWith(WARD))!, "index.html"), "utf8"));
    expect(ward).toContain("Income deprivation: average rank of the area&#39;s neighbourhoods (population-weighted)");
    expect(ward).toContain("9 indicators in this section");
  });

  it("builds the need index from every domain with ward values: crime on its headline period (no financial year in 5 months: the latest month, or the quarter where most wards' months are suppressed) and deprivation", async () => {
    expect(await db.all(`SELECT domain, count(DISTINCT indicator_id)::INTEGER n, string_agg(DISTINCT period_label, ',' ORDER BY period_label) p FROM marts.need_index_components GROUP BY 1 ORDER BY 1`)).toEqual([
      // Deprivation: the 9 less the share in the most deprived 10%, a context measure (not judged, so not in the index).
      { domain: "crime", n: 7, p: "2018-Q4,2019-02" }, { domain: "deprivation", n: 8, p: "IoD2019" },
    ]);
  });

  it("tiers the config's five localities on the wards' need scale: Luton and Wayfield's Chatham second, none managed", async () => {
    const config = JSON.parse(readFileSync(MEDWAY_CONFIG, "utf8")) as { localities: { locality: string; wards: string[] }[] };
    expect(config.localities.map((l) => l.locality).sort()).toEqual(["LOC-CHATHAM", "LOC-GILLINGHAM", "LOC-RAINHAM", "LOC-ROCHESTER", "LOC-STROOD"]);
    expect(config.localities.find((l) => l.wards.includes(WARD))?.locality).toBe("LOC-CHATHAM");
    const rows = await db.all<{ area_code: string; area_name: string; wards: number; score: number; rank: number; tier: string; indicators_used: number; ward_rank: number }>(
      `SELECT area_code, area_name, wards, score, rank, tier, indicators_used, ward_rank FROM marts.need_index_localities ORDER BY rank`);
    expect(rows.map((r) => [r.area_code, r.area_name, r.wards, r.rank, r.tier, r.ward_rank])).toEqual([
      ["LOC-GILLINGHAM", "Gillingham", 6, 1, "co-ordinated", 6],
      ["LOC-CHATHAM", "Chatham", 5, 2, "co-ordinated", 9],
      ["LOC-ROCHESTER", "Rochester", 3, 3, "co-ordinated", 10],
      ["LOC-STROOD", "Strood and rural Medway", 5, 4, "co-ordinated", 11],
      ["LOC-RAINHAM", "Rainham", 3, 5, "co-ordinated", 20],
    ]);
    // The wards' scale: a locality's ward rank counts the wards scoring higher, and it would be
    // managed only at the least needy managed ward's score (Luton and Wayfield, 0.64).
    const wards = await db.all<{ area_code: string; score: number; tier: string }>(`SELECT area_code, score, tier FROM marts.need_index`);
    expect(wards).toHaveLength(22);
    const leastManaged = Math.min(...wards.filter((w) => w.tier === "managed").map((w) => w.score));
    expect(wards.find((w) => w.score === leastManaged)!.area_code).toBe(WARD);
    for (const r of rows) {
      expect(r.ward_rank, r.area_code).toBe(1 + wards.filter((w) => w.score > r.score).length);
      expect(r.score < leastManaged, r.area_code).toBe(true);
      // Seven crime rates (the latest month, or the quarter) and eight deprivation ranks.
      expect(r.indicators_used, r.area_code).toBe(15);
    }
    // Each locality's wards are its members: their LSOAs, every one of Medway's 22 wards in one locality.
    const members = await db.all<{ area_code: string; n: number }>(
      `SELECT m.area_code, count(DISTINCT w.area_code)::INTEGER n FROM ref.area_members m JOIN ref.area_members w ON w.lsoa_code = m.lsoa_code AND w.area_type = 'ward'
       WHERE m.area_type = 'locality' GROUP BY 1 ORDER BY 1`);
    expect(members).toEqual(config.localities.map((l) => ({ area_code: l.locality, n: l.wards.length })).sort((a, b) => a.area_code.localeCompare(b.area_code)));
    expect(members.reduce((a, m) => a + m.n, 0)).toBe(22);
  });

  it("tracks the configured outcomes from 2018/19: free school meals for Medway to 2020/21 against its target; crime has no financial year to track", async () => {
    const config = JSON.parse(readFileSync(MEDWAY_CONFIG, "utf8")) as { outcomes: { indicator: string }[] };
    expect(config.outcomes.map((o) => o.indicator)).toEqual(["crime.violence_rate", "school.fsm_eligible"]);
    const rows = await db.all<Record<string, unknown>>(
      `SELECT indicator_id, area_code, period_type, baseline_period, baseline_value, latest_period, latest_value, change, significant, direction,
              target_description, target_value, target_period, target_met FROM marts.outcomes ORDER BY indicator_id, area_code`);
    // Medway, Total phase: 6,388 of 46,374 in 2018/19, 9,210 of 47,539 in 2020/21 (the EES time series); no ward has school rows.
    const base = (6388 / 46374) * 100;
    const latest = (9210 / 47539) * 100;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      indicator_id: "school.fsm_eligible", area_code: MEDWAY, period_type: "academic_year", baseline_period: "2018/19", latest_period: "2020/21",
      significant: true, direction: "increased", target_description: "5% lower than the baseline by 2022/23", target_period: "2022/23", target_met: false,
    });
    expect(rows[0]!.baseline_value as number).toBeCloseTo(base, 9);
    expect(rows[0]!.latest_value as number).toBeCloseTo(latest, 9);
    expect(rows[0]!.change as number).toBeCloseTo(latest - base, 9);
    expect(rows[0]!.target_value as number).toBeCloseTo(base * 0.95, 9);
    // crime.violence_rate is tracked on its headline period, the financial year: 5 months make none, so no row yet.
    expect(rows.some((r) => r.indicator_id === "crime.violence_rate")).toBe(false);
    // The overview pack charts the trajectory; the ward's pack says it has none.
    const html = (code: string) => readFileSync(path.join(result.packDirs.find((d) => path.basename(d).startsWith(code))!, "index.html"), "utf8");
    expect(html(MEDWAY)).toContain('<figure id="fig-outcome-trajectories"');
    expect(html(MEDWAY)).toContain("Free school meals: baseline 13.8% in 2018/19, latest 19.4% in 2020/21 (increased); target 13.1% by 2022/23.");
    expect(html(WARD)).not.toContain('id="fig-outcome-trajectories"');
    // ... and why: free school meals are published for the authority only; crime has no financial year yet (a warning says so).
    expect(html(WARD)).toContain("The outcomes framework is configured, but no tracked indicator has a value for Luton and Wayfield in the baseline period 2018/19: " +
      "violence and sexual offences has no value in the baseline period for any area (see the data-quality warnings); free school meals is tracked for Medway only.");
    const warned = await db.all<{ subject: string; message: string }>(`SELECT subject, message FROM audit.warnings WHERE code = 'outcome_no_baseline'`);
    expect(warned.map((w) => w.subject)).toEqual(["crime.violence_rate"]);
    expect(warned[0]!.message).toContain("no area has a financial year value for the baseline 2018/19");
  });

  it("measures free school meals for Medway, the South East and England as the EES time series publishes them", async () => {
    const rows = await db.all<{ area_code: string; area_type: string; numerator: number; denominator: number }>(
      `SELECT area_code, area_type, numerator, denominator FROM marts.indicator_values WHERE indicator_id = 'school.fsm_eligible' AND period_label = '2018/19' ORDER BY area_code`);
    // Medway, Total phase, 2018/19: 6,388 of 46,374 (FORMATS.md section 8); no school rows, so no ward value.
    expect(rows.find((r) => r.area_code === MEDWAY)).toEqual({ area_code: MEDWAY, area_type: "authority", numerator: 6388, denominator: 46374 });
    expect(rows.map((r) => r.area_type).sort()).toEqual(["authority", "country", "region"]);
    const cmp = await db.all<{ comparator_code: string; outcome: string }>(
      `SELECT comparator_code, outcome FROM marts.indicator_comparisons WHERE indicator_id = 'school.fsm_eligible' AND area_code = $m AND period_label = '2018/19' AND level = '95' ORDER BY 1`, { m: MEDWAY });
    expect(cmp.map((c) => c.comparator_code)).toEqual(["E12000008", "E92000001"]);
  });

  it("says under an indicator published for Medway only that it has no ward figures (no empty heading)", () => {
    const overview = result.packDirs.find((d) => path.basename(d).startsWith(MEDWAY))!;
    const html = readFileSync(path.join(overview, "index.html"), "utf8");
    expect(html).toMatch(/<div class="keep"><h3 id="school-school-fsm-eligible">Pupils known to be eligible for free school meals<\/h3><p class="missing">Not published by ward: the source gives Medway&#39;s figure/);
    expect(html).toContain("none is published by ward, so wards are not compared with Medway");
  });

  it("calls Medway (a unitary authority) an authority, not a borough: the overview's title, its comparator column and the rest of it", () => {
    const overview = readFileSync(path.join(result.packDirs.find((d) => path.basename(d).startsWith(MEDWAY))!, "index.html"), "utf8");
    expect(overview).toContain("Authority overview: all wards of Medway (E06000035)");
    // The config is named for the focus ward's assessment: the overview's cover says it is part of it, not it.
    expect(overview).toContain('<p class="subtitle">Every ward of Medway compared; part of Luton and Wayfield needs assessment (real public data, 2018/19)');
    const ward = readFileSync(path.join(result.packDirs.find((d) => !path.basename(d).startsWith(MEDWAY))!, "index.html"), "utf8");
    expect(ward).toContain("Rest of authority: Medway without the focus area");
    expect(`${overview}${ward}`).not.toMatch(/[Bb]orough overview|Rest of borough/);
    // The glance table's one-word periods do not break at their hyphen in print ("2018-" over "Q4").
    expect(ward).toContain('<td class="period">2018-Q4</td>');
  });

  it("holds Fingertips indicator 93356 for Medway as OHID published it, compared with the export's South East and England", async () => {
    expect(result.indicators.find((i) => i.id === "fingertips.93356")).toMatchObject({ method: "published", polarity: "low_is_good", periods: ["calendar_year"] });
    expect(await db.all(`SELECT period_label, numerator, denominator, value, lower95, upper95, method FROM marts.indicator_values
      WHERE indicator_id = 'fingertips.93356' AND area_code = $m AND breakdown = 'all' ORDER BY 1`, { m: MEDWAY })).toEqual([
      { period_label: "2015", numerator: 198, denominator: 276492, value: 71.6114751963891, lower95: 61.9836668089318, upper95: 82.3110086030816, method: "crude rate, as published by OHID" },
      { period_label: "2016", numerator: 237, denominator: 278542, value: 85.0859116398963, lower95: 74.5972829030477, upper95: 96.6362646059932, method: "crude rate, as published by OHID" },
      { period_label: "2017", numerator: 265, denominator: 278542, value: 95.1382556311077, lower95: 84.0273815429801, upper95: 107.309635973846, method: "crude rate, as published by OHID" },
    ]);
    expect(await db.all(`SELECT comparator_code, outcome FROM marts.indicator_comparisons
      WHERE indicator_id = 'fingertips.93356' AND area_code = $m AND period_label = '2017' AND breakdown = 'all' AND level = '95' ORDER BY 1`, { m: MEDWAY })).toEqual([
      { comparator_code: "E12000008", outcome: "better" }, { comparator_code: "E92000001", outcome: "similar" },
    ]);
  });

  it("shows 93356 in the health section of both packs: beside the South East and England in the ward's, with its trend in the overview", () => {
    const section = (dir: string) => {
      const html = readFileSync(path.join(dir, "index.html"), "utf8");
      return html.slice(html.indexOf('<section class="page" id="health"'), html.indexOf('<section class="page" id="school"'));
    };
    const ward = section(result.packDirs.find((d) => path.basename(d).startsWith(WARD))!);
    expect(ward).toContain('<h3 id="health-fingertips-93356">Campylobacter incidence rate per 100,000 (as published by OHID)</h3>');
    expect(ward).toContain("1 indicator is published for Medway only, not for Luton and Wayfield");
    expect(ward).toMatch(/Campylobacter incidence \(OHID\), 2017: Medway, South East and England[^<]*Medway: 95\.1 per 100,000 \(95% confidence interval 84\.0 to 107\.3\)/);
    expect(ward).not.toContain("No values for Luton and Wayfield");
    const overview = section(result.packDirs.find((d) => path.basename(d).startsWith(MEDWAY))!);
    expect(overview).toContain('id="fig-health-trends"');
    expect(overview).toContain('id="fig-fingertips-93356-published"');
  });

  it("names the population it used in its source lines: IoD File 6 denominators, never ONS estimates it did not load", () => {
    for (const dir of result.packDirs) {
      const manifest = JSON.parse(readFileSync(path.join(dir, "manifest.json"), "utf8")) as { indicators: { id: string; source: string }[]; charts: { id: string; source: string }[] };
      const source = (id: string) => manifest.indicators.find((i) => i.id === id)?.source;
      expect(source("crime.all_crime_rate")).toBe("police.uk street-level crime; IoD File 6 population denominators (excluding prisoners)");
      expect(source("deprivation.imd_average_rank")).toBe("English Indices of Deprivation (File 1 ranks); IoD File 6 population denominators (excluding prisoners)");
      const rates = manifest.charts.filter((c) => /^crime-(by-type|all-crime-rate)/.test(c.id));
      expect(rates.length).toBeGreaterThanOrEqual(2);
      for (const c of rates) expect(c.source, c.id).toMatch(/^police\.uk street-level crime; IoD File 6 population denominators \(excluding prisoners\)\. /);
      for (const c of manifest.charts) expect(c.source, c.id).not.toContain("ONS population estimates");
      const html = readFileSync(path.join(dir, "index.html"), "utf8");
      expect(html).not.toContain("ONS population estimates");
      expect(html).toContain("IoD File 6 population denominators (excluding prisoners)");
    }
  });

  it("defines and cites only the indicators it has values of: no survey, complaints, Nomis or fuel poverty in a build without them", async () => {
    const withValues = new Set((await db.all<{ id: string }>(`SELECT DISTINCT indicator_id AS id FROM marts.indicator_values`)).map((r) => r.id));
    for (const dir of result.packDirs) {
      const manifest = JSON.parse(readFileSync(path.join(dir, "manifest.json"), "utf8")) as { indicators: { id: string; source: string }[] };
      expect(manifest.indicators.map((i) => i.id).filter((id) => !withValues.has(id)), dir).toEqual([]);
      expect(manifest.indicators.map((i) => i.id), dir).toContain("crime.all_crime_rate");
      const html = readFileSync(path.join(dir, "index.html"), "utf8");
      const sources = html.slice(html.indexOf("Sources of the indicators"), html.indexOf("Input files"));
      expect(sources).toContain("police.uk street-level crime");
      for (const absent of ["Residents survey", "Council CRM export", "Nomis", "fuel poverty", "health visiting", "Locally held counts"]) expect(sources, `${dir}: ${absent}`).not.toContain(absent);
    }
  });

  it("the overview's every-ward tables leave out indicators published for Medway only: they get a table of Medway and England, not a column of dashes", () => {
    const dir = result.packDirs.find((d) => path.basename(d).startsWith(MEDWAY))!;
    const html = readFileSync(path.join(dir, "index.html"), "utf8");
    const glance = html.slice(html.indexOf('<section class="page" id="glance"'), html.indexOf("</section>", html.indexOf('<section class="page" id="glance"')));
    const captions = [...glance.matchAll(/<caption>([^<]*)<\/caption>/g)].map((m) => m[1]!);
    // Campylobacter (OHID, county figures) and free school meals (DfE, authority figures) have no ward value here.
    expect(captions).toContain("Health and wellbeing: published for Medway and England only, not by ward (latest value).");
    expect(captions.some((c) => c.startsWith("Health and wellbeing: every ward"))).toBe(false);
    expect(captions.some((c) => c.startsWith("Crime and community safety: every ward"))).toBe(true);
    // Every ward table has a value in each of its columns for at least one ward.
    for (const table of glance.split("<table").slice(1)) {
      if (!table.includes("every ward")) continue;
      const rows = [...table.matchAll(/<tr class="">([\s\S]*?)<\/tr>/g)].map((m) => [...m[1]!.matchAll(/<td class="num">([^<]*)/g)].map((c) => c[1]!.trim()));
      const columns = rows[0]?.length ?? 0;
      for (let j = 0; j < columns; j++) expect(rows.some((r) => r[j] !== "–" && r[j] !== ""), `${table.slice(0, 120)} column ${j}`).toBe(true);
    }
  });

  it("writes a real (not synthetic) pack with its manifest", () => {
    const pack = result.packDirs.find((d) => path.basename(d).startsWith(WARD))!;
    expect(existsSync(path.join(pack, "index.html"))).toBe(true);
    const manifest = JSON.parse(readFileSync(path.join(pack, "manifest.json"), "utf8"));
    for (const i of manifest.inputs) expect(i.rows_read).toBe(i.rows_loaded + i.rows_rejected);
    const html = readFileSync(path.join(pack, "index.html"), "utf8");
    expect(html).not.toMatch(/Synthetic demo data/);
  });
});
