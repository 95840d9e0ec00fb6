/**
 * Disclosure control of `marts.indicator_values` on a hand-made mart: the small-count floor (no
 * published value rests on a count of 1 to 4, whatever the indicator's own rule let through),
 * and secondary suppression acting on what the floor hid.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MIN_PUBLISHED_COUNT, secondarySuppression, smallCountFloor, withheldParts } from "../../transforms/disclosure.ts";
import { createCoreTables } from "../../transforms/marts.ts";
import { VALUE_COLUMNS, withholdNonFinite } from "../../transforms/indicators/measure.ts";
import type { IndicatorValueRow } from "../../transforms/marts.ts";
import type { Config } from "../../pipelines/core/config.ts";
import { fixedClock, silentLogger, type Context } from "../../pipelines/core/context.ts";
import { messages } from "../../pipelines/core/messages.ts";
import { Warehouse } from "../../pipelines/core/warehouse.ts";
import { periodExposures } from "../helpers/period-disclosure.ts";

const PARENT = "Z06000001";
const WARDS = ["Z05000001", "Z05000002", "Z05000003", "Z05000004"];

let db: Warehouse;
let ctx: Context;

beforeEach(async () => {
  db = await Warehouse.open();
  await createCoreTables(db);
  await db.insertRows("ref.areas", ["area_code", "area_name", "area_type", "parent_code", "vintage"], [
    { area_code: PARENT, area_name: "Borough", area_type: "authority", parent_code: null, vintage: "2023" },
    ...WARDS.map((w, i) => ({ area_code: w, area_name: `Ward ${i + 1}`, area_type: "ward", parent_code: PARENT, vintage: "2023" })),
  ]);
  ctx = { db, config: { parent: PARENT, focus: [], focusAreas: [] } as unknown as Config, log: silentLogger, clock: fixedClock("2025-06-30T12:00:00Z") };
});
afterEach(() => db.close());

/** A published value row; `over` sets what the case is about. */
const row = (over: Partial<IndicatorValueRow>): IndicatorValueRow => ({
  indicator_id: "survey.feel_safe", area_code: PARENT, area_type: "authority", period_type: "survey_wave", period_label: "2024",
  period_start: "2024-01-01", period_end: "2024-12-31", breakdown: "all", numerator: 20, denominator: 40, value: 50,
  lower95: 35, upper95: 65, lower998: 28, upper998: 72, method: "logit", is_suppressed: false, suppression_reason: null, ...over,
});

async function insert(rows: IndicatorValueRow[]): Promise<void> {
  await db.insertRows("marts.indicator_values", VALUE_COLUMNS, rows as unknown as Record<string, unknown>[]);
}

async function cells() {
  return db.all<{ area_code: string; breakdown: string; numerator: number | null; value: number | null; lower95: number | null; upper998: number | null; is_suppressed: boolean; suppression_reason: string | null }>(
    `SELECT area_code, breakdown, numerator, value, lower95, upper998, is_suppressed, suppression_reason FROM marts.indicator_values ORDER BY area_code, breakdown`,
  );
}

describe("small-count floor", () => {
  it("hides a survey breakdown resting on 1 to 4 positive answers (base above the survey's minimum), with the small-count reason", async () => {
    await insert([
      row({ breakdown: "language:pa", numerator: 3, denominator: 40, value: 7.5 }),
      row({ breakdown: "language:pl", numerator: 5, denominator: 40, value: 12.5 }),
      row({ breakdown: "language:ro", numerator: 0, denominator: 40, value: 0 }),
    ]);
    expect(await smallCountFloor(ctx)).toBe(1);
    const byBreakdown = Object.fromEntries((await cells()).map((c) => [c.breakdown, c]));
    expect(byBreakdown["language:pa"]).toEqual({
      area_code: PARENT, breakdown: "language:pa", numerator: null, value: null, lower95: null, upper998: null,
      is_suppressed: true, suppression_reason: messages.suppressedSmallCount(MIN_PUBLISHED_COUNT),
    });
    // 5 is published, and so is 0 (no one to disclose).
    expect(byBreakdown["language:pl"]).toMatchObject({ numerator: 5, value: 12.5, is_suppressed: false });
    expect(byBreakdown["language:ro"]).toMatchObject({ numerator: 0, value: 0, is_suppressed: false });
  });

  it("hides every count-based value resting on 1 to 4, and leaves means and medians (no count behind them)", async () => {
    await insert([
      ...[1, 2, 3, 4].map((n, i) => row({ indicator_id: `crime.rate_${i}`, method: "Byars", numerator: n, denominator: 1000, value: n })),
      row({ indicator_id: "deprivation.score", method: "population-weighted mean", numerator: 3.2, denominator: 1, value: 3.2, lower95: null, upper95: null, lower998: null, upper998: null }),
      row({ indicator_id: "complaints.days", method: "order statistics", numerator: 2, denominator: 1, value: 2 }),
    ]);
    expect(await smallCountFloor(ctx)).toBe(4);
    const left = await db.all<{ indicator_id: string }>(`SELECT indicator_id FROM marts.indicator_values WHERE NOT is_suppressed ORDER BY 1`);
    expect(left.map((r) => r.indicator_id)).toEqual(["complaints.days", "deprivation.score"]);
  });

  it("keeps the reason of a cell already suppressed", async () => {
    await insert([row({ numerator: null, value: null, lower95: null, upper95: null, lower998: null, upper998: null, is_suppressed: true, suppression_reason: messages.smallBase(30) })]);
    expect(await smallCountFloor(ctx)).toBe(0);
    expect((await cells())[0].suppression_reason).toBe(messages.smallBase(30));
  });
});

describe("secondary suppression after the floor", () => {
  it("hides the next smallest language when the floor hid exactly one, so it cannot be recovered from the total", async () => {
    await insert([
      row({ breakdown: "all", numerator: 60, denominator: 200, value: 30 }),
      row({ breakdown: "language:en", numerator: 40, denominator: 100, value: 40 }),
      row({ breakdown: "language:pa", numerator: 2, denominator: 40, value: 5 }),
      row({ breakdown: "language:pl", numerator: 18, denominator: 60, value: 30 }),
    ]);
    expect(await secondarySuppression(ctx)).toBe(1);
    const byBreakdown = Object.fromEntries((await cells()).map((c) => [c.breakdown, c]));
    expect(byBreakdown["language:pa"]).toMatchObject({ is_suppressed: true, numerator: null, suppression_reason: messages.suppressedSmallCount(5) });
    expect(byBreakdown["language:pl"]).toMatchObject({ is_suppressed: true, numerator: null, suppression_reason: messages.secondarySuppression() });
    expect(byBreakdown["language:en"]).toMatchObject({ is_suppressed: false, numerator: 40 });
    expect(byBreakdown.all).toMatchObject({ is_suppressed: false, numerator: 60 });
  });

  it("hides a second ward when the floor hid one ward of the borough", async () => {
    await insert(WARDS.map((w, i) => row({ area_code: w, area_type: "ward", method: "Wilson", numerator: [3, 12, 9, 30][i], denominator: 100 })));
    await secondarySuppression(ctx);
    const hidden = (await cells()).filter((c) => c.is_suppressed).map((c) => [c.area_code, c.suppression_reason]);
    expect(hidden).toEqual([
      ["Z05000001", messages.suppressedSmallCount(5)],
      ["Z05000003", messages.secondarySuppression()],
    ]);
  });
});

describe("secondary suppression: wards within a locality", () => {
  it("a lone suppressed ward of a locality beside its published wards: the next smallest of them is hidden, so the locality minus the rest gives nothing", async () => {
    const LOCALITY = "LOC-NORTH";
    await db.insertRows("ref.areas", ["area_code", "area_name", "area_type", "parent_code", "vintage"], [{ area_code: LOCALITY, area_name: "North", area_type: "locality", parent_code: PARENT, vintage: "config" }]);
    // Each ward is one LSOA; the locality is wards 1 to 3.
    await db.run(`CREATE TABLE ref.area_members (area_code VARCHAR, area_type VARCHAR, lsoa_code VARCHAR)`);
    await db.insertRows("ref.area_members", ["area_code", "area_type", "lsoa_code"], [
      ...WARDS.map((w, i) => ({ area_code: w, area_type: "ward", lsoa_code: `Z0100000${i + 1}` })),
      ...WARDS.slice(0, 3).map((_, i) => ({ area_code: LOCALITY, area_type: "locality", lsoa_code: `Z0100000${i + 1}` })),
    ]);
    const rate = (area: string, type: string, n: number) => row({ indicator_id: "crime.asb_rate", area_code: area, area_type: type, period_type: "month", period_label: "2018-12", method: "Byar", numerator: n, denominator: 1000 });
    // Ward 4 (outside the locality) is small too, so the borough's own rule (exactly one ward hidden) does not act.
    await insert([rate(LOCALITY, "locality", 25), rate(WARDS[0]!, "ward", 3), rate(WARDS[1]!, "ward", 10), rate(WARDS[2]!, "ward", 12), rate(WARDS[3]!, "ward", 2)]);
    await secondarySuppression(ctx);
    const hidden = (await cells()).filter((c) => c.is_suppressed).map((c) => [c.area_code, c.suppression_reason]);
    expect(hidden).toEqual([
      ["Z05000001", messages.suppressedSmallCount(5)],
      ["Z05000002", messages.secondarySuppression()],
      ["Z05000004", messages.suppressedSmallCount(5)],
    ]);
  });
});

describe("secondary suppression: LSOAs within their ward", () => {
  const LSOAS = ["Z01000001", "Z01000002", "Z01000003"];
  beforeEach(async () => {
    await db.insertRows("ref.areas", ["area_code", "area_name", "area_type", "parent_code", "vintage"],
      LSOAS.map((l, i) => ({ area_code: l, area_name: `LSOA ${i + 1}`, area_type: "lsoa", parent_code: WARDS[0]!, vintage: "2021" })));
  });
  const rate = (area: string, type: string, n: number | null, suppressed = false): IndicatorValueRow =>
    row({ indicator_id: "crime.all_crime_rate", area_code: area, area_type: type, period_type: "financial_year", period_label: "2023/24",
      numerator: n, denominator: 1500, value: n === null ? null : n / 1.5, method: "Byar", is_suppressed: suppressed, suppression_reason: suppressed ? "primary" : null });

  it("a lone suppressed LSOA beside published ones: the next smallest LSOA is hidden too", async () => {
    await insert([rate(WARDS[0]!, "ward", 60), rate(LSOAS[0]!, "lsoa", null, true), rate(LSOAS[1]!, "lsoa", 20), rate(LSOAS[2]!, "lsoa", 37)]);
    expect(await secondarySuppression(ctx)).toBe(1);
    const hidden = (await cells()).filter((c) => c.is_suppressed).map((c) => c.area_code);
    expect(hidden).toEqual([LSOAS[0], LSOAS[1]]);
  });
  it("a suppressed ward whose LSOAs are all published: the smallest LSOA is hidden, so they no longer add up to it", async () => {
    await insert([rate(WARDS[0]!, "ward", null, true), rate(LSOAS[0]!, "lsoa", 12), rate(LSOAS[1]!, "lsoa", 9), rate(LSOAS[2]!, "lsoa", 30)]);
    // The smallest (9) goes first; then it is a lone hidden LSOA, so the next smallest (12) follows.
    expect(await secondarySuppression(ctx)).toBe(2);
    const hidden = (await cells()).filter((c) => c.is_suppressed).map((c) => c.area_code);
    expect(hidden).toEqual([LSOAS[0], LSOAS[1], WARDS[0]]);
  });
});

describe("withheldParts: shares of a total published outside the mart", () => {
  const m = (o: Record<string, number>) => new Map(Object.entries(o));

  it("withholds the borough's small part too, not only the area's (share x total would give it)", () => {
    // the borough has one case of trees, all outside the focus area: the area shows 0 (true), the borough must not show 1
    const [area, borough] = withheldParts([m({ bins: 40, noise: 30, trees: 0 }), m({ bins: 400, noise: 300, trees: 1 })], [{ inner: 0, outer: 1 }]);
    expect([...area!]).toEqual([]);
    expect([...borough!].sort()).toEqual(["noise", "trees"]); // trees, then the next smallest so trees cannot be recovered from the total
  });

  it("a part whose rest of the borough is 1 to 4 is withheld in the area (borough minus area would give it)", () => {
    const [area, borough] = withheldParts([m({ bins: 40, noise: 30, potholes: 9 }), m({ bins: 400, noise: 300, potholes: 12 })], [{ inner: 0, outer: 1 }]);
    expect([...borough!]).toEqual([]);
    expect([...area!].sort()).toEqual(["noise", "potholes"]);
  });

  it("one whole: the small part and the next smallest; nothing small, nothing withheld", () => {
    expect(withheldParts([m({ a: 3, b: 50, c: 7, d: 0 })]).map((s) => [...s].sort())).toEqual([["a", "c"]]);
    expect(withheldParts([m({ a: 5, b: 50, d: 0 })]).map((s) => [...s])).toEqual([[]]);
  });
});

describe("withholdNonFinite: no NaN or infinity in the mart", () => {
  it("a row with a NaN or infinite figure is withheld with the reason and one warning per indicator", async () => {
    await insert([row({ area_code: "Z05000001", value: Number.NaN }), row({ area_code: "Z05000002", upper998: Number.POSITIVE_INFINITY }), row({ area_code: "Z05000003" })]);
    expect(await withholdNonFinite(ctx)).toBe(2);
    expect(await db.all(`SELECT area_code, value, upper998, is_suppressed, suppression_reason FROM marts.indicator_values ORDER BY area_code`)).toEqual([
      { area_code: "Z05000001", value: null, upper998: null, is_suppressed: true, suppression_reason: messages.nonFiniteValue() },
      { area_code: "Z05000002", value: null, upper998: null, is_suppressed: true, suppression_reason: messages.nonFiniteValue() },
      { area_code: "Z05000003", value: 50, upper998: 72, is_suppressed: false, suppression_reason: null },
    ]);
    expect(await db.all(`SELECT code, subject, message FROM audit.warnings`)).toEqual([
      { code: "non_finite_value", subject: "survey.feel_safe", message: messages.nonFiniteValues("survey.feel_safe", 2) },
    ]);
  });
});


describe("secondary suppression across periods (rule 4)", () => {
  const WARD = WARDS[0]!;
  /** A ward's burglary count over [start, end]; `n` null is a primary-suppressed small count. */
  const count = (period_type: string, period_label: string, period_start: string, period_end: string, n: number | null): IndicatorValueRow =>
    row({ indicator_id: "crime.burglary_rate", area_code: WARD, area_type: "ward", period_type, period_label, period_start, period_end, method: "Byars",
      numerator: n, denominator: 5000, value: n === null ? null : n / 5, is_suppressed: n === null, suppression_reason: n === null ? messages.suppressedSmallCount(5) : null });
  const monthEnd = (m: string) => new Date(Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5, 7)), 0)).toISOString().slice(0, 10);
  const month = (m: string, n: number | null) => count("month", m, `${m}-01`, monthEnd(m), n);
  const hiddenLabels = async () =>
    (await db.all<{ period_label: string }>(`SELECT period_label FROM marts.indicator_values WHERE is_suppressed AND suppression_reason = $r ORDER BY period_start, period_end`, { r: messages.secondarySuppression() }))
      .map((r) => r.period_label);

  it("a small month beside a published quarter: no month of the series is published (the quarter less the other months would give it); the quarter stays", async () => {
    // Medway's case: December 2018 burglary 3 = Q4 16 - October 8 - November 5.
    await insert([month("2018-10", 8), month("2018-11", 5), month("2018-12", null), count("quarter", "2018-Q4", "2018-10-01", "2018-12-31", 16),
      month("2019-01", 7), month("2019-02", 9), month("2019-03", 6), count("quarter", "2019-Q1", "2019-01-01", "2019-03-31", 22)]);
    expect(await secondarySuppression(ctx)).toBe(5);
    expect(await hiddenLabels()).toEqual(["2018-10", "2018-11", "2019-01", "2019-02", "2019-03"]);
  });

  it("a month withheld for want of data (no police.uk file) protects nothing: the other months stay", async () => {
    const missing = { ...month("2019-02", null), suppression_reason: messages.crimeMonthNoFile("2019-02", "kent") };
    await insert([month("2019-01", 40), missing, month("2019-03", 38), count("quarter", "2019-Q1", "2019-01-01", "2019-03-31", 120)]);
    expect(await secondarySuppression(ctx)).toBe(0);
  });

  it("rolling 12-month windows a month apart (one month less the same month a year before): the months go, the windows (the headline) stay", async () => {
    const months = Array.from({ length: 13 }, (_, i) => new Date(Date.UTC(2023, i, 1)).toISOString().slice(0, 7));
    // January 2023 is 3 (suppressed).
    const n = (i: number) => (i === 0 ? null : 10 + i);
    await insert([
      ...months.map((m, i) => month(m, n(i))),
      count("rolling_12_months", "12 months to 2023-12", "2023-01-01", "2023-12-31", 3 + months.slice(1, 12).reduce((s, _, i) => s + n(i + 1)!, 0)),
      count("rolling_12_months", "12 months to 2024-01", "2023-02-01", "2024-01-31", months.slice(1).reduce((s, _, i) => s + n(i + 1)!, 0)),
    ]);
    await secondarySuppression(ctx);
    expect(await hiddenLabels()).toEqual(months.slice(1));
    expect((await periodExposures(db)).exposed).toEqual([]);
  });

  it("a small quarter of a published year, no months: the smallest other quarter goes, not the year; rolling windows before quarters where either would do", async () => {
    const quarter = (q: string, start: string, end: string, n: number | null) => count("quarter", q, start, end, n);
    await insert([
      quarter("2023-Q2", "2023-04-01", "2023-06-30", null), quarter("2023-Q3", "2023-07-01", "2023-09-30", 12),
      quarter("2023-Q4", "2023-10-01", "2023-12-31", 8), quarter("2024-Q1", "2024-01-01", "2024-03-31", 15),
      quarter("2024-Q2", "2024-04-01", "2024-06-30", 9),
      count("financial_year", "2023/24", "2023-04-01", "2024-03-31", 38),
      // The window to June 2024 less the year gives 2024-Q2 less 2023-Q2: it must not stay with 2024-Q2 published.
      count("rolling_12_months", "12 months to 2024-06", "2023-07-01", "2024-06-30", 44),
    ]);
    await secondarySuppression(ctx);
    expect(await hiddenLabels()).toEqual(["12 months to 2024-06", "2023-Q4"]);
    expect((await periodExposures(db)).exposed).toEqual([]);
  });

  it("a suppressed year of a published pooled 3 years: a second year is hidden; survey estimates (not sums over time) are left alone", async () => {
    const year = (y: number, n: number | null) => count("financial_year", `${y}/${String(y + 1).slice(2)}`, `${y}-04-01`, `${y + 1}-03-31`, n);
    await insert([
      year(2021, null), year(2022, 7), year(2023, 9), count("pooled_3_financial_years", "2021/22 - 2023/24", "2021-04-01", "2024-03-31", 19),
      // A survey's quarter and year are weighted estimates: the year is not the sum of its quarters.
      row({ period_type: "quarter", period_label: "2024-Q1", period_start: "2024-01-01", period_end: "2024-03-31", numerator: null, value: null, lower95: null, upper95: null,
        lower998: null, upper998: null, is_suppressed: true, suppression_reason: messages.smallBase(30), method: "survey logit" }),
      row({ period_type: "financial_year", period_label: "2023/24", period_start: "2023-04-01", period_end: "2024-03-31", method: "survey logit" }),
      row({ period_type: "quarter", period_label: "2023-Q4", period_start: "2023-10-01", period_end: "2023-12-31", method: "survey logit" }),
    ]);
    await secondarySuppression(ctx);
    expect(await hiddenLabels()).toEqual(["2022/23"]);
  });
});

describe("secondary suppression: the focus area is hidden last", () => {
  it("when a second ward must go, a ward other than the focus goes, even if the focus is smaller", async () => {
    ctx = { ...ctx, config: { parent: PARENT, focus: [WARDS[1]!], focusAreas: [{ code: WARDS[1]! }] } as unknown as Config };
    await insert(WARDS.map((w, i) => row({ area_code: w, area_type: "ward", method: "Wilson", numerator: [3, 9, 12, 30][i], denominator: 100 })));
    await secondarySuppression(ctx);
    const hidden = (await cells()).filter((c) => c.is_suppressed).map((c) => c.area_code);
    expect(hidden).toEqual(["Z05000001", "Z05000003"]);
  });
});
