/** How the pack writes a value in a sentence: the unit once, and none for scores and ranks. */
import { describe, expect, it } from "vitest";
import { formatValue, headlineFor, wardHeadline } from "../../../pipelines/pack/headlines.ts";
import type { SummaryRow } from "../../../pipelines/pack/pack-types.ts";
import { CONTEXT_NOTE } from "../../../transforms/indicators/define.ts";

describe("formatValue", () => {
  it("writes percentages with %, rates with their unit and 'residents' for all-age populations", () => {
    expect(formatValue(61.54, "%")).toBe("61.5%");
    expect(formatValue(42.13, "per 1,000", { denominator: { population: "all_ages" } })).toBe("42.1 per 1,000 residents");
    expect(formatValue(76.9, "per 10,000", { denominator: { population: { ages: [0, 17] } } })).toBe("76.9 per 10,000");
  });
  it("writes scores and ranks bare ('2,657.7', not '2,657.7 rank'), and 'no value' for none", () => {
    expect(formatValue(2657.68, "rank")).toBe("2,657.7");
    expect(formatValue(32.4, "score")).toBe("32.4");
    expect(formatValue(null, "%")).toBe("no value");
  });
});

describe("headlines of context measures", () => {
  const row = (polarity: "low_is_good" | "no_judgement", outcome: "worse" | "higher" | "not_compared") => ({
    indicator: { id: "school.fsm_eligible", short: "Free school meals", unit: "%", polarity, denominator: { fromNumerator: true } },
    periodType: "academic_year",
    period: "2023/24",
    focus: { value: 31.5, is_suppressed: false },
    comparators: [{ kind: "parent", code: "P", name: "Borough", value: 24.6, outcome, outcome998: outcome }],
    wardRange: null,
    trend: null,
  }) as unknown as SummaryRow;

  it("say a context measure is higher (never worse) and why it is not judged", () => {
    expect(headlineFor(row("no_judgement", "higher"), "Ward")!.text).toBe(
      `Free school meals: 31.5% in Ward (2023/24), significantly higher than Borough (24.6%) (${CONTEXT_NOTE}).`);
    expect(headlineFor(row("no_judgement", "not_compared"), "Ward")!.text).toBe(
      `Free school meals: 31.5% in Ward (2023/24), against Borough (24.6%) (not tested for significance; ${CONTEXT_NOTE}).`);
    // An outcome with a polarity keeps its plain sentence.
    expect(headlineFor(row("low_is_good", "worse"), "Ward")!.text).toBe("Free school meals: 31.5% in Ward (2023/24), significantly higher than Borough (24.6%).");
  });

  it("say when a rate is of one month or one quarter, not a year's", () => {
    const monthly = { ...row("low_is_good", "worse"), indicator: { id: "crime.asb_rate", short: "Anti-social behaviour", unit: "per 1,000", polarity: "low_is_good", denominator: { population: "all_ages" } }, periodType: "month", period: "2019-02" } as unknown as SummaryRow;
    expect(headlineFor(monthly, "Ward")!.text).toMatch(/^Anti-social behaviour: 31\.5 per 1,000 residents in Ward \(in the month of 2019-02\), significantly higher/);
    expect(headlineFor({ ...monthly, periodType: "quarter", period: "2018-Q4" }, "Ward")!.text).toContain("in Ward (in the quarter 2018-Q4)");
  });

  it("flag the wards of a context measure as higher, with the reason", () => {
    const h = wardHeadline({
      indicator: { id: "school.fsm_eligible", short: "Free school meals", unit: "%", polarity: "no_judgement", denominator: { fromNumerator: true } } as never,
      period: "2023/24", parentName: "Borough", parentValue: 24.6,
      wards: [{ name: "A", value: 35, outcome: "higher" }, { name: "B", value: 20, outcome: "lower" }, { name: "C", value: 25, outcome: "similar" }],
    });
    expect(h!.outcome).toBe("higher");
    expect(h!.text).toBe(`Free school meals (2023/24): 1 of 3 wards significantly higher than Borough (24.6%): A (35.0%) (${CONTEXT_NOTE}).`);
  });
});
