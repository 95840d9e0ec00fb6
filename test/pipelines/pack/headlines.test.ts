/** How the pack writes a value in a sentence: the unit once, and none for scores and ranks. */
import { describe, expect, it } from "vitest";
import { formatValue } from "../../../pipelines/pack/headlines.ts";

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
