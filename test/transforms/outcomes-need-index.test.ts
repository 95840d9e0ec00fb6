/** Outcomes framework rows, the need index arithmetic, and nearest-neighbour similar wards. */
import { describe, expect, it } from "vitest";
import { directionOf, outcomeRow } from "../../transforms/outcomes.ts";
import { rankScores, scoreWards, signedZ } from "../../transforms/need-index.ts";
import { nearestWards } from "../../transforms/reference/comparator-groups.ts";
import { normaliseIndicator, type IndicatorSpec } from "../../transforms/indicators/define.ts";
import type { IndicatorValueRow } from "../../transforms/marts.ts";
import { changeFromBaseline, crudeRate } from "../../transforms/stats/index.ts";

const ind = (id: string, domain: IndicatorSpec["domain"], polarity: IndicatorSpec["polarity"]) =>
  normaliseIndicator({ id, domain, polarity, title: id, source: "t", method: "rate", numerator: { kind: "events", from: "x", date: "d", area: "lsoa_code" }, denominator: { population: "all_ages" } });

const valueAt = (period: string, x: number, n: number, suppressed = false): IndicatorValueRow => {
  const e = crudeRate(x, n, { multiplier: 1000 });
  return {
    indicator_id: "crime.asb_rate", area_code: "Z05000007", area_type: "ward", period_type: "financial_year", period_label: period,
    period_start: `${period.slice(0, 4)}-04-01`, period_end: "", breakdown: "all", numerator: x, denominator: n,
    value: suppressed ? null : e.value, lower95: suppressed ? null : e.lower95, upper95: suppressed ? null : e.upper95,
    lower998: e.lower998, upper998: e.upper998, method: e.method, is_suppressed: suppressed, suppression_reason: null,
  };
};

describe("outcomes", () => {
  const asb = ind("crime.asb_rate", "crime", "low_is_good");
  it("a significant fall in a low-is-good rate is an improvement, with MOVER limits", () => {
    const base = valueAt("2022/23", 400, 12000);
    const latest = valueAt("2024/25", 250, 12000);
    const o = outcomeRow(asb, base, latest, { change: -20, by: "2027/28" });
    const lim = (r: IndicatorValueRow) => ({ value: r.value, lower95: r.lower95, upper95: r.upper95 });
    const c = changeFromBaseline(lim(base), lim(latest), "difference");
    expect(o).toMatchObject({ change: c.change, change_lower95: c.lower95, change_upper95: c.upper95, significant: true, direction: "improved" });
    expect(o.target_value).toBeCloseTo(base.value! * 0.8, 12);
    expect(o.target_met).toBe(true);
    expect(o.progress_pct).toBeCloseTo(((latest.value! - base.value!) / (o.target_value! - base.value!)) * 100, 10);
    expect(o.target_description).toBe("20% lower than the baseline by 2027/28");
  });
  it("overlapping values are no significant change; a suppressed baseline is not comparable with a note", () => {
    expect(outcomeRow(asb, valueAt("2022/23", 400, 12000), valueAt("2024/25", 395, 12000)).direction).toBe("no significant change");
    const o = outcomeRow(asb, valueAt("2022/23", 3, 12000, true), valueAt("2024/25", 395, 12000));
    expect(o).toMatchObject({ direction: "not comparable", change: null, significant: false });
    expect(o.note).toMatch(/baseline/);
  });
  it("no-judgement indicators increase or decrease", () => {
    expect(directionOf(true, 2, "no_judgement")).toBe("increased");
    expect(directionOf(true, -2, "high_is_good")).toBe("worsened");
    expect(directionOf(false, -2, "high_is_good")).toBe("no significant change");
  });
});

describe("need index", () => {
  const crime = ind("crime.a", "crime", "low_is_good");
  const voice = ind("survey.b", "survey", "high_is_good");
  it("signs z-scores so that higher means more need", () => {
    const zc = signedZ(crime, [{ area_code: "A", value: 10 }, { area_code: "B", value: 20 }, { area_code: "C", value: 30 }]);
    expect(zc.get("C")).toBeCloseTo(1, 12);
    expect(zc.get("A")).toBeCloseTo(-1, 12);
    const zv = signedZ(voice, [{ area_code: "A", value: 10 }, { area_code: "B", value: 20 }, { area_code: "C", value: 30 }]);
    expect(zv.get("A")).toBeCloseTo(1, 12);
  });
  it("drops indicators with no spread or too few wards", () => {
    expect(signedZ(crime, [{ area_code: "A", value: 5 }, { area_code: "B", value: 5 }, { area_code: "C", value: 5 }]).size).toBe(0);
    expect(signedZ(crime, [{ area_code: "A", value: 5 }, { area_code: "B", value: 6 }]).size).toBe(0);
  });
  it("averages within domains, then across domains with weights, and ranks highest need first", () => {
    const comps = [
      { area_code: "A", indicator: crime, period_label: "p", value: 0, z: 2 },
      { area_code: "A", indicator: voice, period_label: "p", value: 0, z: 0 },
      { area_code: "B", indicator: crime, period_label: "p", value: 0, z: 0 },
      { area_code: "B", indicator: voice, period_label: "p", value: 0, z: 1.5 },
    ];
    const equal = scoreWards(comps, {});
    expect(equal.get("A")!.score).toBe(1);
    expect(equal.get("B")!.score).toBe(0.75);
    expect([...rankScores(equal)]).toEqual([["A", 1], ["B", 2]]);
    const voiceHeavy = scoreWards(comps, { domainWeights: { survey: 3 } });
    expect([...rankScores(voiceHeavy)]).toEqual([["B", 1], ["A", 2]]);
  });
});

describe("similar wards", () => {
  const p = (ward_code: string, imd: number, young: number) => ({
    ward_code, population: 1000, imd_score: imd, most_deprived_decile_share: null, share_aged_0_15: young, share_aged_65_plus: 0.2, mean_decile: null,
  });
  it("finds the nearest wards on standardised variables, deterministically", () => {
    const profiles = [p("F", 50, 0.3), p("A", 48, 0.29), p("B", 10, 0.1), p("C", 45, 0.31), p("D", 12, 0.12)];
    const near = nearestWards(profiles, ["F"], ["imd_score", "share_aged_0_15", "share_aged_65_plus"], 2);
    expect(near.map((n) => n.ward_code)).toEqual(["A", "C"]);
    expect(near[0]!.distance).toBeLessThan(near[1]!.distance);
  });
});
