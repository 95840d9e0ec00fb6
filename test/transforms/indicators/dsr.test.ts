/**
 * Directly standardised rates as the measure stage makes them (`dsrRows`): count rows by ESP2013
 * age band per area and period -> one value per area and period, checked against the
 * PHEindicatormethods reference (`../shared/reference`), and withheld with the reason when a
 * band is missing, the count is small (1 to 4) or below PHE's 10 events.
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { dsrRows, DSR_METHOD, type CountRow } from "../../../transforms/indicators/measure.ts";
import { normaliseIndicator } from "../../../transforms/indicators/define.ts";
import { healthIndicators } from "../../../transforms/indicators/catalogue/health.ts";
import { ESP2013_BANDS } from "../../../transforms/stats/index.ts";
import { messages } from "../../../pipelines/core/messages.ts";
import { hasShared, referenceFile, sharedSkipReason } from "../../helpers/shared.ts";

const ind = normaliseIndicator(healthIndicators.find((i) => i.id === "health.emergency_admissions")!);

/** Count rows of one area and period, one per band (or split in two rows per band, as wards summed into an area are). */
function rows(area: string, x: readonly number[], n: readonly number[], split = false): CountRow[] {
  const row = (b: number, num: number, den: number): CountRow => ({
    area_code: area, area_type: "ward", period_label: "2023/24", period_start: "2023-04-01", period_end: "2024-03-31", breakdown: ESP2013_BANDS[b]!, numerator: num, denominator: den, note: null,
  });
  return ESP2013_BANDS.flatMap((_, b) => (split ? [row(b, Math.floor(x[b]! / 2), Math.floor(n[b]! / 2)), row(b, x[b]! - Math.floor(x[b]! / 2), n[b]! - Math.floor(n[b]! / 2))] : [row(b, x[b]!, n[b]!)]));
}

const N = [7500, 7800, 7400, 7000, 8000, 8500, 8000, 7500, 7000, 7000, 6500, 6000, 5500, 5000, 4500, 3500, 2500, 1500, 900];

describe("directly standardised rates in the measure stage", () => {
  it("is declared on counts by age band, per 100,000", () => {
    expect(ind).toMatchObject({ method: "dsr", multiplier: 100000, unit: "per 100,000" });
    expect(() => normaliseIndicator({ ...healthIndicators[0]!, id: "health.x", method: "dsr", numerator: { kind: "events", from: "t", date: "d", area: "lsoa_code" } })).toThrow(
      /a dsr counts by ESP2013 age band/,
    );
  });

  it.skipIf(!hasShared)(`matches PHEindicatormethods calculate_dsr, whichever way the band rows are split${sharedSkipReason}`, () => {
    type Case = { id: string; x: number[]; n: number[] };
    const cases = (JSON.parse(readFileSync(referenceFile("phe-methods.cases.json"), "utf8")) as { cases: Case[] }).cases;
    const expected = (JSON.parse(readFileSync(referenceFile("phe-methods.expected.json"), "utf8")) as { results: { id: string; value: number; lower95: number; upper95: number; lower99_8: number; upper99_8: number }[] }).results;
    const c = cases.find((k) => k.id === "dsr_esp2013")!;
    const want = expected.find((k) => k.id === "dsr_esp2013")!;
    for (const split of [false, true]) {
      const [r] = dsrRows(ind, "financial_year", rows("W1", c.x, c.n, split));
      expect(r).toMatchObject({ area_code: "W1", breakdown: "all", numerator: 986, denominator: 111600, method: DSR_METHOD, is_suppressed: false });
      expect(r!.value).toBeCloseTo(want.value, 9);
      expect(r!.lower95).toBeCloseTo(want.lower95, 9);
      expect(r!.upper95).toBeCloseTo(want.upper95, 9);
      expect(r!.lower998).toBeCloseTo(want.lower99_8, 9);
      expect(r!.upper998).toBeCloseTo(want.upper99_8, 9);
    }
  });

  it("one value per area and period, from that area's bands only", () => {
    const x = N.map((n) => Math.round(n / 100));
    const out = dsrRows(ind, "financial_year", [...rows("W1", x, N), ...rows("W2", x.map((v) => v * 2), N)]);
    expect(out.map((r) => r.area_code)).toEqual(["W1", "W2"]);
    expect(out[1]!.value! / out[0]!.value!).toBeCloseTo(2, 12);
  });

  it("withholds with the reason: a missing band, a band with no population, 1 to 4 events, fewer than 10", () => {
    const x = N.map(() => 3);
    const noBand = rows("W1", x, N).filter((r) => r.breakdown !== "90+");
    expect(dsrRows(ind, "financial_year", noBand)[0]).toMatchObject({ value: null, is_suppressed: true, suppression_reason: messages.dsrBandsMissing(["90+"]) });
    const empty = rows("W1", x, N.map((n, i) => (i < 2 ? 0 : n)));
    expect(dsrRows(ind, "financial_year", empty)[0]!.suppression_reason).toBe(messages.dsrBandsMissing(["0-4", "5-9"]));
    const three = rows("W1", N.map((_, i) => (i === 18 ? 3 : 0)), N);
    expect(dsrRows(ind, "financial_year", three)[0]).toMatchObject({ numerator: null, value: null, suppression_reason: messages.suppressedSmallCount(5) });
    const seven = rows("W1", N.map((_, i) => (i === 18 ? 7 : 0)), N);
    expect(dsrRows(ind, "financial_year", seven)[0]).toMatchObject({ numerator: 7, value: null, lower95: null, suppression_reason: messages.dsrTooFew(7, 10) });
    const zero = rows("W1", N.map(() => 0), N);
    expect(dsrRows(ind, "financial_year", zero)[0]).toMatchObject({ numerator: 0, value: null, suppression_reason: messages.dsrTooFew(0, 10) });
  });

  it("a breakdown that is not an ESP2013 band is an error naming it", () => {
    const bad = rows("W1", N, N).map((r) => (r.breakdown === "90+" ? { ...r, breakdown: "90-94" } : r));
    expect(() => dsrRows(ind, "financial_year", bad)).toThrow(/"90-94" is not an ESP2013 age band/);
  });
});
