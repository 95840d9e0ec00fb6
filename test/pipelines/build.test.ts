/**
 * End-to-end: the demo builds, the warehouse keeps its contract and the pack is complete. That a
 * rebuild over the warehouse gives the same numbers is checked by the refresh tests, whose first
 * build is that rebuild (test/pipelines/refresh/refresh.test.ts).
 */
import { beforeAll, afterAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Warehouse } from "../../pipelines/core/warehouse.ts";
import { sharedDemo, type SharedDemo } from "../helpers/demo-build.ts";
import { periodExposures } from "../helpers/period-disclosure.ts";
import { messages } from "../../pipelines/core/messages.ts";
import { DSR_METHOD } from "../../transforms/indicators/measure.ts";
import { directlyStandardisedRate, ESP2013_BANDS } from "../../transforms/stats/index.ts";
import { CONTEXT_NOTE, DOMAINS } from "../../transforms/indicators/define.ts";

let built: SharedDemo;
let db: Warehouse;
const FOCUS = "Z05000007";

beforeAll(async () => {
  built = await sharedDemo();
  db = await Warehouse.open(built.warehouse, { readOnly: true });
}, 900_000);
afterAll(() => db?.close());

const columnsOf = async (schema: string, table: string) =>
  (await db.all<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns WHERE table_schema = $s AND table_name = $t ORDER BY ordinal_position`,
    { s: schema, t: table },
  )).map((r) => r.column_name);

describe("demo build", () => {
  it("prints one line per stage, numbered 1 to 6", () => {
    const stageLines = built.logLines.filter((l) => /^[1-6] /.test(l));
    expect(stageLines.map((l) => l.split(" ")[0])).toEqual(["1", "2", "3", "4", "5", "6"]);
    expect(stageLines[0]).toMatch(/^1 load: \d+ files, [\d,]+ rows read/);
  });

  it("keeps the documented warehouse contract", async () => {
    expect(await columnsOf("ref", "areas")).toEqual(["area_code", "area_name", "area_type", "parent_code", "vintage"]);
    expect(await columnsOf("marts", "indicator_values")).toEqual([
      "indicator_id", "area_code", "area_type", "period_type", "period_label", "period_start", "period_end", "breakdown",
      "numerator", "denominator", "value", "lower95", "upper95", "lower998", "upper998", "method", "is_suppressed", "suppression_reason",
    ]);
    expect(await columnsOf("marts", "indicator_comparisons")).toEqual([
      "indicator_id", "area_code", "period_label", "breakdown", "comparator_code", "comparator_kind", "comparator_value", "outcome", "level", "method",
    ]);
    expect(await columnsOf("audit", "loads")).toEqual(["source", "path", "sha256", "bytes", "raw_table", "rows_read", "rows_loaded", "rows_rejected", "loaded_at"]);
    expect(await columnsOf("audit", "rejects")).toEqual(["source", "path", "line", "column", "reason", "raw_line"]);
  });

  it("names and explains every indicator of the values in ref.indicators, catalogue and Fingertips alike", async () => {
    const orphans = await db.all(`SELECT DISTINCT indicator_id FROM marts.indicator_values WHERE indicator_id NOT IN (SELECT indicator_id FROM ref.indicators)`);
    expect(orphans).toEqual([]);
    const rows = await db.all<{ indicator_id: string; domain: string; title: string; unit: string; method: string; polarity: string; period_types: string; source: string; value_rows: number; n: number }>(
      `SELECT i.*, (SELECT count(*)::INTEGER FROM marts.indicator_values v WHERE v.indicator_id = i.indicator_id) AS n FROM ref.indicators i ORDER BY indicator_id`);
    expect(new Set(rows.map((r) => r.indicator_id)).size).toBe(rows.length);
    for (const r of rows) {
      expect(r.value_rows, r.indicator_id).toBe(r.n);
      expect(r.title && r.unit && r.source && r.period_types, r.indicator_id).toBeTruthy();
      expect(["high_is_good", "low_is_good", "no_judgement"], r.indicator_id).toContain(r.polarity);
      expect(DOMAINS, r.indicator_id).toContain(r.domain);
    }
    // The catalogue's and the Fingertips export's indicators, each as the build knows it.
    const violence = rows.find((r) => r.indicator_id === "crime.violence_rate")!;
    expect(violence).toMatchObject({ method: "rate", polarity: "low_is_good", unit: "per 1,000" });
    expect(violence.value_rows).toBeGreaterThan(0);
    const fingertips = rows.filter((r) => r.indicator_id.startsWith("fingertips.") && r.value_rows > 0);
    expect(fingertips.length).toBeGreaterThan(0);
    for (const r of fingertips) expect(r, r.indicator_id).toMatchObject({ method: "published", domain: "health" });
  });

  it("accounts for every row of every input file", async () => {
    const loads = await db.all<{ path: string; r: number; l: number; j: number }>(
      `SELECT path, rows_read::INTEGER r, rows_loaded::INTEGER l, rows_rejected::INTEGER j FROM audit.loads`,
    );
    expect(loads.length).toBeGreaterThan(40);
    for (const x of loads) expect(x.r, x.path).toBe(x.l + x.j);
    const rejects = await db.all<{ path: string; n: number }>(`SELECT path, count(*)::INTEGER n FROM audit.rejects GROUP BY 1`);
    for (const r of rejects) expect(loads.find((l) => l.path === r.path)!.j).toBe(r.n);
  });

  it("builds the area hierarchy from the lookups", async () => {
    const types = await db.all<{ area_type: string; n: number }>(`SELECT area_type, count(*)::INTEGER n FROM ref.areas GROUP BY 1 ORDER BY 1`);
    const n = Object.fromEntries(types.map((t) => [t.area_type, t.n]));
    expect(n).toMatchObject({ lsoa: 120, ward: 20, authority: 1, region: 1, country: 1, rest_of_authority: 1 });
  });

  it("measures at least one indicator per domain for the focus ward, with both interval levels", async () => {
    const rows = await db.all<{ domain: string; n: number }>(
      `SELECT replace(split_part(indicator_id, '.', 1), 'fingertips', 'health') AS domain, count(*)::INTEGER n FROM marts.indicator_values
       WHERE area_code = $f AND NOT is_suppressed AND lower95 IS NOT NULL AND upper95 IS NOT NULL AND lower998 IS NOT NULL AND upper998 IS NOT NULL
       GROUP BY 1 ORDER BY 1`,
      { f: FOCUS },
    );
    // Fingertips indicators (`fingertips.<ID>`) are health's. Deprivation has no interval: every
    // one of its indicators is census-style (a score or a count of the whole population).
    expect(rows.map((r) => r.domain)).toEqual(["complaints", "crime", "economy", "health", "school", "survey"]);
  });

  it("has no NaN or infinity, limits around values, and a reason for every missing interval", async () => {
    const bad = await db.one<{ n: number }>(`SELECT count(*)::INTEGER n FROM marts.indicator_values
      WHERE isnan(value) OR isinf(value) OR isnan(lower95) OR isinf(upper95) OR isnan(lower998) OR isinf(upper998)
         OR lower95 > value OR upper95 < value OR lower998 > lower95 OR upper998 < upper95`);
    expect(bad!.n).toBe(0);
    const unexplained = await db.one<{ n: number }>(`SELECT count(*)::INTEGER n FROM marts.indicator_values
      WHERE (lower95 IS NULL OR lower998 IS NULL) AND suppression_reason IS NULL`);
    expect(unexplained!.n).toBe(0);
    const suppressedShown = await db.one<{ n: number }>(`SELECT count(*)::INTEGER n FROM marts.indicator_values
      WHERE is_suppressed AND (value IS NOT NULL OR (numerator BETWEEN 1 AND 4))`);
    expect(suppressedShown!.n).toBe(0);
  });

  it("leaves no suppressed cell recoverable by subtraction (secondary suppression)", async () => {
    const lone = await db.one<{ n: number }>(`
      SELECT count(*)::INTEGER AS n FROM (
        SELECT indicator_id, period_type, period_label, breakdown FROM marts.indicator_values v JOIN ref.areas a USING (area_code)
        WHERE a.area_type = 'ward' GROUP BY ALL
        HAVING count(*) FILTER (WHERE v.is_suppressed) = 1 AND count(*) FILTER (WHERE NOT v.is_suppressed) > 0)`);
    expect(lone!.n).toBe(0);
    // LSOAs within their ward: no lone suppressed LSOA beside published ones, and no suppressed ward
    // whose LSOAs are all published (their sum would give it away).
    const lsoas = `SELECT v.*, a.parent_code FROM marts.indicator_values v JOIN ref.areas a USING (area_code) WHERE a.area_type = 'lsoa'`;
    const loneLsoa = await db.one<{ n: number; groups: number }>(`
      SELECT count(*) FILTER (WHERE hidden = 1 AND shown > 0)::INTEGER AS n, count(*) FILTER (WHERE hidden > 0)::INTEGER AS groups FROM (
        SELECT parent_code, indicator_id, period_type, period_label, breakdown,
               count(*) FILTER (WHERE is_suppressed) AS hidden, count(*) FILTER (WHERE NOT is_suppressed) AS shown FROM (${lsoas}) GROUP BY ALL)`);
    expect(loneLsoa!.n).toBe(0);
    expect(loneLsoa!.groups).toBeGreaterThan(0); // the demo has suppressed LSOA cells: the check is not vacuous
    const wardFromLsoas = await db.one<{ n: number }>(`
      SELECT count(*)::INTEGER AS n FROM marts.indicator_values w JOIN (${lsoas}) l
        ON l.parent_code = w.area_code AND l.indicator_id = w.indicator_id AND l.period_type = w.period_type AND l.period_label = w.period_label AND l.breakdown = w.breakdown
      WHERE w.is_suppressed GROUP BY w.area_code, w.indicator_id, w.period_type, w.period_label, w.breakdown HAVING count(*) FILTER (WHERE l.is_suppressed) = 0`);
    expect(wardFromLsoas?.n ?? 0).toBe(0);
    const complement = await db.one<{ n: number }>(`
      SELECT count(*)::INTEGER AS n FROM marts.indicator_values f JOIN marts.indicator_values r USING (indicator_id, period_type, period_label, breakdown)
      WHERE f.area_code = $f AND r.area_code = $r AND f.is_suppressed <> r.is_suppressed`, { f: FOCUS, r: "Z06000001_EXCL_" + FOCUS });
    expect(complement!.n).toBe(0);
    const parts = await db.one<{ n: number }>(`
      SELECT count(*)::INTEGER AS n FROM (
        SELECT indicator_id, area_code, period_type, period_label, breakdown LIKE 'language:%' AS fam FROM marts.indicator_values
        WHERE breakdown IN ('boys', 'girls') OR breakdown LIKE 'language:%' GROUP BY ALL
        HAVING count(*) FILTER (WHERE is_suppressed) = 1 AND count(*) > 1)`);
    expect(parts!.n).toBe(0);
    const secondary = await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM marts.indicator_values WHERE suppression_reason = $r`, { r: messages.secondarySuppression() });
    expect(secondary!.n).toBeGreaterThan(0);
  });

  it("leaves no suppressed value that its own series' other periods give back (a month as the quarter less its other months, rolling windows' differences)", async () => {
    const { exposed, checked } = await periodExposures(db);
    expect(exposed).toEqual([]);
    expect(checked).toBeGreaterThan(1000); // the demo has many small monthly counts beside published quarters: not vacuous
  });

  it("compares the focus ward with the borough and the rest of the borough at both levels", async () => {
    const rows = await db.all<{ comparator_kind: string; level: string; n: number }>(
      `SELECT comparator_kind, level, count(*)::INTEGER n FROM marts.indicator_comparisons WHERE area_code = $f GROUP BY ALL ORDER BY ALL`,
      { f: FOCUS },
    );
    const kinds = new Set(rows.map((r) => r.comparator_kind));
    expect(kinds.has("parent") && kinds.has("rest_of_parent")).toBe(true);
    expect(new Set(rows.map((r) => r.level))).toEqual(new Set(["95", "99.8"]));
    const noMethod = await db.one<{ n: number }>(`SELECT count(*)::INTEGER n FROM marts.indicator_comparisons WHERE method IS NULL OR level IS NULL`);
    expect(noMethod!.n).toBe(0);
  });

  it("tells the demo's story: worse on violence, better on breastfeeding than the borough", async () => {
    const outcome = async (id: string) =>
      (await db.one<{ outcome: string }>(
        `SELECT outcome FROM marts.indicator_comparisons WHERE indicator_id = $i AND area_code = $f AND comparator_kind = 'parent'
         AND level = '95' AND breakdown = 'all' ORDER BY period_label DESC LIMIT 1`,
        { i: id, f: FOCUS },
      ))?.outcome;
    expect(await outcome("crime.violence_rate")).toBe("worse");
    expect(await outcome("health.breastfeeding_6_8_weeks")).toBe("better");
  });

  it("age-standardises emergency admissions (DSR, ESP2013, Dobson) for wards and every area made of them, from their age bands' counts", async () => {
    const v = await db.all<{ area_type: string; method: string; n: number; published: number }>(
      `SELECT area_type, method, count(*)::INTEGER AS n, count(value)::INTEGER AS published FROM marts.indicator_values
       WHERE indicator_id = 'health.emergency_admissions' GROUP BY ALL ORDER BY ALL`);
    expect(v.map((r) => r.area_type)).toEqual(expect.arrayContaining(["authority", "rest_of_authority", "ward"]));
    expect(new Set(v.map((r) => r.method))).toEqual(new Set([DSR_METHOD]));
    expect(v.every((r) => r.published > 0)).toBe(true);
    // The focus ward's financial-year DSR, recomputed from its staged age bands.
    const bands = await db.all<{ breakdown: string; x: number; n: number }>(
      `SELECT breakdown, sum(numerator)::DOUBLE AS x, sum(denominator)::DOUBLE AS n FROM staging.local_counts
       WHERE measure = 'emergency_admissions' AND area_code = $f AND period_label = '2023/24' GROUP BY 1`, { f: FOCUS });
    expect(bands).toHaveLength(19);
    const byBand = new Map(bands.map((b) => [b.breakdown, b]));
    const want = directlyStandardisedRate(ESP2013_BANDS.map((b) => byBand.get(b)!.x), ESP2013_BANDS.map((b) => byBand.get(b)!.n));
    const got = await db.one<{ value: number; lower95: number }>(
      `SELECT value, lower95 FROM marts.indicator_values WHERE indicator_id = 'health.emergency_admissions' AND area_code = $f AND period_label = '2023/24'`, { f: FOCUS });
    expect(got!.value).toBeCloseTo(want.value!, 9);
    expect(got!.lower95).toBeCloseTo(want.lower95!, 9);
  });

  it("tiers the config's localities on the wards' need scale, with the managed wards' cut", async () => {
    const locs = await db.all<{ area_code: string; wards: number; score: number; rank: number; tier: string; ward_rank: number }>(
      `SELECT area_code, wards, score, rank, tier, ward_rank FROM marts.need_index_localities ORDER BY rank`);
    expect(locs.map((l) => l.area_code).sort()).toEqual(["LOC-CENTRAL", "LOC-EAST", "LOC-NORTH", "LOC-SOUTH", "LOC-WEST"]);
    const wards = await db.all<{ score: number; tier: string }>(`SELECT score, tier FROM marts.need_index`);
    const cut = Math.min(...wards.filter((w) => w.tier === "managed").map((w) => w.score));
    for (const l of locs) {
      expect(l.tier).toBe(l.score >= cut ? "managed" : "co-ordinated");
      expect(l.ward_rank).toBe(1 + wards.filter((w) => w.score > l.score).length);
    }
    // The demo's central locality holds the two neediest wards: managed.
    expect(locs[0]).toMatchObject({ area_code: "LOC-CENTRAL", tier: "managed", wards: 4 });
    // Its score again from its own values, standardised with the wards' mean and sd of each component.
    const components = await db.all<{ indicator_id: string; domain: string; period_label: string; value: number; z_signed: number }>(
      `SELECT indicator_id, domain, period_label, value, z_signed FROM marts.need_index_components`);
    const byDomain = new Map<string, number[]>();
    for (const id of new Set(components.map((c) => c.indicator_id))) {
      const cs = components.filter((c) => c.indicator_id === id);
      const mean = cs.reduce((a, c) => a + c.value, 0) / cs.length;
      const sd = Math.sqrt(cs.reduce((a, c) => a + (c.value - mean) ** 2, 0) / (cs.length - 1));
      const sign = Math.sign(cs[0]!.z_signed) === Math.sign(cs[0]!.value - mean) ? 1 : -1;
      const v = await db.one<{ value: number }>(
        `SELECT value FROM marts.indicator_values WHERE indicator_id = $i AND area_code = 'LOC-CENTRAL' AND period_label = $p AND breakdown = 'all' AND value IS NOT NULL AND NOT is_suppressed
         ORDER BY period_type LIMIT 1`, { i: id, p: cs[0]!.period_label });
      if (v) byDomain.set(cs[0]!.domain, [...(byDomain.get(cs[0]!.domain) ?? []), (sign * (v.value - mean)) / sd]);
    }
    const domainMeans = [...byDomain.values()].map((zs) => zs.reduce((a, b) => a + b, 0) / zs.length);
    expect(locs[0]!.score).toBeCloseTo(domainMeans.reduce((a, b) => a + b, 0) / domainMeans.length, 9);
  });

  it("makes the figure marts the pack draws from the staged rows, every row accounted for", async () => {
    const one = async (sql: string) => Number(Object.values((await db.one<Record<string, unknown>>(sql))!)[0]);
    expect(await one(`SELECT sum(crimes) FROM marts.crime_by_month`)).toBe(await one(`SELECT count(*) FROM staging.crime_events`));
    expect(await one(`SELECT sum(cases) FROM marts.complaints_by_category`)).toBe(
      await one(`SELECT count(*) FROM staging.complaints WHERE ward_code IS NOT NULL AND received IS NOT NULL AND coalesce(status, '') <> 'Withdrawn'`));
    expect(await one(`SELECT sum(population) FROM marts.population_by_band WHERE sex = 'F'`)).toBeCloseTo(
      await one(`SELECT sum(population) FROM staging.population_lsoa WHERE sex = 'F' AND lsoa_code IN (SELECT lsoa_code FROM ref.lsoa_ward)`), 6);
    expect(await one(`SELECT count(*) FROM marts.lsoa_deprivation WHERE imd_score IS NOT NULL`)).toBe(await one(`SELECT count(*) FROM ref.lsoa_ward`));
    // The notebooks' marts: LSOA crime sums to the ward mart; every case, repeat and resolved case counted once.
    expect(await one(`SELECT sum(crimes) FROM marts.crime_by_lsoa_month`)).toBe(await one(`SELECT count(*) FROM staging.crime_events`));
    expect(await one(`SELECT count(*) FROM (SELECT ward_code, month, crime_type, sum(crimes) c FROM marts.crime_by_lsoa_month GROUP BY ALL)
                      FULL JOIN marts.crime_by_month USING (ward_code, month, crime_type) WHERE c IS DISTINCT FROM crimes`)).toBe(0);
    expect(await one(`SELECT sum(cases) FROM marts.complaints_by_month`)).toBe(await one(`SELECT count(*) FROM staging.complaints`));
    expect(await one(`SELECT sum(repeats) FROM marts.complaints_by_month`)).toBe(await one(`SELECT count(*) FROM staging.complaints WHERE is_repeat`));
    expect(await one(`SELECT sum(len(days)) FROM marts.complaints_by_month`)).toBe(await one(`SELECT count(days_to_resolve) FROM staging.complaints`));
    expect(await one(`SELECT sum(population) FROM marts.lsoa_population WHERE year = 2023`)).toBeCloseTo(
      await one(`SELECT sum(population) FROM staging.population_lsoa WHERE year = 2023 AND lsoa_code IN (SELECT lsoa_code FROM ref.lsoa_ward)`), 6);
    expect(await one(`SELECT sum(interviews) FROM marts.survey_design`)).toBe(await one(`SELECT count(*) FROM staging.survey_respondents WHERE ward_code IS NOT NULL`));
    expect(await one(`SELECT count(*) FROM marts.survey_design WHERE abs(design_effect * effective_n - interviews) > 1e-9`)).toBe(0);
    expect(await one(`SELECT sum(crimes) FROM marts.crime_unplaced`)).toBe(
      await one(`SELECT (SELECT coalesce(sum(crimes), 0) FROM staging.crime_no_location) + (SELECT coalesce(sum(crimes), 0) FROM staging.crime_outside_lookup)`));
  });

  it("makes the survey's priority shares from the microdata: each item once per respondent, among those who chose any", async () => {
    const rows = await db.all<{ wave: string; respondent_id: string; weight: number; item: string }>(
      `SELECT r.wave, r.respondent_id, r.weight, trim(a.answer) AS item FROM staging.survey_respondents r JOIN staging.survey_answers a USING (wave, respondent_id)
       WHERE a.question_id IN (SELECT question_id FROM ref.survey_questions WHERE type = 'priority') AND trim(a.answer) <> ''`);
    const mart = await db.all<{ wave: string; item: string; choosing: number; base: number; weighted_pct: number; lower95: number; upper95: number; rank: number }>(
      `SELECT wave, item, choosing, base, weighted_pct, lower95, upper95, rank FROM marts.survey_priorities ORDER BY wave, rank`);
    expect(mart.length).toBeGreaterThan(8);
    for (const wave of new Set(mart.map((m) => m.wave))) {
      const people = new Map<string, { w: number; items: Set<string> }>();
      for (const r of rows.filter((x) => x.wave === wave)) {
        const p = people.get(r.respondent_id) ?? { w: r.weight, items: new Set<string>() };
        p.items.add(r.item);
        people.set(r.respondent_id, p);
      }
      const total = [...people.values()].reduce((a, p) => a + p.w, 0);
      for (const m of mart.filter((x) => x.wave === wave)) {
        const choosers = [...people.values()].filter((p) => p.items.has(m.item));
        expect(m.base).toBe(people.size);
        expect(m.choosing).toBe(choosers.length);
        const share = choosers.reduce((a, p) => a + p.w, 0) / total;
        expect(m.weighted_pct).toBeCloseTo(100 * share, 9);
        // Linearised SE of a ratio of weighted totals: sqrt(sum w^2 (y - p)^2) / sum w.
        const se = Math.sqrt([...people.values()].reduce((a, p) => a + p.w ** 2 * ((p.items.has(m.item) ? 1 : 0) - share) ** 2, 0)) / total;
        expect(m.upper95 - m.weighted_pct).toBeCloseTo(100 * 1.959963984540054 * se, 9);
        expect(m.lower95).toBeLessThan(m.weighted_pct);
      }
      const ranks = mart.filter((x) => x.wave === wave);
      expect(ranks[0]!.rank).toBe(1);
    }
  });

  it("measures LSOA values where the data is LSOA-keyed and the period long enough, adding up to their ward", async () => {
    const kinds = await db.all<{ indicator_id: string; period_type: string }>(
      `SELECT DISTINCT indicator_id, period_type FROM marts.indicator_values WHERE area_type = 'lsoa' ORDER BY ALL`);
    const ids = new Set(kinds.map((k) => k.indicator_id));
    expect(ids.has("crime.all_crime_rate") && ids.has("deprivation.imd_score") && ids.has("deprivation.imd_average_rank")).toBe(true);
    // Ward-keyed sources (survey, complaints, schools) have no LSOA values; nor do months or quarters.
    expect([...ids].filter((i) => !/^(crime|deprivation)\./.test(i))).toEqual([]);
    const types = new Set(kinds.map((k) => k.period_type));
    expect(types.has("financial_year") && types.has("rolling_12_months") && types.has("snapshot")).toBe(true);
    expect(types.has("month") || types.has("quarter")).toBe(false);
    // Every LSOA of the borough, and the events of a ward's LSOAs sum to the ward's.
    const lsoas = await db.one<{ n: number }>(`SELECT count(DISTINCT area_code)::INTEGER n FROM marts.indicator_values WHERE area_type = 'lsoa'`);
    expect(lsoas!.n).toBe((await db.one<{ n: number }>(`SELECT count(*)::INTEGER n FROM ref.lsoa_ward`))!.n);
    const mismatched = await db.all(`
      WITH l AS (SELECT a.parent_code AS ward, v.period_label, sum(v.numerator) AS n, sum(v.denominator) AS d FROM marts.indicator_values v
                 JOIN ref.areas a USING (area_code) WHERE v.area_type = 'lsoa' AND v.indicator_id = 'crime.all_crime_rate' AND v.period_type = 'financial_year' GROUP BY ALL)
      SELECT l.ward, l.period_label, l.n, w.numerator FROM l JOIN marts.indicator_values w ON w.area_code = l.ward AND w.period_label = l.period_label
      WHERE w.indicator_id = 'crime.all_crime_rate' AND w.period_type = 'financial_year' AND (l.n <> w.numerator OR abs(l.d - w.denominator) > 1e-6)`);
    expect(mismatched).toEqual([]);
  });

  it("measures school absence and free school meals by ward, with the region and England only where the source publishes them", async () => {
    const byType = async (id: string) =>
      (await db.all<{ area_type: string }>(`SELECT DISTINCT area_type FROM marts.indicator_values WHERE indicator_id = $i AND value IS NOT NULL ORDER BY 1`, { i: id })).map((r) => r.area_type);
    for (const id of ["school.overall_absence", "school.persistent_absence", "school.fsm_eligible"]) {
      expect(await byType(id)).toEqual(["authority", "comparator_group", "country", "locality", "region", "rest_of_authority", "ward"]);
    }
    // KS2 tables carry England (RECTYPE 4) but no region. Localities (the demo declares five) are sums of their wards.
    expect(await byType("school.ks2_rwm_expected")).toEqual(["authority", "comparator_group", "country", "locality", "rest_of_authority", "ward"]);
    // Ward values are sums of their schools' rows; the borough uses its published LA total.
    const ward = await db.one<{ n: number; d: number }>(`SELECT sum(sess_overall)::DOUBLE n, sum(sess_possible)::DOUBLE d FROM staging.school_absence
      WHERE geographic_level = 'School' AND ward_code = $f AND academic_year = '2023/24'`, { f: FOCUS });
    const v = await db.one<{ numerator: number; denominator: number }>(`SELECT numerator, denominator FROM marts.indicator_values
      WHERE indicator_id = 'school.overall_absence' AND area_code = $f AND period_label = '2023/24'`, { f: FOCUS });
    expect(v).toEqual({ numerator: ward!.n, denominator: ward!.d });
    const la = await db.one<{ n: number }>(`SELECT sess_overall::DOUBLE n FROM staging.school_absence WHERE geographic_level = 'Local authority' AND school_type = 'Total' AND academic_year = '2023/24'`);
    expect((await db.one<{ numerator: number }>(`SELECT numerator FROM marts.indicator_values WHERE indicator_id = 'school.overall_absence' AND area_type = 'authority' AND period_label = '2023/24'`))!.numerator).toBe(la!.n);
    // A count withheld (`c`) at a school leaves that school out, with a note; nothing else is lost.
    const noted = await db.one<{ n: number }>(`SELECT count(*)::INTEGER n FROM marts.indicator_values WHERE indicator_id = 'school.persistent_absence' AND suppression_reason LIKE '%without counts left out%'`);
    expect(noted!.n).toBeGreaterThan(0);
    // The demo's story: the focus ward's pupils miss more school and more are eligible for free meals, against every comparator.
    const outcomes = await db.all<{ indicator_id: string; outcome: string }>(`SELECT DISTINCT indicator_id, outcome FROM marts.indicator_comparisons
      WHERE area_code = $f AND period_label = '2023/24' AND level = '95' AND indicator_id IN ('school.overall_absence', 'school.persistent_absence', 'school.fsm_eligible') ORDER BY 1`, { f: FOCUS });
    expect(outcomes).toEqual([
      // Free school meals is a context measure: higher, never "worse".
      { indicator_id: "school.fsm_eligible", outcome: "higher" },
      { indicator_id: "school.overall_absence", outcome: "worse" },
      { indicator_id: "school.persistent_absence", outcome: "worse" },
    ]);
  });

  it("never judges a context measure: no interval on a count of the whole population, no better or worse in the marts or the pack", async () => {
    // The share in the most deprived decile counts every resident: no sampling interval, so never compared.
    const decile = await db.one<{ n: number; with_ci: number }>(`SELECT count(*)::INTEGER n, count(lower95)::INTEGER with_ci FROM marts.indicator_values
      WHERE indicator_id = 'deprivation.most_deprived_decile' AND value IS NOT NULL`);
    expect(decile!.n).toBeGreaterThan(0);
    expect(decile!.with_ci).toBe(0);
    const judged = await db.all<{ indicator_id: string; outcome: string }>(`SELECT DISTINCT indicator_id, outcome FROM marts.indicator_comparisons
      WHERE indicator_id IN ('deprivation.most_deprived_decile', 'school.fsm_eligible') AND outcome IN ('better', 'worse') ORDER BY ALL`);
    expect(judged).toEqual([]);
    const html = readFileSync(path.join(built.packDirs[0]!, "index.html"), "utf8");
    // The glance table's row for each says why it is not judged, and carries no Worse or Better pill.
    for (const short of ["Free school meals", "In most deprived 10% nationally"]) {
      const row = html.match(new RegExp(`<tr><th scope="row">${short} <span class="unit">[\\s\\S]*?</tr>`))?.[0];
      expect(row, short).toBeDefined();
      expect(row).toContain(CONTEXT_NOTE);
      expect(row).not.toMatch(/class="pill (worse|better)"/);
    }
    // Neither is a priority, and each headline says it is context.
    const priorities = html.match(/<div class="priorities">[\s\S]*?<\/div>/)?.[0] ?? "";
    expect(priorities).toContain("<ol>");
    for (const title of ["free school meals", "most deprived neighbourhoods"]) expect(priorities.toLowerCase()).not.toContain(title);
    expect(html).toMatch(new RegExp(`Free school meals: [^<]*${CONTEXT_NOTE}`));
  });

  it("says one issue once: OHID's published asthma value repeats the asthma counts, so it has no headline, priority or need-index place of its own", async () => {
    const html = readFileSync(path.join(built.packDirs[0]!, "index.html"), "utf8");
    const lists = [...html.matchAll(/<ul class="headlines">([\s\S]*?)<\/ul>/g)].map((m) => m[1]!).join("");
    const asthma = [...lists.matchAll(/<li>[\s\S]*?<\/li>/g)].map((m) => m[0]).filter((li) => /asthma/i.test(li));
    expect(asthma).toHaveLength(1);
    expect(asthma[0]).not.toContain("(OHID)");
    // Its own section still shows it.
    expect(html).toContain("Asthma admissions, under 19s (OHID)");
    const inIndex = await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM marts.need_index_components WHERE indicator_id = 'fingertips.90810'`);
    expect(inIndex!.n).toBe(0);
  });

  it("says the survey's weights are raked (the demo rakes them), never design-weighted, from the warehouse to the pack", async () => {
    // Every estimate with respondents names its weights (an area with none has no weights to name).
    const methods = await db.all<{ method: string; respondents: boolean }>(`SELECT DISTINCT method, coalesce(denominator, 1) > 0 AS respondents
      FROM marts.indicator_values WHERE indicator_id LIKE 'survey.%' ORDER BY 1`);
    expect(methods.filter((m) => m.respondents).map((m) => m.method).sort()).toEqual(["logit; raked weights (weighted to population totals by ward, age band and sex)", "survey logit; raked weights (weighted to population totals by ward, age band and sex)"]);
    const html = readFileSync(path.join(built.packDirs[0]!, "index.html"), "utf8");
    expect(html).not.toMatch(/design-weighted/i);
    expect(html).toContain("survey estimates use raked weights (weighted to population totals by ward, age band and sex)");
    expect(html).toContain("Proportion weighted with raked weights (weighted to population totals by ward, age band and sex), with a logit 95% interval");
  });

  it("says when a funnel's centre line (the wards pooled) is not the borough's own figure on the ward chart", async () => {
    const notes = (id: string) => {
      const spec = JSON.parse(readFileSync(path.join(built.packDirs[0]!, "charts", `${id}.vl.json`), "utf8")) as { title: { subtitle?: string | string[] } };
      return [spec.title.subtitle ?? []].flat().join(" ");
    };
    // Asthma: OHID's published borough count covers the 4 wards whose suppressed counts the funnel leaves out.
    const own = await db.one<{ v: number }>(`SELECT value AS v FROM marts.indicator_values WHERE indicator_id = 'health.asthma_admissions_u19'
      AND area_code = (SELECT area_code FROM ref.areas WHERE area_type = 'authority' LIMIT 1) AND breakdown = 'all' AND period_type = 'financial_year' ORDER BY period_start DESC LIMIT 1`);
    const m = notes("health-asthma-admissions-u19-funnel").match(/Centre line: the (\d+) wards drawn pooled \(([\d,.]+) per 100,000\); Northgate's own figure, the line on the ward chart, is ([\d,.]+) per 100,000 \(it counts the wards left out too\)/);
    expect(m, "asthma funnel note").not.toBeNull();
    expect(Number(m![3]!.replace(/,/g, ""))).toBeCloseTo(own!.v, 1);
    expect(Number(m![2]!.replace(/,/g, ""))).not.toBeCloseTo(own!.v, 1);
    // Where the two agree as printed (all crime), nothing is said.
    expect(notes("crime-all-crime-rate-funnel")).toMatch(/Limits drawn/);
    expect(notes("crime-all-crime-rate-funnel")).not.toContain("Centre line");
  });

  it("draws the pack's funnels by the notebooks' rule: over-dispersed wards get adjusted limits, and the chart says so", () => {
    const html = readFileSync(path.join(built.packDirs[0]!, "index.html"), "utf8");
    // The demo's wards spread far more than chance allows (16 of 20 outside the plain 99.8% limits on violence).
    expect(html).toMatch(/Over-dispersed: \d+ of 20 areas lie outside the plain 99\.8% limits/);
    expect(html).toContain("Limits drawn: 95% and 99.8% adjusted for over-dispersion (Spiegelhalter 2005");
    expect(html).toContain("Control limits: 95% and 99.8%, adjusted for over-dispersion (Spiegelhalter 2005, additive random effects)");
  });

  it("shows the region and same-deprivation-decile comparators it computes in the glance table", () => {
    const html = readFileSync(path.join(built.packDirs[0]!, "index.html"), "utf8");
    const head = html.match(/<table class="summary-table">[\s\S]*?<\/thead>/)?.[0] ?? "";
    const columns = [...head.matchAll(/<th scope="col"[^>]*>([^<]*)/g)].map((m) => m[1]!.trim());
    expect(columns).toEqual(expect.arrayContaining(["Borough", "Same deprivation decile", "Region", "England"]));
    expect(columns.indexOf("Same deprivation decile")).toBeLessThan(columns.indexOf("Region"));
  });

  it("writes a complete pack whose manifest hashes every file", () => {
    const dir = built.packDirs[0]!;
    const manifest = JSON.parse(readFileSync(path.join(dir, "manifest.json"), "utf8"));
    const listed = new Set<string>(manifest.files.map((f: { path: string }) => f.path));
    const walk = (d: string): string[] =>
      readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.relative(dir, path.join(d, e.name))]));
    const onDisk = walk(dir).filter((f) => f !== "manifest.json");
    expect(new Set(onDisk)).toEqual(listed);
    for (const f of manifest.files) {
      expect(createHash("sha256").update(readFileSync(path.join(dir, f.path))).digest("hex"), f.path).toBe(f.sha256);
    }
    expect(manifest.inputs.length).toBeGreaterThan(40);
    for (const i of manifest.inputs) {
      expect(i.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(i.rows_read).toBe(i.rows_loaded + i.rows_rejected);
      expect(path.isAbsolute(i.path)).toBe(false);
    }
    expect(manifest.built_at).toBe("2025-06-30T12:00:00.000Z");
    const charts = onDisk.filter((f) => f.startsWith("charts/") && f.endsWith(".svg"));
    expect(charts.length).toBeGreaterThan(6);
    for (const c of charts) {
      const base = c.replace(/\.svg$/, "");
      expect(listed.has(`${base}.png`) && listed.has(`${base}.vl.json`)).toBe(true);
      expect(listed.has(`data/${path.basename(base)}.csv`)).toBe(true);
    }
  });

  it("writes an HTML pack that says synthetic demo data on every section and carries headlines", () => {
    const html = readFileSync(path.join(built.packDirs[0]!, "index.html"), "utf8");
    const sections = html.split('<section class="page"').slice(1);
    expect(sections.length).toBeGreaterThan(6);
    for (const s of sections) expect(s).toMatch(/Synthetic demo data/);
    expect(html).toMatch(/Violence and sexual offences: [\d.]+ per 1,000(?: residents)? in Northgate &amp; Eastfields \(\d{4}\/\d{2}\), significantly higher than Northgate/);
    expect(html).not.toMatch(/https?:\/\/(?!vega\.github\.io\/schema|www\.w3\.org)/);
    expect(html).toContain('http-equiv="Content-Security-Policy"');
  });

});

describe("the pack in headless Chromium", () => {
  it("loads from file:// with no console errors and no request beyond file://, and looks like a report", async () => {
    const { launchChromium } = await import("../helpers/browser.ts");
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1100, height: 1400 } });
      const errors: string[] = [];
      const requests: string[] = [];
      page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
      page.on("pageerror", (e) => errors.push(e.message));
      page.on("request", (r) => requests.push(r.url()));
      const file = path.join(built.packDirs[0]!, "index.html");
      await page.goto("file://" + file, { waitUntil: "load" });
      expect(errors).toEqual([]);
      expect(requests.filter((u) => !u.startsWith("file://"))).toEqual([]);
      expect(await page.locator("figure svg").count()).toBeGreaterThan(6);
      expect(await page.getAttribute("html", "lang")).toBe("en-GB");
      const shot = path.join(mkdtempSync(path.join(tmpdir(), "localneeds-shot-")), "pack-screenshot.png");
      await page.screenshot({ path: shot, fullPage: false });
      expect(existsSync(shot)).toBe(true);
    } finally {
      await browser.close();
    }
  });
});
