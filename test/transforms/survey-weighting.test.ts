/** What the survey weighting did, in words: raked weights are never called design weights. */
import { describe, expect, it } from "vitest";
import { WEIGHTING_WORDS, weightingMethod, weightingsOf, weightingWords } from "../../transforms/survey-weighting.ts";

describe("survey weighting words", () => {
  it("names raked weights as weighted to population totals, and design weights as design weights", () => {
    expect(weightingWords(["raked", "raked"])).toBe("raked weights (weighted to population totals by ward, age band and sex)");
    expect(weightingWords(["design"])).toBe("design weights");
    // A period mixing a raked wave with one raking could not fit says both, raked first.
    expect(weightingWords(["design", "raked"])).toBe("raked weights (weighted to population totals by ward, age band and sex) and design weights");
    expect(weightingWords([])).toBeNull();
  });

  it("puts the weighting in the method label and reads it back", () => {
    expect(weightingMethod("logit", ["raked"])).toBe(`logit; ${WEIGHTING_WORDS.raked}`);
    expect(weightingMethod("logit", [])).toBe("logit");
    expect(weightingsOf(weightingMethod("survey logit", ["design", "raked"]))).toEqual(["design", "raked"]);
    expect(weightingsOf("Wilson")).toEqual([]);
    expect(weightingsOf(null)).toEqual([]);
  });
});
